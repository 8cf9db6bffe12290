"""What the agent's keys do to tickets, as jobs for the writer thread.

Each job takes the writer's store, enqueues outbox ops (the change shows at once, the
engine delivers it) and returns a short summary. For bulk actions every ticket is tried
and the ones that failed are named, so one bad ticket does not stop the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agentdesk.config import Settings
from agentdesk.i18n import _
from agentdesk.store import outbox
from agentdesk.store.db import Store
from agentdesk.store.drafts import delete_draft
from agentdesk.store.outbox import Actor, OutboxError


@dataclass
class Outcome:
    done: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    def summary(self, verb: str) -> str:
        text = _("{verb}: {n} ticket(s)").format(verb=verb, n=len(self.done))
        if self.failed:
            tid, why = self.failed[0]
            text += _("; {n} failed (#{tid}: {why})").format(n=len(self.failed), tid=tid, why=why)
        return text


class Actions:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.actor = Actor(settings.agent.email, settings.agent.name)
        self.policies = settings.sla_policies

    def _each(self, store: Store, ticket_ids: Sequence[int], one: Callable[[int], None]) -> Outcome:
        out = Outcome()
        for tid in ticket_ids:
            try:
                one(tid)
            except OutboxError as e:
                out.failed.append((tid, str(e)))
            else:
                out.done.append(tid)
        return out

    def take(self, store: Store, ticket_ids: Sequence[int]) -> Outcome:
        return self._each(
            store, ticket_ids, lambda t: outbox.enqueue_take(store, t, self.actor, self.policies)
        )

    def set_status(self, store: Store, ticket_ids: Sequence[int], status: str) -> Outcome:
        return self._each(
            store,
            ticket_ids,
            lambda t: outbox.enqueue_status(store, t, status, self.actor, self.policies),
        )

    def tags(
        self, store: Store, ticket_ids: Sequence[int], add: Sequence[str], remove: Sequence[str]
    ) -> Outcome:
        return self._each(
            store,
            ticket_ids,
            lambda t: outbox.enqueue_tags(
                store, t, self.actor, self.policies, add=add, remove=remove
            ),
        )

    def apply_macro(self, store: Store, ticket_id: int, macro: dict) -> None:
        """A canned reply's effects: status, priority, tags, a team (by name on the ticket's platform)."""
        if macro.get("tags"):
            outbox.enqueue_tags(store, ticket_id, self.actor, self.policies, add=macro["tags"])
        if macro.get("priority"):
            outbox.enqueue_priority(store, ticket_id, macro["priority"], self.actor, self.policies)
        if macro.get("team"):
            team = store.one(
                "SELECT tm.id FROM teams tm JOIN tickets t ON t.connector = tm.connector"
                " WHERE t.id = ? AND tm.name = ? COLLATE NOCASE",
                (ticket_id, macro["team"]),
            )
            if team is None:
                raise OutboxError(_('no team named "{team}"').format(team=macro["team"]))
            outbox.enqueue_transfer(store, ticket_id, self.actor, self.policies, team_id=team[0])
        if macro.get("status"):
            outbox.enqueue_status(store, ticket_id, macro["status"], self.actor, self.policies)

    def send(
        self,
        store: Store,
        ticket_id: int,
        kind: str,
        body: str,
        macro: dict,
        *,
        solve: bool,
    ) -> str:
        """Send a reply or note, then its macro effects, then solve if asked; the draft goes."""
        outbox.enqueue_message(
            store, ticket_id, body, self.actor, self.policies, internal=kind == "note"
        )
        delete_draft(store, ticket_id, self.actor.key)
        self.apply_macro(store, ticket_id, macro)
        if solve and macro.get("status") != "solved":
            outbox.enqueue_status(store, ticket_id, "solved", self.actor, self.policies)
        return _("note queued") if kind == "note" else _("reply queued")

    def send_canned_to_many(self, store: Store, bodies: dict[int, str], macro: dict) -> Outcome:
        """A canned reply filled per ticket, sent to each marked ticket, with its effects."""

        def one(tid: int) -> None:
            outbox.enqueue_message(store, tid, bodies[tid], self.actor, self.policies)
            self.apply_macro(store, tid, macro)

        return self._each(store, list(bodies), one)

    def transfer(
        self,
        store: Store,
        ticket_ids: Sequence[int],
        *,
        agent_id: int | None,
        team_id: int | None,
        note: str,
    ) -> Outcome:
        """The handoff note lands in the thread first, then the ticket moves."""

        def one(tid: int) -> None:
            if note.strip():
                outbox.enqueue_message(store, tid, note, self.actor, self.policies, internal=True)
            outbox.enqueue_transfer(
                store, tid, self.actor, self.policies, team_id=team_id, agent_id=agent_id
            )

        return self._each(store, ticket_ids, one)

    def failed_op(self, store: Store, ticket_id: int):
        return store.one(
            "SELECT o.id, o.kind, o.last_error, m.body FROM outbox o LEFT JOIN messages m"
            " ON m.id = o.message_id WHERE o.ticket_id = ? AND o.state = 'failed' ORDER BY o.id LIMIT 1",
            (ticket_id,),
        )
