"""What one keystroke of an agent does, queued in one transaction or not at all.

A reply with its canned reply's effects and a solve, a transfer with its handoff note, a
bulk action over marked tickets: each is planned as typed ops per ticket (names resolved,
values checked, the ticket's platform asked whether it can carry each kind), then queued
in one write transaction. For one ticket, any problem refuses the whole action with a
message that names it, and nothing (not even the draft's removal) happens. Over several
tickets, each ticket gets all of its ops or none: the ones that cannot are skipped and
named with the reason, the others are queued together.

`action_id` fixes the identity of every op of an action when the agent commits to it, so
running the same action again (a repeated key, a retried write) queues nothing new.
"""

from __future__ import annotations

import sqlite3
import uuid as uuidlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agentdesk.config.settings import Settings
from agentdesk.i18n import _, n_
from agentdesk.ops import (
    AgentRef,
    Assign,
    Change,
    InvalidOp,
    Note,
    Reply,
    SetPriority,
    SetStatus,
    Tags,
    TeamRef,
    Transfer,
    describe,
)
from agentdesk.sla.policy import SLAPolicy
from agentdesk.store import undo
from agentdesk.store.db import Store, now
from agentdesk.store.outbox import Actor, OutboxError, my_agent, queue
from agentdesk.words import STATUS, word

_OP_NAMESPACE = uuidlib.UUID("5a0c3f62-6f4e-4f43-9b4e-6d1c0e2a7d11")

Plan = Callable[[sqlite3.Connection, sqlite3.Row], list[Change]]


class ActionRefused(OutboxError):
    """The action cannot be queued; the message says why, for the agent as is."""


@dataclass(frozen=True)
class Platform:
    """What a connector's platform is called and which op kinds it can carry."""

    name: str
    ops: frozenset[str]
    reply_status: str | None = None  # the status a reply gives a ticket there, if any
    statuses: frozenset[str] | None = None  # the statuses it can set; None: all
    statuses_note: str = ""  # why the others cannot be set


@dataclass(frozen=True)
class ActionContext:
    """Who acts, the SLA policies that re-derive due times, and each connector's platform."""

    actor: Actor
    policies: Sequence[SLAPolicy]
    platforms: Mapping[str, Platform]

    @classmethod
    def from_settings(cls, settings: Settings) -> ActionContext:
        return cls(
            Actor(settings.agent.email, settings.agent.name),
            settings.sla_policies,
            {
                c.name: Platform(
                    c.platform or c.type, c.ops, c.reply_status, c.statuses, c.statuses_note
                )
                for c in settings.connectors
            },
        )

    def reply_status(self, connector: str) -> str | None:
        platform = self.platforms.get(connector)
        return platform.reply_status if platform else None

    def unsupported(self, connector: str, kind: str, change: Change | None = None) -> str | None:
        """Why a connector's tickets cannot take an op of `kind` (or this very `change`:
        a status the platform cannot set), or None if they can."""
        platform = self.platforms.get(connector)
        if platform is None:
            return _('connector "{name}" is not in the config').format(name=connector)
        if kind not in platform.ops:
            return _("{what} are not available on {platform} (connector {name})").format(
                what=describe(kind), platform=platform.name, name=connector
            )
        status = getattr(change, "status", None) if isinstance(change, SetStatus) else None
        if status is not None and platform.statuses is not None and status not in platform.statuses:
            return _("{platform} cannot set {status} (connector {name}){why}").format(
                platform=platform.name,
                status=word(STATUS, status),
                name=connector,
                why=f": {_(platform.statuses_note)}" if platform.statuses_note else "",
            )
        return None


@dataclass
class Outcome:
    done: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # id, "#remote", why
    op_uuids: list[str] = field(default_factory=list)
    held: undo.Held | None = None  # a held action: it can be taken back until released

    def summary(self, verb: str) -> str:
        """One line for the agent: what was done, and which tickets were skipped and why."""
        n = len(self.done)
        text = n_("{verb}: {n} ticket", "{verb}: {n} tickets", n).format(verb=verb, n=n)
        if self.skipped:
            by_reason: dict[str, list[str]] = {}
            for _tid, label, why in self.skipped:
                by_reason.setdefault(why, []).append(label)
            parts = [
                "{} ({})".format(", ".join(labels[:5]) + ("…" if len(labels) > 5 else ""), why)
                for why, labels in by_reason.items()
            ]
            text += _("; skipped {n}: {which}").format(n=len(self.skipped), which="; ".join(parts))
        return text


