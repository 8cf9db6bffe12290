"""Running the engine: as the foreground daemon, once, or in a thread beside the console.

The console's own event loop must never wait on the network or a batch commit, so the
in-process engine gets its own thread, its own event loop and its own connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator

from agentdesk.config.settings import Settings
from agentdesk.store.db import Store
from agentdesk.sync.engine import PassSummary, SyncEngine, build_connectors
from agentdesk.sync.lock import EngineLock


class EngineBusy(Exception):
    """Another process already runs the engine for this cache."""

    def __init__(self, pid: int | None):
        super().__init__(pid)
        self.pid = pid


@contextlib.contextmanager
def _serving(settings: Settings) -> Iterator[SyncEngine]:
    """Hold the engine lock and a store for as long as an engine runs."""
    lock = EngineLock(settings.data_dir)
    if not lock.acquire():
        raise EngineBusy(lock.holder_pid())
    try:
        with Store.open_dir(settings.data_dir) as store:
            yield SyncEngine(settings, store, build_connectors(settings, store))
    finally:
        lock.release()


def run_once(
    settings: Settings, progress: Callable[[str, int | None, int | None], None] | None = None
) -> PassSummary:
    """One pass; `progress` hears of each first sync's batches (SyncEngine.progress)."""
    with _serving(settings) as engine:
        engine.progress = progress
        return asyncio.run(engine.run_once())


def run_forever(settings: Settings, stop: threading.Event | None = None) -> None:
    """The daemon: runs until interrupted (or `stop` is set, by a signal handler)."""
    with _serving(settings) as engine:

        async def main() -> None:
            if stop is not None:
                loop = asyncio.get_running_loop()
                threading.Thread(
                    target=lambda: (stop.wait(), loop.call_soon_threadsafe(engine.stop_event.set)),
                    daemon=True,
                ).start()
            await engine.run()

        asyncio.run(main())
        if engine.damaged is not None:
            raise engine.damaged


class BackgroundEngine:
    """The engine in a thread of the console's process, when no daemon serves the cache."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.lock = EngineLock(settings.data_dir)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._engine: SyncEngine | None = None
        self._ready = threading.Event()

    def start(self) -> bool:
        """Start unless another process holds the engine lock; returns whether it started."""
        if not self.lock.acquire():
            return False
        self._thread = threading.Thread(target=self._main, name="agentdesk-sync", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10)
        return True

    def _main(self) -> None:
        try:
            with Store.open_dir(self.settings.data_dir) as store:
                self._engine = SyncEngine(
                    self.settings, store, build_connectors(self.settings, store)
                )

                async def main() -> None:
                    self._loop = asyncio.get_running_loop()
                    self._ready.set()
                    await self._engine.run()

                asyncio.run(main())
        finally:
            self._ready.set()
            self.lock.release()

    def stop(self, timeout: float = 10.0) -> None:
        if self._loop is not None and self._engine is not None:
            self._loop.call_soon_threadsafe(self._engine.stop_event.set)
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


class SyncKeeper:
    """Who syncs for a console: the engine in this process when no daemon serves the cache,
    the daemon otherwise, and this process again the moment the daemon is gone (the kernel
    drops a dead holder's lock, even after kill -9). The console asks `check()` every few
    seconds and shows `describe()`."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = BackgroundEngine(settings)
        self.in_process = False
        self.took_over_at: float | None = None
        self.stopped_since: float | None = None  # nobody syncs, and we cannot

    def start(self) -> bool:
        self.in_process = self.engine.start()
        return self.in_process

    def check(self) -> str | None:
        """Take over syncing if nobody does; returns news worth telling the agent, if any."""
        if self.in_process:
            return None
        if self.engine.lock.held_elsewhere():
            self.stopped_since = None
            return None  # the daemon is alive
        if self.engine.start():
            self.in_process = True
            self.took_over_at = time.time()
            self.stopped_since = None
            return "took over"
        if self.stopped_since is None:
            self.stopped_since = time.time()
            return "stopped"
        return None

    def problem(self) -> str | None:
        return self.engine.lock.problem

    def stop(self) -> None:
        self.engine.stop()
