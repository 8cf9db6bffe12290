"""Opening the cache file: permissions, pragmas, schema checks, clear errors.

Several processes share one file (consoles, the sync daemon, the monitor), so every
connection uses WAL, a busy timeout and short transactions.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from agentdesk import pinyin_match
from agentdesk.file_modes import file_mode
from agentdesk.i18n import _
from agentdesk.store import damage, schema

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000
DB_NAME = "agentdesk.db"


class StoreError(Exception):
    """The cache cannot be used; the message is meant for the user as is."""

    damage: str | None = None  # SQLite's words, when the file is damaged


def now() -> int:
    return int(time.time())


class Store:
    """One connection to the cache, used by one thread at a time."""

    def __init__(self, path: Path, *, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        # frozen: a copy read where nothing can write (see _open_readonly); it never changes.
        self.conn, self.frozen = _connect(self.path, readonly)
        if not readonly:
            _check_and_migrate(self.conn, self.path)
        else:
            try:
                _refuse_foreign(self.conn, self.path)
            except StoreError:
                self.conn.close()
                raise
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if (
                version == schema.SCHEMA_VERSION
                and not self.conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'ticket_fts'"
                ).fetchone()
            ):
                self.conn.close()
                raise StoreError(
                    _(
                        "{path}: the search index is missing; `agentdesk sync --once` (or opening"
                        " the console) rebuilds it"
                    ).format(path=self.path)
                )
            if version != schema.SCHEMA_VERSION:
                self.conn.close()
                raise StoreError(
                    _("{path}: cache schema version {found}, this agentdesk reads {ours}").format(
                        path=self.path, found=version, ours=schema.SCHEMA_VERSION
                    )
                )

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection for table-level work (counts,
        introspection); the hot paths are plain SQL, because upsert_all cannot hand back row
        ids and a million-row batch cannot afford per-row Python overhead. Imported when
        first used: it costs every command and the console's first paint 57 ms."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    @classmethod
    def open_dir(cls, data_dir: Path, *, readonly: bool = False) -> Store:
        """Open `<data_dir>/agentdesk.db`, creating the dir (mode 0700) when writing. A cache
        found damaged is opened to read only (salvage), never to write."""
        data_dir = Path(data_dir)
        if not readonly:
            detail = damage.marked(data_dir)
            if detail is not None:
                raise damage.CacheDamaged(data_dir, detail)
            ensure_data_dir(data_dir)
        return cls(data_dir / DB_NAME, readonly=readonly)

    @staticmethod
    def check_dir(data_dir: Path) -> str | None:
        """SQLite's check of every page of `<data_dir>/agentdesk.db`, read-only and before any
        schema work (a missing search index is for the writer to rebuild, not a refusal)."""
        path = Path(data_dir) / DB_NAME
        conn, _frozen = _connect(path, readonly=True)
        try:
            try:
                _refuse_foreign(conn, path)
            except sqlite3.DatabaseError as e:
                return str(e)  # damaged where the schema itself is kept
            return damage.check(conn)
        finally:
            conn.close()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction. BEGIN IMMEDIATE takes the write lock up front, so a
        busy database waits on the busy timeout instead of failing mid-transaction."""
        conn = self.conn
        if damage.marked(self.path.parent) is not None:  # found by another process meanwhile
            raise damage.CacheDamaged(self.path.parent, damage.marked(self.path.parent))
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            if damage.is_damage(e):
                raise damage.mark(self.path.parent, str(e)) from e
            raise

    def data_version(self) -> int:
        """Changes when another connection commits; costs no I/O."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()


def ensure_data_dir(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        raise StoreError(
            _("{dir}: cannot create the data dir: {err}").format(dir=data_dir, err=e.strerror)
        ) from None
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise StoreError(_("{dir}: the data dir is not writable").format(dir=data_dir))
    # Customer data: nobody beyond the owner (and a shared host's group) may even list it.
    mode = stat.S_IMODE(data_dir.stat().st_mode)
    if mode & stat.S_IRWXO:
        try:
            os.chmod(data_dir, mode & ~stat.S_IRWXO)
            log.warning("%s: was open to every user; now closed to them", data_dir)
        except OSError:
            pass  # not ours to change: doctor says so


def data_dir_exposure(data_dir: Path) -> str | None:
    """Who else than the owner can read the data dir, when that is not the shared-host
    setup (a setgid folder of a group); None when nobody is."""
    try:
        mode = data_dir.stat().st_mode
    except OSError:
        return None
    if mode & stat.S_IROTH:
        return _("every user of this machine can read {dir}").format(dir=data_dir)
    if mode & stat.S_IRGRP and not mode & stat.S_ISGID:
        return _(
            "the group of {dir} can read it, but it is not a shared setup (setgid, see the"
            " README); `chmod g-rwx` it unless that is meant"
        ).format(dir=data_dir)
    return None


def _pinyin_match(name: str | None, query: str | None) -> int:
    """SQL's pinyin_match(name, typed): 1 when a Chinese name is what was typed in pinyin
    (full or initials, `zw` for 张伟), else 0. Only ever run over agents and teams."""
    if not name or not query or not pinyin_match.has_chinese(name):
        return 0
    forms = _forms(query)
    return int(pinyin_match.score(forms, pinyin_match.name_keys(name)) is not None)


def pinyin_keys(name: str | None) -> str | None:
    """What customers.name_pinyin holds for a name: each reading's full pinyin and initials,
    space-separated (`zhangwei zw`); None for a name with no Chinese."""
    if not name or not pinyin_match.has_chinese(name):
        return None
    keys = pinyin_match.name_keys(name)
    return " ".join(dict.fromkeys((*keys.fulls, *keys.initials)))


@functools.lru_cache(maxsize=256)
def _forms(query: str) -> tuple[str, str]:
    return pinyin_match.query_forms(query)


def _connect(path: Path, readonly: bool) -> tuple[sqlite3.Connection, bool]:
    if path.is_dir():
        raise StoreError(
            _(
                "{path} is a directory, not a cache file; move it away or use another --data-dir"
            ).format(path=path)
        )
    if readonly:
        if not path.exists():
            raise StoreError(_("{path}: no cache file here").format(path=path))
        conn, frozen = _open_readonly(path)
    else:
        frozen = False
        created = not path.exists()
        if created:
            # Create with 0600 before SQLite opens it, so the file is never world-readable;
            # in a setgid data dir (a shared host) with the dir's group read/write too.
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                os.fchmod(fd, file_mode(path.parent))
                os.close(fd)
            except FileExistsError:
                pass
            except OSError as e:
                raise StoreError(
                    _("{path}: cannot create the cache: {err}").format(path=path, err=e.strerror)
                ) from None
        elif not os.access(path, os.W_OK):
            raise StoreError(_("{path}: the cache file is not writable").format(path=path))
        # isolation_level=None: we issue BEGIN/COMMIT ourselves (see Store.write).
        # check_same_thread=False: the console hands a connection to one worker thread at a
        # time (exclusive workers); a connection is never used by two threads at once.
        conn = sqlite3.connect(
            path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
    conn.row_factory = sqlite3.Row
    # `assignee:`, `team:` and `from:` find Chinese names by pinyin (store/filters.py).
    conn.create_function("pinyin_match", 2, _pinyin_match, deterministic=True)
    conn.create_function("pinyin_keys", 1, pinyin_keys, deterministic=True)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if readonly:
            conn.execute("PRAGMA query_only = ON")
        else:
            # Switching to WAL writes the file's header: another application's SQLite file
            # must be recognised, and left alone, before that.
            _refuse_foreign(conn, path)
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StoreError(_("{path}: cannot switch the cache to WAL mode").format(path=path))
            conn.execute("PRAGMA synchronous = NORMAL")
            # Checkpoint every ~40 MB of WAL instead of 4 MB: a sync batch rewrites the same
            # index pages many times, and fewer checkpoints copy each of them fewer times.
            conn.execute("PRAGMA wal_autocheckpoint = 10000")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB page cache
    except sqlite3.DatabaseError as e:
        conn.close()
        raise _unusable(path, e) from None
    except StoreError:
        conn.close()
        raise
    return conn, frozen


def _open_readonly(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A cache opened to read only. A live cache is read through its WAL, which needs the
    -shm file (made by whoever writes the cache). A copy the reader may not write to, with no
    -shm beside it, has no writer: nothing can change it, and SQLite is told so (immutable),
    as it could not otherwise read it at all."""

    def connect(query: str) -> sqlite3.Connection:
        return sqlite3.connect(
            f"file:{path}?{query}",
            uri=True,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )

    conn = connect("mode=ro")
    try:
        conn.execute("PRAGMA user_version").fetchone()
        return conn, False
    except sqlite3.DatabaseError as e:
        conn.close()
        frozen = not Path(f"{path}-shm").exists() and not os.access(path.parent, os.W_OK)
        cannot_share = "readonly" in str(e) or "unable to open" in str(e)
        if not (frozen and cannot_share):
            raise _unusable(path, e) from None
    return connect("mode=ro&immutable=1"), True


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Reads only: a file with tables but no agentdesk schema version is someone else's."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if found == 0 and tables > 0:
        raise StoreError(
            _(
                "{path}: this SQLite file is not an agentdesk cache; the file was left as it is"
            ).format(path=path)
        )


