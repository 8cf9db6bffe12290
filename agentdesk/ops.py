"""Typed ops: the changes an agent asks a platform to make to one ticket.

One frozen dataclass per kind. The store queues them (and shows their effect at once),
the engine hands them to connectors, and every connector dispatches on them with `match`.
In the outbox an op is its `kind` and a JSON payload; `encode` and `decode` are the only
translation between the two, so a kind is added here, in the store's effects
(store/outbox_effects.py) and in each connector that can carry it, and nowhere else.
"""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

from agentdesk.i18n import _
from agentdesk.model import PRIORITIES, STATUSES


class InvalidOp(ValueError):
    """A change that cannot be: an unknown status, an empty reply, an unknown kind."""


@dataclass(frozen=True, slots=True)
class AgentRef:
    local_id: int  # the cache's agents.id
    remote_id: str  # the platform's id for the agent
    name: str = ""


@dataclass(frozen=True, slots=True)
class TeamRef:
    local_id: int  # the cache's teams.id
    remote_id: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """A public answer to the customer."""

    kind: ClassVar[str] = "reply"
    body: str

    def __post_init__(self) -> None:
        if not self.body.strip():
            raise InvalidOp(_("an empty message cannot be sent"))


@dataclass(frozen=True, slots=True)
class Note:
    """An internal note: colleagues see it, the customer never does."""

    kind: ClassVar[str] = "note"
    body: str

    def __post_init__(self) -> None:
        if not self.body.strip():
            raise InvalidOp(_("an empty message cannot be sent"))


@dataclass(frozen=True, slots=True)
class SetStatus:
    kind: ClassVar[str] = "status"
    status: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise InvalidOp(_("unknown status {status!r}").format(status=self.status))


@dataclass(frozen=True, slots=True)
class SetPriority:
    kind: ClassVar[str] = "priority"
    priority: str

    def __post_init__(self) -> None:
        if self.priority not in PRIORITIES:
            raise InvalidOp(_("unknown priority {priority!r}").format(priority=self.priority))


@dataclass(frozen=True, slots=True)
class Assign:
    """Give the ticket to an agent (None: nobody). Taking a ticket is assigning it to oneself."""

    kind: ClassVar[str] = "assign"
    agent: AgentRef | None


@dataclass(frozen=True, slots=True)
class Transfer:
    """Move the ticket to a team and/or an agent; with no agent it waits unassigned."""

    kind: ClassVar[str] = "transfer"
    team: TeamRef | None = None
    agent: AgentRef | None = None


@dataclass(frozen=True, slots=True)
class Tags:
    """Add and remove tags; other tags (a colleague's, added meanwhile) are left alone."""

    kind: ClassVar[str] = "tags"
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.add and not self.remove:
            raise InvalidOp(_("no tags to add or remove"))


@dataclass(frozen=True, slots=True)
class Snooze:
    """Set the ticket aside until a time (UTC epoch seconds), on a platform that snoozes
    (Chatwoot); elsewhere a snooze stays in the cache and sends nothing (store/snooze.py)."""

    kind: ClassVar[str] = "snooze"
    until: int

    def __post_init__(self) -> None:
        if self.until <= 0:
            raise InvalidOp(_("a snooze needs a time to wake at"))


Change = Reply | Note | SetStatus | SetPriority | Assign | Transfer | Tags | Snooze
KINDS: dict[str, type] = {
    c.kind: c for c in (Reply, Note, SetStatus, SetPriority, Assign, Transfer, Tags, Snooze)
}
ALL_KINDS = frozenset(KINDS)
FIELD_KINDS = frozenset(
    {"status", "priority", "assign", "transfer", "tags", "snooze"}
)  # no message


def describe(kind: str) -> str:
    """A kind in words, for messages such as "tags are not available on …"."""
    return {
        "reply": _("replies"),
        "note": _("internal notes"),
        "status": _("status changes"),
        "priority": _("priorities"),
        "assign": _("assigning"),
        "transfer": _("transfers"),
        "tags": _("tags"),
        "snooze": _("snoozes"),
    }.get(kind, kind)


# -- the outbox's payloads ------------------------------------------------------------
# The JSON shapes are the ones caches already hold, so queued ops survive an upgrade.


def _agent_payload(agent: AgentRef | None) -> dict[str, Any]:
    if agent is None:
        return {"agent_id": None, "agent_remote_id": None}
    return {
        "agent_id": agent.local_id,
        "agent_remote_id": agent.remote_id,
        "agent_name": agent.name,
    }


def _agent_from(p: dict[str, Any]) -> AgentRef | None:
    if not p.get("agent_remote_id"):
        return None
    return AgentRef(p.get("agent_id") or 0, p["agent_remote_id"], p.get("agent_name") or "")


def encode(change: Change) -> dict[str, Any]:
    match change:
        case Reply(body=body) | Note(body=body):
            return {"body": body}
        case SetStatus(status=status):
            return {"status": status}
        case SetPriority(priority=priority):
            return {"priority": priority}
        case Assign(agent=agent):
            return _agent_payload(agent)
        case Transfer(team=team, agent=agent):
            payload = _agent_payload(agent)
            if team is not None:
                payload.update(
                    team_id=team.local_id, team_remote_id=team.remote_id, team_name=team.name
                )
            return payload
        case Tags(add=add, remove=remove):
            return {"add": list(add), "remove": list(remove)}
        case Snooze(until=until):
            return {"until": until}
    raise InvalidOp(f"not an op: {change!r}")


def decode(kind: str, payload: dict[str, Any]) -> Change:
    """The change an outbox row holds; InvalidOp for a kind this agentdesk does not know."""
    match kind:
        case "reply":
            return Reply(payload["body"])
        case "note":
            return Note(payload["body"])
        case "status":
            return SetStatus(payload["status"])
        case "priority":
            return SetPriority(payload["priority"])
        case "assign":
            return Assign(_agent_from(payload))
        case "transfer":
            team = None
            if payload.get("team_remote_id"):
                team = TeamRef(
                    payload.get("team_id") or 0,
                    payload["team_remote_id"],
                    payload.get("team_name") or "",
                )
            return Transfer(team, _agent_from(payload))
        case "tags":
            return Tags(tuple(payload.get("add", ())), tuple(payload.get("remove", ())))
        case "snooze":
            return Snooze(int(payload["until"]))
    raise InvalidOp(_("unknown kind of change {kind!r}").format(kind=kind))


@dataclass(slots=True)
class Op:
    """One change on its way to a platform, as the engine hands it to a connector."""

    change: Change
    connector: str
    ticket_remote_id: str
    uuid: str = field(default_factory=lambda: str(uuidlib.uuid4()))
    id: int | None = None  # the local outbox row
    attempts: int = 0
    ambiguous: bool = False  # a previous attempt may have landed: check before resending
    created_at: int = 0

    @property
    def kind(self) -> str:
        return self.change.kind
