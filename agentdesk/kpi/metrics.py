"""KPIs from the cache's events: pure logic over facts the store reads (store/kpi_facts.py).

Definitions, for a period [start, end) and a grouping (agent, team or channel):
- handled: tickets with at least one public agent reply in the period.
- first response: created → first public agent reply, for first replies in the period.
- next response: a customer's message → the agent reply that answers it (every reply
  after the first that follows a customer message), for replies in the period.
- resolution: created → solved, for solve events in the period.
- resolution rate: of the tickets created in the period, the share solved by its end.
- reopen rate: of the tickets solved in the period, the share reopened afterwards.
- SLA attainment: of the first replies in the period on tickets with a first-response
  target, the share made by the due time; next-reply and resolution SLA likewise for next
  replies and for solves in the period (time waited on the customer not added back).
- backlog: tickets open or pending now (a supervisor asks "how much is waiting").
- satisfaction: ratings given in the period: average (1–5) and the share of 4s and 5s.
- pre-sales conversion: of the pre-sales tickets created in the period, the share whose
  customer placed an order within 7 days after the ticket was opened.
Medians are the middle value (the mean of the two middle ones for an even count); p90 is
the nearest-rank 90th percentile. Times are seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from agentdesk.i18n import N_
from agentdesk.sla.business_hours import Calendar, add_working_time

CONVERSION_WINDOW = 7 * 86400
GROUPINGS = ("agent", "team", "channel", "day")


@dataclass(frozen=True)
class TicketFact:
    id: int
    channel: str
    team: str | None
    assignee: str | None
    created_at: int
    customer_id: int | None
    presales: bool
    first_due: int | None  # when the first reply was due under its SLA policy, if any
    open_now: bool
    resolve_due: int | None = None  # when it was due to be solved, if the policy says
    next_target: int | None = None  # the policy's next-reply target (seconds of working time)
    calendar: Calendar | None = None  # the policy's business hours, for that target


@dataclass(frozen=True)
class Reply:
    ticket_id: int
    at: int
    agent: str | None


@dataclass
class Facts:
    start: int
    end: int
    tickets: dict[int, TicketFact]
    replies: list[Reply]  # public agent replies on the tickets involved, all times, in order
    customer_messages: dict[int, list[int]]  # ticket -> times the customer wrote
    solves: list[tuple[int, int]]  # (ticket, at), all times
    reopens: list[tuple[int, int]]
    ratings: list[tuple[int, int, int]]  # (ticket, at, score)
    orders: dict[int, list[int]]  # customer -> order times
    # The order-status bot's answers (ticket, at): automated, never an agent's reply.
    bot_replies: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Figures:
    group: str
    handled: int = 0
    first_response: list[int] = field(default_factory=list)
    next_response: list[int] = field(default_factory=list)
    resolution: list[int] = field(default_factory=list)
    created: int = 0
    created_solved: int = 0
    solved: int = 0
    reopened: int = 0
    sla_measured: int = 0
    sla_met: int = 0
    resolve_measured: int = 0
    resolve_met: int = 0
    next_measured: int = 0
    next_met: int = 0
    backlog: int = 0
    ratings: list[int] = field(default_factory=list)
    presales: int = 0
    presales_converted: int = 0
    bot_answered: int = 0
    bot_deflected: int = 0

    def as_dict(self) -> dict:
        return {
            "group": self.group,
            "handled": self.handled,
            "first_response_median": median(self.first_response),
            "first_response_p90": p90(self.first_response),
            "next_response_median": median(self.next_response),
            "next_response_p90": p90(self.next_response),
            "resolution_median": median(self.resolution),
            "resolution_p90": p90(self.resolution),
            "resolution_rate": ratio(self.created_solved, self.created),
            "reopen_rate": ratio(self.reopened, self.solved),
            "sla_attainment": ratio(self.sla_met, self.sla_measured),
            "resolution_sla_attainment": ratio(self.resolve_met, self.resolve_measured),
            "next_reply_sla_attainment": ratio(self.next_met, self.next_measured),
            "backlog": self.backlog,
            "satisfaction": round(statistics.fmean(self.ratings), 2) if self.ratings else None,
            "satisfied_share": ratio(sum(1 for r in self.ratings if r >= 4), len(self.ratings)),
            "ratings": len(self.ratings),
            "presales_conversion": ratio(self.presales_converted, self.presales),
            "presales_tickets": self.presales,
            "bot_answered": self.bot_answered,
            # Of the tickets the bot answered, those solved with no agent reply after it.
            "bot_deflection": ratio(self.bot_deflected, self.bot_answered),
        }


def day_start(now: float, zone: dt.tzinfo | None) -> int:
    """Midnight of `now`'s day in `zone` (None: the system's), where "today" begins."""
    local = dt.datetime.fromtimestamp(now, zone).astimezone(zone)
    return int(local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp())


def median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def p90(values: list[int]) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


# Group keys for tickets without an agent or a team: stable in CSV and JSON, translated
# where a person reads them.
UNASSIGNED, NO_TEAM = "(unassigned)", "(no team)"
NO_GROUP = {UNASSIGNED: N_("(unassigned)"), NO_TEAM: N_("(no team)")}


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _grouper(by: str | None) -> Callable[[TicketFact, str | None], str]:
    if by == "agent":
        return lambda t, agent: agent or t.assignee or UNASSIGNED
    if by == "team":
        return lambda t, agent: t.team or NO_TEAM
    if by == "channel":
        return lambda t, agent: t.channel
    return lambda t, agent: "all"


_reply_order = operator.attrgetter("at", "ticket_id")


def compute(facts: Facts, by: str | None = None) -> list[dict]:
    """One row of figures per group (or one row "all"), groups in name order."""
    group = _grouper(by)
    rows: dict[str, Figures] = {}

    def row(key: str) -> Figures:
        found = rows.get(key)
        if found is None:  # (setdefault would build a Figures on every call)
            found = rows[key] = Figures(key)
        return found

    start, end = facts.start, facts.end
    inside = lambda at: start <= at < end  # noqa: E731

    first_reply: dict[int, Reply] = {}
    handled: set[tuple[str, int]] = set()
    last_reply_at: dict[int, int] = {}
    for r in sorted(facts.replies, key=_reply_order):
        t = facts.tickets.get(r.ticket_id)
        if t is None:
            continue
        if r.ticket_id not in first_reply:
            first_reply[r.ticket_id] = r
            if inside(r.at):
                f = row(group(t, r.agent))
                f.first_response.append(r.at - t.created_at)
                if t.first_due is not None:
                    f.sla_measured += 1
                    f.sla_met += r.at <= t.first_due
        elif inside(r.at):
            previous = last_reply_at[r.ticket_id]
            waiting = [
                m for m in facts.customer_messages.get(r.ticket_id, []) if previous < m <= r.at
            ]
            if waiting:
                f = row(group(t, r.agent))
                f.next_response.append(r.at - min(waiting))
                if t.next_target is not None:
                    f.next_measured += 1
                    due = add_working_time(min(waiting), t.next_target, t.calendar)
                    f.next_met += r.at <= due
        last_reply_at[r.ticket_id] = r.at
        if inside(r.at):
            key = group(t, r.agent)
            if (key, r.ticket_id) not in handled:
                handled.add((key, r.ticket_id))
                row(key).handled += 1

    solved_by_end = {tid for tid, at in facts.solves if at < end}
    last_reopen: dict[int, int] = {}
    for tid, at in facts.reopens:
        last_reopen[tid] = max(at, last_reopen.get(tid, at))
    for tid, at in facts.solves:
        t = facts.tickets.get(tid)
        if t is not None and inside(at):
            f = row(group(t, None))
            f.resolution.append(at - t.created_at)
            f.solved += 1
            f.reopened += last_reopen.get(tid, 0) > at
            if t.resolve_due is not None:
                f.resolve_measured += 1
                f.resolve_met += at <= t.resolve_due
    for t in facts.tickets.values():
        if inside(t.created_at):
            f = row(group(t, None))
            f.created += 1
            f.created_solved += t.id in solved_by_end
            if t.presales:
                f.presales += 1
                orders = facts.orders.get(t.customer_id, []) if t.customer_id else []
                f.presales_converted += any(
                    t.created_at <= o <= t.created_at + CONVERSION_WINDOW for o in orders
                )
        if t.open_now:
            row(group(t, None)).backlog += 1
    answered: dict[int, int] = {}
    for tid, at in facts.bot_replies:
        if inside(at) and tid not in answered:
            answered[tid] = at
    human_after = {r.ticket_id: r.at for r in facts.replies}
    # Each bot-answered ticket's solves by ticket (a walk over every solve for each answered
    # ticket grew with their product: seconds for a busy bot's week).
    solves_of: dict[int, list[int]] = {}
    for s_tid, s_at in facts.solves:
        if s_tid in answered:
            solves_of.setdefault(s_tid, []).append(s_at)
    for tid, at in answered.items():
        t = facts.tickets.get(tid)
        if t is None:
            continue
        f = row(group(t, None))
        f.bot_answered += 1
        solved = any(at <= s_at < end for s_at in solves_of.get(tid, ()))
        f.bot_deflected += solved and human_after.get(tid, 0) <= at
    for tid, at, score in facts.ratings:
        t = facts.tickets.get(tid)
        if t is not None and inside(at):
            row(group(t, None)).ratings.append(score)
    return [rows[k].as_dict() for k in sorted(rows)]


def total(facts: Facts) -> dict:
    """The period's figures over everything, for tiles."""
    rows = compute(facts, None)
    return rows[0] if rows else Figures("all").as_dict()


def by_day(facts: Facts, zone: dt.tzinfo | None) -> list[dict]:
    """One row per calendar day of the period in `zone` (the first and last may be partial),
    oldest first, each labelled "2026-11-24 Tue". A day's figures are the period's
    definitions applied to that day; backlog is a figure of now, so a day has none."""
    rows = []
    for label, start, end in day_windows(facts.start, facts.end, zone):
        day = compute(replace(facts, start=start, end=end), None)
        figures = day[0] if day else Figures("all").as_dict()
        rows.append({**figures, "group": label, "backlog": None})
    return rows


def day_windows(start: int, end: int, zone: dt.tzinfo | None) -> list[tuple[str, int, int]]:
    """[start, end) cut at local midnights: (label, from, to) per day."""
    windows = []
    at = start
    while at < end:
        local = dt.datetime.fromtimestamp(at, zone).astimezone(zone)
        following = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time())
        following = following.replace(tzinfo=zone) if zone else following.astimezone()
        upto = min(end, int(following.timestamp()))
        windows.append((local.strftime("%Y-%m-%d %a"), at, upto))
        at = upto
    return windows