def _op_uuid(action_id: str | None, ticket_id: int, n: int) -> str:
    if action_id is None:
        return str(uuidlib.uuid4())
    return str(uuidlib.uuid5(_OP_NAMESPACE, f"{action_id}/{ticket_id}/{n}"))


def queue_planned(
    store: Store,
    ctx: ActionContext,
    ticket_ids: Sequence[int],
    plan: Plan,
    *,
    action_id: str | None = None,
    after: Callable[[sqlite3.Connection, sqlite3.Row], None] | None = None,
    hold: int = 0,
) -> Outcome:
    """Plan and queue one action's ops on each ticket: the unit of work every action here
    (and store/snooze_actions.py) is made of. `hold`: seconds the ops wait before
    the engine may send them, so the agent can take the action back (store/undo.py)."""
    out = Outcome()
    if hold and action_id is None:
        action_id = str(uuidlib.uuid4())  # an undo names the action
    hold_until = now() + hold if hold else None
    before: dict[int, dict] = {}
    with store.write() as conn:
        for tid in ticket_ids:
            ticket = conn.execute(
                "SELECT id, connector, remote_id, status FROM tickets WHERE id = ?", (tid,)
            ).fetchone()
            if ticket is None:
                out.skipped.append((tid, f"#{tid}", _("the ticket does not exist")))
                continue
            label = f"#{ticket['remote_id']}"
            try:
                changes = plan(conn, ticket)
                for change in changes:
                    why = ctx.unsupported(ticket["connector"], change.kind, change)
                    if why:
                        raise ActionRefused(why)
            except (ActionRefused, InvalidOp) as e:
                out.skipped.append((tid, label, str(e)))
                continue
            uuids = [_op_uuid(action_id, tid, n) for n in range(len(changes))]
            if action_id is not None and uuids and _queued(conn, uuids[0]):
                out.done.append(tid)  # this very action was queued before: nothing new
                continue
            conn.execute("SAVEPOINT ticket_action")
            try:
                if hold:
                    before[tid] = undo.snapshot(conn, tid)
                for change, op_uuid in zip(changes, uuids, strict=True):
                    queue(conn, ticket, change, ctx.actor, ctx.policies, op_uuid, hold_until)
                if after is not None:
                    after(conn, ticket)
            except (OutboxError, InvalidOp) as e:
                conn.execute("ROLLBACK TO ticket_action")
                conn.execute("RELEASE ticket_action")
                out.skipped.append((tid, label, str(e)))
                continue
            conn.execute("RELEASE ticket_action")
            out.done.append(tid)
            out.op_uuids.extend(uuids)
        if hold and out.op_uuids:
            undo.record(conn, action_id, ctx.actor.key, hold_until, out.op_uuids, before)
            out.held = undo.Held(action_id, hold_until)
    return out


def automated(
    store: Store,
    ctx: ActionContext,
    ticket_id: int,
    plan: Plan,
    *,
    action_id: str,
    after: Callable[[sqlite3.Connection, sqlite3.Row], None],
) -> Outcome:
    """A rule's actions on one ticket (store/automation.py): queued like an agent's, under
    the rule's actor, with `after` recording the firing in the same transaction; the
    action's id makes a second run of the same firing queue nothing."""
    return queue_planned(store, ctx, [ticket_id], plan, action_id=action_id, after=after)


def _queued(conn: sqlite3.Connection, op_uuid: str) -> bool:
    return conn.execute("SELECT 1 FROM outbox WHERE uuid = ?", (op_uuid,)).fetchone() is not None


def _only(outcome: Outcome) -> Outcome:
    """A one-ticket action: a skip is a refusal of the whole action."""
    if outcome.skipped:
        raise ActionRefused(outcome.skipped[0][2])
    return outcome


