"""One inbox row as styled text, measured in terminal cells (CJK and emoji take two)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text

from agentdesk import durations, i18n
from agentdesk.i18n import N_, _
from agentdesk.text import one_line, pad_cells
from agentdesk.ui.format import age, badge, countdown

_FLAGS = 3  # mark, unread, op on its way
_BADGE = 4  # the channel's badge: four cells in every language
_GAP = 1
_VIEWER_FROM = 100  # narrower inboxes leave out who else has the ticket open

# Values that make a column widest, to size the age and SLA columns in any language.
_AGES = (59, 59 * 60, 23 * 3600, 999 * 86400)
_COUNTDOWNS = (59 * 60, 9 * 3600 + 59 * 60, -(23 * 3600 + 59 * 60), -(9 * 86400 + 23 * 3600))


# Column headings.
_LABELS = {
    "channel": N_("CH"),
    "customer": N_("Customer"),
    "subject": N_("Subject"),
    "age": N_("Age"),
    "sla": N_("SLA"),
    "assignee": N_("Assignee"),
    "viewer": N_("Viewing"),
}


def column_labels() -> dict[str, str]:
    return {key: _(label) for key, label in _LABELS.items()}


@dataclass(frozen=True)
class Layout:
    """Widths in cells; 0 leaves a column out."""

    customer: int
    subject: int
    age: int
    sla: int
    who: int
    viewer: int
    marker: bool = False  # one cell after the flags for a colleague viewing or typing


def _labels_fit(labels: dict[str, str], key: str, width: int) -> int:
    return max(width, cell_len(labels[key]))


@lru_cache(maxsize=32)
def _layout(width: int, assignee: bool, language: str) -> Layout:
    lab = column_labels()
    age_w = _labels_fit(lab, "age", durations.widest(durations.age, _AGES))
    sla_w = _labels_fit(lab, "sla", durations.widest(durations.countdown, _COUNTDOWNS))
    who = _labels_fit(lab, "assignee", 12 if width >= 90 else 8) if assignee else 0
    # Who else has the ticket open gets a column of its own on a wide inbox; on a narrow one
    # the name takes the assignee's place while it lasts, and in Mine (no assignee column)
    # a mark after the flags says it (◉ viewing, ✎ typing; the conversation says who).
    viewer = _labels_fit(lab, "viewer", 8) if width >= _VIEWER_FROM else 0
    marker = not viewer and not assignee
    fixed = _FLAGS + marker + _BADGE + _GAP + age_w + _GAP + sla_w + _GAP
    fixed += (who + _GAP if who else 0) + (viewer + _GAP if viewer else 0)
    flexible = max(16, width - fixed)
    # The customer's name takes a quarter, within reason; the subject gets the rest.
    customer = min(18, max(_labels_fit(lab, "customer", 8), flexible // 4))
    # flexible holds both the customer's gap and the subject's.
    return Layout(customer, flexible - customer - 2 * _GAP, age_w, sla_w, who, viewer, marker)


def layout(width: int, assignee: bool = True) -> Layout:
    """Column widths for an inbox this wide: the subject gets the room; no column is
    narrower than its heading, so headings are never cut."""
    return _layout(width, assignee, i18n.current())


def header(width: int, assignee: bool = True) -> Text:
    c = layout(width, assignee)
    labels = column_labels()
    line = (
        " " * (_FLAGS + c.marker)
        + pad_cells(labels["channel"], _BADGE + _GAP)
        + pad_cells(labels["customer"], c.customer + _GAP)
        + pad_cells(labels["subject"], c.subject + _GAP)
        + rjust_cells(labels["age"], c.age)
        + " " * _GAP
        + rjust_cells(labels["sla"], c.sla)
        + " " * _GAP
    )
    if c.who:
        line += pad_cells(labels["assignee"], c.who + _GAP)
    if c.viewer:
        line += pad_cells(labels["viewer"], c.viewer)
    return Text(line, no_wrap=True, end="")


def rjust_cells(text: str, width: int) -> str:
    """Right-aligned in `width` cells, measured as the terminal does (CJK takes two)."""
    return " " * max(0, width - cell_len(text)) + text


def viewer_label(viewers: str | None) -> tuple[str, bool]:
    """The first other agent with the ticket open; typing wins over viewing."""
    if not viewers:
        return "", False
    parts = [v.rsplit(":", 1) for v in viewers.split(", ")]
    typing = [n for n, mode in parts if mode == "typing"]
    name = (typing or [parts[0][0]])[0]
    extra = "+" if len(parts) > 1 else ""
    return one_line(name).split(" ")[0] + ("…" if typing else "") + extra, bool(typing)


def render_row(
    row: sqlite3.Row,
    width: int,
    now: float,
    styles: dict[str, Style],
    *,
    marked: bool,
    assignee: bool = True,
) -> Text:
    c = layout(width, assignee)
    text = Text(no_wrap=True, end="")
    text.append("*" if marked else " ", styles["mark"])
    # My snooze: "z" while it sleeps (the Snoozed view), "◷" once it is back as a reminder.
    snoozed = row["snooze"] if "snooze" in row.keys() else None
    if snoozed == -1:
        text.append("◷", styles["unread"])
    elif snoozed:
        text.append("z", styles["queued"])
    else:
        text.append("●" if row["unread"] else " ", styles["unread"])
    op = row["pending_op"] or ""
    failed = op.endswith(":failed")
    text.append("!" if failed else ("↑" if op else " "), styles["failed" if failed else "queued"])
    viewer, typing = viewer_label(row["viewers"])
    viewer_style = styles["typing" if typing else "viewing"]
    if c.marker:
        text.append("✎" if typing else ("◉" if viewer else " "), viewer_style)
    text.append(pad_cells(badge(row["channel"]), _BADGE + _GAP), styles["badge"])
    text.append(pad_cells(one_line(row["customer_name"]) or "—", c.customer) + " " * _GAP)
    subject = one_line(row["subject"]) or one_line(row["preview"])
    text.append(
        pad_cells(subject, c.subject) + " " * _GAP,
        styles["unread_subject"] if row["unread"] else None,
    )
    if snoozed and snoozed > 0:  # asleep: how long until it wakes, where the age would be
        text.append(rjust_cells(durations.age(max(0, int(snoozed - now))), c.age), styles["queued"])
    else:
        since = row["last_message_at"] or row["created_at"]
        text.append(rjust_cells(age(since, now), c.age), "dim")
    text.append(" " * _GAP)
    sla = countdown(row["due_key"], now)
    text.append(rjust_cells(sla, c.sla), styles["breached" if sla.startswith("-") else "sla"])
    text.append(" " * _GAP)
    if c.who:
        who = one_line(row["assignee_name"]) or "—"
        if op.startswith("transfer:") and not row["assignee_name"]:
            who = "→" + (one_line(row["team_name"]) or "?")
        if viewer and not c.viewer:  # a narrow inbox: the viewer in the assignee's place
            text.append(pad_cells(viewer, c.who) + " " * _GAP, viewer_style)
        else:
            text.append(pad_cells(who, c.who) + " " * _GAP, styles["dim"])
    if c.viewer:
        text.append(pad_cells(viewer, c.viewer), viewer_style)
    return text
