"""Per-connector sync state (ok, syncing, offline since, last error) and the cursor."""

from __future__ import annotations

from agentdesk.store import changes
from agentdesk.store.db import Store, now


def get_cursor(store: Store, connector: str) -> str | None:
    row = store.one("SELECT cursor FROM connector_state WHERE connector = ?", (connector,))
    return row["cursor"] if row else None


def set_state(store: Store, connector: str, state: str, error: str | None = None) -> None:
    """Record a state; `offline_since` keeps the time the connector first went offline."""
    ts = now()
    with store.write() as conn:
        conn.execute(
            "INSERT INTO connector_state (connector, state, updated_at) VALUES (?, 'idle', ?)"
            " ON CONFLICT (connector) DO NOTHING",
            (connector, ts),
        )
        if state in ("offline", "error"):
            conn.execute(
                "UPDATE connector_state SET state = ?, last_error = ?, updated_at = ?,"
                " offline_since = coalesce(offline_since, ?) WHERE connector = ?",
                (state, error, ts, ts, connector),
            )
        elif state == "ok":
            conn.execute(
                "UPDATE connector_state SET state = 'ok', offline_since = NULL, last_error = NULL, last_ok_at = ?,"
                " updated_at = ? WHERE connector = ?",
                (ts, ts, connector),
            )
        else:
            conn.execute(
                "UPDATE connector_state SET state = ?, updated_at = ? WHERE connector = ?",
                (state, ts, connector),
            )
        changes.record(conn, "connector")


def first_sync_progress(
    store: Store, connector: str, tickets: int, total: int | None, more: bool
) -> tuple[int, int | None] | None:
    """Count a first sync's batch: (tickets so far, in all if known) while it goes on, None
    once it is done. Called only for a pull that started from no cursor or continues one."""
    with store.write() as conn:
        if not more:
            conn.execute(
                "UPDATE connector_state SET first_sync_done = NULL, first_sync_total = NULL"
                " WHERE connector = ?",
                (connector,),
            )
            changes.record(conn, "connector")
            return None
        conn.execute(
            "INSERT INTO connector_state (connector, state, updated_at) VALUES (?, 'syncing', ?)"
            " ON CONFLICT (connector) DO NOTHING",
            (connector, now()),
        )
        conn.execute(
            "UPDATE connector_state SET first_sync_done = ifnull(first_sync_done, 0) + ?,"
            " first_sync_total = coalesce(?, first_sync_total) WHERE connector = ?",
            (tickets, total, connector),
        )
        changes.record(conn, "connector")
        row = conn.execute(
            "SELECT first_sync_done, first_sync_total FROM connector_state WHERE connector = ?",
            (connector,),
        ).fetchone()
    return row[0], row[1]


def in_first_sync(store: Store, connector: str) -> bool:
    row = store.one(
        "SELECT cursor IS NULL OR first_sync_done IS NOT NULL FROM connector_state"
        " WHERE connector = ?",
        (connector,),
    )
    return row is None or bool(row[0])
