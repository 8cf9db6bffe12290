"""Who runs the sync engine for a cache: whoever holds an flock on `<data-dir>/sync.lock`.

The kernel drops the lock when the holder dies, even on kill -9, so it is never stale.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from agentdesk.file_modes import create_private, private_dir


class EngineLock:
    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / "sync.lock"
        self._fd: int | None = None
        self.problem: str | None = None  # why the lock could not even be tried, if so

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it, or when this
        process may not use the lock file at all (then `problem` says why)."""
        self.problem = None
        try:
            private_dir(self.path.parent)
            fd = create_private(self.path, os.O_RDWR)
        except OSError as e:
            self.problem = f"{self.path}: {e.strerror}"
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def held_elsewhere(self) -> bool:
        """Whether another process holds the lock now (without taking it)."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)

    def holder_pid(self) -> int | None:
        try:
            text = self.path.read_text().strip()
            return int(text) if text else None
        except (OSError, ValueError):
            return None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
