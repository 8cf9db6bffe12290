"""The contract every connector keeps, run against each one's live platform (conftest.py):
pulls from nothing and incrementally, each op it supports lands exactly once, an ambiguous
send that landed is not sent again, a sync killed mid-way resumes without duplicates, an op
it cannot carry is refused at enqueue, its directory arrives, an attachment is fetched byte
for byte, and a platform that goes away and comes back gets the queued work once."""

from __future__ import annotations

import collections
import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agentdesk.connectors import registry
from agentdesk.ops import (
    AgentRef,
    Assign,
    Note,
    Reply,
    SetPriority,
    SetStatus,
    Snooze,
    Tags,
    TeamRef,
    Transfer,
)
from agentdesk.store import actions, reads, snooze, snooze_actions
from agentdesk.store.actions import ActionContext, ActionRefused
from agentdesk.store.attachment_saves import request_saves
from agentdesk.store.db import Store
from agentdesk.store.drafts import load_draft, save_draft
from agentdesk.store.sync_state import get_cursor
from agentdesk.store.views import agent_views, builtin_views
from agentdesk.sync.runner import BackgroundEngine, run_once
from contract.conftest import HARNESSES

pytestmark = pytest.mark.slow


def test_every_connector_type_has_a_platform_in_the_suite():
    assert set(HARNESSES) == set(registry.specs())


def open_store(settings) -> Store:
    return Store.open_dir(settings.data_dir)


def bodies(store: Store, tid: int) -> list[str]:
    return [
        r[0].strip()
        for r in store.query("SELECT body FROM messages WHERE ticket_id = ? ORDER BY id", (tid,))
    ]


