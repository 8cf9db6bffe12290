"""A damaged cache is noticed, named and never written to again.

SQLite reports damage only when it reads a damaged page ("database disk image is
malformed"), so: every write and every command turns that error into CacheDamaged, a
marker file beside the cache stops every later writer (the console, the daemon, a second
console), and `doctor` and the console (in the background) run SQLite's own check. What
only the cache holds, unsent work and drafts, is saved by `agentdesk salvage`; `agentdesk
rebuild` moves the damaged file aside and syncs a new one from the platforms.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from agentdesk.file_modes import create_private
from agentdesk.i18n import _

MARKER = "agentdesk.db.damaged"
_SIGNS = ("malformed", "not a database", "disk image", "database corrupt")


class CacheDamaged(Exception):
    """The cache file is damaged; the message says what to do, for the user as is."""

    def __init__(self, data_dir: Path, detail: str):
        super().__init__(
            _(
                "{dir}: the cache is damaged ({detail}); nothing more is written to it."
                " Save what only it holds with `agentdesk salvage`, then `agentdesk rebuild`"
            ).format(dir=data_dir, detail=detail)
        )
        self.detail = detail


def is_damage(error: BaseException) -> bool:
    return isinstance(error, sqlite3.DatabaseError) and any(s in str(error) for s in _SIGNS)


def mark(data_dir: Path, detail: str) -> CacheDamaged:
    """Record the damage for every process that opens this cache; returns the error to raise."""
    try:
        fd = create_private(Path(data_dir) / MARKER, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(detail + "\n")
    except OSError:
        pass  # the error still stops this process
    return CacheDamaged(Path(data_dir), detail)


def marked(data_dir: Path) -> str | None:
    """What damage was found in this data dir's cache, if any."""
    try:
        return (Path(data_dir) / MARKER).read_text(encoding="utf-8").strip() or "damaged"
    except OSError:
        return None


def clear(data_dir: Path) -> None:
    (Path(data_dir) / MARKER).unlink(missing_ok=True)


def check(conn: sqlite3.Connection, quick: bool = True) -> str | None:
    """SQLite's own check of every page; None when the file is whole, else the first problem."""
    # The check reads each page once: a small page cache is as fast, and the connection's
    # usual 64 MiB, filled by it, would stay in a long-running console's memory.
    size = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute("PRAGMA cache_size = -2048")
    try:
        rows = conn.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as e:
        return str(e)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(size)}")
    first = rows[0][0] if rows else "ok"
    return None if first == "ok" else str(first)
