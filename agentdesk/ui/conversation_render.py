"""A ticket's conversation as Rich text: the ticket header, the customer card and the thread.

Every remote string goes through the sanitizer and into Text as plain text, never as
markup. Public replies, internal notes and system events each look different.
"""

from __future__ import annotations

import datetime as dt
import json

from rich.text import Text

from agentdesk import durations
from agentdesk.i18n import _, n_, p_
from agentdesk.rules.assignment import RETURN_NAME
from agentdesk.store.reads import Conversation
from agentdesk.store.schema import NO_DUE
from agentdesk.store.snooze import SnoozeState
from agentdesk.store.views import channel_title
from agentdesk.text import one_line, sanitize
from agentdesk.ui.format import age, clock_stamp
from agentdesk.words import (
    ASSIGNMENT_MODE,
    AUTOMATION,
    DELIVERY,
    EVENT,
    OP_KIND,
    ORDER_STATUS,
    PRIORITY,
    STATUS,
    word,
)

# The styled parts of a thread; the pane gives each a style from the theme.
THREAD_PARTS = ("customer", "agent", "note", "note_body", "event", "queued", "failed", "attachment")


def _when(ts: int | None, zone: dt.tzinfo | None, now: float) -> str:
    if not ts:
        return ""
    local = dt.datetime.fromtimestamp(ts, zone)
    stamp = clock_stamp(local, dt.datetime.fromtimestamp(now, zone))
    return stamp + p_("ago", " ({age})").format(age=age(ts, now))


def size_label(n: int | None) -> str:
    if not n:
        return "?"
    for unit, size in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


def _fields(t) -> dict:
    try:
        value = json.loads(t["fields"] or "{}")
    except (ValueError, TypeError, IndexError, KeyError):
        return {}
    return value if isinstance(value, dict) else {}


def snooze_line(state: SnoozeState | None, zone: dt.tzinfo | None, now: float) -> Text | None:
    """My snooze of the ticket: when it wakes, or, once back, the reminder."""
    if state is None:
        return None
    note = one_line(state.note)
    if state.asleep(int(now)):
        at = dt.datetime.fromtimestamp(state.until, zone)
        text = Text(
            _("Snoozed until {when}").format(when=at.strftime(_("%m-%d %H:%M"))), "bold cyan"
        )
    else:
        text = Text(_("Reminder"), "bold yellow")
    if note:
        text.append(" · " + note, "yellow")
    return text


def header(conv: Conversation, others: list, now: float, snoozed: Text | None = None) -> Text:
    t = conv.ticket
    text = Text(no_wrap=False)
    text.append(one_line(t["subject"]) or _("(no subject)"), "bold")
    text.append("\n")
    text.append(f"#{one_line(t['remote_id'])} · {channel_title(t['channel'])} · ", "dim")
    text.append(word(STATUS, t["status"]), "bold")
    platform_status = _fields(t).get("status_name")  # a platform's own status, e.g. Freshdesk's
    if platform_status:
        text.append(f" ({one_line(str(platform_status))})", "bold")
    text.append(
        f" · {word(PRIORITY, t['priority'])}",
        "bold red" if t["priority"] in ("high", "urgent") else "dim",
    )
    who = one_line(t["assignee_name"]) or _("unassigned")
    team = one_line(t["team_name"])
    text.append("\n" + _("Assignee: ") + who + (" · " + _("Team: ") + team if team else ""))
    if conv.tags:
        text.append("\n" + _("Tags: "), "dim")
        text.append(", ".join(one_line(x) for x in conv.tags), "cyan")
    timers = []
    for label, due in (
        (_("first response"), t["sla_first_due"]),
        (_("next response"), t["sla_next_due"]),
        (_("resolution"), t["sla_resolve_due"]),
    ):
        if due is not None and due < NO_DUE and t["stage"] < 2:
            timers.append((label, int(due - now)))
    if timers:
        text.append("\n" + _("SLA: "), "dim")
        for i, (label, left) in enumerate(timers):
            if i:
                text.append(" · ", "dim")
            text.append(f"{label} ")
            text.append(durations.countdown_phrase(left), "bold red" if left < 0 else "green")
    for o in others:
        mode = _("is typing") if o["viewing_mode"] == "typing" else _("is viewing")
        text.append("\n" + f"{one_line(o['name'])} {mode}", "bold yellow")
    if snoozed is not None:
        text.append("\n")
        text.append_text(snoozed)
    return text


def customer_card(conv: Conversation, zone: dt.tzinfo | None, now: float) -> Text:
    text = Text()
    c = conv.customer
    if c is None:
        text.append(_("Unknown customer"), "dim")
        return text
    text.append(one_line(c["name"]), "bold")
    if c["vip"]:
        text.append("  VIP", "bold magenta")
    text.append(
        "  "
        + n_("{n} past ticket", "{n} past tickets", conv.past_tickets).format(n=conv.past_tickets),
        "dim",
    )
    handles = [
        _("{channel}: {handle}").format(channel=channel_title(ch), handle=one_line(h))
        for ch, h in sorted(conv.handles.items())
    ]
    if c["email"] and "email" not in conv.handles:
        handles.insert(0, one_line(c["email"]))
    if handles:
        text.append("\n" + " · ".join(handles), "dim")
    for o in conv.orders[:3]:
        text.append("\n" + _("Order") + f" {one_line(o['number'])} ", "")
        text.append(word(ORDER_STATUS, one_line(o["status"])), "bold")
        text.append(f" {o['amount_cents'] / 100:.2f} {one_line(o['currency'])}")
        if o["tracking_number"]:
            text.append(f" · {one_line(o['carrier'])} {one_line(o['tracking_number'])}", "cyan")
        text.append(f" · {_when(o['created_at'], zone, now)}", "dim")
    if len(conv.orders) > 3:
        text.append("\n" + _("… {n} more orders").format(n=len(conv.orders) - 3), "dim")
    return text


