"""Searches an agent saved as views from the console's palette, kept in the cache per agent."""

from __future__ import annotations

import sqlite3

from agentdesk.i18n import _
from agentdesk.store import changes
from agentdesk.store.db import Store, now


def save_search(store: Store, agent_key: str, name: str, query: str) -> None:
    """Save (or replace, by name) a search as a view of this agent."""
    name = name.strip()
    if not name:
        raise ValueError(_("a saved view needs a name"))
    with store.write() as conn:
        conn.execute(
            "INSERT INTO saved_searches (agent_key, name, query, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (agent_key, name) DO UPDATE SET query = excluded.query",
            (agent_key, name, query, now()),
        )
        changes.record(conn, "views")


def delete_search(store: Store, agent_key: str, name: str) -> None:
    with store.write() as conn:
        conn.execute(
            "DELETE FROM saved_searches WHERE agent_key = ? AND name = ?", (agent_key, name)
        )
        changes.record(conn, "views")


def saved_searches(store: Store, agent_key: str) -> list[sqlite3.Row]:
    return store.query(
        "SELECT name, query FROM saved_searches WHERE agent_key = ? ORDER BY created_at, id",
        (agent_key,),
    )
