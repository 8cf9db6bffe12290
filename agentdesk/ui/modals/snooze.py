"""The snooze dialog (`z`): pick a preset or type a time (`15:30`, `tomorrow 9`,
`2026-12-24`, `明天9点`), add a reminder note if you like, enter. The time typed is read as
you type, so what enter will do is on screen before you press it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from agentdesk.i18n import _
from agentdesk.snooze_time import Preset, WhenError, parse_when
from agentdesk.ui.format import clock_stamp
from agentdesk.ui.type_ahead import TypeAhead, focus_now
from agentdesk.ui.widgets.choice_list import ChoiceList


@dataclass(frozen=True)
class SnoozeChoice:
    until: int | None  # epoch seconds; None: wake the ticket now
    note: str = ""


class SnoozeDialog(TypeAhead, ModalScreen[SnoozeChoice | None]):
    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="snooze_cancel"),
        Binding("down", "move(1)", _("Next"), show=False, id="snooze_down"),
        Binding("up", "move(-1)", _("Previous"), show=False, id="snooze_up"),
        Binding("tab", "next_field", _("Note"), show=False, id="snooze_note", priority=True),
    ]

    def __init__(
        self,
        title: str,
        presets: list[Preset],
        now: dt.datetime,
        day_starts: dt.time,
        evening: dt.time,
        *,
        can_wake: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.presets = presets
        self.now = now
        self.day_starts, self.evening = day_starts, evening
        self.can_wake = can_wake

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="snooze"):
            yield Static(Text(self.title_text, "bold"), id="dialog-title")
            yield Input(
                placeholder=_("a time: 15:30, tomorrow 9, 2026-12-24, 明天9点, 2h"),
                id="snooze-when",
            )
            yield Static(id="snooze-read")
            yield ChoiceList(id="snooze-presets")
            yield Input(placeholder=_("reminder note (optional)"), id="snooze-note")
            yield Static(
                Text(_("↑↓ choose · type a time · tab note · enter snooze · esc cancel"), "dim"),
                id="dialog-keys",
            )

    def on_mount(self) -> None:
        items = []
        if self.can_wake:
            items.append(Text(_("Wake it now"), "bold"))
        for p in self.presets:
            line = Text(p.label)
            line.append("  " + clock_stamp(p.at, self.now), "dim")
            items.append(line)
        choices = self.query_one(ChoiceList)
        choices.set_items(items)
        choices.styles.height = len(items)
        self.take_typed_ahead()

    def _typed(self) -> str:
        return self.query_one("#snooze-when", Input).value

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "snooze-when":
            return
        read = self.query_one("#snooze-read", Static)
        if not event.value.strip():
            read.update("")
            return
        try:
            at = parse_when(event.value, self.now, self.day_starts, self.evening)
        except WhenError as e:
            read.update(Text(str(e), "yellow"))
        else:
            read.update(Text("→ " + at.strftime("%Y-%m-%d %H:%M"), "bold green"))

    def action_move(self, delta: int) -> None:
        self.query_one(ChoiceList).move(delta)

    def action_next_field(self) -> None:
        when, note = self.query_one("#snooze-when", Input), self.query_one("#snooze-note", Input)
        focus_now(note if when.has_focus else when)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        note = self.query_one("#snooze-note", Input).value.strip()
        typed = self._typed()
        if typed.strip():
            try:
                at = parse_when(typed, self.now, self.day_starts, self.evening)
            except WhenError as e:
                self.query_one("#snooze-read", Static).update(Text(str(e), "bold red"))
                return
            self.dismiss(SnoozeChoice(int(at.timestamp()), note))
            return
        index = self.query_one(ChoiceList).index
        if self.can_wake:
            if index == 0:
                self.dismiss(SnoozeChoice(None))
                return
            index -= 1
        self.dismiss(SnoozeChoice(int(self.presets[index].at.timestamp()), note))

    def action_cancel(self) -> None:
        self.dismiss(None)
