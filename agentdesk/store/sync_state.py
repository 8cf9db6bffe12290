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
