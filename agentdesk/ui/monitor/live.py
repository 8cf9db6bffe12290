"""Refresh a monitor screen when the cache changes: poll data_version, read in a worker,
never two reads at once (a slow read is skipped over, not queued behind)."""

from __future__ import annotations

import time
from functools import partial

from textual import work
from textual.screen import Screen

from agentdesk.ui.from_thread import call_while_running

POLL = 1.0  # seconds between data_version checks (a PRAGMA, no I/O)
REDRAW = 30.0  # redraw anyway this often: countdowns and "today" move with the clock


class LiveScreen(Screen):
    def on_mount(self) -> None:
        self._seen_version: int | None = None
        self._last_read = 0.0
        self._reading = False
        self.set_interval(POLL, self.poll)
        self.poll()

    def poll(self) -> None:
        version = self.app.store.data_version()
        stale = time.monotonic() - self._last_read > REDRAW
        if self._reading or (version == self._seen_version and not stale):
            return
        self._seen_version = version
        self._last_read = time.monotonic()
        self._reading = True
        self._read()

    @work(thread=True, exclusive=True, group="monitor-read")
    def _read(self) -> None:
        try:
            with self.app.reader.use() as store:
                if store is None:
                    return  # the monitor is closing
                data = self.read(store)
        except Exception as e:  # shown, and the next poll tries again
            call_while_running(self.app, partial(self.app.notify, str(e), severity="error"))
            data = None
        call_while_running(self.app, self._done, data)

    def _done(self, data) -> None:
        self._reading = False
        if data is not None:
            self.show(data)

    def read(self, store):  # pragma: no cover - each screen says what it reads
        raise NotImplementedError

    def show(self, data) -> None:  # pragma: no cover
        raise NotImplementedError
