"""The order-status bot in the cache. A new ticket on a channel the bot serves whose
customer asks one known question (an intent) about one recent order is answered at once
with the intent's canned reply filled from that order, tagged `bot` and set pending. When
the question or the order is not clear, an internal note says what the bot found and a
human takes it. When the customer writes again after the bot's answer, the ticket goes
back to a human with a note. Never on an A-to-z claim.

Like every rule (store/automation.py): through the outbox under its own name, each
occurrence once (the firing recorded in the ops' own transaction), read from its own
cursors over events and messages."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from agentdesk.canned.library import CannedEntry
from agentdesk.canned.render import in_language, render, ticket_values
from agentdesk.i18n import _
from agentdesk.ops import Change, Note, Reply, SetStatus, Tags
from agentdesk.rules.assignment import ticket_language
from agentdesk.rules.bot import BOT_NAME, BotSettings, intents_in, order_asked_about
from agentdesk.store import reads
from agentdesk.store.actions import ActionContext
from agentdesk.store.db import Store, now
from agentdesk.store.firings import Firing, act, fired_before, start_cursor

NAME = BOT_NAME
TAG = "bot"
BATCH = 500
_DAY = 86400


def run_bot(
    store: Store,
    ctx: ActionContext,
    bot: BotSettings,
    canned: Callable[[str], CannedEntry | None],
    *,
    shop_names: dict[str, str] | None = None,
    clock: Callable[[], int] = now,
) -> list[Firing]:
    if not bot.enabled:
        return []
    t = clock()
    last_event, last_message = _cursors(store)
    fired: list[Firing] = []
    created = store.query(
        "SELECT id, ticket_id FROM events WHERE id > ? AND kind = 'created' ORDER BY id LIMIT ?",
        (last_event, BATCH),
    )
    for e in created:
        firing = _answer(
            store, ctx, bot, canned, e["ticket_id"], f"e{e['id']}", shop_names or {}, t
        )
        if firing is not None:
            fired.append(firing)
    again = store.query(
        "SELECT m.id, m.ticket_id FROM messages m JOIN ticket_tags g ON g.ticket_id = m.ticket_id"
        " AND g.tag = ? WHERE m.id > ? AND m.author_kind = 'customer' ORDER BY m.id LIMIT ?",
        (TAG, last_message, BATCH),
    )
    for m in again:
        firing = _hand_over(store, ctx, m["ticket_id"], m["id"], t)
        if firing is not None:
            fired.append(firing)
    top_event = created[-1]["id"] if len(created) == BATCH else _max(store, "events")
    top_message = again[-1]["id"] if len(again) == BATCH else _max(store, "messages")
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO rule_cursors (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [("bot:events", top_event), ("bot:messages", top_message)],
        )
    return fired


def _max(store: Store, table: str) -> int:
    return store.one(f"SELECT coalesce(max(id), 0) FROM {table}")[0]


def _cursors(store: Store) -> tuple[int, int]:
    return (
        start_cursor(store, "bot:events", "events"),
        start_cursor(store, "bot:messages", "messages"),
    )


def _already(store: Store, ticket_id: int, occurrence: str) -> bool:
    return fired_before(store, NAME, ticket_id, occurrence)


def _is_claim(conv: reads.Conversation) -> bool:
    fields = json.loads(conv.ticket["fields"] or "{}")
    return "a-to-z" in conv.tags or "claim_at" in fields


def _answer(
    store: Store,
    ctx: ActionContext,
    bot: BotSettings,
    canned: Callable[[str], CannedEntry | None],
    ticket_id: int,
    occurrence: str,
    shop_names: dict[str, str],
    t: int,
) -> Firing | None:
    if _already(store, ticket_id, occurrence):
        return None
    conv = reads.conversation(store, ticket_id, message_limit=5)
    if conv is None or conv.ticket["channel"] not in bot.channels or _is_claim(conv):
        return None
    if store.one(
        "SELECT 1 FROM messages WHERE ticket_id = ? AND author_kind = 'agent'"
        " AND automation IS NULL AND internal = 0",
        (ticket_id,),
    ):
        return None  # a person answered already
    asked = " ".join(
        [conv.ticket["subject"] or ""]
        + [m["body"] for m in conv.messages if m["author_kind"] == "customer"][:1]
    )
    found = intents_in(asked, bot.intents)
    if not found:
        return None  # not a question the bot knows: nothing to say
    label = f"#{conv.ticket['remote_id']}"
    if len({i.name for i in found}) > 1:
        why = _("the customer asks about several things: {intents}").format(
            intents=", ".join(i.name for i in found)
        )
        return _note(store, ctx, ticket_id, label, occurrence, why, t)
    intent = found[0]
    linked = next((o for o in conv.orders if o["id"] == conv.ticket["order_id"]), None)
    order, why = order_asked_about(asked, conv.orders, t - bot.recent_days * _DAY, linked)
    if order is None:
        return _note(store, ctx, ticket_id, label, occurrence, f"{intent.name}: {why}", t)
    zh = ticket_language(asked) == "zh"
    entry = (canned(intent.canned + ".zh") if zh else None) or canned(intent.canned)
    if entry is None:
        why = _("no canned reply /{code}").format(code=intent.canned)
        return _note(store, ctx, ticket_id, label, occurrence, f"{intent.name}: {why}", t)
    values = ticket_values(
        conv.ticket,
        conv.customer,
        [order],
        json.loads(conv.ticket["fields"] or "{}"),
        shop_names.get(conv.ticket["connector"], "") or NAME,
        shop_names.get(conv.ticket["connector"], ""),
    )
    rendered = render(entry.body, in_language(values, entry.lang))
    if not rendered.ok:
        why = "; ".join(p.message for p in rendered.problems)
        return _note(store, ctx, ticket_id, label, occurrence, f"{intent.name}: {why}", t)
    body = rendered.text
    summary = [intent.name, order["number"], order["tracking_number"] or "—"]
    firing = Firing(NAME, ticket_id, label, occurrence, "queued", actions=summary)

    def plan(conn: sqlite3.Connection, row: sqlite3.Row) -> list[Change]:
        return [Reply(body), Tags(add=(TAG,)), SetStatus("pending")]

    return _act(store, ctx, ticket_id, occurrence, plan, firing, t)


def _note(store, ctx, ticket_id, label, occurrence, found: str, t: int) -> Firing:
    """A human takes it: the note says what the bot found."""
    text = _("The bot did not answer: {found}.").format(found=found)
    firing = Firing(NAME, ticket_id, label, occurrence, "queued", detail=found, actions=[text])

    def plan(conn: sqlite3.Connection, row: sqlite3.Row) -> list[Change]:
        return [Note(text)]

    return _act(store, ctx, ticket_id, occurrence, plan, firing, t)


def _hand_over(store: Store, ctx: ActionContext, ticket_id: int, message_id: int, t: int):
    """The customer wrote again after the bot answered and before any agent did."""
    occurrence = f"m{message_id}"
    if _already(store, ticket_id, occurrence) or store.one(
        "SELECT 1 FROM rule_firings WHERE rule = ? AND ticket_id = ? AND occurrence LIKE 'm%'",
        (NAME, ticket_id),
    ):
        return None  # handed over once already
    bot_reply = store.one(
        "SELECT max(id) FROM messages WHERE ticket_id = ? AND automation = ? AND internal = 0",
        (ticket_id, NAME),
    )[0]
    if bot_reply is None or bot_reply > message_id:
        return None
    human = store.one(
        "SELECT 1 FROM messages WHERE ticket_id = ? AND id > ? AND author_kind = 'agent'"
        " AND automation IS NULL AND internal = 0",
        (ticket_id, bot_reply),
    )
    if human is not None:
        return None
    remote = store.one("SELECT remote_id FROM tickets WHERE id = ?", (ticket_id,))[0]
    text = _("The customer wrote again after the bot's answer: over to a person.")
    firing = Firing(NAME, ticket_id, f"#{remote}", occurrence, "queued", actions=[text])

    def plan(conn: sqlite3.Connection, row: sqlite3.Row) -> list[Change]:
        return [Note(text), SetStatus("open")]

    return _act(store, ctx, ticket_id, occurrence, plan, firing, t)


def _act(store, ctx, ticket_id, occurrence, plan, firing: Firing, t: int) -> Firing:
    return act(store, ctx, firing, plan, t, action_id=f"bot/{ticket_id}/{occurrence}")
