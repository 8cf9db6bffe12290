"""The connection the screens' worker threads read through, closed only between reads.

Closing a SQLite connection while another thread runs a query on it crashes the whole
process, and on exit Textual cancels workers without waiting for their threads: every
read holds this lock, and after close() a read finds nothing to read and returns.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from agentdesk.store.db import Store


class SharedReader:
    def __init__(self, data_dir: Path, *, readonly: bool = False):
        self._store: Store | None = Store.open_dir(data_dir, readonly=readonly)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def use(self) -> Iterator[Store | None]:
        """The store for one read (None once the app has closed it); one read at a time."""
        with self._lock:
            yield self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
