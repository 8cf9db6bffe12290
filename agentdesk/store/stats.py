"""`agentdesk stats --json`: a stable summary of the cache for scripts."""

from __future__ import annotations

from agentdesk.store.db import Store
from agentdesk.store.outbox import outbox_counts
from agentdesk.store.schema import SCHEMA_VERSION


def cache_stats(store: Store) -> dict:
    def grouped(sql: str) -> dict[str, int]:
        return {r[0]: r[1] for r in store.query(sql)}

    return {
        "schema_version": SCHEMA_VERSION,
        "tickets": {
            "total": store.db["tickets"].count,
            "by_channel": grouped(
                "SELECT channel, count(*) FROM tickets GROUP BY channel ORDER BY channel"
            ),
            "by_status": grouped(
                "SELECT status, count(*) FROM tickets GROUP BY status ORDER BY status"
            ),
            "by_language": grouped(
                "SELECT CASE WHEN subject GLOB '*[一-龥]*' THEN 'zh' ELSE 'en' END AS lang, count(*)"
                " FROM tickets GROUP BY lang ORDER BY lang"
            ),
        },
        "messages": {
            "total": store.db["messages"].count,
            "by_author": grouped(
                "SELECT author_kind, count(*) FROM messages GROUP BY author_kind ORDER BY author_kind"
            ),
            "internal_notes": store.one("SELECT count(*) FROM messages WHERE internal = 1")[0],
        },
        "customers": store.db["customers"].count,
        "orders": {
            "total": store.db["orders"].count,
            "linked_to_customers": store.one(
                "SELECT count(*) FROM orders WHERE customer_id IS NOT NULL"
            )[0],
            "linked_to_tickets": store.one(
                "SELECT count(DISTINCT order_id) FROM tickets WHERE order_id IS NOT NULL"
            )[0],
        },
        "agents": store.db["agents"].count,
        "teams": store.db["teams"].count,
        "canned_replies": store.db["canned_replies"].count,
        "events": store.db["events"].count,
        "outbox": outbox_counts(store),
        "connectors": {
            r["connector"]: {
                "state": r["state"],
                "cursor": r["cursor"],
                "offline_since": r["offline_since"],
                "last_error": r["last_error"],
                "last_ok_at": r["last_ok_at"],
            }
            for r in store.query("SELECT * FROM connector_state ORDER BY connector")
        },
    }
