"""Remote id -> local id lookups for one connector, cached for the length of a transaction."""

from __future__ import annotations

import sqlite3


class RemoteRefs:
    _TABLES = {
        "customer": ("customers", "remote_id"),
        "agent": ("agents", "remote_id"),
        "team": ("teams", "remote_id"),
        "order": ("orders", "number"),
        "ticket": ("tickets", "remote_id"),
    }

    def __init__(self, conn: sqlite3.Connection, connector: str):
        self.conn = conn
        self.connector = connector
        self._cache: dict[tuple[str, str], int | None] = {}

    def get(self, kind: str, remote_id: str | None) -> int | None:
        if remote_id is None:
            return None
        key = (kind, remote_id)
        if key in self._cache:
            return self._cache[key]
        table, column = self._TABLES[kind]
        row = self.conn.execute(
            f"SELECT id FROM {table} WHERE connector = ? AND {column} = ?",
            (self.connector, remote_id),
        ).fetchone()
        value = row[0] if row else None
        self._cache[key] = value
        return value

    def prefetch(self, kind: str, remote_ids: list[str]) -> None:
        """Resolve many ids in one query (a batch of a thousand tickets costs one round trip)."""
        table, column = self._TABLES[kind]
        wanted = [r for r in set(remote_ids) if (kind, r) not in self._cache]
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            for r in chunk:
                self._cache[(kind, r)] = None
            rows = self.conn.execute(
                f"SELECT {column}, id FROM {table} WHERE connector = ? AND {column} IN ({', '.join('?' * len(chunk))})",
                (self.connector, *chunk),
            )
            for remote_id, local_id in rows:
                self._cache[(kind, remote_id)] = local_id

    def known(self, kind: str) -> list[int]:
        """Local ids resolved so far for one kind."""
        return [v for (k, _), v in self._cache.items() if k == kind and v is not None]

    def remember(self, kind: str, remote_id: str, local_id: int) -> None:
        self._cache[(kind, remote_id)] = local_id
