"""The facts of the last days, kept by a long-running reader (the monitor's wallboard) and
brought up to date from the change log instead of read again whole.

At a million tickets the week's facts are a hundred thousand events: reading them takes
most of a second, reading the few tickets the change log names since the last read takes
milliseconds. Each ticket's facts are kept apart (its row, replies, solves, ratings, the
customer's messages), so a changed ticket is read again and replaces its own; the window
slides by itself, as metrics.compute only counts what falls inside it. Everything is read
whole again every RELOAD_EVERY seconds (a renamed agent, tickets long gone from the
window), when the change log was pruned past what this reader saw, or after a bulk change.
The log names what a sync brought and what the outbox delivered, so an agent's reply or
solve counts in the figures once it is delivered, as its event is written then.

Reads only: the monitor's connection cannot write, and none of this tries to.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from agentdesk.kpi.metrics import Facts, Reply, TicketFact
from agentdesk.sla.policy import SLAPolicy
from agentdesk.store import changes
from agentdesk.store.db import Store
from agentdesk.store.kpi_facts import load_facts, load_ticket_facts

RELOAD_EVERY = 3600.0
# Facts are read with no end: what is stamped later than this read's clock (another
# machine's clock, a platform's) is kept, and counts once the window reaches it.
_NO_END = 2**62


@dataclass
class TicketFacts:
    ticket: TicketFact
    replies: list[Reply] = field(default_factory=list)
    customer_messages: list[int] = field(default_factory=list)
    solves: list[int] = field(default_factory=list)
    reopens: list[int] = field(default_factory=list)
    ratings: list[tuple[int, int]] = field(default_factory=list)
    bot_replies: list[int] = field(default_factory=list)


def by_ticket(facts: Facts) -> dict[int, TicketFacts]:
    """Facts split by ticket (each ticket's lists keep their time order)."""
    out = {tid: TicketFacts(t) for tid, t in facts.tickets.items()}
    for r in facts.replies:
        if r.ticket_id in out:
            out[r.ticket_id].replies.append(r)
    for tid, times in facts.customer_messages.items():
        if tid in out:
            out[tid].customer_messages = list(times)
    for name in ("solves", "reopens", "bot_replies"):
        for tid, at in getattr(facts, name):
            if tid in out:
                getattr(out[tid], name).append(at)
    for tid, at, score in facts.ratings:
        if tid in out:
            out[tid].ratings.append((at, score))
    return out


def active_since(f: TicketFacts, since: int) -> bool:
    """Whether a ticket counts in figures from `since` on: created, open, or touched by a
    reply, solve, bot answer or rating since (each list is in time order; a reopen counts
    only against a solve, which keeps its ticket already)."""
    t = f.ticket
    return (
        t.created_at >= since
        or t.open_now
        or bool(f.replies and f.replies[-1].at >= since)
        or bool(f.solves and f.solves[-1] >= since)
        or bool(f.bot_replies and f.bot_replies[-1] >= since)
        or bool(f.ratings and f.ratings[-1][0] >= since)
    )


def flatten(
    tickets: dict[int, TicketFacts], orders: dict[int, list[int]], start: int, end: int
) -> Facts:
    """Facts of [start, end) from the tickets' own facts (what is stamped at `end` or later
    is left out, as load_facts leaves it)."""
    kept, replies, waits = {}, [], {}
    solves, reopens, ratings, bots = [], [], [], []
    for tid, f in tickets.items():
        kept[tid] = f.ticket
        replies.extend(r for r in f.replies if r.at < end)
        if f.customer_messages:
            waits[tid] = [at for at in f.customer_messages if at < end]
        solves.extend((tid, at) for at in f.solves if at < end)
        reopens.extend((tid, at) for at in f.reopens if at < end)
        ratings.extend((tid, at, score) for at, score in f.ratings if at < end)
        bots.extend((tid, at) for at in f.bot_replies if at < end)
    return Facts(
        start=start,
        end=end,
        tickets=kept,
        replies=replies,
        customer_messages=waits,
        solves=solves,
        reopens=reopens,
        ratings=ratings,
        orders=orders,
        bot_replies=bots,
    )


class KpiWindow:
    def __init__(self, days: int, policies: Sequence[SLAPolicy], presales_teams: Sequence[str]):
        self.days = days
        self.policies = policies
        self.presales_teams = presales_teams
        self._tickets: dict[int, TicketFacts] = {}
        self._orders: dict[int, list[int]] = {}
        self._seq = 0
        self._loaded_at: float | None = None
        self.reloaded = False  # whether the last refresh read everything again

    def refresh(self, store: Store, now: float) -> None:
        """Bring the facts up to `now`: the tickets the change log names since the last
        refresh, or everything (first, hourly, or when the log cannot say)."""
        start = int(now) + 1 - self.days * 86400
        self.reloaded = False
        if self._loaded_at is None or now - self._loaded_at >= RELOAD_EVERY:
            self._load(store, start, now)
            return
        seen = changes.changes_since(store, self._seq)
        if seen.everything:
            self._load(store, start, now)
            return
        if seen.ticket_ids:
            self._update(store, sorted(seen.ticket_ids), start)
        self._seq = seen.seq

    def facts(self, store: Store, now: float, since: int | None = None) -> Facts:
        """The facts of the `days` days up to `now` as load_facts reads them, or those of
        [since, now] alone: the tickets active since then, with their whole history."""
        end = int(now) + 1
        start = end - self.days * 86400
        tickets = self._tickets
        if since is not None and since > start:
            start = since
            tickets = {tid: f for tid, f in tickets.items() if active_since(f, since)}
        self._refresh_orders(store, tickets)
        return flatten(tickets, self._orders, start, end)

    def _load(self, store: Store, start: int, now: float) -> None:
        # The log's position first: what commits during the read is read again next time.
        self._seq = changes.latest_seq(store)
        facts = load_facts(store, start, _NO_END, self.policies, self.presales_teams)
        self._tickets = by_ticket(facts)
        self._orders = facts.orders
        self._loaded_at = now
        self.reloaded = True

    def _update(self, store: Store, ids: list[int], start: int) -> None:
        facts = load_ticket_facts(store, ids, start, _NO_END, self.policies, self.presales_teams)
        fresh = by_ticket(facts)
        for tid in ids:
            if tid in fresh:
                self._tickets[tid] = fresh[tid]
            else:
                self._tickets.pop(tid, None)  # deleted on the platform

    def _refresh_orders(self, store: Store, tickets: dict[int, TicketFacts]) -> None:
        """A pre-sales ticket converts when its customer orders later, and orders do not
        touch tickets in the change log: the customers' orders are read again each time
        (one indexed read per pre-sales customer of the figures asked for)."""
        customers = sorted(
            {f.ticket.customer_id for f in tickets.values() if f.ticket.presales} - {None}
        )
        if not customers:
            return
        orders: dict[int, list[int]] = defaultdict(list)
        for customer_id, created_at in store.query(
            "SELECT customer_id, created_at FROM orders"
            " WHERE customer_id IN (SELECT value FROM json_each(?))",
            (json.dumps(customers),),
        ):
            orders[customer_id].append(created_at)
        for customer_id in customers:
            self._orders[customer_id] = orders.get(customer_id, [])
