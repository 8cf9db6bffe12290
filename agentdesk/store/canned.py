"""The canned replies connectors synced into the cache, as the picker's entries."""

from __future__ import annotations

import json

from agentdesk.canned.library import CannedEntry
from agentdesk.store.db import Store


def synced_canned(store: Store) -> list[CannedEntry]:
    rows = store.query(
        "SELECT source, remote_id, title, shortcode, body, lang, actions FROM canned_replies"
        " ORDER BY source, shortcode, title"
    )
    return [
        CannedEntry(
            f"{r['source']}:{r['remote_id']}",
            r["source"],
            r["title"],
            r["body"],
            r["shortcode"],
            r["lang"],
            json.loads(r["actions"] or "{}"),
        )
        for r in rows
    ]


def canned_version(store: Store) -> int:
    """Moves whenever synced canned replies change, so the picker rebuilds its index."""
    return store.one("SELECT ifnull(max(seq), 0) FROM changes WHERE kind = 'canned'")[0]