# -- resolving names and ids on the ticket's own connector ------------------------------


def _agent(conn: sqlite3.Connection, ticket: sqlite3.Row, agent_id: int) -> AgentRef:
    row = conn.execute(
        "SELECT id, connector, remote_id, name FROM agents WHERE id = ?", (agent_id,)
    ).fetchone()
    if row is None:
        raise ActionRefused(_("agent {id} does not exist").format(id=agent_id))
    if row["connector"] != ticket["connector"]:
        raise ActionRefused(
            _("{agent} works on {other}, not on this ticket's {connector}").format(
                agent=row["name"], other=row["connector"], connector=ticket["connector"]
            )
        )
    return AgentRef(row["id"], row["remote_id"], row["name"])


def _team(conn: sqlite3.Connection, ticket: sqlite3.Row, team_id: int) -> TeamRef:
    row = conn.execute(
        "SELECT id, connector, remote_id, name FROM teams WHERE id = ?", (team_id,)
    ).fetchone()
    if row is None:
        raise ActionRefused(_("team {id} does not exist").format(id=team_id))
    if row["connector"] != ticket["connector"]:
        raise ActionRefused(
            _("team {team} is on {other}, not on this ticket's {connector}").format(
                team=row["name"], other=row["connector"], connector=ticket["connector"]
            )
        )
    return TeamRef(row["id"], row["remote_id"], row["name"])


def _team_named(conn: sqlite3.Connection, ticket: sqlite3.Row, name: str) -> TeamRef:
    row = conn.execute(
        "SELECT id, remote_id, name FROM teams WHERE connector = ? AND name = ? COLLATE NOCASE",
        (ticket["connector"], name),
    ).fetchone()
    if row is None:
        raise ActionRefused(
            _('no team named "{team}" on {connector}').format(
                team=name, connector=ticket["connector"]
            )
        )
    return TeamRef(row["id"], row["remote_id"], row["name"])


def _me(conn: sqlite3.Connection, ticket: sqlite3.Row, actor: Actor) -> AgentRef:
    row = my_agent(conn, ticket["connector"], actor.key)
    if row is None:
        raise ActionRefused(
            _("you have no agent account on {connector}").format(connector=ticket["connector"])
        )
    return AgentRef(row["id"], row["remote_id"], row["name"])


def macro_changes(
    conn: sqlite3.Connection, ticket: sqlite3.Row, macro: Mapping[str, Any]
) -> list[Change]:
    """A canned reply's effects as ops: tags, priority, a team (by name, on the ticket's
    platform), then a status, in the order they are delivered."""
    out: list[Change] = []
    if macro.get("tags"):
        out.append(Tags(add=tuple(macro["tags"])))
    if macro.get("priority"):
        out.append(SetPriority(macro["priority"]))
    if macro.get("team"):
        out.append(Transfer(team=_team_named(conn, ticket, macro["team"])))
    if macro.get("status"):
        out.append(SetStatus(macro["status"]))
    return out


# -- the actions ----------------------------------------------------------------------


def send_message(
    store: Store,
    ctx: ActionContext,
    ticket_id: int,
    body: str,
    *,
    internal: bool = False,
    macro: Mapping[str, Any] | None = None,
    solve: bool = False,
    keep_open: bool = False,
    action_id: str | None = None,
) -> Outcome:
    """A reply (or internal note), its canned reply's effects, a solve or a keep-open if
    asked, and the agent's draft removed: all queued, or nothing and ActionRefused saying
    why. Keep-open is a status change queued after the reply, so it lands after whatever
    the platform itself does on a reply (most set pending)."""
    macro = dict(macro or {})

    def plan(conn: sqlite3.Connection, ticket: sqlite3.Row) -> list[Change]:
        changes: list[Change] = [Note(body) if internal else Reply(body)]
        try:
            effects = macro_changes(conn, ticket, macro)
            for change in effects:
                why = ctx.unsupported(ticket["connector"], change.kind, change)
                if why:
                    raise ActionRefused(why)
        except (ActionRefused, InvalidOp) as e:
            raise ActionRefused(_("the canned reply's effects: {why}").format(why=e)) from None
        changes += effects
        if solve and macro.get("status") != "solved":
            changes.append(SetStatus("solved"))
        elif keep_open:
            changes.append(SetStatus("open"))
        return changes

    def drop_draft(conn: sqlite3.Connection, ticket: sqlite3.Row) -> None:
        conn.execute(
            "DELETE FROM drafts WHERE ticket_id = ? AND agent_key = ?",
            (ticket["id"], ctx.actor.key),
        )

    return _only(
        queue_planned(store, ctx, [ticket_id], plan, action_id=action_id, after=drop_draft)
    )


