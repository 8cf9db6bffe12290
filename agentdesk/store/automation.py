"""Running automation rules against the cache: each trigger occurrence is found once, its
rule's condition checked, and its actions queued through the outbox with the rule as the
actor, exactly as an agent's keystroke is (store/actions.py): all of them or none.

Exactly once, across restarts and kill -9: an occurrence has a stable key (the event or
message that was it, the idle period or the due time it is about), the ops' identities
are derived from (rule, ticket, occurrence), and the firing is recorded in the same
transaction as its ops (`rule_firings`, unique per occurrence). Reading the events again
after a crash finds the firing and queues nothing new.

A rule never triggers on its own changes (an event its own op made), and stops, with a
warning in the log, once it has acted `max_per_hour` times on one ticket in an hour.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agentdesk.canned.library import CannedEntry
from agentdesk.canned.render import in_language, render, ticket_values
from agentdesk.i18n import _
from agentdesk.ops import (
    AgentRef,
    Assign,
    Change,
    Note,
    Reply,
    SetPriority,
    SetStatus,
    Tags,
    Transfer,
)
from agentdesk.query import parse
from agentdesk.rules.model import Rule
from agentdesk.sla.business_hours import add_working_time
from agentdesk.store import actions, reads
from agentdesk.store.actions import ActionContext, ActionRefused
from agentdesk.store.db import Store, now
from agentdesk.store.filters import Filter, compile_query
from agentdesk.store.firings import Firing, act, record_firing, start_cursor
from agentdesk.store.schema import NO_DUE

log = logging.getLogger(__name__)

# Events and messages read per pass; a backlog is worked through over several passes.
BATCH = 2000
# Tickets the timed triggers look at per rule and pass (the most overdue first).
TIMED_BATCH = 500
_EVENT_TRIGGERS = {"created": ("created",), "solved": ("solved",)}
_EVENT_TRIGGERS["assigned"] = ("assigned", "transferred")


@dataclass(frozen=True)
class Occurrence:
    ticket_id: int
    key: str  # stable: what this occurrence is (an event, a message, an idle period)
    by_rule: str | None = None  # the rule whose own change it is, if any


CannedLookup = Callable[[str], CannedEntry | None]


def run_rules(
    store: Store,
    ctx: ActionContext,
    rules: Sequence[Rule],
    canned: CannedLookup,
    *,
    agent_name: str = "",
    shop_names: dict[str, str] | None = None,
    clock: Callable[[], int] = now,
    dry_run: bool = False,
    only: Sequence[int] | None = None,
) -> list[Firing]:
    """One pass: every occurrence since the last pass, each rule that fits it, acted on.
    `dry_run`: nothing is written, the cursors stay (`agentdesk rules test`); `only`:
    tickets to consider (a dry run over a search's results)."""
    active = [r for r in rules if r.enabled]
    if not active:
        return []
    t = clock()
    found = _occurrences(store, active, t, dry_run=dry_run, only=only)
    fired: list[Firing] = []
    calendars = {p.name: p.calendar for p in ctx.policies}
    for rule in active:
        condition = compile_query(parse(rule.when), "") if rule.when else None
        reopens = None
        if rule.outside_hours:
            # Out of hours: nothing while open; while closed, one firing per ticket for the
            # whole closed period (its key is the moment the hours open again).
            reopens = add_working_time(t, 0, calendars.get(rule.outside_hours))
            if reopens <= t:
                continue
        occurrences = []
        for occ in found.get(rule.trigger, []):
            if occ.by_rule == rule.name:
                continue  # never on its own change
            if reopens is not None:
                occ = Occurrence(occ.ticket_id, f"closed{reopens}", occ.by_rule)
            if rule.trigger in ("idle", "sla_due_within") and not _timed_fits(rule, occ, t):
                continue
            occurrences.append(occ)
        if not occurrences:
            continue
        # One read per rule for the whole pass, not one per ticket: what it fired on
        # already, and which of the tickets its condition fits.
        ids = sorted({o.ticket_id for o in occurrences})
        done = _fired_on(store, rule, ids)
        fits = set(ids) if condition is None else _matching(store, condition, ids)
        for occ in occurrences:
            if (occ.ticket_id, occ.key) in done or occ.ticket_id not in fits:
                continue
            done.add((occ.ticket_id, occ.key))
            fired.append(
                _fire(store, ctx, rule, occ, canned, agent_name, shop_names or {}, t, dry_run)
            )
    return fired


# -- finding occurrences -----------------------------------------------------------------


def _cursor(store: Store, name: str) -> int | None:
    row = store.one("SELECT value FROM rule_cursors WHERE name = ?", (name,))
    return row[0] if row else None


def _occurrences(
    store: Store, rules: Sequence[Rule], t: int, *, dry_run: bool, only: Sequence[int] | None
) -> dict[str, list[Occurrence]]:
    triggers = {r.trigger for r in rules}
    out: dict[str, list[Occurrence]] = {k: [] for k in triggers}
    if dry_run:  # reads only: a cache no pass has run on yet has no cursors
        last_event, last_message = _cursor(store, "events"), _cursor(store, "messages")
    else:
        last_event = start_cursor(store, "events", "events")
        last_message = start_cursor(store, "messages", "messages")
    if only is not None:
        # A dry run over given tickets: each one's latest occurrence of every trigger.
        return _latest(store, triggers, only, t, rules)
    event_kinds = sorted({k for trig in triggers for k in _EVENT_TRIGGERS.get(trig, ())})
    top_event = last_event or 0
    if event_kinds:
        marks = ", ".join("?" * len(event_kinds))
        rows = store.query(
            f"SELECT id, ticket_id, kind, automation FROM events WHERE id > ? AND kind IN ({marks})"
            " ORDER BY id LIMIT ?",
            (last_event or 0, *event_kinds, BATCH),
        )
        for r in rows:
            for trig in triggers:
                if r["kind"] in _EVENT_TRIGGERS.get(trig, ()):
                    out[trig].append(Occurrence(r["ticket_id"], f"e{r['id']}", r["automation"]))
        if len(rows) == BATCH:
            top_event = rows[-1]["id"]
        else:
            top_event = store.one("SELECT coalesce(max(id), 0) FROM events")[0]
    top_message = last_message or 0
    if "customer_replied" in triggers:
        rows = store.query(
            "SELECT m.id, m.ticket_id FROM messages m WHERE m.id > ? AND m.author_kind = 'customer'"
            " AND m.id > (SELECT min(f.id) FROM messages f WHERE f.ticket_id = m.ticket_id)"
            " ORDER BY m.id LIMIT ?",
            (last_message or 0, BATCH),
        )
        out["customer_replied"] = [Occurrence(r["ticket_id"], f"m{r['id']}") for r in rows]
        if len(rows) == BATCH:
            top_message = rows[-1]["id"]
        else:
            top_message = store.one("SELECT coalesce(max(id), 0) FROM messages")[0]
    for rule in rules:
        if rule.trigger == "idle":
            rows = store.query(
                "SELECT id, coalesce(last_message_at, created_at) AS last FROM tickets"
                " WHERE stage = 0 AND coalesce(last_message_at, created_at) <= ?"
                " ORDER BY last LIMIT ?",
                (t - (rule.after or 0), TIMED_BATCH),
            )
            out["idle"] += [Occurrence(r["id"], f"idle{r['last']}") for r in rows]
        elif rule.trigger == "sla_due_within":
            rows = store.query(
                "SELECT id, due_key FROM tickets WHERE stage = 0 AND due_key <= ? AND due_key < ?"
                " ORDER BY due_key LIMIT ?",
                (t + (rule.after or 0), NO_DUE, TIMED_BATCH),
            )
            out["sla_due_within"] += [Occurrence(r["id"], f"due{r['due_key']}") for r in rows]
    if not dry_run:
        with store.write() as conn:
            conn.execute("UPDATE rule_cursors SET value = ? WHERE name = 'events'", (top_event,))
            conn.execute(
                "UPDATE rule_cursors SET value = ? WHERE name = 'messages'", (top_message,)
            )
    for trig in out:  # one occurrence of a kind per ticket is enough for a pass
        out[trig] = list({(o.ticket_id, o.key): o for o in out[trig]}.values())
    return out


def _latest(
    store: Store, triggers: set[str], only: Sequence[int], t: int, rules: Sequence[Rule]
) -> dict[str, list[Occurrence]]:
    """For a dry run: what each ticket's most recent occurrence of each trigger would be."""
    out: dict[str, list[Occurrence]] = {k: [] for k in triggers}
    for tid in only:
        row = store.one(
            "SELECT stage, coalesce(last_message_at, created_at) AS last, due_key FROM tickets"
            " WHERE id = ?",
            (tid,),
        )
        if row is None:
            continue
        for trig in triggers:
            kinds = _EVENT_TRIGGERS.get(trig)
            if kinds:
                marks = ", ".join("?" * len(kinds))
                e = store.one(
                    f"SELECT id, automation FROM events WHERE ticket_id = ? AND kind IN ({marks})"
                    " ORDER BY id DESC LIMIT 1",
                    (tid, *kinds),
                )
                if e is not None:
                    out[trig].append(Occurrence(tid, f"e{e['id']}", e["automation"]))
            elif trig == "customer_replied":
                m = store.one(
                    "SELECT max(id) FROM messages WHERE ticket_id = ? AND author_kind = 'customer'",
                    (tid,),
                )
                if m and m[0]:
                    out[trig].append(Occurrence(tid, f"m{m[0]}"))
            elif trig == "idle" and row["stage"] == 0:
                out[trig].append(Occurrence(tid, f"idle{row['last']}"))
            elif trig == "sla_due_within" and row["stage"] == 0 and row["due_key"] < NO_DUE:
                out[trig].append(Occurrence(tid, f"due{row['due_key']}"))
    return out


def _timed_fits(rule: Rule, occ: Occurrence, t: int) -> bool:
    """A timed occurrence still holds for this rule's own duration (the pass collected the
    candidates of every rule with that trigger together)."""
    if rule.trigger == "idle":
        return int(occ.key[4:]) <= t - (rule.after or 0)
    return int(occ.key[3:]) <= t + (rule.after or 0)


_CHUNK = 500  # ticket ids bound in one statement


def _fired_on(store: Store, rule: Rule, ids: list[int]) -> set[tuple[int, str]]:
    out: set[tuple[int, str]] = set()
    for i in range(0, len(ids), _CHUNK):
        part = ids[i : i + _CHUNK]
        marks = ", ".join("?" * len(part))
        out.update(
            (r[0], r[1])
            for r in store.query(
                f"SELECT ticket_id, occurrence FROM rule_firings WHERE rule = ?"
                f" AND ticket_id IN ({marks})",
                (rule.name, *part),
            )
        )
    return out


def _matching(store: Store, condition: Filter, ids: list[int]) -> set[int]:
    """Which of these tickets the rule's condition fits, a statement per 500 of them."""
    out: set[int] = set()
    for i in range(0, len(ids), _CHUNK):
        part = ids[i : i + _CHUNK]
        f = Filter(list(condition.clauses), list(condition.params), condition.fts)
        f.add(f"t.id IN ({', '.join('?' * len(part))})", *part)
        out.update(reads.ticket_ids(store, f))
    return out


# -- acting -----------------------------------------------------------------------------


def _fire(
    store: Store,
    ctx: ActionContext,
    rule: Rule,
    occ: Occurrence,
    canned: CannedLookup,
    agent_name: str,
    shop_names: dict[str, str],
    t: int,
    dry_run: bool,
) -> Firing:
    ticket = store.one("SELECT remote_id FROM tickets WHERE id = ?", (occ.ticket_id,))
    firing = Firing(
        rule.name,
        occ.ticket_id,
        f"#{ticket[0]}" if ticket else f"#{occ.ticket_id}",
        occ.key,
        "would" if dry_run else "queued",
        actions=rule.describe(),
    )
    recent = store.one(
        "SELECT count(*) FROM rule_firings WHERE rule = ? AND ticket_id = ? AND at > ?"
        " AND outcome = 'queued'",
        (rule.name, occ.ticket_id, t - 3600),
    )[0]
    if recent >= rule.max_per_hour:
        firing.outcome = "limited"
        firing.detail = _(
            "acted on this ticket {n} times in the last hour (max_per_hour = {most}); stopped"
        ).format(n=recent, most=rule.max_per_hour)
        if not dry_run:
            log.warning("rule %s: ticket %s: %s", rule.name, firing.ticket, firing.detail)
            record_firing(store, firing, t)
        return firing
    body: str | None = None
    entry: CannedEntry | None = None
    if rule.canned:
        entry = canned(rule.canned)
        if entry is None:
            return _skip(
                store,
                rule,
                occ,
                firing,
                t,
                dry_run,
                _("no canned reply /{code}").format(code=rule.canned),
            )
        values = _values(store, occ.ticket_id, agent_name or rule.name, shop_names)
        rendered = render(entry.body, in_language(values, entry.lang))
        if not rendered.ok:
            why = "; ".join(p.message for p in rendered.problems)
            return _skip(store, rule, occ, firing, t, dry_run, _("not sent: {why}").format(why=why))
        body = rendered.text
    if dry_run:
        return firing

    def plan(conn: sqlite3.Connection, row: sqlite3.Row) -> list[Change]:
        changes: list[Change] = []
        if rule.note:
            changes.append(Note(rule.note))
        if body is not None and entry is not None:
            changes.append(Reply(body))
            changes += actions.macro_changes(conn, row, entry.actions or {})
        if rule.assign_team:
            team = actions._team_named(conn, row, rule.assign_team)
            changes.append(Transfer(team=team))
        if rule.assign_agent:
            changes.append(Assign(_agent_named(conn, row, rule.assign_agent)))
        if rule.add_tags or rule.remove_tags:
            changes.append(Tags(add=rule.add_tags, remove=rule.remove_tags))
        if rule.priority:
            changes.append(SetPriority(rule.priority))
        if rule.status:
            changes.append(SetStatus(rule.status))
        return changes

    return act(store, ctx, firing, plan, t, action_id=f"rule/{rule.name}/{occ.ticket_id}/{occ.key}")


def _skip(store, rule, occ, firing, t, dry_run, why) -> Firing:
    """Not acted on, and why; recorded, so the occurrence is not tried again every pass."""
    firing.outcome, firing.detail = "skipped", why
    if not dry_run:
        log.warning("rule %s: ticket %s: %s", rule.name, firing.ticket, why)
        record_firing(store, firing, t)
    return firing


def _agent_named(conn: sqlite3.Connection, ticket: sqlite3.Row, name: str) -> AgentRef:
    row = conn.execute(
        "SELECT id, remote_id, name FROM agents WHERE connector = ? AND (name = ? COLLATE NOCASE"
        " OR email = ? COLLATE NOCASE OR remote_id = ?)",
        (ticket["connector"], name, name, name),
    ).fetchone()
    if row is None:
        raise ActionRefused(
            _('no agent named "{agent}" on {connector}').format(
                agent=name, connector=ticket["connector"]
            )
        )
    return AgentRef(row["id"], row["remote_id"], row["name"])


def _values(store: Store, ticket_id: int, agent_name: str, shop_names: dict[str, str]) -> dict:
    conv = reads.conversation(store, ticket_id, message_limit=1)
    if conv is None:
        return {}
    return ticket_values(
        conv.ticket,
        conv.customer,
        conv.orders,
        json.loads(conv.ticket["fields"] or "{}"),
        agent_name,
        shop_names.get(conv.ticket["connector"], ""),
    )
