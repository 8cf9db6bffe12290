"""Auto-assignment in the cache: each unassigned open ticket of a team whose mode is
round_robin or least_loaded goes to one of the team's agents who is online, below their
capacity and (where the config says which) speaks the customer's language. Queued
through the outbox like a rule's action (store/automation.py), exactly once per time the
ticket is in the team's queue: the firing's key counts the ticket's assignments so far, so
a ticket given back to the queue is assigned again, and a repeated pass is not."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from agentdesk.ops import AgentRef, Assign, Change
from agentdesk.rules.assignment import (
    MODE_NAMES,
    RETURN_NAME,
    AgentLanguages,
    Candidate,
    TeamAssignment,
    choose,
    ticket_language,
)
from agentdesk.store.actions import ActionContext
from agentdesk.store.db import Store, now
from agentdesk.store.firings import Firing, act, fired_before, start_cursor
from agentdesk.store.presence import VIEWING_FRESH, live_presence, stale_before

TICKETS_PER_PASS = 200  # per team; a backlog is worked through over several passes


def auto_assign(
    store: Store,
    ctx: ActionContext,
    teams: Sequence[TeamAssignment],
    languages: Sequence[AgentLanguages],
    *,
    clock: Callable[[], int] = now,
) -> list[Firing]:
    fired: list[Firing] = []
    for team in teams:
        if team.return_after:
            for row in store.query(
                "SELECT id FROM teams WHERE name = ? COLLATE NOCASE", (team.name,)
            ):
                fired += _give_back(store, ctx, row["id"], team.return_after, clock())
    if not any(team.mode in MODE_NAMES for team in teams):
        return fired
    since = _since(store)
    spoken = {a.name.casefold(): set(a.languages) for a in languages if a.languages}
    for team in teams:
        if team.mode not in MODE_NAMES:
            continue
        for row in store.query(
            "SELECT id, connector FROM teams WHERE name = ? COLLATE NOCASE", (team.name,)
        ):
            fired += _team_pass(store, ctx, team.mode, row["id"], spoken, clock(), since)
    return fired


def _since(store: Store) -> int:
    """The last event before auto-assignment first ran: it hands out tickets that came into
    a team from then on, not a backlog that was there before it was turned on."""
    return start_cursor(store, "assign:since", "events")


def _team_pass(
    store: Store, ctx: ActionContext, mode: str, team_id: int, spoken: dict, t: int, since: int
) -> list[Firing]:
    name = MODE_NAMES[mode]
    out: list[Firing] = []
    waiting = store.query(
        "SELECT t.id, t.remote_id, t.subject,"
        # The times this ticket has been handed out or given back (delivered or not yet):
        # a new count is a new time in the queue.
        " (SELECT count(*) FROM events e WHERE e.ticket_id = t.id"
        "   AND e.kind IN ('assigned', 'transferred'))"
        " + (SELECT count(*) FROM rule_firings f WHERE f.ticket_id = t.id AND f.rule = ?) AS turns"
        " FROM tickets t WHERE t.team_id = ? AND t.assignee_id IS NULL AND t.stage = 0"
        " AND EXISTS (SELECT 1 FROM events n WHERE n.ticket_id = t.id AND n.id > ?"
        "   AND n.kind IN ('created', 'transferred', 'assigned'))"
        " ORDER BY t.created_at LIMIT ?",
        (RETURN_NAME, team_id, since, TICKETS_PER_PASS),
    )
    for ticket in waiting:
        occurrence = f"team{team_id}:{ticket['turns']}"
        if fired_before(store, name, ticket["id"], occurrence):
            continue
        language = ticket_language(f"{ticket['subject']} {_first_words(store, ticket['id'])}")
        chosen = choose(mode, _candidates(store, team_id, language, spoken))
        if chosen is None:
            continue  # nobody can take it now: the next pass looks again
        firing = Firing(
            name,
            ticket["id"],
            f"#{ticket['remote_id']}",
            occurrence,
            "queued",
            actions=[chosen.name],
        )

        def plan(conn: sqlite3.Connection, row: sqlite3.Row, chosen=chosen) -> list[Change]:
            agent = conn.execute(
                "SELECT remote_id FROM agents WHERE id = ?", (chosen.agent_id,)
            ).fetchone()
            return [Assign(AgentRef(chosen.agent_id, agent[0], chosen.name))]

        def turn(conn: sqlite3.Connection, row: sqlite3.Row, chosen=chosen) -> None:
            conn.execute(
                "INSERT INTO assignment_turns (team_id, agent_id, ticket_id, mode, at)"
                " VALUES (?, ?, ?, ?, ?)",
                (team_id, chosen.agent_id, row["id"], mode, t),
            )

        # A refusal is not recorded: the next pass tries again (someone else may take it).
        done = act(
            store,
            ctx,
            firing,
            plan,
            t,
            action_id=f"assign/{team_id}/{ticket['id']}/{occurrence}",
            also=turn,
            record_skips=False,
        )
        if done.outcome == "queued":
            out.append(done)
    return out


def _give_back(store: Store, ctx: ActionContext, team_id: int, after: int, t: int) -> list[Firing]:
    """The team's new and open tickets nobody has answered yet, held by an agent who has
    been away or offline for longer than `after`, back to the queue (unassigned)."""
    stale = stale_before(t)
    rows = store.query(
        "SELECT t.id, t.remote_id, a.id AS agent_id, a.name,"
        " (SELECT count(*) FROM events e WHERE e.ticket_id = t.id"
        "   AND e.kind IN ('assigned', 'transferred')) AS turns"
        " FROM tickets t JOIN agents a ON a.id = t.assignee_id"
        " WHERE t.team_id = ? AND t.stage = 0 AND t.first_response_at IS NULL"
        # Away or offline since: a console that stopped renewing its heartbeat went offline
        # when it did; else the platform's or the agent's own change of presence.
        "   AND CASE WHEN a.presence_at IS NOT NULL"
        "     AND max(a.presence_at, ifnull(a.viewing_at, 0)) < ?"
        "     THEN max(a.presence_at, ifnull(a.viewing_at, 0)) + ? <= ?"
        "     ELSE a.presence != 'online' AND ifnull(a.presence_since, 0) <= ? END"
        " LIMIT ?",
        (team_id, stale, VIEWING_FRESH, t - after, t - after, TICKETS_PER_PASS),
    )
    out = []
    for r in rows:
        occurrence = f"back{r['agent_id']}:{r['turns']}"
        if fired_before(store, RETURN_NAME, r["id"], occurrence):
            continue
        firing = Firing(
            RETURN_NAME, r["id"], f"#{r['remote_id']}", occurrence, "queued", actions=[r["name"]]
        )
        done = act(
            store,
            ctx,
            firing,
            lambda conn, row: [Assign(None)],
            t,
            action_id=f"back/{r['id']}/{occurrence}",
            record_skips=False,
        )
        if done.outcome == "queued":
            out.append(done)
    return out


def _first_words(store: Store, ticket_id: int) -> str:
    row = store.one(
        "SELECT body FROM messages WHERE ticket_id = ? AND author_kind = 'customer'"
        " ORDER BY id LIMIT 1",
        (ticket_id,),
    )
    return row[0][:500] if row else ""


def _candidates(
    store: Store, team_id: int, language: str, spoken: dict[str, set[str]]
) -> list[Candidate]:
    """The team's agents who can take a ticket now: online, below capacity, speaking the
    customer's language where the config says which languages they speak."""
    rows = store.query(
        f"SELECT a.id, a.name, a.email, a.capacity, {live_presence()} AS presence,"
        " (SELECT count(*) FROM tickets t WHERE t.assignee_id = a.id AND t.stage < 2) AS load,"
        " (SELECT max(id) FROM assignment_turns w WHERE w.team_id = x.team_id"
        "   AND w.agent_id = a.id) AS last_turn"
        " FROM agent_teams x JOIN agents a ON a.id = x.agent_id WHERE x.team_id = ?",
        (stale_before(), team_id),
    )
    out = []
    for r in rows:
        if r["presence"] != "online" or r["load"] >= r["capacity"]:
            continue
        langs = spoken.get(r["name"].casefold()) or spoken.get((r["email"] or "").casefold())
        if langs and language not in langs:
            continue
        out.append(Candidate(r["id"], r["name"], r["load"], r["capacity"], r["last_turn"] or 0))
    return out


def assignments_today(store: Store, since: int) -> dict[int, int]:
    """Tickets auto-assignment gave each agent since a time (the monitor's column)."""
    return {
        r[0]: r[1]
        for r in store.query(
            "SELECT agent_id, count(*) FROM assignment_turns WHERE at >= ? GROUP BY agent_id",
            (since,),
        )
    }
