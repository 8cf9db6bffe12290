"""The command palette (ctrl+p): every action, every view, every canned reply, every theme,
saving the current search as a view, and setting one's presence. Chinese names are found
by their pinyin too."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from agentdesk import pinyin_match
from agentdesk.i18n import _
from agentdesk.store.presence import PRESENCES
from agentdesk.text import one_line
from agentdesk.ui.keys import MAIN_KEYS, key_label
from agentdesk.words import PRESENCE, word


class AgentDeskCommands(Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        from agentdesk.ui.screens.main import MainScreen

        screen = self.screen  # the screen the palette was opened on
        if not isinstance(screen, MainScreen):
            # A dialog is open: only what makes sense anywhere.
            return self._themes()
        out: list[tuple[str, object, str]] = []
        keymap = self.app.settings.keymap
        unavailable = screen.unavailable_keys()
        for spec in MAIN_KEYS:
            if spec.id.startswith("view_"):
                continue
            keys = key_label(keymap.get(spec.id, spec.keys))
            why = unavailable.get(spec.id)
            if why:  # listed, so the agent learns why it is not there for this ticket
                label = _("{action} (not for this ticket)").format(action=spec.description)
                out.append((label, partial(screen.notify, why, severity="warning"), keys))
            else:
                out.append((spec.description, partial(screen.run_action, spec.action), keys))
        for v in screen.views:
            out.append(
                (
                    _("View: {name}").format(name=one_line(v.title)),
                    partial(screen.select_view, v.id),
                    "",
                )
            )
        if screen.search_view is not None:
            out.append((_("Save this search as a view…"), screen.save_search_as_view, ""))
        for p in PRESENCES:
            out.append(
                (
                    _("Presence: {p}").format(p=word(PRESENCE, p)),
                    partial(self.app.set_presence, p),
                    "",
                )
            )
        for entry in screen.canned_index().entries:
            label = _("Canned: {title}").format(title=one_line(entry.title))
            if entry.shortcode:
                label += f" (/{one_line(entry.shortcode)})"
            out.append((label, partial(screen.action_canned, entry.shortcode or entry.title), ""))
        return out + self._themes()

    def _themes(self) -> list[tuple[str, object, str]]:
        return [
            (_("Theme: {name}").format(name=name), partial(setattr, self.app, "theme", name), "")
            for name in sorted(self.app.available_themes)
        ]

    async def discover(self) -> Hits:
        for name, callback, keys in self._commands()[:40]:
            yield DiscoveryHit(name, callback, help=keys or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        forms = pinyin_match.query_forms(query)
        for name, callback, keys in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=keys or None)
            elif forms[0] and pinyin_match.has_chinese(name):
                # A view or canned reply with a Chinese name, typed in pinyin (`tuihuanhuo`).
                by_pinyin = pinyin_match.score(forms, pinyin_match.phrase_keys(name))
                if by_pinyin is not None:
                    yield Hit(by_pinyin / 100, name, callback, help=keys or None)
