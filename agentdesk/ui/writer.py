"""One thread that does every write the console makes, on its own connection.

A write may wait for the sync engine's transaction (SQLite allows one writer at a time);
it must never make the agent's keystrokes wait, so the UI hands writes to this thread and
hears back through callbacks run on the UI thread. Writes run in submission order.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agentdesk.store.db import Store
from agentdesk.store.outbox import OutboxError

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


class Writer:
    def __init__(self, data_dir: Path, call_on_ui: Callable[..., Any]):
        self._data_dir = data_dir
        self._call_on_ui = call_on_ui
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="agentdesk-writer", daemon=True)
        self._pending = 0
        self._lock = threading.Condition()

    def start(self) -> None:
        self._thread.start()

    def submit(
        self,
        job: Callable[[Store], Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
    ) -> None:
        """Run `job(store)` on the writer thread; then `on_done(result)` or `on_error(exc)`."""
        with self._lock:
            self._pending += 1
        self._jobs.put((job, on_done, on_error))

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def flush(self, timeout: float = 15.0) -> bool:
        """Wait until every submitted write is done (on exit); False if it took too long.
        A writer that never started (the app failed while starting) has nothing to wait for."""
        if not self.running:
            return self._pending == 0
        with self._lock:
            return self._lock.wait_for(lambda: self._pending == 0, timeout)

    def stop(self, timeout: float = 15.0) -> None:
        self._jobs.put(None)
        if self.running:
            self._thread.join(timeout)

    def _run(self) -> None:
        store = Store.open_dir(self._data_dir)
        try:
            while True:
                item = self._jobs.get()
                if item is None:
                    return
                job, on_done, on_error = item
                try:
                    result = job(store)
                except Exception as e:  # reported to the agent, never lost silently
                    if isinstance(e, OutboxError):  # refused as the store meant to: no trace
                        log.info("action refused: %s", e)
                    else:
                        log.exception("write failed")
                    if on_error is not None:
                        self._safe_call(on_error, e)
                else:
                    if on_done is not None:
                        self._safe_call(on_done, result)
                finally:
                    with self._lock:
                        self._pending -= 1
                        self._lock.notify_all()
        finally:
            store.close()

    def _safe_call(self, callback: Callback, value: Any) -> None:
        try:
            self._call_on_ui(callback, value)
        except RuntimeError:  # the app has gone (exit): nothing left to tell
            pass
