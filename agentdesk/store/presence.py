"""The local agent's presence and what they have open, as other consoles and the monitor see it.

A console writes a heartbeat while it runs; a viewing mark older than VIEWING_FRESH is
ignored, and so is a presence a console set (presence_at) and stopped renewing: a console
that died without saying goodbye (kill -9, a lost SSH session) shows its agent offline
after a minute or two, never as a ghost that stays online. Presence a platform reports
(presence_at NULL) is the platform's.
"""

from __future__ import annotations

import sqlite3

from agentdesk.model import Viewing
from agentdesk.store import changes
from agentdesk.store.db import Store, now
from agentdesk.store.filters import MY_AGENT_IDS

PRESENCES = ("online", "away", "offline")
VIEWING_FRESH = 90  # seconds a viewing mark counts
VIEWING_REFRESH = 30  # seconds between renewals of a mark (consoles', and platforms' marks)


def live_presence(alias: str = "a") -> str:
    """SQL for an agent's presence as it is now: what a console set counts only while that
    console's heartbeat is fresh. Takes one parameter: the oldest fresh heartbeat (stale_before())."""
    return (
        f"CASE WHEN {alias}.presence_at IS NOT NULL"
        f" AND max({alias}.presence_at, ifnull({alias}.viewing_at, 0)) < ?"
        f" THEN 'offline' ELSE {alias}.presence END"
    )


def stale_before(at: float | None = None) -> int:
    return int(at if at is not None else now()) - VIEWING_FRESH


def set_presence(store: Store, agent_key: str, presence: str) -> int:
    """Set the local agent's presence on every connector account it has; returns rows changed."""
    with store.write() as conn:
        n = conn.execute(
            "UPDATE agents SET presence = ?, presence_at = ? WHERE email = ? COLLATE NOCASE OR remote_id = ?",
            (presence, now(), agent_key, agent_key),
        ).rowcount
        changes.record(conn, "agents")
    return n


def set_viewing(store: Store, agent_key: str, ticket_id: int | None, mode: str = "viewing") -> None:
    """Which ticket the local agent has open, and whether they are typing in it."""
    with store.write() as conn:
        conn.execute(
            "UPDATE agents SET viewing_ticket_id = ?, viewing_mode = ?, viewing_at = ?"
            " WHERE email = ? COLLATE NOCASE OR remote_id = ?",
            (ticket_id, mode if ticket_id else None, now(), agent_key, agent_key),
        )
        changes.record(conn, "agents")


def my_presence(store: Store, agent_key: str) -> str | None:
    row = store.one(
        "SELECT presence FROM agents WHERE email = ? COLLATE NOCASE OR remote_id = ? LIMIT 1",
        (agent_key, agent_key),
    )
    return row[0] if row else None


def my_agent_ids(store: Store, agent_key: str) -> set[int]:
    return {
        r[0]
        for r in store.query(
            f"SELECT id FROM agents WHERE id IN ({MY_AGENT_IDS})", (agent_key, agent_key)
        )
    }


def others_on_ticket(store: Store, ticket_id: int, agent_key: str) -> list[sqlite3.Row]:
    """Other agents who have this ticket open right now, with 'viewing' or 'typing'."""
    return store.query(
        "SELECT name, viewing_mode FROM agents WHERE viewing_ticket_id = ? AND viewing_at > ?"
        f" AND id NOT IN ({MY_AGENT_IDS}) ORDER BY name",
        (ticket_id, now() - VIEWING_FRESH, agent_key, agent_key),
    )


def ticket_open_by(store: Store, agent_name: str, at: float) -> int | None:
    """The ticket an agent has on screen now (a fresh viewing mark), for following them."""
    row = store.one(
        "SELECT viewing_ticket_id FROM agents WHERE name = ? AND viewing_at >= ?"
        " ORDER BY viewing_at DESC LIMIT 1",
        (agent_name, int(at) - VIEWING_FRESH),
    )
    return row[0] if row else None


def transfer_targets(store: Store) -> tuple[list[sqlite3.Row], list[sqlite3.Row]]:
    """Agents (presence, open load, capacity, teams) and teams (members online, open load)."""
    stale = stale_before()
    agents = store.query(
        f"SELECT a.id, a.connector, a.name, a.email, {live_presence()} AS presence, a.capacity,"
        " (SELECT count(*) FROM tickets t WHERE t.assignee_id = a.id AND t.stage < 2) AS load,"
        " (SELECT group_concat(tm.name, ', ') FROM agent_teams x JOIN teams tm ON tm.id = x.team_id"
        "   WHERE x.agent_id = a.id) AS teams"
        " FROM agents a ORDER BY a.name",
        (stale,),
    )
    teams = store.query(
        "SELECT tm.id, tm.connector, tm.name,"
        " (SELECT count(*) FROM agent_teams x JOIN agents a ON a.id = x.agent_id"
        f"   WHERE x.team_id = tm.id AND {live_presence()} = 'online') AS online,"
        " (SELECT count(*) FROM tickets t WHERE t.team_id = tm.id AND t.stage = 0) AS load"
        " FROM teams tm ORDER BY tm.name",
        (stale,),
    )
    return agents, teams


def apply_platform_marks(conn, connector: str, refs, marks: list[Viewing]) -> None:
    """Colleagues' viewing marks as a platform reports them, inside an ingest's transaction.
    A mark is rewritten when it changes or is about to go stale, not on every pull: each
    write wakes every console and monitor reading the cache."""
    at = now()
    changed = 0
    for v in marks:
        ticket = refs.get("ticket", v.ticket_remote_id) if v.ticket_remote_id else None
        mode = v.mode if ticket else None
        changed += conn.execute(
            "UPDATE agents SET viewing_ticket_id = ?, viewing_mode = ?, viewing_at = ?"
            " WHERE connector = ? AND remote_id = ? AND (viewing_ticket_id IS NOT ?"
            " OR viewing_mode IS NOT ? OR ifnull(viewing_at, 0) < ?)",
            (ticket, mode, at, connector, v.agent_remote_id, ticket, mode, at - VIEWING_REFRESH),
        ).rowcount
    if changed:
        changes.record(conn, "agents")
