"""The rows KPIs are computed from, read for one period (metrics.py does the arithmetic).

Reads only, and no temporary tables: the supervisor's monitor runs this on a cache it
may only read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Sequence

from agentdesk.i18n import _
from agentdesk.kpi.metrics import Facts, Reply, TicketFact
from agentdesk.rules.bot import BOT_NAME
from agentdesk.sla import policy as sla
from agentdesk.sla.policy import SLAPolicy
from agentdesk.store.db import Store

PROGRESS_EVERY = 20_000  # rows between two progress reports of a long period

# Tickets that matter for a period: created in it, touched by an event in it, or open now.
_INVOLVED = """
WITH involved(id) AS (
    SELECT ticket_id FROM events WHERE at >= :start AND at < :end
    UNION SELECT id FROM tickets WHERE created_at >= :start AND created_at < :end
    UNION SELECT id FROM tickets WHERE stage < 2
)
"""
_GIVEN = "WITH involved(id) AS (SELECT value FROM json_each(:ids))\n"


def load_facts(
    store: Store,
    start: int,
    end: int,
    policies: Sequence[SLAPolicy],
    presales_teams: Sequence[str],
    progress: Callable[[str, int], None] | None = None,
) -> Facts:
    """The facts of [start, end): the tickets that matter for it, with their history up to
    `end`. `progress` hears (stage, rows read) every PROGRESS_EVERY rows of a long period."""
    return _read(
        store,
        _INVOLVED,
        {"start": start, "end": end},
        # The customer's messages of the tickets answered in the period (the next-reply times).
        "ticket_id IN (SELECT ticket_id FROM events WHERE kind = 'replied'"
        " AND at >= :start AND at < :end)",
        policies,
        presales_teams,
        progress,
    )


def load_ticket_facts(
    store: Store,
    ticket_ids: Sequence[int],
    start: int,
    end: int,
    policies: Sequence[SLAPolicy],
    presales_teams: Sequence[str],
) -> Facts:
    """The facts of these tickets alone, their whole history up to `end` (kpi_window.py
    reads again what the change log says has changed)."""
    return _read(
        store,
        _GIVEN,
        {"start": start, "end": end, "ids": json.dumps(list(ticket_ids))},
        "ticket_id IN involved",
        policies,
        presales_teams,
        None,
    )


def _read(
    store: Store,
    involved: str,
    window: dict,
    answered: str,
    policies: Sequence[SLAPolicy],
    presales_teams: Sequence[str],
    progress: Callable[[str, int], None] | None,
) -> Facts:
    start, end = window["start"], window["end"]
    by_name = {p.name: p for p in policies}
    presales = {name.casefold() for name in presales_teams}
    tickets: dict[int, TicketFact] = {}
    for r in store.query(
        involved
        + "SELECT t.id, t.channel, t.created_at, t.customer_id, t.sla_policy, t.stage, t.fields,"
        " tm.name AS team, tm.remote_id AS team_remote, a.name AS assignee FROM tickets t"
        " LEFT JOIN teams tm ON tm.id = t.team_id LEFT JOIN agents a ON a.id = t.assignee_id"
        " WHERE t.id IN involved",
        window,
    ):
        if progress is not None and len(tickets) % PROGRESS_EVERY == 0:
            progress(_("tickets read"), len(tickets))
        policy = by_name.get(r["sla_policy"] or "")
        fields = json.loads(r["fields"]) if r["fields"] not in (None, "", "{}") else {}
        team_words = f"{r['team'] or ''} {r['team_remote'] or ''}".casefold()
        tickets[r["id"]] = TicketFact(
            id=r["id"],
            channel=r["channel"],
            team=r["team"],
            assignee=r["assignee"],
            created_at=r["created_at"],
            customer_id=r["customer_id"],
            presales=any(word in team_words for word in presales),
            first_due=sla.first_response_due(policy, r["created_at"], fields) if policy else None,
            resolve_due=sla.resolution_due(policy, r["created_at"], fields) if policy else None,
            next_target=policy.next_response if policy else None,
            calendar=policy.calendar if policy else None,
            open_now=r["stage"] < 2,
        )
    # The involved tickets' replies, solves, reopens and ratings in one read of the events.
    replies: list[Reply] = []
    solves: list[tuple[int, int]] = []
    reopens: list[tuple[int, int]] = []
    ratings: list[tuple[int, int, int]] = []
    bot_replies: list[tuple[int, int]] = []
    read = 0
    for r in store.query(
        involved
        + "SELECT e.ticket_id, e.kind, e.at, e.data, coalesce(a.name, e.actor_name) AS name,"
        " e.automation"
        " FROM events e LEFT JOIN agents a ON a.id = e.actor_agent_id"
        " WHERE e.kind IN ('replied', 'solved', 'reopened', 'rated') AND e.at < :end"
        " AND e.ticket_id IN involved ORDER BY e.at, e.id",
        window,
    ):
        read += 1
        if progress is not None and read % PROGRESS_EVERY == 0:
            progress(_("events read"), read)
        tid, kind, at = r["ticket_id"], r["kind"], r["at"]
        if kind == "replied" and r["automation"]:
            # A rule's or the bot's reply is automated: no agent's figure counts it.
            if r["automation"] == BOT_NAME:
                bot_replies.append((tid, at))
        elif kind == "replied":
            replies.append(Reply(tid, at, r["name"]))
        elif kind == "solved":
            solves.append((tid, at))
        elif kind == "reopened":
            reopens.append((tid, at))
        else:
            score = json.loads(r["data"] or "{}").get("score")
            if isinstance(score, int):
                ratings.append((tid, at, score))
    customer_messages: dict[int, list[int]] = defaultdict(list)
    for r in store.query(
        involved  # (not computed where `answered` does not use it)
        + "SELECT ticket_id, created_at FROM messages WHERE author_kind = 'customer'"
        " AND created_at < :end AND " + answered,
        window,
    ):
        customer_messages[r[0]].append(r[1])

    presales_customers = {t.customer_id for t in tickets.values() if t.presales and t.customer_id}
    orders: dict[int, list[int]] = defaultdict(list)
    if presales_customers:
        marks = ", ".join("?" * len(presales_customers))
        for r in store.query(
            f"SELECT customer_id, created_at FROM orders WHERE customer_id IN ({marks})",
            tuple(presales_customers),
        ):
            orders[r[0]].append(r[1])
    return Facts(
        start=start,
        end=end,
        tickets=tickets,
        replies=replies,
        customer_messages=dict(customer_messages),
        solves=solves,
        reopens=reopens,
        ratings=ratings,
        orders=dict(orders),
        bot_replies=bot_replies,
    )


def period_figures(
    store: Store,
    start: int,
    end: int,
    policies: Sequence[SLAPolicy],
    presales_teams: Sequence[str],
    by: str | None = None,
    zone: dt.tzinfo | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> list[dict]:
    """The KPIs of [start, end), grouped `by` agent, team, channel or day (in `zone`;
    None: the system's), or one row for the whole period (by None)."""
    from agentdesk.kpi import metrics

    facts = load_facts(store, start, end, policies, presales_teams, progress)
    if by == "day":
        return metrics.by_day(facts, zone)
    return metrics.compute(facts, by)
