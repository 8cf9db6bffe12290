"""Which of the agent's keys the tickets in hand allow, from what each ticket's platform can
carry (the config's connectors, each declaring its op kinds).

A key the platform cannot carry stays in the footer, dimmed; pressing it says why; help and
the palette mark it. With marked tickets on several platforms a key works when any of them
can take it, and the action names the tickets it skipped. The store refuses the rest anyway:
this only makes the refusal visible before the agent tries.
"""

from __future__ import annotations

from agentdesk.ui.keys import MAIN_KEYS, needed_kinds

_NEEDS = needed_kinds(MAIN_KEYS)


class ActionLimits:
    """Mixed into MainScreen; uses its inbox."""

    _limits_for: frozenset[str] | None = None

    def target_connectors(self) -> set[str]:
        """The connectors of the marked tickets, or of the one under the cursor."""
        if self.inbox.marked:
            return set(self.inbox.marked_connectors.values())
        row = self.inbox.current_row()
        return {row["connector"]} if row is not None else set()

    def why_not(self, kind: str) -> str | None:
        """Why no ticket in hand can take an op of `kind`; None when at least one can."""
        reasons = [
            self.app.action_context.unsupported(c, kind) for c in sorted(self.target_connectors())
        ]
        if not reasons or any(r is None for r in reasons):
            return None
        return reasons[0]

    def unavailable_keys(self) -> dict[str, str]:
        """Binding id -> why, for the keys the tickets in hand do not allow."""
        out = {}
        for spec in MAIN_KEYS:
            why = self.why_not(spec.needs) if spec.needs else None
            if why:
                out[spec.id] = why
        return out

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        kind = _NEEDS.get((action, tuple(parameters)))
        if kind is not None and self.why_not(kind):
            return None  # shown dimmed in the footer; a press is explained by explain_key
        return True

    def limits_may_have_changed(self) -> None:
        """After the cursor or the marks moved: redraw the footer if the platforms changed."""
        now = frozenset(self.target_connectors())
        if now != self._limits_for:
            self._limits_for = now
            self.refresh_bindings()

    def explain_key(self, key: str) -> bool:
        """If `key` is an action the tickets in hand do not allow, say why; True if it was."""
        keymap = self.app.settings.keymap
        for spec in MAIN_KEYS:
            if not spec.needs:
                continue
            keys = [k.strip() for k in keymap.get(spec.id, spec.keys).split(",")]
            if key in keys:
                why = self.why_not(spec.needs)
                if why:
                    self.notify(why, title=spec.description, severity="warning", timeout=5)
                    return True
        return False
