"""Several processes on one cache: the engine writing batches while a console enqueues ops."""

from __future__ import annotations

import subprocess
import sys
import time

from conftest import make_settings
from crash_worker import __file__ as WORKER

from agentdesk.store import actions
from agentdesk.store.db import Store
from agentdesk.store.presence import set_presence


def test_engine_and_console_write_at_once_without_lock_errors(tmp_path):
    data_dir = tmp_path / "data"
    settings = make_settings(data_dir, tickets=6000, seed=11)
    ctx = actions.ActionContext.from_settings(settings)
    Store.open_dir(data_dir).close()
    proc = subprocess.Popen(
        [sys.executable, WORKER, "demo-once", str(data_dir), "6000"],
        stderr=subprocess.PIPE,
        text=True,
    )
    writes = 0
    try:
        with Store.open_dir(data_dir) as s:
            deadline = time.monotonic() + 120
            while proc.poll() is None and time.monotonic() < deadline:
                row = s.one("SELECT id FROM tickets ORDER BY random() LIMIT 1")
                if row:
                    actions.send_message(s, ctx, row[0], f"reply {writes}")
                    set_presence(s, settings.agent.email, "online" if writes % 2 else "away")
                    writes += 1
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # never leave a writer behind
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "locked" not in err
    assert writes > 5, "the console wrote while the engine was filling"
    with Store.open_dir(data_dir) as s:
        assert s.one("SELECT count(*) FROM tickets")[0] == 6000
        assert s.one("SELECT count(*) FROM outbox")[0] == writes