def _ensure_search_index(conn: sqlite3.Connection, path: Path) -> None:
    """A cache whose search index was dropped (by hand, or a half-done repair) gets it back,
    rebuilt from the tickets and messages it holds."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'ticket_fts'").fetchone():
        return
    from agentdesk.store.derive import reindex  # derive needs the schema: imported late

    log.warning("%s: the search index is missing; rebuilding it", path)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(schema.FTS_TABLE)
        for (ticket_id,) in conn.execute("SELECT id FROM tickets").fetchall():
            reindex(conn, ticket_id)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _unusable(path: Path, e: Exception) -> StoreError:
    # A SQLite file damaged where reading starts: the damaged cache's way out. A file that
    # is not SQLite at all ("file is not a database") may be anything: left alone, named.
    if damage.is_damage(e) and "not a database" not in str(e):
        err = StoreError(str(damage.CacheDamaged(path.parent, str(e))))
        err.damage = str(e)
        return err
    return StoreError(
        _("{path}: not a usable agentdesk cache ({err}); the file was left as it is").format(
            path=path, err=e
        )
    )


def _check_and_migrate(conn: sqlite3.Connection, path: Path) -> None:
    try:
        schema.migrate(conn)
        _ensure_search_index(conn, path)
    except schema.SchemaTooNew as e:
        conn.close()
        raise StoreError(
            _(
                "{path}: the cache was written by a newer agentdesk (schema {found}, this one knows {ours}); upgrade agentdesk, the file was left as it is"
            ).format(path=path, found=e.args[0], ours=schema.SCHEMA_VERSION)
        ) from None
    except sqlite3.DatabaseError as e:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        raise StoreError(
            _("{path}: cannot prepare the cache: {err}").format(path=path, err=e)
        ) from None
    # Keep the file private even if it was created by SQLite or copied in with loose bits;
    # group bits survive so a shared host can grant its agents' group access.
    try:
        st = os.stat(path)
        if st.st_mode & stat.S_IRWXO:
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~stat.S_IRWXO)
    except OSError:
        pass
