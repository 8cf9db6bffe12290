"""The newest page of the selected view, drawn as plain lines (the full inbox widget with
virtual scrolling replaces this in the console issue)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from agentdesk.i18n import _
from agentdesk.text import one_line, pad_cells
from agentdesk.ui.format import CHANNEL_BADGES, age, countdown


class TicketTable(Static):
    def show(self, rows) -> None:
        width = max(40, self.size.width)
        subject_w = max(10, width - 4 - 5 - 16 - 6 - 8 - 14 - 6)
        text = Text()
        header = f"  {'CH':<5}{pad_cells(_('Customer'), 16)}{pad_cells(_('Subject'), subject_w)}{_('Age'):>6}{_('SLA'):>8}  {pad_cells(_('Assignee'), 12)}"
        text.append(header + "\n", style="bold dim")
        if not rows:
            text.append(_("  Nothing here.") + "\n", style="dim")
        for r in rows:
            unread = "●" if r["unread"] else " "
            sla = countdown(r["due_key"])
            text.append(f"{unread} ", style="bold yellow")
            text.append(f"{CHANNEL_BADGES.get(r['channel'], r['channel'][:4]):<5}", style="magenta")
            text.append(pad_cells(one_line(r["customer_name"]), 15) + " ")
            text.append(
                pad_cells(one_line(r["subject"]), subject_w - 1) + " ",
                style="bold" if r["unread"] else "",
            )
            text.append(f"{age(r['last_message_at'] or r['created_at']):>6}", style="dim")
            text.append(f"{sla:>8}", style="red bold" if sla.startswith("-") else "green")
            text.append(
                "  " + pad_cells(one_line(r["assignee_name"]) or "—", 12) + "\n", style="dim"
            )
        self.update(text)
