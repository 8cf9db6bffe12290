"""Query -> SQL WHERE fragment over `tickets t`. Names resolve in subqueries, never by string
concatenation of user text: every value is a bound parameter."""

from __future__ import annotations

from dataclasses import dataclass, field

from agentdesk.query import Query
from agentdesk.store.fts import match_expression


@dataclass
class Filter:
    clauses: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)
    fts: str | None = None  # an FTS5 MATCH expression, when the query has text terms

    def where(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1"

    def add(self, clause: str, *params) -> Filter:
        self.clauses.append(clause)
        self.params.extend(params)
        return self


def _any(column: str, values: list) -> tuple[str, list]:
    if len(values) == 1:
        return f"{column} = ?", values
    return f"{column} IN ({', '.join('?' * len(values))})", values


MY_AGENT_IDS = "SELECT id FROM agents WHERE email = ? COLLATE NOCASE OR remote_id = ?"


def compile_query(q: Query, me: str) -> Filter:
    """`me` is the local agent's key (e-mail), matched against agents of every connector."""
    f = Filter()
    if q.statuses:
        wanted = set(q.statuses)
        # Whole stages use the generated `stage` column, which the view indexes start with.
        if wanted == {"new", "open"}:
            f.add("t.stage = 0")
        elif wanted == {"pending", "on_hold"}:
            f.add("t.stage = 1")
        elif wanted == {"new", "open", "pending", "on_hold"}:
            f.add("t.stage < 2")
        else:
            sql, params = _any("t.status", sorted(wanted))
            f.add(sql, *params)
    if q.channels:
        sql, params = _any("t.channel", sorted(set(q.channels)))
        f.add(sql, *params)
    if q.priorities:
        sql, params = _any("t.priority", sorted(set(q.priorities)))
        f.add(sql, *params)
    if q.assignees:
        parts, params = [], []
        for a in q.assignees:
            if a.lower() == "me":
                parts.append(f"t.assignee_id IN ({MY_AGENT_IDS})")
                params += [me, me]
            elif a.lower() == "none":
                parts.append("t.assignee_id IS NULL")
            else:
                parts.append(
                    "t.assignee_id IN (SELECT id FROM agents WHERE name LIKE ? OR email = ? COLLATE NOCASE OR remote_id = ?)"
                )
                params += [f"%{a}%", a, a]
        f.add("(" + " OR ".join(parts) + ")", *params)
    if q.teams:
        marks = ", ".join("?" * len(q.teams))
        f.add(
            f"t.team_id IN (SELECT id FROM teams WHERE name IN ({marks}) COLLATE NOCASE OR remote_id IN ({marks}))",
            *q.teams,
            *q.teams,
        )
    for tag in q.tags:
        f.add("t.id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ?)", tag)
    if q.customers:
        parts, params = [], []
        for c in q.customers:
            parts.append(
                "t.customer_id IN (SELECT id FROM customers WHERE name LIKE ? OR email = ? COLLATE NOCASE OR phone = ?"
                " UNION SELECT customer_id FROM customer_handles WHERE handle = ?)"
            )
            params += [f"%{c}%", c, c, c]
        f.add("(" + " OR ".join(parts) + ")", *params)
    if q.orders:
        marks = ", ".join("?" * len(q.orders))
        f.add(
            f"(t.order_id IN (SELECT id FROM orders WHERE number IN ({marks}) OR tracking_number IN ({marks}))"
            f" OR t.customer_id IN (SELECT customer_id FROM orders WHERE number IN ({marks})))",
            *q.orders,
            *q.orders,
            *q.orders,
        )
    if q.after is not None:
        f.add("t.created_at >= ?", q.after)
    if q.before is not None:
        f.add("t.created_at < ?", q.before)
    f.fts = match_expression(q.terms)
    if q.terms and f.fts is None:
        f.add("0")  # only punctuation: nothing can match
    return f
