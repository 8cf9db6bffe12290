"""Who runs the engine: the console runs it in-process unless another process holds the lock."""

from __future__ import annotations

import time

from agentdesk.store.db import Store
from agentdesk.sync.lock import EngineLock
from agentdesk.sync.runner import BackgroundEngine


def test_console_engine_defers_to_a_running_daemon(settings):
    daemon = EngineLock(settings.data_dir)
    assert daemon.acquire()
    engine = BackgroundEngine(settings)
    assert not engine.start(), "a daemon serves this cache"
    daemon.release()

    assert engine.start(), "no daemon: the console runs the engine itself"
    try:
        assert not EngineLock(settings.data_dir).acquire()
        with Store.open_dir(settings.data_dir) as s:
            deadline = time.monotonic() + 30
            while s.one("SELECT count(*) FROM tickets")[0] == 0:
                assert time.monotonic() < deadline, "the in-process engine did not sync"
                time.sleep(0.05)
    finally:
        engine.stop()
    assert not engine.running
    again = EngineLock(settings.data_dir)
    assert again.acquire(), "stopping releases the lock"
    again.release()
