"""The outbox and the engine against a real platform double (a file the engine cannot cheat on)."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest
from platform_double import FilePlatform, PlatformConnector, platform_actions, platform_context

from agentdesk.store import actions, outbox
from agentdesk.store.outbox import OutboxError
from agentdesk.store.sync_state import get_cursor
from agentdesk.sync.engine import SyncEngine


@pytest.fixture
def platform(tmp_path):
    p = FilePlatform(tmp_path / "platform.json")
    p.add_ticket("T1", "Wrong size", "I got an M, I ordered an L")
    p.add_ticket("T2", "退款", "我要退款")
    return p


@pytest.fixture
def fast_settings(settings):
    return dataclasses.replace(
        settings,
        sync=dataclasses.replace(
            settings.sync, request_timeout=1, backoff_max=2, outbox_poll=0.05, pull_interval=0.05
        ),
    )


def engine_for(settings, store, *connectors):
    return SyncEngine(settings, store, list(connectors))


async def pull_all(engine):
    for c in engine.connectors:
        await engine.directory_step(c)
        while await engine.pull_step(c):
            pass


def ticket_id(store, rid):
    return store.one("SELECT id FROM tickets WHERE remote_id = ?", (rid,))[0]


async def test_pull_moves_cursor_and_is_repeatable(fast_settings, store, platform):
    c = PlatformConnector(platform_context("plat", fast_settings.data_dir), platform)
    e = engine_for(fast_settings, store, c)
    await pull_all(e)
    assert get_cursor(store, "plat") == "2"
    platform.add_ticket("T3", "Invoice", "Need an invoice")
    await pull_all(e)
    assert get_cursor(store, "plat") == "3"
    assert store.one("SELECT count(*) FROM tickets")[0] == 3
    assert store.one("SELECT count(*) FROM messages")[0] == 3


async def test_reply_is_local_first_then_sent_once(fast_settings, store, platform):
    c = PlatformConnector(platform_context("plat", fast_settings.data_dir), platform)
    e = engine_for(fast_settings, store, c)
    await pull_all(e)
    tid = ticket_id(store, "T1")
    actions.send_message(
        store, platform_actions(fast_settings, "plat", "good"), tid, "Sorry! An L is on its way."
    )
    msg = store.one("SELECT * FROM messages WHERE ticket_id = ? AND author_kind = 'agent'", (tid,))
    assert msg["delivery"] == "queued"  # visible before any network
    assert platform.read()["deliveries"] == []
    assert await e.push_step(c)
    assert not await e.push_step(c)
    msg = store.one("SELECT * FROM messages WHERE id = ?", (msg["id"],))
    assert msg["delivery"] == "sent" and msg["remote_id"] == "remote-1"
    deliveries = platform.read()["deliveries"]
    assert [d["kind"] for d in deliveries] == ["reply"]
    assert (
        store.one("SELECT count(*) FROM events WHERE ticket_id = ? AND kind = 'replied'", (tid,))[0]
        == 1
    )


async def test_permanent_failure_waits_for_the_agent(fast_settings, store, platform):
    c = PlatformConnector(platform_context("plat", fast_settings.data_dir), platform)
    e = engine_for(fast_settings, store, c)
    await pull_all(e)
    tid = ticket_id(store, "T1")
    platform.update(faults={"push": "permanent"})
    actions.send_message(store, platform_actions(fast_settings, "plat", "good"), tid, "first draft")
    actions.set_status(store, platform_actions(fast_settings, "plat"), [tid], "solved")
    await e.push_step(c)
    op = store.one("SELECT * FROM outbox WHERE kind = 'reply'")
    assert op["state"] == "failed" and "ticket is locked" in op["last_error"]
    msg = store.one("SELECT * FROM messages WHERE id = ?", (op["message_id"],))
    assert msg["delivery"] == "failed" and "ticket is locked" in msg["error"]
    # The status change behind it waits: ops of one ticket go out in order.
    assert not await e.push_step(c)
    # The agent edits and resends; both go out, in order.
    platform.update(faults={})
    outbox.resend(store, op["id"], body="second draft")
    assert await e.push_step(c) and await e.push_step(c)
    deliveries = platform.read()["deliveries"]
    assert [(d["kind"], d["payload"].get("body")) for d in deliveries] == [
        ("reply", "second draft"),
        ("status", None),
    ]


async def test_discard_removes_the_unsent_message(fast_settings, store, platform):
    c = PlatformConnector(platform_context("plat", fast_settings.data_dir), platform)
    e = engine_for(fast_settings, store, c)
    await pull_all(e)
    tid = ticket_id(store, "T2")
    platform.update(faults={"push": "permanent"})
    actions.send_message(store, platform_actions(fast_settings, "plat", "good"), tid, "oops")
    await e.push_step(c)
    op = store.one("SELECT * FROM outbox")
    outbox.discard(store, op["id"])
    assert store.one("SELECT count(*) FROM messages WHERE body = 'oops'")[0] == 0
    assert store.one("SELECT state FROM outbox")[0] == "discarded"
    with pytest.raises(OutboxError):
        outbox.resend(store, op["id"])


async def test_transient_failure_honours_retry_after(fast_settings, store, platform):
    c = PlatformConnector(platform_context("plat", fast_settings.data_dir), platform)
    e = engine_for(fast_settings, store, c)
    await pull_all(e)
    platform.update(faults={"push": "transient", "retry_after": 120})
    actions.set_status(
        store, platform_actions(fast_settings, "plat"), [ticket_id(store, "T1")], "pending"
    )
    before = int(time.time())
    await e.push_step(c)
    op = store.one("SELECT * FROM outbox")
    assert op["state"] == "queued" and op["next_attempt_at"] >= before + 120
    assert "503" in op["last_error"]
    assert not await e.push_step(c)  # not due yet
    assert platform.read()["deliveries"] == []


async def test_ambiguous_failure_checks_before_resending(fast_settings, store, platform):
    c = PlatformConnector(platform_context("plat", fast_settings.data_dir), platform)
    e = engine_for(fast_settings, store, c)
    await pull_all(e)
    platform.update(faults={"push": "timeout_after_send"})
    actions.send_message(
        store, platform_actions(fast_settings, "plat", "good"), ticket_id(store, "T1"), "hello once"
    )
    await e.push_step(c)
    op = store.one("SELECT * FROM outbox")
    assert op["state"] == "sending" and op["ambiguous"] == 1
    platform.update(faults={})
    store.conn.execute("UPDATE outbox SET next_attempt_at = 0")  # skip the backoff wait
    await e.push_step(c)
    assert store.one("SELECT state FROM outbox")[0] == "sent"
    data = platform.read()
    assert len(data["deliveries"]) == 1, "delivered exactly once"
    assert data["find_landed_calls"] == 1


async def test_field_ops_show_at_once_and_survive_a_stale_pull(fast_settings, store, platform):
    c = PlatformConnector(platform_context("plat", fast_settings.data_dir), platform)
    e = engine_for(fast_settings, store, c)
    await pull_all(e)
    tid = ticket_id(store, "T1")
    actions.take(store, platform_actions(fast_settings, "plat"), [tid])
    actions.set_status(store, platform_actions(fast_settings, "plat"), [tid], "pending")
    row = store.one("SELECT status, assignee_id FROM tickets WHERE id = ?", (tid,))
    assert row["status"] == "pending" and row["assignee_id"] is not None
    # The platform has not seen our ops yet and sends the old state: ours must win.
    store.conn.execute("UPDATE connector_state SET cursor = NULL")
    await pull_all(e)
    row = store.one("SELECT status, assignee_id FROM tickets WHERE id = ?", (tid,))
    assert row["status"] == "pending" and row["assignee_id"] is not None


async def test_a_raising_or_hanging_connector_does_not_stop_the_others(
    fast_settings, store, tmp_path, platform
):
    bad_platform = FilePlatform(tmp_path / "bad.json")
    bad_platform.update(faults={"pull": "raise"})
    hung_platform = FilePlatform(tmp_path / "hung.json")
    hung_platform.update(faults={"pull": "hang"})
    good = PlatformConnector(platform_context("good", fast_settings.data_dir), platform)
    bad = PlatformConnector(platform_context("bad", fast_settings.data_dir), bad_platform)
    hung = PlatformConnector(platform_context("hung", fast_settings.data_dir), hung_platform)
    settings = dataclasses.replace(
        fast_settings, sync=dataclasses.replace(fast_settings.sync, request_timeout=0.2)
    )
    e = engine_for(settings, store, good, bad, hung)
    # Seed a ticket on the bad connector so an op can wait for it.
    await e.directory_step(good)
    task = asyncio.create_task(e.run())

    async def until(cond, timeout=10.0):
        deadline = time.monotonic() + timeout
        while not cond():
            assert time.monotonic() < deadline, "condition not reached"
            await asyncio.sleep(0.05)

    def state(name):
        row = store.one(
            "SELECT state, last_error, offline_since FROM connector_state WHERE connector = ?",
            (name,),
        )
        return dict(row) if row else {}

    await until(
        lambda: state("bad").get("state") == "error" and state("hung").get("state") == "offline"
    )
    assert "platform exploded" in state("bad")["last_error"]
    assert state("hung")["last_error"] == "timed out" and state("hung")["offline_since"]
    await until(lambda: store.one("SELECT count(*) FROM tickets WHERE connector = 'good'")[0] == 2)
    assert state("good")["state"] == "ok"
    # The good connector's outbox keeps flowing while the others fail.
    actions.send_message(
        store, platform_actions(settings, "plat", "good"), ticket_id(store, "T1"), "still working"
    )
    await until(lambda: store.one("SELECT state FROM outbox")[0] == "sent")
    # The broken one is retried with backoff, not hammered.
    pulls = bad_platform.read()["pulls"]
    assert 1 <= pulls <= 6
    e.stop_event.set()
    await asyncio.wait_for(task, 5)


async def test_pull_honours_retry_after(fast_settings, store, tmp_path):
    async def pulls_in(retry_after, seconds=1.0):
        platform = FilePlatform(tmp_path / f"p{retry_after}.json")
        platform.update(faults={"pull": "offline", "retry_after": retry_after})
        c = PlatformConnector(platform_context(f"p{retry_after}", fast_settings.data_dir), platform)
        settings = dataclasses.replace(
            fast_settings, sync=dataclasses.replace(fast_settings.sync, backoff_max=0.05)
        )
        e = engine_for(settings, store, c)
        task = asyncio.create_task(e.run())
        await asyncio.sleep(seconds)
        e.stop_event.set()
        await asyncio.wait_for(task, 5)
        row = store.one(
            "SELECT state, offline_since, last_error FROM connector_state WHERE connector = ?",
            (c.name,),
        )
        assert (
            row["state"] == "offline"
            and row["offline_since"]
            and "connection refused" in row["last_error"]
        )
        return platform.read()["pulls"]

    assert await pulls_in(None) > 3  # short backoff: it retries
    assert await pulls_in(60) == 1  # the platform asked for a minute: it waits
