"""The bottom line: each connector's state, outbox counts and the agent's presence."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.widgets import Static

from agentdesk.i18n import _
from agentdesk.text import one_line
from agentdesk.ui.widgets.quiet import update_if_changed
from agentdesk.words import CONNECTOR_STATE, PRESENCE, word

_STATE_STYLE = {
    "ok": "green",
    "syncing": "cyan",
    "idle": "dim",
    "offline": "red",
    "error": "red bold",
}


_PRESENCE_STYLE = {"online": "bold green", "away": "yellow", "offline": "red"}


class StatusLine(Static):
    def show(
        self,
        connectors,
        outbox: dict[str, int],
        presence: str | None,
        engine: str,
        zone: dt.tzinfo | None = None,
        marks: int = 0,
        engine_warn: bool = False,
    ) -> None:
        text = Text()
        for c in connectors:
            state = c["state"]
            label = word(CONNECTOR_STATE, state)
            if state in ("offline", "error") and c["offline_since"]:
                since = dt.datetime.fromtimestamp(c["offline_since"], zone).strftime("%H:%M")
                label = _("{state} since {time}").format(state=label, time=since)
            done = c["first_sync_done"] if "first_sync_done" in c.keys() else None
            if done is not None and state not in ("offline", "error"):
                total = c["first_sync_total"]
                label = (
                    _("first sync {done:,} / {total:,}").format(done=done, total=total)
                    if total
                    else _("first sync {done:,}").format(done=done)
                )
            text.append(f"{one_line(c['connector'])}: ", style="bold")
            text.append(label, style=_STATE_STYLE.get(state, ""))
            if c["last_error"] and state in ("offline", "error"):
                text.append(f" ({one_line(c['last_error'])[:60]})", style="red")
            text.append("  ")
        text.append(
            _("outbox: {q} queued").format(q=outbox.get("queued", 0) + outbox.get("sending", 0))
        )
        failed = outbox.get("failed", 0)
        text.append(_(", {f} failed").format(f=failed), style="red bold" if failed else "")
        text.append("  " + _("you: "))
        text.append(word(PRESENCE, presence) or "—", _PRESENCE_STYLE.get(presence or "", ""))
        if marks:
            text.append("  " + _("{n} marked").format(n=marks), "bold yellow")
        text.append(f"  [{engine}]", style="bold yellow" if engine_warn else "dim")
        update_if_changed(self, text)