def wait_for(cond, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s"
        time.sleep(0.05)


def sync(settings) -> None:
    summary = run_once(settings)
    assert summary.errors == {}, summary.errors


def test_first_pull_from_nothing_then_an_incremental_pull(platform, tmp_path):
    settings = platform.settings(tmp_path / "data")
    ref = platform.customer_writes(
        "Order 1001 not here 订单未到", "My order has not arrived. 订单还没到。"
    )
    sync(settings)
    with open_store(settings) as store:
        tid = platform.local_id(store, ref)
        assert bodies(store, tid).count("My order has not arrived. 订单还没到。") == 1
        tickets_before = store.one("SELECT count(*) FROM tickets")[0]
        cursor = get_cursor(store, platform.name)
    platform.customer_answers(ref, "Any news? 有消息吗？")
    second = platform.customer_writes("Change the size 换尺码", "Can I have an L? 能换L码吗？")
    sync(settings)
    with open_store(settings) as store:
        assert platform.local_id(store, ref) == tid
        thread = bodies(store, tid)
        assert thread.count("Any news? 有消息吗？") == 1, "the answer is on its ticket, once"
        assert thread.count("My order has not arrived. 订单还没到。") == 1
        other = platform.local_id(store, second)
        assert bodies(store, other) == ["Can I have an L? 能换L码吗？"]
        assert store.one("SELECT count(*) FROM tickets")[0] == tickets_before + 1
        assert get_cursor(store, platform.name) != cursor
        messages = store.one("SELECT count(*) FROM messages")[0]
    sync(settings)  # nothing new: nothing added
    with open_store(settings) as store:
        assert store.one("SELECT count(*) FROM messages")[0] == messages


def _apply_each_supported_op(platform, settings, store, tid) -> list[tuple]:
    """One op of every kind the platform carries, each through the store's actions; returns
    (change as the platform should see it, op uuid)."""
    ctx = ActionContext.from_settings(settings)
    ops = registry.spec_for(platform.type).ops
    me = store.one(
        "SELECT id, remote_id, name FROM agents WHERE connector = ? AND email = ?",
        (platform.name, settings.agent.email),
    )
    team_id, agent_id = platform.transfer_target(store)
    team = (
        store.one("SELECT remote_id, name FROM teams WHERE id = ?", (team_id,)) if team_id else None
    )
    done = []

    def did(outcome, change):
        [op_uuid] = outcome.op_uuids
        done.append((change, op_uuid))

    # In an order whose final state shows each field's op: move the ticket, then take it.
    if "reply" in ops:
        body = "Your parcel left today. 包裹今天已发出。"
        did(actions.send_message(store, ctx, tid, body), Reply(body))
    if "note" in ops:
        body = "Checked with the warehouse. 已与仓库核实。"
        did(actions.send_message(store, ctx, tid, body, internal=True), Note(body))
    if "tags" in ops:
        did(
            actions.change_tags(store, ctx, [tid], add=["contract", "合同"]),
            Tags(("contract", "合同")),
        )
    if "priority" in ops:
        did(actions.set_priority(store, ctx, [tid], "high"), SetPriority("high"))
    if "transfer" in ops:
        change = Transfer(
            TeamRef(team_id, team["remote_id"], team["name"]) if team else None,
            AgentRef(agent_id, me["remote_id"], me["name"]) if agent_id else None,
        )
        did(actions.transfer(store, ctx, [tid], team_id=team_id, agent_id=agent_id), change)
    if "assign" in ops:
        did(
            actions.take(store, ctx, [tid]), Assign(AgentRef(me["id"], me["remote_id"], me["name"]))
        )
    if "status" in ops:
        did(actions.set_status(store, ctx, [tid], "pending"), SetStatus("pending"))
    # A snooze sets the status too (Chatwoot: snoozed), so it has a test of its own:
    # test_a_snooze_stays_local_where_the_platform_has_none.
    assert {c.kind for c, _u in done} == set(ops) - {"snooze"}, (
        "every kind the platform declares was tried"
    )
    return done


def test_each_supported_op_lands_exactly_once(platform, tmp_path):
    settings = platform.settings(tmp_path / "data")
    ref = platform.customer_writes(
        "Wrong colour 颜色不对", "I ordered blue, got red. 要蓝色的，收到红色。"
    )
    sync(settings)
    with open_store(settings) as store:
        tid = platform.local_id(store, ref)
        done = _apply_each_supported_op(platform, settings, store, tid)
    sync(settings)  # delivers
    sync(settings)  # and reads the platform's own record of it back
    with open_store(settings) as store:
        states = [r[0] for r in store.query("SELECT state FROM outbox")]
        assert states == ["sent"] * len(done), states
        thread = bodies(store, tid)
        for change, _u in done:
            if isinstance(change, Reply | Note):
                assert thread.count(change.body) == 1, "the platform's echo is not a second copy"
    for change, op_uuid in done:
        assert platform.landed(ref, change, op_uuid) == 1, f"{change.kind} on the platform"


def test_an_ambiguous_send_that_landed_is_not_sent_again(platform, tmp_path):
    settings = platform.settings(tmp_path / "data")
    ref = platform.customer_writes("Invoice 发票", "I need an invoice. 我需要发票。")
    sync(settings)
    body = "The invoice is on its way. 发票已开出。"
    with open_store(settings) as store:
        tid = platform.local_id(store, ref)
        [op_uuid] = actions.send_message(
            store, ActionContext.from_settings(settings), tid, body
        ).op_uuids
    sync(settings)
    assert platform.landed(ref, Reply(body), op_uuid) == 1
    # As after a crash right after the platform took it, before anything was recorded here:
    # the op is back to "sending", and whatever the connector keeps of it locally is lost.
    with open_store(settings) as store:
        store.conn.execute("UPDATE outbox SET state = 'sending', remote_id = NULL")
    platform.forget_local_record(settings.data_dir)
    sync(settings)
    assert platform.landed(ref, Reply(body), op_uuid) == 1, "asked the platform, not resent"
    with open_store(settings) as store:
        assert store.one("SELECT state FROM outbox")[0] == "sent"


def test_killed_right_after_the_platform_accepted_a_reply_it_never_sends_it_twice(
    platform, tmp_path
):
    """The sync daemon is killed at the worst moment: the platform has the reply (it holds
    back only its answer), we have no record of that answer. Whatever runs next must not
    deliver the reply again: it finds it and marks it sent, or says it cannot know."""
    if not platform.can_stall:
        pytest.skip(f"{platform.type}: the platform answers inside the engine's process")
    platform.enable_stall()
    settings = platform.settings(tmp_path / "data")
    ref = platform.customer_writes("Size exchange 换货", "Please send an L instead. 请换L码。")
    sync(settings)
    body = "The L is on its way. L码已寄出。"
    platform.stall(True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTDESK_")}
    env.update(platform.env())
    daemon = subprocess.Popen(
        [sys.executable, "-m", "agentdesk", "--config", str(settings.config_path)]
        + ["--data-dir", str(settings.data_dir), "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with open_store(settings) as store:
            tid = platform.local_id(store, ref)
            [op_uuid] = actions.send_message(
                store, ActionContext.from_settings(settings), tid, body
            ).op_uuids
        wait_for(lambda: platform.landed(ref, Reply(body), op_uuid) == 1, "the platform took it")
        os.kill(daemon.pid, signal.SIGKILL)
    finally:
        if daemon.poll() is None:
            daemon.kill()
        daemon.wait()
        platform.stall(False)
    with open_store(settings) as store:
        assert store.one("SELECT state FROM outbox")[0] == "sending", "killed mid-push"
    for _ in range(2):
        run_once(settings)
    assert platform.landed(ref, Reply(body), op_uuid) == 1, "not delivered twice"
    with open_store(settings) as store:
        op = store.one("SELECT state, last_error FROM outbox")
    assert op["state"] == "sent" or (
        op["state"] == "failed" and "may already have this reply" in op["last_error"]
    ), dict(op)


def _content(data_dir: Path, connector: str) -> collections.Counter:
    """What a cache holds of a platform: each (ticket subject, message body), counted."""
    with Store.open_dir(data_dir) as store:
        rows = store.query(
            "SELECT t.subject, m.body FROM messages m JOIN tickets t ON t.id = m.ticket_id"
            " WHERE t.connector = ?",
            (connector,),
        )
        return collections.Counter((r[0], r[1].strip()) for r in rows)


def test_killed_in_the_middle_of_a_first_sync_it_resumes_without_duplicates(platform, tmp_path):
    platform.prepare_history(platform.history_size)
    settings = platform.settings(tmp_path / "killed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTDESK_")}
    env.update(platform.env())
    cmd = [sys.executable, "-m", "agentdesk", "--config", str(settings.config_path)]
    daemon = subprocess.Popen(
        [*cmd, "--data-dir", str(settings.data_dir), "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    db = settings.data_dir / "agentdesk.db"

    def tickets() -> int:
        if not db.exists():
            return 0
        try:
            with Store.open_dir(settings.data_dir, readonly=True) as store:
                return store.one(
                    "SELECT count(*) FROM tickets WHERE connector = ?", (platform.name,)
                )[0]
        except Exception:  # the schema is being made
            return 0

    try:
        wait_for(lambda: tickets() > 0, "the first batch")
        os.kill(daemon.pid, signal.SIGKILL)
    finally:
        if daemon.poll() is None:
            daemon.kill()
        daemon.wait()
    partial = tickets()
    assert 0 < partial < platform.history_size, f"killed mid-sync ({partial} tickets in)"
    sync(settings)
    clean = platform.settings(tmp_path / "clean")  # the same platform, synced without a kill
    sync(clean)
    # Every ticket and message once: what the resumed sync holds, counted, is what a sync
    # that was never killed holds.
    assert _content(settings.data_dir, platform.name) == _content(clean.data_dir, platform.name)
    with open_store(settings) as store:
        n = store.one("SELECT count(*) FROM tickets WHERE connector = ?", (platform.name,))[0]
        assert n >= platform.history_size


def test_an_op_the_platform_cannot_carry_is_refused_at_enqueue(
    platform, unsupported_kind, tmp_path
):
    settings = platform.settings(tmp_path / "data")
    ref = platform.customer_writes("Question 问题", "Hello? 你好？")
    sync(settings)
    ctx = ActionContext.from_settings(settings)
    why = f"on {registry.spec_for(platform.type).platform} (connector {platform.name})"
    with open_store(settings) as store:
        tid = platform.local_id(store, ref)
        save_draft(store, tid, settings.agent.email, "reply", "Thanks!", {})
        attempt = {
            "tags": lambda: actions.change_tags(store, ctx, [tid], add=["x"]),
            "priority": lambda: actions.set_priority(store, ctx, [tid], "high"),
            "status": lambda: actions.set_status(store, ctx, [tid], "pending"),
            "assign": lambda: actions.take(store, ctx, [tid]),
            "transfer": lambda: actions.transfer(store, ctx, [tid], agent_id=None),
            "reply": lambda: actions.send_message(store, ctx, tid, "Thanks!"),
            "note": lambda: actions.send_message(store, ctx, tid, "FYI", internal=True),
        }[unsupported_kind]
        try:
            outcome = attempt()
        except ActionRefused as e:
            reason = str(e)
        else:
            assert outcome.done == []
            reason = outcome.skipped[0][2]
        assert why in reason
        # A reply whose canned reply carries such an effect is refused whole; the draft stays.
        macro = {"tags": ["x"], "priority": "high", "status": "pending"}
        if unsupported_kind in {"tags", "priority", "status"}:
            with pytest.raises(ActionRefused, match="the canned reply's effects"):
                actions.send_message(store, ctx, tid, "Thanks!", macro=macro)
        assert store.one("SELECT count(*) FROM outbox")[0] == 0, "nothing queued"
        assert load_draft(store, tid, settings.agent.email).body == "Thanks!"


def test_the_directory_arrives(platform, tmp_path):
    settings = platform.settings(tmp_path / "data")
    sync(settings)
    expected = platform.expected_directory()
    with open_store(settings) as store:
        agents = {
            r[0]
            for r in store.query("SELECT name FROM agents WHERE connector = ?", (platform.name,))
        }
        teams = {
            r[0]
            for r in store.query("SELECT name FROM teams WHERE connector = ?", (platform.name,))
        }
        canned = store.one(
            "SELECT count(*) FROM canned_replies WHERE source = ?", (platform.name,)
        )[0]
        me = store.one(
            "SELECT count(*) FROM agents WHERE connector = ? AND email = ?",
            (platform.name, settings.agent.email),
        )[0]
    assert expected.agents <= agents
    assert expected.teams <= teams
    assert canned >= expected.canned_at_least
    assert me == 1, "the agent's own account is known, so Mine and take work"


def test_an_attachment_is_fetched_byte_for_byte(platform, tmp_path):
    settings = platform.settings(tmp_path / "data")
    platform.attachment_ticket()
    sync(settings)
    with open_store(settings) as store:
        tid, name, content = platform.attachment(store)
        listed = [
            a
            for r in store.query("SELECT attachments FROM messages WHERE ticket_id = ?", (tid,))
            for a in json.loads(r[0])
        ]
        assert any(a["name"] == name and a["size"] == len(content) for a in listed), listed
        assert request_saves(store, tid) >= 1
    sync(settings)
    with open_store(settings) as store:
        saves = reads.conversation(store, tid).saves.values()
        saved = [s for s in saves if s["state"] == "saved" and Path(s["path"]).name == name]
        assert saved, [dict(s) for s in saves]
        assert Path(saved[0]["path"]).read_bytes() == content


def test_a_platform_that_goes_away_gets_the_queued_work_once_when_it_is_back(platform, tmp_path):
    if not platform.can_go_away:
        pytest.skip(f"{platform.type}: the platform runs inside the engine; it cannot go away")
    platform.prepare_history(platform.history_size)
    settings = platform.settings(tmp_path / "data")
    settings = dataclasses.replace(
        settings,
        sync=dataclasses.replace(settings.sync, pull_interval=1, backoff_max=2, outbox_poll=0.2),
    )
    store = open_store(settings)

    def count() -> int:
        return store.one("SELECT count(*) FROM tickets WHERE connector = ?", (platform.name,))[0]

    def state() -> str | None:
        row = store.one("SELECT state FROM connector_state WHERE connector = ?", (platform.name,))
        return row[0] if row else None

    engine = BackgroundEngine(settings)
    assert engine.start()
    body = "Sent while you were away. 离线时发送。"
    try:
        wait_for(lambda: count() > 0, "the first tickets")
        platform.stop()
        wait_for(lambda: state() == "offline", "offline shown")
        tid, ref = store.one(
            "SELECT id, remote_id FROM tickets WHERE connector = ? ORDER BY id", (platform.name,)
        )
        [op_uuid] = actions.send_message(
            store, ActionContext.from_settings(settings), tid, body
        ).op_uuids
        # The engine tries, and the op waits (how long a try takes depends on the machine).
        wait_for(
            lambda: tuple(store.one("SELECT state, attempts > 0 FROM outbox")) == ("queued", 1),
            "a try that failed, and the op queued again",
        )
        platform.start()
        wait_for(lambda: store.one("SELECT state FROM outbox")[0] == "sent", "the reply sent")
        wait_for(lambda: count() >= platform.history_size, "every ticket after it came back")
        wait_for(lambda: state() == "ok", "ok shown again")
    finally:
        engine.stop()
        store.close()
    subject = _subject(settings, tid)
    assert platform.landed(_ref_for(platform, ref, subject), Reply(body), op_uuid) == 1
    content = _content(settings.data_dir, platform.name)
    assert max(content.values()) == 1, "nothing pulled twice"


def _subject(settings, tid: int) -> str:
    with open_store(settings) as store:
        return store.one("SELECT subject FROM tickets WHERE id = ?", (tid,))[0]


def _ref_for(platform, remote_id: str, subject: str) -> str:
    """The harness's reference of a ticket it made: by subject where the platform numbers
    tickets itself (a mailbox), by id elsewhere."""
    return subject if platform.type == "email" else remote_id


def test_a_rule_acts_once_through_every_platform(platform, tmp_path):
    """Automation on each connector: a rule on new tickets queues its changes through the
    connector like an agent's, they land once, and later passes add nothing."""
    from agentdesk.rules.bot import BotSettings
    from agentdesk.rules.model import parse_rules

    ops = registry.spec_for(platform.type).ops
    rule = {"name": "Contract rule", "trigger": "created", "note": "Seen by a rule 规则"}
    if "tags" in ops:
        rule["add_tags"] = ["ruled"]
    settings = dataclasses.replace(
        platform.settings(tmp_path / "data"),
        rules=parse_rules([rule]),
        team_assignment=(),
        bot=BotSettings(),
    )
    sync(settings)  # the rules start from here
    ref = platform.customer_writes("Rule me 规则", "A new question. 新问题。")
    for _ in range(3):
        sync(settings)  # pulls it, the rule acts and its ops go out; then nothing more
    with open_store(settings) as store:
        tid = platform.local_id(store, ref)
        firings = store.query(
            "SELECT outcome, detail FROM rule_firings WHERE ticket_id = ?", (tid,)
        )
        if "note" not in ops:
            # A platform without internal notes: the rule's firing is refused whole, said why.
            assert [r["outcome"] for r in firings] == ["skipped"]
            assert store.one("SELECT count(*) FROM outbox WHERE ticket_id = ?", (tid,))[0] == 0
            return
        assert [r["outcome"] for r in firings] == ["queued"]
        rows = store.query(
            "SELECT kind, payload, uuid, state, agent_key FROM outbox WHERE ticket_id = ?", (tid,)
        )
        assert {r["state"] for r in rows} == {"sent"}
        assert {r["agent_key"] for r in rows} == {"rule:Contract rule"}
        assert bodies(store, tid).count("Seen by a rule 规则") == 1
    note = next(r for r in rows if r["kind"] == "note")
    assert platform.landed(ref, Note("Seen by a rule 规则"), note["uuid"]) == 1
    if "tags" in ops:
        tags = next(r for r in rows if r["kind"] == "tags")
        assert platform.landed(ref, Tags(add=("ruled",)), tags["uuid"]) == 1


def test_a_snooze_stays_local_where_the_platform_has_none(platform, tmp_path):
    """`z` works on every platform: where the platform snoozes (Chatwoot) it goes there
    once; elsewhere nothing is queued and the ticket's status stays as it was. Either way
    the ticket leaves the agent's views until its time, and comes back when the customer
    writes."""
    settings = platform.settings(tmp_path / "data")
    ref = platform.customer_writes("Call me back 回电", "Please call me tomorrow. 明天打给我。")
    sync(settings)
    ctx = ActionContext.from_settings(settings)
    me = settings.agent.email
    carries = "snooze" in registry.spec_for(platform.type).ops
    with open_store(settings) as store:
        tid = platform.local_id(store, ref)
        status = store.one("SELECT status FROM tickets WHERE id = ?", (tid,))[0]
        until = int(time.time()) + 3 * 3600
        outcome = snooze_actions.snooze(store, ctx, [tid], until, "call back about the refund")
        assert outcome.done == [tid]
        kinds = [r[0] for r in store.query("SELECT kind FROM outbox")]
        assert kinds == (["snooze"] if carries else [])
        if not carries:
            assert store.one("SELECT status FROM tickets WHERE id = ?", (tid,))[0] == status
        views = {v.id: v for v in agent_views(builtin_views(store, me, 1800), me)}
        assert not reads.in_view(store, views["open"].filter, tid)
        assert reads.in_view(store, views["snoozed"].filter, tid)
    sync(settings)
    if carries:
        assert platform.landed(ref, Snooze(until), "") == 1
    platform.customer_answers(ref, "Any news? 有消息吗？")
    sync(settings)
    with open_store(settings) as store:
        views = {v.id: v for v in agent_views(builtin_views(store, me, 1800), me)}
        assert not reads.in_view(store, views["snoozed"].filter, tid), "the customer woke it"
        assert snooze.state(store, tid, me).woke_at is not None
        assert store.one("SELECT count(*) FROM outbox WHERE state != 'sent'")[0] == 0
