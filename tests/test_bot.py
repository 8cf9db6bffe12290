"""The order-status bot (store/bot.py): answers a Chinese and an English "where is my order"
from the order data, hands over on the customer's next message, leaves a note when the
order or the question is unclear, never touches an A-to-z claim or e-mail (by default),
and acts once per occurrence."""

from __future__ import annotations

import json
import time

import pytest
from snapshot_workspace import FROZEN, build, snapshot_settings

from agentdesk.canned.library import CannedEntry
from agentdesk.connectors.demo.canned import canned_replies
from agentdesk.model import Message, Order, PullBatch, Ticket
from agentdesk.rules.bot import parse_bot
from agentdesk.store.actions import ActionContext
from agentdesk.store.bot import run_bot
from agentdesk.store.db import Store
from agentdesk.store.ingest import apply_batch

BOT = parse_bot(
    {
        "enabled": True,
        "intents": [
            {
                "name": "where is my order",
                "canned": "wismo",
                "phrases": ["where is my order", "where is my parcel", "我的快递", "到哪了"],
            },
            {"name": "invoice", "canned": "invoice", "phrases": ["invoice", "发票"]},
        ],
    }
)
CANNED = {
    c.shortcode: CannedEntry(c.remote_id, "demo", c.title, c.body, c.shortcode, c.lang)
    for c in canned_replies()
}


@pytest.fixture
def shop(settings):
    s = snapshot_settings(settings)
    build(s)
    return s


def _pass(shop, store, at=FROZEN):
    return run_bot(store, ActionContext.from_settings(shop), BOT, CANNED.get, clock=lambda: at)


def _ticket(store, rid, channel, customer, text, *, tags=(), at=FROZEN):
    apply_batch(
        store,
        "shop",
        PullBatch(
            None,
            tickets=[Ticket(rid, channel, text[:40], "new", customer, at, at, tags=list(tags))],
            messages=[Message(f"{rid}-1", rid, "customer", "someone", text, at)],
        ),
        (),
    )
    return store.one("SELECT id FROM tickets WHERE remote_id = ?", (rid,))[0]


def _queued(store, tid):
    return [
        (r["kind"], json.loads(r["payload"]))
        for r in store.query(
            "SELECT kind, payload FROM outbox WHERE ticket_id = ? ORDER BY id", (tid,)
        )
    ]


def test_english_and_chinese_where_is_my_order_are_answered_from_the_order(shop):
    with Store.open_dir(shop.data_dir) as store:
        assert _pass(shop, store) == []  # starts from now
        english = _ticket(store, "3001", "chat", "c1", "Hi, where is my order? It's been a week.")
        chinese = _ticket(store, "3002", "wechat", "c2", "你好，我的快递到哪了？")
        fired = {f.ticket_id: f for f in _pass(shop, store)}
        assert set(fired) == {english, chinese}
        ops = _queued(store, english)
        assert [k for k, _p in ops] == ["reply", "tags", "status"]
        assert ops[0][1]["body"] == (
            "Your order LL1001 is shipped. Tracking: 1Z999AA10123456784 with DHL."
        )
        assert ops[1][1]["add"] == ["bot"] and ops[2][1]["status"] == "pending"
        zh = _queued(store, chinese)[0][1]["body"]
        assert (
            zh.startswith("您的订单LL1002当前状态：已退款") and "暂未生成" in zh
        )  # no tracking yet
        author = store.one(
            "SELECT automation FROM messages WHERE ticket_id = ? AND op_uuid IS NOT NULL",
            (english,),
        )
        assert author[0] == "order-status bot"
        assert _pass(shop, store) == []  # once


def test_the_customer_writing_again_goes_to_a_person(shop):
    with Store.open_dir(shop.data_dir) as store:
        _pass(shop, store)
        tid = _ticket(store, "3101", "chat", "c1", "Where is my parcel?")
        _pass(shop, store)
        later = FROZEN + 600
        apply_batch(
            store,
            "shop",
            PullBatch(
                None,
                messages=[
                    Message(
                        "3101-2",
                        "3101",
                        "customer",
                        "Ava",
                        "It says delivered but it is not here",
                        later,
                    )
                ],
            ),
            (),
        )
        [f] = _pass(shop, store, later)
        assert f.ticket_id == tid
        ops = _queued(store, tid)
        assert ops[-2][0] == "note" and "over to a person" in ops[-2][1]["body"]
        assert ops[-1] == ("status", {"status": "open"})
        apply_batch(
            store,
            "shop",
            PullBatch(
                None, messages=[Message("3101-3", "3101", "customer", "Ava", "Hello?", later + 60)]
            ),
            (),
        )
        assert _pass(shop, store, later + 120) == []  # handed over once


def test_an_unclear_order_or_question_leaves_a_note_and_no_answer(shop):
    with Store.open_dir(shop.data_dir) as store:
        _pass(shop, store)
        apply_batch(
            store,
            "shop",
            PullBatch(
                None, orders=[Order("LL1009", "c1", "shop", [], 1000, "USD", "paid", FROZEN - 3600)]
            ),
            (),
        )
        several = _ticket(store, "3201", "chat", "c1", "Where is my order?")
        both = _ticket(store, "3202", "sms", "c5", "where is my order and I need an invoice")
        _pass(shop, store)
        [(kind, note)] = _queued(store, several)
        assert kind == "note" and "LL1009" in note["body"] and "LL1001" in note["body"]
        [(kind, note)] = _queued(store, both)
        assert kind == "note" and "several things" in note["body"]


