"""The transfer dialog: find an agent or a team, write the handoff note, confirm.

Agents show presence and open load against capacity; choosing one who is offline or full
asks once more. A handoff note (an internal note that lands in the thread) is required
when handing to an agent, optional for a team queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TextArea

from agentdesk.i18n import _
from agentdesk.name_search import NameIndex
from agentdesk.text import one_line
from agentdesk.ui.type_ahead import TypeAhead, focus_now
from agentdesk.ui.widgets.choice_list import ChoiceList
from agentdesk.words import PRESENCE, word

_PRESENCE_STYLE = {"online": "bold green", "away": "yellow", "offline": "dim red"}


@dataclass(frozen=True)
class Target:
    kind: str  # agent | team
    id: int
    name: str
    presence: str = ""
    load: int = 0
    capacity: int = 0
    detail: str = ""

    @property
    def needs_confirming(self) -> str | None:
        if self.kind != "agent":
            return None
        if self.presence == "offline":
            return _("{name} is offline").format(name=self.name)
        if self.capacity and self.load >= self.capacity:
            return _("{name} is full ({load}/{cap} open)").format(
                name=self.name, load=self.load, cap=self.capacity
            )
        return None

    def line(self) -> Text:
        text = Text()
        if self.kind == "team":
            text.append(_("team  "), "bold magenta")
            text.append(one_line(self.name), "bold")
            text.append("  " + self.detail, "dim")
            return text
        text.append(_("agent "), "bold cyan")
        text.append(one_line(self.name))
        text.append(f"  {word(PRESENCE, self.presence)}", _PRESENCE_STYLE.get(self.presence, ""))
        full = self.capacity and self.load >= self.capacity
        load = _("{load}/{cap} open").format(load=self.load, cap=self.capacity)
        text.append(f"  {load}", "bold red" if full else "")
        if self.detail:
            text.append(f"  {one_line(self.detail)}", "dim")
        return text


@dataclass(frozen=True)
class TransferChoice:
    target: Target
    note: str


def targets_from_rows(agents, teams, exclude_agent_ids: set[int]) -> list[Target]:
    out = [
        Target(
            "team",
            t["id"],
            t["name"],
            detail=_("{online} online · {load} open").format(online=t["online"], load=t["load"]),
        )
        for t in teams
    ]
    out += [
        Target(
            "agent", a["id"], a["name"], a["presence"], a["load"], a["capacity"], a["teams"] or ""
        )
        for a in agents
        if a["id"] not in exclude_agent_ids
    ]
    return out


class TransferDialog(TypeAhead, ModalScreen[TransferChoice | None]):
    TYPE_AHEAD_INPUT = "#transfer-query"

    BINDINGS = [
        Binding("escape", "back", _("Back"), id="transfer_back"),
        Binding("down", "move(1)", show=False, id="transfer_next"),
        Binding("up", "move(-1)", show=False, id="transfer_previous"),
        Binding("ctrl+s", "confirm_note", _("Transfer"), id="transfer_confirm"),
    ]

    def __init__(self, targets: list[Target], count: int) -> None:
        super().__init__()
        self.targets = targets
        self.count = count
        self.shown: list[Target] = []
        self.chosen: Target | None = None
        self._confirming: int | None = None
        self._index = NameIndex([t.name for t in targets])

    def compose(self) -> ComposeResult:
        title = (
            _("Transfer ticket")
            if self.count == 1
            else _("Transfer {n} tickets").format(n=self.count)
        )
        with Vertical(id="transfer", classes="wide-dialog"):
            yield Static(Text(title, "bold"), id="dialog-title")
            yield Input(placeholder=_("agent or team"), id="transfer-query")
            yield ChoiceList(id="transfer-list")
            yield Static(id="transfer-note-title")
            yield TextArea(id="transfer-note", soft_wrap=True)
            yield Static(id="transfer-status")

    def on_mount(self) -> None:
        self.query_one("#transfer-note", TextArea).display = False
        self.take_typed_ahead()
        self._filter(self.query_one(Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        if query.strip():
            self.shown = [self.targets[i] for i in self._index.rank(query)]
        else:
            self.shown = list(self.targets)
        items = [t.line() for t in self.shown] or [Text(_("No agent or team matches."), "dim")]
        self.query_one(ChoiceList).set_items(items)
        self._confirming = None
        self._status(_("enter choose · ↑↓ move · esc cancel"))

    def _status(self, text: str, style: str = "dim") -> None:
        self.query_one("#transfer-status", Static).update(Text(text, style))

    def action_move(self, delta: int) -> None:
        if self.chosen is None:
            self.query_one(ChoiceList).move(delta)
            self._confirming = None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        index = self.query_one(ChoiceList).index
        if not 0 <= index < len(self.shown):
            return
        target = self.shown[index]
        warning = target.needs_confirming
        if warning and self._confirming != index:
            self._confirming = index
            self._status(warning + " — " + _("press enter again to transfer anyway"), "bold red")
            return
        self.chosen = target
        note = self.query_one("#transfer-note", TextArea)
        note.display = True
        required = target.kind == "agent"
        self.query_one("#transfer-note-title", Static).update(
            Text(
                _("Handoff note for {name} (required)").format(name=one_line(target.name))
                if required
                else _("Note for team {name} (optional)").format(name=one_line(target.name)),
                "bold",
            )
        )
        self.query_one(Input).disabled = True
        focus_now(note)
        self._status(_("ctrl+s transfer · esc back"))

    def action_confirm_note(self) -> None:
        if self.chosen is None:
            return
        note = self.query_one("#transfer-note", TextArea).text
        if self.chosen.kind == "agent" and not note.strip():
            self._status(_("a handoff note is required when transferring to an agent"), "bold red")
            return
        self.dismiss(TransferChoice(self.chosen, note.strip()))

    def action_back(self) -> None:
        if self.chosen is None:
            self.dismiss(None)
            return
        self.chosen = None
        self.query_one("#transfer-note", TextArea).display = False
        self.query_one("#transfer-note-title", Static).update("")
        query = self.query_one(Input)
        query.disabled = False
        focus_now(query)
        self._status(_("enter choose · ↑↓ move · esc cancel"))
