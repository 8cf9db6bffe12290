"""`agentdesk stats --json`: a stable summary of the cache for scripts."""

from __future__ import annotations

from agentdesk.store.db import Store
from agentdesk.store.outbox import outbox_counts
from agentdesk.store.schema import SCHEMA_VERSION

# The schema's CHECK allows these three; one pass counts them (GROUP BY sorted every message
# first: 4 s and 320 MB at 8 million messages).
_AUTHOR_KINDS = ("agent", "customer", "system")


def cache_counts(store: Store) -> dict[str, int]:
    """The four totals a fill reports, without the breakdowns (each a full pass)."""
    return {
        t: store.one(f"SELECT count(*) FROM {t}")[0]
        for t in ("tickets", "messages", "customers", "orders")
    }


def _messages(store: Store) -> dict:
    sums = ", ".join(f"coalesce(sum(author_kind = '{k}'), 0)" for k in _AUTHOR_KINDS)
    *by_author, internal, total = store.one(
        f"SELECT {sums}, coalesce(sum(internal = 1), 0), count(*) FROM messages"
    )
    return {
        "total": total,
        "by_author": {k: n for k, n in zip(_AUTHOR_KINDS, by_author, strict=True) if n},
        "internal_notes": internal,
    }


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
        "messages": _messages(store),
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
