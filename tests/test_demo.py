"""The demo shop: deterministic, convincing, alive, and behaving like a platform."""

from __future__ import annotations

import multiprocessing
import time

from agentdesk.connectors.demo import history_ahead
from agentdesk.connectors.demo.canned import canned_replies
from agentdesk.connectors.demo.history_ahead import HistoryAhead
from agentdesk.connectors.demo.shop import DemoShop
from agentdesk.connectors.demo.world import World
from agentdesk.ops import AgentRef, Assign, Op, Reply, SetStatus


def test_same_seed_same_shop():
    a, b = World(4, 1000, 1_700_000_000, "Me", "me@x"), World(4, 1000, 1_700_000_000, "Me", "me@x")
    for i in (0, 17, 999):
        ga, gb = a.ticket(i), b.ticket(i)
        assert ga.ticket == gb.ticket and ga.messages == gb.messages
    assert World(5, 1000, 1_700_000_000, "Me", "me@x").ticket(17).ticket != a.ticket(17).ticket


def test_a_history_generated_ahead_in_a_worker_is_the_one_generated_here(monkeypatch):
    monkeypatch.setattr(history_ahead, "AHEAD_FROM", 1)  # a worker for any history
    world = World(4, 2500, 1_700_000_000, "Me", "me@x")
    ahead = HistoryAhead(World(4, 2500, 1_700_000_000, "Me", "me@x"), 1000)
    got = [*ahead.batch(0, 1000), *ahead.batch(1000, 2000)]
    assert ahead._pool is not None and multiprocessing.active_children()  # 2000-2500 asked
    got += ahead.batch(2000, 2500)
    expected = [(g.ticket, g.messages) for g in map(world.ticket, range(2500))]
    assert got == expected
    assert ahead._pool is None and not multiprocessing.active_children()  # done: no worker
    # A cursor from elsewhere (a restart mid-history) is generated here, and still right.
    again = HistoryAhead(World(4, 2500, 1_700_000_000, "Me", "me@x"), 1000)
    assert again.batch(1500, 2500) == expected[1500:]
    again.close()


def test_history_is_varied_and_never_in_the_future():
    w = World(1, 3000, 1_700_000_000, "Me", "me@x")
    tickets = [w.ticket(i) for i in range(3000)]
    channels = {g.ticket.channel for g in tickets}
    assert channels >= {"email", "chat", "wechat", "weibo", "sms", "webform", "amazon", "phone"}
    assert any("a-to-z" in g.ticket.tags and "claim_at" in g.ticket.fields for g in tickets)
    assert all(m.created_at <= 1_700_000_000 for g in tickets for m in g.messages)
    langs = {g.ticket.fields["lang"] for g in tickets}
    assert langs == {"zh", "en"}
    avg = sum(len(g.messages) for g in tickets) / len(tickets)
    assert 8 <= avg <= 12  # about a million messages for 100,000 tickets


def test_canned_replies_cover_both_languages():
    replies = canned_replies()
    assert len(replies) == 60
    assert {r.lang for r in replies} == {"en", "zh"}
    assert len({r.shortcode for r in replies}) == 60
    assert any("{{customer.first_name|there}}" in r.body for r in replies)
    assert any(r.actions.get("status") == "solved" for r in replies)


def test_live_traffic_and_ops(tmp_path):
    shop = DemoShop(
        tmp_path / "shop.json",
        seed=2,
        tickets=30,
        rate=600.0,
        reply_delay=1,
        me_name="Me",
        me_email="me@x",
    )
    cursor = None
    while True:
        batch = shop.pull(cursor)
        cursor = batch.cursor
        if not batch.more:
            break
    assert cursor.startswith("live:")
    shop.state["tick"] = int(time.time()) - 10  # ten seconds at 600 a minute
    batch = shop.pull(cursor)
    assert len(batch.messages) >= 20, "customers keep writing"
    cursor = batch.cursor
    rid = batch.tickets[0].remote_id
    now = int(time.time())
    shop.apply(Op(Assign(AgentRef(0, "a-zhou")), "demo", rid), now)
    shop.apply(Op(SetStatus("on_hold"), "demo", rid), now)
    reply = Op(Reply("On it!"), "demo", rid)
    first = shop.apply(reply, now)
    assert shop.apply(reply, now) == first, "a resend of the same op is recognised"
    assert shop.landed(reply.uuid) == first
    reopened = DemoShop(
        tmp_path / "shop.json",
        seed=2,
        tickets=30,
        rate=0.0,
        reply_delay=1,
        me_name="Me",
        me_email="me@x",
    )
    t = reopened._ticket(rid)
    assert t.assignee_remote_id == "a-zhou" and t.status == "on_hold"  # it sticks, across restarts
    reopened.state["tick"] = now
    time.sleep(1.6)
    batch = reopened.pull(cursor)
    answers = [
        m for m in batch.messages if m.ticket_remote_id == rid and m.author_kind == "customer"
    ]
    assert answers, "the customer answered the reply"
    assert next(t for t in batch.tickets if t.remote_id == rid).status == "open"
