"""Auto-assignment (store/assignment.py): round robin over 300 tickets spreads evenly over the
team's agents who are online and below capacity, skipping offline and full ones; least
loaded evens out loads; the customer's language is matched where the config says which
languages an agent speaks; each ticket is assigned once per time it waits in the queue,
through the outbox, and the thread says how."""

from __future__ import annotations

from collections import Counter

import pytest
from snapshot_workspace import FROZEN, snapshot_settings

from agentdesk.model import Agent, Customer, Directory, Message, PullBatch, Team, Ticket
from agentdesk.rules.assignment import AgentLanguages, TeamAssignment
from agentdesk.store.actions import ActionContext
from agentdesk.store.assignment import auto_assign
from agentdesk.store.db import Store
from agentdesk.store.directory import apply_directory
from agentdesk.store.ingest import apply_batch
from agentdesk.store.outbox import claim_next, mark_sent
from agentdesk.store.reads import conversation
from agentdesk.ui.conversation_render import thread

AGENTS = [
    # remote id, name, presence, capacity
    ("a", "Ana", "online", 1000),
    ("b", "Ben", "online", 1000),
    ("c", "陈静 Chen Jing", "online", 1000),
    ("d", "Dora", "offline", 1000),
    ("e", "Eli", "online", 0),  # full
    ("f", "Fang", "away", 1000),
]


@pytest.fixture
def shop(settings):
    s = snapshot_settings(settings)
    with Store.open_dir(s.data_dir) as store:
        apply_directory(
            store,
            "shop",
            Directory(
                agents=[
                    Agent(r, n, f"{r}@shop.example", p, cap, ["sup"]) for r, n, p, cap in AGENTS
                ],
                teams=[Team("sup", "Support 客服")],
            ),
        )
    return s


def _started(shop, store) -> None:
    """Auto-assignment hands out what comes into a team after it first runs."""
    auto_assign(
        store,
        ActionContext.from_settings(shop),
        [TeamAssignment("Support 客服", "round_robin")],
        (),
    )


def _tickets(store, n: int, *, chinese: bool = False, start: int = 0) -> list[int]:
    tickets, messages = [], []
    for i in range(start, start + n):
        rid = f"T{i}"
        words = "我的快递到哪了？" if chinese else "Where is my parcel?"
        tickets.append(
            Ticket(rid, "chat", words, "new", "c1", FROZEN + i, FROZEN + i, team_remote_id="sup")
        )
        messages.append(Message(f"{rid}-1", rid, "customer", "Ava", words, FROZEN + i))
    customer = Customer("c1", "Ava Clark", "ava@example.com", None, {}, False, FROZEN)
    apply_batch(
        store, "shop", PullBatch(None, customers=[customer], tickets=tickets, messages=messages), ()
    )
    return [
        store.one("SELECT id FROM tickets WHERE remote_id = ?", (t.remote_id,))[0] for t in tickets
    ]


def _assignees(store, ids) -> Counter:
    marks = ", ".join("?" * len(ids))
    return Counter(
        r[0]
        for r in store.query(
            f"SELECT a.name FROM tickets t JOIN agents a ON a.id = t.assignee_id WHERE t.id IN ({marks})",
            ids,
        )
    )


def test_round_robin_spreads_300_tickets_evenly_over_who_can_take_them(shop):
    teams = [TeamAssignment("Support 客服", "round_robin")]
    with Store.open_dir(shop.data_dir) as store:
        backlog = _tickets(store, 5, start=900)  # there before it was turned on: left alone
        _started(shop, store)
        ids = _tickets(store, 300)
        ctx = ActionContext.from_settings(shop)
        first = auto_assign(store, ctx, teams, (), clock=lambda: FROZEN)
        assert len(first) == 200  # a pass takes 200 of a team's queue; the next the rest
        assert len(auto_assign(store, ctx, teams, (), clock=lambda: FROZEN)) == 100
        assert _assignees(store, ids) == Counter({"Ana": 100, "Ben": 100, "陈静 Chen Jing": 100})
        assert _assignees(store, backlog) == Counter()
        ops = store.query("SELECT DISTINCT kind, agent_key FROM outbox")
        assert [tuple(r) for r in ops] == [("assign", "rule:round robin")]
        # A second pass finds nothing waiting and assigns nothing again.
        assert auto_assign(store, ctx, teams, (), clock=lambda: FROZEN) == []
        assert store.one("SELECT count(*) FROM outbox")[0] == 300
        # Delivered, the thread says how the ticket was assigned.
        op = claim_next(store, "shop")
        mark_sent(store, op, None)
        tid = store.one("SELECT ticket_id FROM outbox WHERE id = ?", (op.id,))[0]
        conv = conversation(store, tid)
        text = thread(
            conv,
            None,
            FROZEN,
            {
                k: ""
                for k in (
                    "customer",
                    "agent",
                    "note",
                    "note_body",
                    "event",
                    "queued",
                    "failed",
                    "attachment",
                )
            },
        ).plain
        assert "assigned to Ana by round robin" in text


