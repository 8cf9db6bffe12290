"""Work never stalls in silence: when the sync daemon dies, a console notices within
seconds and syncs itself, and says so; a console that cannot take over says sync stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from cli_support import clean_env
from ui_support import notices, ready, screen_text, wait_until

from agentdesk.sync.lock import EngineLock
from agentdesk.sync.runner import SyncKeeper
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.widgets.status_line import StatusLine


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


async def test_a_console_takes_over_when_the_daemon_is_killed(filled, filled_store):
    d = filled.data_dir
    daemon = subprocess.Popen(
        [sys.executable, "-m", "agentdesk", "--data-dir", str(d), "sync"],
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    keeper = SyncKeeper(filled)
    try:
        deadline = time.monotonic() + 60
        while not EngineLock(d).held_elsewhere():
            assert time.monotonic() < deadline and daemon.poll() is None, "the daemon started"
            time.sleep(0.05)
        assert not keeper.start(), "the daemon serves the cache"
        app = AgentDeskApp(filled, keeper=keeper)
        async with app.run_test(size=(120, 40)) as pilot:
            inbox = await ready(pilot, app)
            await wait_until(pilot, lambda: "[sync by daemon]" in status(app))
            tid = inbox.current_id()
            os.kill(daemon.pid, signal.SIGKILL)
            daemon.wait()
            await pilot.press("r", *"Sent after the daemon died", "ctrl+s")
            await wait_until(pilot, lambda: "sync in this process since" in status(app), timeout=15)
            assert "this console syncs now" in notices(app)
            await wait_until(
                pilot,
                lambda: (
                    filled_store.one(
                        "SELECT state FROM outbox WHERE ticket_id = ? AND kind = 'reply'", (tid,)
                    )
                    == ("sent",)
                    or filled_store.one(
                        "SELECT state FROM outbox WHERE ticket_id = ? AND kind = 'reply'", (tid,)
                    )[0]
                    == "sent"
                ),
                what="the reply delivered by the console's engine",
                timeout=30,
            )
    finally:
        keeper.stop()
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()


async def test_a_console_that_cannot_take_over_says_sync_stopped(filled):
    lock = filled.data_dir / "sync.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()  # a lock file nobody can open
    keeper = SyncKeeper(filled)
    try:
        assert not keeper.start()
        assert "sync.lock" in keeper.problem()
        app = AgentDeskApp(filled, keeper=keeper)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot, app)
            await wait_until(pilot, lambda: "sync stopped since" in status(app), timeout=10)
            assert "Sync stopped:" in notices(app)
            assert "sync stopped since" in screen_text(app)
    finally:
        keeper.stop()