def send_canned(
    store: Store,
    ctx: ActionContext,
    bodies: Mapping[int, str],
    macro: Mapping[str, Any],
    *,
    action_id: str | None = None,
    hold: int = 0,
) -> Outcome:
    """A canned reply filled in per ticket, to each marked ticket, with its effects."""

    def plan(conn: sqlite3.Connection, ticket: sqlite3.Row) -> list[Change]:
        return [Reply(bodies[ticket["id"]]), *macro_changes(conn, ticket, macro)]

    return queue_planned(store, ctx, list(bodies), plan, action_id=action_id, hold=hold)


def set_status(
    store: Store,
    ctx: ActionContext,
    ticket_ids: Sequence[int],
    status: str,
    *,
    action_id: str | None = None,
    hold: int = 0,
) -> Outcome:
    return queue_planned(
        store, ctx, ticket_ids, lambda c, t: [SetStatus(status)], action_id=action_id, hold=hold
    )


def set_priority(
    store: Store,
    ctx: ActionContext,
    ticket_ids: Sequence[int],
    priority: str,
    *,
    action_id: str | None = None,
    hold: int = 0,
) -> Outcome:
    return queue_planned(
        store, ctx, ticket_ids, lambda c, t: [SetPriority(priority)], action_id=action_id, hold=hold
    )


def take(
    store: Store,
    ctx: ActionContext,
    ticket_ids: Sequence[int],
    *,
    action_id: str | None = None,
    hold: int = 0,
) -> Outcome:
    """Assign each ticket to the agent's own account on its connector."""
    return queue_planned(
        store,
        ctx,
        ticket_ids,
        lambda c, t: [Assign(_me(c, t, ctx.actor))],
        action_id=action_id,
        hold=hold,
    )


def assign(
    store: Store,
    ctx: ActionContext,
    ticket_ids: Sequence[int],
    agent_id: int | None,
    *,
    action_id: str | None = None,
    hold: int = 0,
) -> Outcome:
    """Assign to an agent of the ticket's connector (None: unassign)."""

    def plan(conn: sqlite3.Connection, ticket: sqlite3.Row) -> list[Change]:
        return [Assign(_agent(conn, ticket, agent_id) if agent_id is not None else None)]

    return queue_planned(store, ctx, ticket_ids, plan, action_id=action_id, hold=hold)


def change_tags(
    store: Store,
    ctx: ActionContext,
    ticket_ids: Sequence[int],
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    action_id: str | None = None,
    hold: int = 0,
) -> Outcome:
    return queue_planned(
        store,
        ctx,
        ticket_ids,
        lambda c, t: [Tags(tuple(add), tuple(remove))],
        action_id=action_id,
        hold=hold,
    )


def transfer(
    store: Store,
    ctx: ActionContext,
    ticket_ids: Sequence[int],
    *,
    team_id: int | None = None,
    agent_id: int | None = None,
    note: str = "",
    action_id: str | None = None,
    hold: int = 0,
) -> Outcome:
    """The handoff note lands in the thread first, then the ticket moves; per ticket, both
    or neither."""

    def plan(conn: sqlite3.Connection, ticket: sqlite3.Row) -> list[Change]:
        move = Transfer(
            team=_team(conn, ticket, team_id) if team_id is not None else None,
            agent=_agent(conn, ticket, agent_id) if agent_id is not None else None,
        )
        return [Note(note), move] if note.strip() else [move]

    return queue_planned(store, ctx, ticket_ids, plan, action_id=action_id, hold=hold)
