"""The monitor's week of facts, kept and brought up to date from the change log
(store/kpi_window.py): after the cache changes, the figures are those of a fresh read."""

from __future__ import annotations

import time
from dataclasses import replace

from agentdesk.kpi import metrics
from agentdesk.model import Message, PullBatch, Ticket
from agentdesk.store import changes
from agentdesk.store.ingest import apply_batch
from agentdesk.store.kpi_facts import load_facts
from agentdesk.store.kpi_window import KpiWindow, active_since, by_ticket, flatten
from agentdesk.store.wallboard import WallboardReader, read_wallboard


def _fresh(store, settings, now: float) -> metrics.Facts:
    end = int(now) + 1
    return load_facts(store, end - 7 * 86400, end, settings.sla_policies, settings.presales_teams)


def _figures(facts: metrics.Facts) -> dict:
    return {by: metrics.compute(facts, by) for by in (None, "agent", "team", "channel")}


def _traffic(store, at: int) -> None:
    """What a sync brings: a new ticket answered by an agent, and an old open one solved
    after a customer's message and an agent's reply, then rated."""
    old = store.one(
        "SELECT t.remote_id, c.remote_id AS customer, a.remote_id AS agent, t.channel"
        " FROM tickets t JOIN customers c ON c.id = t.customer_id"
        " JOIN agents a ON a.id = t.assignee_id WHERE t.stage = 0 ORDER BY t.id LIMIT 1"
    )
    new = Ticket("DEMO-77001", "chat", "Where is my parcel?", "open", old["customer"], at, at)
    new.assignee_remote_id = old["agent"]
    solved = Ticket(
        old["remote_id"], old["channel"], "x", "solved", old["customer"], at - 86400, at + 60
    )
    solved.assignee_remote_id = old["agent"]
    solved.satisfaction = 5
    batch = PullBatch(
        cursor="test",
        tickets=[new, solved],
        messages=[
            Message("w1", new.remote_id, "customer", "Kim", "Where is it?", at),
            Message(
                "w2",
                new.remote_id,
                "agent",
                "A",
                "On its way.",
                at + 30,
                agent_remote_id=old["agent"],
            ),
            Message("w3", old["remote_id"], "customer", "Kim", "Any news?", at + 10),
            Message(
                "w4",
                old["remote_id"],
                "agent",
                "A",
                "Sorted.",
                at + 50,
                agent_remote_id=old["agent"],
            ),
        ],
    )
    settings_policies = ()
    apply_batch(store, "demo", batch, settings_policies)


def test_after_a_sync_the_kept_week_has_the_figures_of_a_fresh_read(filled, filled_store):
    window = KpiWindow(7, filled.sla_policies, filled.presales_teams)
    now = time.time()
    window.refresh(filled_store, now)
    before = _figures(window.facts(filled_store, now))
    assert window.reloaded and before == _figures(_fresh(filled_store, filled, now))
    _traffic(filled_store, int(now) + 10)
    later = now + 120
    window.refresh(filled_store, later)
    kept = window.facts(filled_store, later)
    assert not window.reloaded  # only the two tickets the change log named were read
    assert _figures(kept) == _figures(_fresh(filled_store, filled, later))
    assert _figures(kept) != before


def test_a_bulk_change_or_a_pruned_log_reads_everything_again(filled, filled_store):
    window = KpiWindow(7, filled.sla_policies, filled.presales_teams)
    now = time.time()
    window.refresh(filled_store, now)
    with filled_store.write() as conn:
        changes.record(conn, "ticket", list(range(1, changes.MANY + 2)))  # a bulk change
    window.refresh(filled_store, now + 1)
    assert window.reloaded
    window.refresh(filled_store, now + 2)
    assert not window.reloaded


def test_the_monitors_reader_computes_the_week_at_most_once_a_minute(filled, filled_store):
    reader = WallboardReader(filled)
    now = time.time()
    first = reader.read(filled_store, now)
    assert first.week == read_wallboard(filled_store, filled, now).week
    _traffic(filled_store, int(now) + 10)
    # Read once the traffic's replies (10 + 30 and 10 + 50 s) have happened, within the
    # minute. (At 20 s, before them, today's figures could come out the same: the new open
    # ticket and the old one solved leave the backlog as it was.)
    soon = reader.read(filled_store, now + 55)
    assert soon.week == first.week  # the week's figures wait for their minute
    assert soon.today["handled"] > first.today["handled"]  # today's do not
    later = reader.read(filled_store, now + 61)
    assert later.week == read_wallboard(filled_store, filled, now + 61).week != first.week


_T0 = 1_767_225_600


def _random_facts(seed: int) -> metrics.Facts:
    """Tickets and events spread over four days, each kind alone on some tickets."""
    import random

    rng = random.Random(seed)
    day = 86400
    tickets, replies, solves, reopens, ratings, bots, waits = {}, [], [], [], [], [], {}
    for tid in range(1, 120):
        created = _T0 + rng.randrange(4 * day)
        tickets[tid] = metrics.TicketFact(
            id=tid,
            channel=rng.choice(("email", "chat")),
            team=rng.choice(("Pre-sales", None)),
            assignee=rng.choice(("ann", "bo", None)),
            created_at=created,
            customer_id=tid % 7,
            presales=rng.random() < 0.3,
            first_due=created + 3600 if rng.random() < 0.7 else None,
            open_now=rng.random() < 0.2,
            resolve_due=created + day,
            next_target=1800,
        )
        kinds = rng.sample(("reply", "solve", "reopen", "rating", "bot"), rng.randrange(0, 4))
        at = created
        for kind in kinds:
            at += rng.randrange(1, day)
            if kind == "reply":
                waits.setdefault(tid, []).append(at - rng.randrange(1, 600))
                replies.append(metrics.Reply(tid, at, rng.choice(("ann", "bo"))))
            elif kind == "solve":
                solves.append((tid, at))
            elif kind == "reopen":
                reopens.append((tid, at))
            elif kind == "rating":
                ratings.append((tid, at, rng.randrange(1, 6)))
            else:
                bots.append((tid, at))
    return metrics.Facts(
        start=_T0,
        end=_T0 + 10 * day,  # after every event: load_facts reads none at or past the end
        tickets=tickets,
        replies=sorted(replies, key=lambda r: r.at),
        customer_messages=waits,
        solves=solves,
        reopens=reopens,
        ratings=ratings,
        orders={c: [_T0 + c * 3600] for c in range(7)},
        bot_replies=bots,
    )


def test_the_facts_since_a_moment_count_as_the_whole_from_that_moment():
    """Today is read out of the week: only the tickets active since midnight, each with its
    whole history, and the figures are those of the whole week's facts from midnight on."""
    for seed in range(5):
        facts = _random_facts(seed)
        tickets = by_ticket(facts)
        for since in range(_T0, _T0 + 5 * 86400, 4 * 3600):
            active = {tid: f for tid, f in tickets.items() if active_since(f, since)}
            assert len(active) < len(tickets) or since == _T0
            narrowed = flatten(active, facts.orders, since, facts.end)
            for by in (None, "agent", "channel"):
                expected = metrics.compute(replace(facts, start=since), by)
                assert metrics.compute(narrowed, by) == expected, (seed, since, by)