def automation_label(name: str) -> str:
    """Who made a change the automation made: the bot or auto-assignment by their words,
    any other rule as `rule NAME`."""
    known = AUTOMATION.get(name)
    return _(known) if known else _("rule {name}").format(name=one_line(name))


def _event_line(e, conv: Conversation) -> str:
    data = json.loads(e["data"] or "{}")
    actor = one_line(e["agent_name"] or e["actor_name"]) or _("system")
    if e["automation"]:
        actor = automation_label(e["automation"])
    kind = e["kind"]
    agent = lambda k: one_line(conv.agent_names.get(data.get(k), "")) or _("nobody")  # noqa: E731
    if kind == "assigned":
        # Changes seen on the platform say "to"; our own acknowledged ops say "agent_id".
        to = agent("to" if "to" in data else "agent_id")
        if e["automation"] == RETURN_NAME:
            return _("back to the team's queue: its agent was away")
        how = ASSIGNMENT_MODE.get(e["automation"] or "")
        if how:
            return _("assigned to {to} by {how}").format(to=to, how=_(how))
        return _("{actor} assigned it to {to}").format(actor=actor, to=to)
    if kind == "transferred":
        team = one_line(conv.team_names.get(data.get("to_team") or data.get("team_id"), ""))
        target = team or agent("to" if "to" in data else "agent_id")
        return _("{actor} transferred it to {to}").format(actor=actor, to=target)
    if kind in ("status", "solved", "reopened") and "to" in data:
        return _("{actor} set status {frm} → {to}").format(
            actor=actor,
            frm=word(STATUS, data.get("from")) or "?",
            to=word(STATUS, data["to"]),
        )
    if kind == "rated":
        return _("customer rated {score}/5").format(score=data.get("score", "?"))
    if kind == "created":
        return _("ticket created")
    return _("{actor} {did}").format(actor=actor, did=word(EVENT, kind))


def thread(conv: Conversation, zone: dt.tzinfo | None, now: float, styles: dict) -> Text:
    """Messages and events in time order; notes marked with a bar, failures with their reason."""
    items = [(m["created_at"], 0, m["id"], "m", m) for m in conv.messages]
    items += [(e["at"], 1, e["id"], "e", e) for e in conv.events if e["kind"] != "created"]
    items.sort(key=lambda i: i[:3])
    text = Text()
    for _at, _o, _id, kind, item in items:
        if kind == "e":
            text.append(
                f"  — {_event_line(item, conv)} · {_when(item['at'], zone, now)}\n", styles["event"]
            )
            continue
        m = item
        if m["author_kind"] == "system":
            # A platform's own note of what happened (Chatwoot's activity messages): an event.
            what = one_line(sanitize(m["body"])) or "?"
            text.append(f"  — {what} · {_when(m['created_at'], zone, now)}\n", styles["event"])
            continue
        internal = bool(m["internal"])
        author = one_line(m["author_name"]) or "?"
        if m["automation"]:
            author = automation_label(m["automation"])
        if m["author_kind"] == "customer":
            text.append(f"▌ {author}", styles["customer"])
        elif internal:
            text.append("▌ " + _("NOTE") + f" · {author}", styles["note"])
        else:
            text.append(f"▌ {author} · {word(OP_KIND, 'reply')}", styles["agent"])
        text.append(f"  {_when(m['created_at'], zone, now)}", "dim")
        if m["delivery"] in ("queued", "sending"):
            text.append("  " + word(DELIVERY, m["delivery"]), styles["queued"])
        elif m["delivery"] == "failed":
            text.append(
                "  " + _("failed: {why}").format(why=one_line(m["error"])), styles["failed"]
            )
            text.append("  " + _("(R retry · E edit · D discard)"), styles["failed"])
        text.append("\n")
        bar = "│ " if internal else "  "
        body = sanitize(m["body"]).expandtabs(4).rstrip("\n") or _("(empty)")
        for line in body.split("\n"):
            text.append(bar, styles["note"] if internal else "")
            text.append(line + "\n", styles["note_body"] if internal else "")
        for part, a in enumerate(json.loads(m["attachments"] or "[]")):
            text.append(
                f"  📎 {one_line(a.get('name')) or '?'} ({size_label(a.get('size'))})",
                styles["attachment"],
            )
            save = conv.saves.get((m["id"], part))
            if save is None:
                pass
            elif save["state"] == "queued":
                text.append("  " + _("saving…"), styles["queued"])
            elif save["state"] == "saved":
                text.append("  " + _("saved to {path}").format(path=one_line(save["path"])), "dim")
            else:
                why = one_line(save["error"])
                text.append("  " + _("not saved: {why}").format(why=why), styles["failed"])
            text.append("\n")
        text.append("\n")
    if not items:
        text.append(_("No messages yet.") + "\n", "dim")
    return text
