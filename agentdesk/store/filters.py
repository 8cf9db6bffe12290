"""Query -> SQL WHERE fragment over `tickets t`. Names resolve in subqueries, never by string
concatenation of user text: every value is a bound parameter. `assignee:` and `team:` also
find Chinese names by pinyin (`assignee:zw`, `team:shouhou`), through the connection's
`pinyin_match` function (store/db.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from agentdesk.pinyin_match import query_forms as _pinyin_forms
from agentdesk.query import Query, is_ticket_number
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
                    "t.assignee_id IN (SELECT id FROM agents WHERE name LIKE ? OR email = ? COLLATE NOCASE"
                    " OR remote_id = ? OR pinyin_match(name, ?))"
                )
                params += [f"%{a}%", a, a, a]
        f.add("(" + " OR ".join(parts) + ")", *params)
    if q.teams:
        marks = ", ".join("?" * len(q.teams))
        by_pinyin = " OR ".join("pinyin_match(name, ?)" for _t in q.teams)
        f.add(
            f"t.team_id IN (SELECT id FROM teams WHERE name IN ({marks}) COLLATE NOCASE"
            f" OR remote_id IN ({marks}) OR {by_pinyin})",
            *q.teams,
            *q.teams,
            *q.teams,
        )
    for tag in q.tags:
        f.add("t.id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ?)", tag)
    if q.customers:
        parts, params = [], []
        for c in q.customers:
            phones = _phone_digits(c) if sum(ch.isdigit() for ch in c) >= 7 else []
            marks = ", ".join("?" * len(phones)) or "NULL"
            # A Chinese name by its pinyin, full or initials (`from:zw`, `from:zhangw`);
            # two letters at least, one would find half the customers.
            full, initials = _pinyin_forms(c)
            parts.append(
                "t.customer_id IN (SELECT id FROM customers WHERE name LIKE ? OR email = ? COLLATE NOCASE"
                " OR (length(?) >= 2 AND (name_pinyin LIKE ? OR name_pinyin LIKE ?))"
                f" UNION SELECT id FROM customers WHERE {PHONE_DIGITS} IN ({marks})"
                " UNION SELECT customer_id FROM customer_handles WHERE handle = ?)"
            )
            params += [f"%{c}%", c, full, f"%{full}%", f"%{initials}%", *phones, c]
        f.add("(" + " OR ".join(parts) + ")", *params)
    if q.orders:
        # The ticket's own order, or any order of its customer: a customer who writes about
        # a parcel rarely writes from the ticket that order was linked to.
        marks = ", ".join("?" * len(q.orders))
        f.add(
            f"(t.order_id IN (SELECT id FROM orders WHERE number IN ({marks}) OR tracking_number IN ({marks}))"
            f" OR t.customer_id IN (SELECT customer_id FROM orders WHERE number IN ({marks})"
            f" OR tracking_number IN ({marks})))",
            *q.orders,
            *q.orders,
            *q.orders,
            *q.orders,
        )
    for group in q.numbers:
        clauses = [_ticket_number(n) for n in group]
        f.add(
            "(" + " OR ".join(c[0] for c in clauses) + ")",
            *[p for c in clauses for p in c[1:]],
        )
    for term in q.identifiers:
        f.add(*_identifier(term))
    if q.after is not None:
        f.add("t.created_at >= ?", q.after)
    if q.before is not None:
        f.add("t.created_at < ?", q.before)
    f.fts = match_expression(q.terms)
    if q.terms and f.fts is None:
        f.add("0")  # only punctuation: nothing can match
    return f


# A stored phone number as digits ("+1 (555) 302-1847" -> "15553021847"); schema v5 indexes
# exactly this expression.
PHONE_DIGITS = (
    "replace(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''),"
    " ')', ''), '+', ''), '.', '')"
)

# The part of a ticket's remote id after its prefix ("DEMO-288" -> "288"; "288" stays), the
# number agents and customers say; schema v5 indexes exactly this expression.
TICKET_NUMBER = "substr({t}remote_id, instr({t}remote_id, '-') + 1)"


def _ticket_number(number: str) -> tuple[str, str, ...]:
    prefix, _sep, digits = number.rpartition("-")
    clause = f"{TICKET_NUMBER.format(t='t.')} = ?"
    if prefix:
        return f"({clause} AND upper(t.remote_id) = ?)", digits, number.upper()
    return clause, digits


def _phone_digits(term: str) -> list[str]:
    """A phone number's digits, with and without China's country code (a customer gives
    +86 138…, the shop stored 138…, or the other way round)."""
    digits = "".join(c for c in term if c.isdigit())
    out = {digits}
    for cc in ("0086", "86"):
        if digits.startswith(cc) and len(digits) - len(cc) == 11:
            out.add(digits[len(cc) :])
    if len(digits) == 11 and digits.startswith("1"):
        out.add("86" + digits)
    return sorted(out)


def _identifier(term: str) -> tuple[str, ...]:
    """A bare term that looks like an identifier: the tickets it names (by ticket number,
    order or tracking number, the customer's e-mail, phone or handle) or that contain it.
    One set of ticket ids, each part found through an index."""
    parts, params = [], []
    text = match_expression([term])
    if text:
        parts.append("SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ?")
        params.append(text)
    if is_ticket_number(term):
        clause, *args = _ticket_number(term)
        parts.append(f"SELECT id FROM tickets t WHERE {clause}")
        params += args
    phones = _phone_digits(term)
    handles = sorted({term, *phones, *("+" + p for p in phones)})
    marks = ", ".join("?" * len(phones))
    handle_marks = ", ".join("?" * len(handles))
    parts.append(
        "SELECT id FROM tickets WHERE order_id IN"
        " (SELECT id FROM orders WHERE number = ? OR tracking_number = ?)"
    )
    params += [term, term]
    parts.append(
        "SELECT id FROM tickets WHERE customer_id IN ("
        "SELECT customer_id FROM orders WHERE number = ? OR tracking_number = ?"
        " UNION SELECT id FROM customers WHERE email = ? COLLATE NOCASE"
        f" UNION SELECT id FROM customers WHERE {PHONE_DIGITS} IN ({marks})"
        f" UNION SELECT customer_id FROM customer_handles WHERE handle IN ({handle_marks}))"
    )
    params += [term, term, term, *phones, *handles]
    return f"t.id IN ({' UNION '.join(parts)})", *params
