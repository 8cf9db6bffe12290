"""One inbox row as styled text, measured in terminal cells (CJK and emoji take two)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

from agentdesk.text import one_line, pad_cells
from agentdesk.ui.format import CHANNEL_BADGES, age, countdown

_FLAGS, _BADGE, _AGE, _SLA = 3, 5, 5, 7  # mark + unread + op; channel; age; countdown


@dataclass(frozen=True)
class Layout:
    customer: int
    subject: int
    who: int
    viewer: int


def layout(width: int) -> Layout:
    """Column widths for an inbox this wide; narrow inboxes give the subject the room."""
    who, viewer = (12, 8) if width >= 80 else (8, 6)
    flexible = max(16, width - (_FLAGS + _BADGE + _AGE + _SLA + 2 + who + viewer))
    customer = min(16, max(8, flexible * 2 // 5))
    return Layout(customer, flexible - customer, who, viewer)


def header(width: int, labels: dict[str, str]) -> Text:
    c = layout(width)
    return Text(
        " " * _FLAGS
        + pad_cells(labels["channel"], _BADGE)
        + pad_cells(labels["customer"], c.customer - 1)
        + " "
        + pad_cells(labels["subject"], c.subject)
        + labels["age"].rjust(_AGE)
        + labels["sla"].rjust(_SLA)
        + "  "
        + pad_cells(labels["assignee"], c.who - 1)
        + " "
        + pad_cells(labels["viewer"], c.viewer),
        no_wrap=True,
        end="",
    )


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
) -> Text:
    c = layout(width)
    text = Text(no_wrap=True, end="")
    text.append("*" if marked else " ", styles["mark"])
    text.append("●" if row["unread"] else " ", styles["unread"])
    op = row["pending_op"] or ""
    failed = op.endswith(":failed")
    text.append("!" if failed else ("↑" if op else " "), styles["failed" if failed else "queued"])
    badge = CHANNEL_BADGES.get(row["channel"], row["channel"][:4].upper())
    text.append(pad_cells(badge, _BADGE), styles["badge"])
    text.append(pad_cells(one_line(row["customer_name"]) or "—", c.customer - 1) + " ")
    subject = one_line(row["subject"]) or one_line(row["preview"])
    text.append(
        pad_cells(subject, c.subject - 1) + " ", styles["unread_subject"] if row["unread"] else None
    )
    text.append(age(row["last_message_at"] or row["created_at"], now).rjust(_AGE), styles["dim"])
    sla = countdown(row["due_key"], now)
    text.append(sla.rjust(_SLA), styles["breached" if sla.startswith("-") else "sla"])
    text.append("  ")
    who = one_line(row["assignee_name"]) or "—"
    if op.startswith("transfer:") and not row["assignee_name"]:
        who = "→" + (one_line(row["team_name"]) or "?")
    text.append(pad_cells(who, c.who - 1) + " ", styles["dim"])
    viewer, typing = viewer_label(row["viewers"])
    text.append(pad_cells(viewer, c.viewer), styles["typing" if typing else "viewing"])
    return text
