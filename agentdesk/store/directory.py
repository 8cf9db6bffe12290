"""Applying a connector's directory: agents, teams and canned replies."""

from __future__ import annotations

import json

from agentdesk.model import Directory
from agentdesk.store import changes
from agentdesk.store.db import Store, now


def apply_directory(store: Store, connector: str, d: Directory) -> None:
    with store.write() as conn:
        team_ids: dict[str, int] = {}
        for t in d.teams:
            team_ids[t.remote_id] = conn.execute(
                "INSERT INTO teams (connector, remote_id, name) VALUES (?, ?, ?)"
                " ON CONFLICT (connector, remote_id) DO UPDATE SET name = excluded.name RETURNING id",
                (connector, t.remote_id, t.name),
            ).fetchone()[0]
        for a in d.agents:
            # Presence is the platform's, except for an agent who set it here (presence_at):
            # that choice must not be overwritten by the next directory refresh.
            aid = conn.execute(
                "INSERT INTO agents (connector, remote_id, name, email, presence, presence_at, capacity)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (connector, remote_id) DO UPDATE SET"
                " name = excluded.name, email = excluded.email, capacity = excluded.capacity,"
                " presence = CASE WHEN agents.presence_at IS NULL THEN excluded.presence ELSE agents.presence END"
                " RETURNING id",
                (connector, a.remote_id, a.name, a.email, a.presence, None, a.capacity),
            ).fetchone()[0]
            conn.execute("DELETE FROM agent_teams WHERE agent_id = ?", (aid,))
            for rid in a.team_remote_ids:
                tid = team_ids.get(rid) or _team_id(conn, connector, rid)
                if tid is not None:
                    conn.execute(
                        "INSERT OR IGNORE INTO agent_teams (agent_id, team_id) VALUES (?, ?)",
                        (aid, tid),
                    )
        if d.canned:
            keep = []
            for c in d.canned:
                keep.append(c.remote_id)
                conn.execute(
                    "INSERT INTO canned_replies (source, remote_id, title, shortcode, body, lang, actions)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, remote_id) DO UPDATE SET title = excluded.title,"
                    " shortcode = excluded.shortcode, body = excluded.body, lang = excluded.lang, actions = excluded.actions",
                    (
                        connector,
                        c.remote_id,
                        c.title,
                        c.shortcode,
                        c.body,
                        c.lang,
                        json.dumps(c.actions, ensure_ascii=False),
                    ),
                )
            conn.execute(
                f"DELETE FROM canned_replies WHERE source = ? AND remote_id NOT IN ({', '.join('?' * len(keep))})",
                (connector, *keep),
            )
            changes.record(conn, "canned")
        conn.execute(
            "INSERT INTO connector_state (connector, directory_at, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (connector) DO UPDATE SET directory_at = excluded.directory_at, updated_at = excluded.updated_at",
            (connector, now(), now()),
        )
        changes.record(conn, "agents")


def _team_id(conn, connector: str, remote_id: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM teams WHERE connector = ? AND remote_id = ?", (connector, remote_id)
    ).fetchone()
    return row[0] if row else None