def test_never_an_a_to_z_claim_nor_email_by_default(shop):
    with Store.open_dir(shop.data_dir) as store:
        _pass(shop, store)
        claim = _ticket(
            store, "3301", "amazon", "c4", "Where is my order? Filing a claim.", tags=["a-to-z"]
        )
        mail = _ticket(store, "3302", "email", "c1", "Where is my order?")
        assert _pass(shop, store) == []
        assert _queued(store, claim) == [] and _queued(store, mail) == []


def test_bot_deflection_counts_tickets_solved_with_no_agent_reply_after_the_bot(shop, monkeypatch):
    from agentdesk.kpi import metrics
    from agentdesk.store import outbox
    from agentdesk.store.kpi_facts import load_facts
    from agentdesk.store.outbox import claim_next, mark_sent

    with Store.open_dir(shop.data_dir) as store:
        _pass(shop, store)
        alone = _ticket(store, "3401", "chat", "c1", "Where is my order?")
        helped = _ticket(store, "3402", "wechat", "c2", "我的快递到哪了")
        _pass(shop, store)
        real_now = outbox.now
        while (op := claim_next(store, "shop")) is not None:
            monkeypatch.setattr(outbox, "now", lambda: FROZEN + 60)  # delivered a minute later
            mark_sent(store, op, f"r-{op.id}")  # the bot's replies are events now
            monkeypatch.setattr(outbox, "now", real_now)
        later = FROZEN + 900
        apply_batch(
            store,
            "shop",
            PullBatch(
                None,
                tickets=[
                    Ticket("3401", "chat", "Where is my order?", "solved", "c1", FROZEN, later),
                    Ticket("3402", "wechat", "我的快递到哪了", "solved", "c2", FROZEN, later),
                ],
                messages=[
                    Message(
                        "3402-9",
                        "3402",
                        "agent",
                        "Demo Agent",
                        "已为您催件。",
                        later - 60,
                        agent_remote_id="me",
                    )
                ],
            ),
            (),
        )
        # Up to now: ingest dates a status change no earlier than the ticket's last local
        # change, and the bot's own changes were made on this machine's clock.
        facts = load_facts(store, FROZEN - 3600, int(time.time()) + 10, (), ())
        figures = metrics.total(facts)
        assert figures["bot_answered"] == 2
        assert figures["bot_deflection"] == 0.5  # 3401 alone: solved, nobody wrote after the bot
        # The bot's replies are not an agent's: no first reply is counted for them.
        assert figures["handled"] == 1 and {alone, helped} == set(facts.tickets) & {alone, helped}


def test_the_bot_stays_quiet_where_a_person_answered_first(shop):
    with Store.open_dir(shop.data_dir) as store:
        _pass(shop, store)
        apply_batch(
            store,
            "shop",
            PullBatch(
                None,
                tickets=[
                    Ticket("3501", "chat", "Where is my order?", "open", "c1", FROZEN, FROZEN)
                ],
                messages=[
                    Message("3501-1", "3501", "customer", "Ava", "Where is my order?", FROZEN),
                    Message(
                        "3501-2",
                        "3501",
                        "agent",
                        "Lin",
                        "Checking now.",
                        FROZEN + 5,
                        agent_remote_id="a-lin",
                    ),
                ],
            ),
            (),
        )
        tid = store.one("SELECT id FROM tickets WHERE remote_id = '3501'")[0]
        assert _pass(shop, store) == [] and _queued(store, tid) == []


def test_of_several_recent_orders_the_only_one_on_its_way_is_the_one_asked_about(shop):
    with Store.open_dir(shop.data_dir) as store:
        _pass(shop, store)
        apply_batch(
            store,
            "shop",
            PullBatch(
                None,
                orders=[Order("LL1011", "c1", "shop", [], 1000, "USD", "delivered", FROZEN - 3600)],
            ),
            (),
        )
        tid = _ticket(store, "3601", "chat", "c1", "Where is my order?")
        _pass(shop, store)
        [reply, *_rest] = _queued(store, tid)
        assert reply[0] == "reply" and "LL1001" in reply[1]["body"]  # shipped, not LL1011


def test_the_order_the_platform_linked_the_ticket_to_wins(shop):
    with Store.open_dir(shop.data_dir) as store:
        _pass(shop, store)
        apply_batch(
            store,
            "shop",
            PullBatch(
                None,
                orders=[Order("LL1012", "c1", "shop", [], 1000, "USD", "paid", FROZEN - 3600)],
                tickets=[
                    Ticket(
                        "3701",
                        "chat",
                        "Where is my order?",
                        "new",
                        "c1",
                        FROZEN,
                        FROZEN,
                        order_number="LL1001",
                    )
                ],
                messages=[
                    Message("3701-1", "3701", "customer", "Ava", "Where is my order?", FROZEN)
                ],
            ),
            (),
        )
        tid = store.one("SELECT id FROM tickets WHERE remote_id = '3701'")[0]
        _pass(shop, store)
        [reply, *_rest] = _queued(store, tid)
        assert (
            reply[0] == "reply"
            and "LL1001" in reply[1]["body"]
            and "1Z999AA10123456784" in reply[1]["body"]
        )
