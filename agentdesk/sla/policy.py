"""SLA due times from policies: pure logic, no I/O.

Targets count working time when a policy has business hours (business_hours.py), else
round the clock. A policy that pauses while pending shows no due time while the ticket
waits, and moves its resolution target by the time it waited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from agentdesk.sla.business_hours import Calendar, add_working_time

DONE = ("solved", "closed")
WAITING = ("pending", "on_hold")


@dataclass(frozen=True)
class SLAPolicy:
    name: str
    channels: tuple[str, ...]
    teams: tuple[str, ...]
    priorities: tuple[str, ...]
    tags: tuple[str, ...]
    first_response: int | None
    next_response: int | None
    resolution: int | None
    pause_when_pending: bool
    clock_starts: str
    calendar: Calendar | None = None  # business hours and holidays; None: round the clock
    warning: int | None = None  # "at risk" this long before a due time; None: [ui] sla_warning


@dataclass(frozen=True, slots=True)
class TicketClock:
    """The facts about a ticket that its SLA depends on."""

    channel: str
    team: str | None
    priority: str
    tags: Iterable[str]
    status: str
    created_at: int
    first_response_at: int | None
    last_customer_at: int | None
    last_agent_at: int | None
    fields: dict[str, Any]
    paused: int = 0  # seconds spent waiting on the customer (pending, on hold) so far


@dataclass(frozen=True, slots=True)
class Due:
    policy: str | None = None
    first: int | None = None
    next: int | None = None
    resolve: int | None = None


def match_policy(policies: Sequence[SLAPolicy], t: TicketClock) -> SLAPolicy | None:
    """The first policy whose every non-empty criterion matches the ticket."""
    tags = set(t.tags)
    for p in policies:
        if p.channels and t.channel not in p.channels:
            continue
        if p.teams and (t.team or "") not in p.teams:
            continue
        if p.priorities and t.priority not in p.priorities:
            continue
        if p.tags and not tags.intersection(p.tags):
            continue
        return p
    return None


def clock_start(p: SLAPolicy, created_at: int, fields: dict[str, Any]) -> int:
    """When the policy's clock starts: creation, or a field such as an A-to-z claim's date."""
    if p.clock_starts != "created":
        value = fields.get(p.clock_starts)
        if isinstance(value, int):
            return value
    return created_at


def first_response_due(p: SLAPolicy, created_at: int, fields: dict[str, Any]) -> int | None:
    """When the first reply is due under `p`, whether or not it has been made."""
    if p.first_response is None:
        return None
    return add_working_time(clock_start(p, created_at, fields), p.first_response, p.calendar)


def resolution_due(p: SLAPolicy, created_at: int, fields: dict[str, Any]) -> int | None:
    """When the ticket is due to be solved under `p`, time waited on the customer aside."""
    if p.resolution is None:
        return None
    return add_working_time(clock_start(p, created_at, fields), p.resolution, p.calendar)


# Due times a platform computed with its own SLA policy (Freshdesk's fr_due_by, nr_due_by,
# due_by), which a connector puts in the ticket's fields.
PLATFORM_DUE = ("sla_first_due", "sla_next_due", "sla_resolve_due")


def _customer_waiting(t: TicketClock) -> bool:
    return (
        t.first_response_at is not None
        and t.last_customer_at is not None
        and (t.last_agent_at is None or t.last_customer_at > t.last_agent_at)
    )


def platform_due(t: TicketClock) -> Due | None:
    """The platform's own due times, where it gives them: they win over our policies, since
    the platform holds the shop's contract, calendar and pauses. None: it gives none."""
    f = t.fields
    given = {k: f[k] for k in PLATFORM_DUE if isinstance(f.get(k), int)}
    if not given:
        return None
    name = str(f.get("sla_policy") or "platform")
    if t.status in DONE or t.status in WAITING:
        return Due(name)
    return Due(
        name,
        given.get("sla_first_due") if t.first_response_at is None else None,
        given.get("sla_next_due") if _customer_waiting(t) else None,
        given.get("sla_resolve_due"),
    )


def due_times(policies: Sequence[SLAPolicy], t: TicketClock) -> Due:
    platform = platform_due(t)
    if platform is not None:
        return platform
    p = match_policy(policies, t)
    if p is None:
        return Due()
    if t.status in DONE or (t.status in WAITING and p.pause_when_pending):
        return Due(p.name)
    start = clock_start(p, t.created_at, t.fields)
    first = first_response_due(p, t.created_at, t.fields) if t.first_response_at is None else None
    waiting_since = t.last_customer_at
    nxt = (
        add_working_time(waiting_since, p.next_response, p.calendar)
        if p.next_response is not None and _customer_waiting(t) and waiting_since is not None
        else None
    )
    # A policy that pauses while pending moves the resolution target by the time waited.
    held = t.paused if p.pause_when_pending else 0
    resolve = (
        add_working_time(start, p.resolution, p.calendar) + held
        if p.resolution is not None
        else None
    )
    return Due(p.name, first, nxt, resolve)