def test_least_loaded_evens_out_loads_and_a_full_agent_gets_nothing(shop):
    teams = [TeamAssignment("Support 客服", "least_loaded")]
    with Store.open_dir(shop.data_dir) as store:
        with store.write() as conn:  # Ana already has 10 open tickets' worth of capacity used
            conn.execute("UPDATE agents SET capacity = 12 WHERE remote_id = 'a'")
        _started(shop, store)
        first = _tickets(store, 10)
        with store.write() as conn:
            ana = conn.execute("SELECT id FROM agents WHERE remote_id = 'a'").fetchone()[0]
            conn.executemany(
                "UPDATE tickets SET assignee_id = ? WHERE id = ?", [(ana, t) for t in first]
            )
        ids = _tickets(store, 30, start=100)
        auto_assign(store, ActionContext.from_settings(shop), teams, (), clock=lambda: FROZEN)
        got = _assignees(store, ids)
        # Ben and 陈静 catch up with Ana's 10 first; Ana is full at 12 and takes 2 at most.
        assert got["Ana"] <= 2 and got["Ben"] >= 14 and got["陈静 Chen Jing"] >= 14
        assert sum(got.values()) == 30 and "Eli" not in got and "Dora" not in got


def test_the_customers_language_is_matched(shop):
    teams = [TeamAssignment("Support 客服", "round_robin")]
    languages = [
        AgentLanguages("Ana", ("en",)),
        AgentLanguages("b@shop.example", ("en",)),
        AgentLanguages("陈静 Chen Jing", ("zh", "en")),
    ]
    with Store.open_dir(shop.data_dir) as store:
        _started(shop, store)
        chinese = _tickets(store, 6, chinese=True)
        english = _tickets(store, 6, start=50)
        auto_assign(
            store, ActionContext.from_settings(shop), teams, languages, clock=lambda: FROZEN
        )
        assert _assignees(store, chinese) == Counter({"陈静 Chen Jing": 6})
        assert sum(_assignees(store, english).values()) == 6
        assert _assignees(store, english)["Ana"] >= 2 and _assignees(store, english)["Ben"] >= 2


def test_nobody_online_leaves_the_ticket_waiting_until_someone_is(shop):
    teams = [TeamAssignment("Support 客服", "round_robin")]
    with Store.open_dir(shop.data_dir) as store:
        with store.write() as conn:
            conn.execute("UPDATE agents SET presence = 'offline'")
        _started(shop, store)
        [tid] = _tickets(store, 1)
        ctx = ActionContext.from_settings(shop)
        assert auto_assign(store, ctx, teams, (), clock=lambda: FROZEN) == []
        with store.write() as conn:
            conn.execute("UPDATE agents SET presence = 'online' WHERE remote_id = 'b'")
        assert [f.actions for f in auto_assign(store, ctx, teams, (), clock=lambda: FROZEN)] == [
            ["Ben"]
        ]
        assert _assignees(store, [tid]) == Counter({"Ben": 1})


def test_an_agent_away_too_long_gives_back_unanswered_tickets_to_the_queue(shop):
    import time

    teams = [TeamAssignment("Support 客服", "round_robin", return_after=1800)]
    with Store.open_dir(shop.data_dir) as store:
        _started(shop, store)
        ids = _tickets(store, 3)
        ctx = ActionContext.from_settings(shop)
        now = int(time.time())
        auto_assign(store, ctx, teams, (), clock=lambda: now)
        assert _assignees(store, ids) == Counter({"Ana": 1, "Ben": 1, "陈静 Chen Jing": 1})
        with store.write() as conn:
            conn.execute("UPDATE agents SET presence = 'away' WHERE remote_id = 'b'")
        assert auto_assign(store, ctx, teams, (), clock=lambda: now + 600) == []  # not yet
        fired = auto_assign(store, ctx, teams, (), clock=lambda: now + 1900)
        assert [f.rule for f in fired] == ["back to the queue", "round robin"]
        assert "Ben" not in _assignees(store, ids)
        assert sum(_assignees(store, ids).values()) == 3
        # Given back once: the same absence does not give it back again.
        assert auto_assign(store, ctx, teams, (), clock=lambda: now + 2500) == []
