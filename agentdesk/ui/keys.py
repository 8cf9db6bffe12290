"""Every key of the main screen in one list: the bindings, the help screen, the palette and
the README's table are all made from it. Each has an id the config's [keymap] can remap."""

from __future__ import annotations

from dataclasses import dataclass

from textual.actions import parse as parse_action
from textual.binding import Binding

from agentdesk.i18n import _


@dataclass(frozen=True)
class KeySpec:
    id: str
    keys: str  # Textual key names, comma-separated
    action: str
    description: str
    show: bool = False  # in the footer
    needs: str | None = None  # the op kind (ops.KINDS) the action queues, if any


MAIN_KEYS: list[KeySpec] = [
    KeySpec("next_ticket", "j,down", "move(1)", _("Next ticket")),
    KeySpec("previous_ticket", "k,up", "move(-1)", _("Previous ticket")),
    KeySpec("page_down", "pagedown,ctrl+f", "page(1)", _("Page down")),
    KeySpec("page_up", "pageup,ctrl+b", "page(-1)", _("Page up")),
    KeySpec("first_ticket", "g,home", "first", _("First ticket")),
    KeySpec("last_ticket", "G,end", "last", _("Last ticket")),
    KeySpec("focus_conversation", "enter", "focus_conversation", _("Read the conversation")),
    KeySpec("reply", "r", "compose('reply')", _("Reply"), show=True, needs="reply"),
    KeySpec("note", "n", "compose('note')", _("Internal note"), show=True, needs="note"),
    KeySpec("canned", "c", "canned", _("Canned"), show=True, needs="reply"),
    KeySpec("transfer", "t", "transfer", _("Transfer"), show=True, needs="transfer"),
    KeySpec("take", "a", "take", _("Take"), show=True, needs="assign"),
    KeySpec("solve", "s", "status('solved')", _("Solve"), show=True, needs="status"),
    KeySpec("pending", "p", "status('pending')", _("Pending"), needs="status"),
    KeySpec("reopen", "o", "status('open')", _("Reopen"), needs="status"),
    KeySpec("snooze", "z", "snooze", _("Snooze until a time, with a reminder (or wake it)")),
    KeySpec("mark", "x", "mark", _("Mark (or unmark) for a bulk action and move down")),
    KeySpec(
        "undo", "u", "undo", _("Undo the last solve, transfer, tag or bulk action (while held)")
    ),
    KeySpec("clear_marks", "escape", "back", _("Clear marks / back to the inbox")),
    KeySpec("tag", "number_sign", "tag", _("Add or remove tags"), needs="tags"),
    KeySpec("save_attachments", "A", "save_attachments", _("Save the ticket's attachments")),
    KeySpec(
        "copy",
        "y",
        "copy_reference",
        _("Copy the ticket's number; y again: its order number, then its tracking number"),
    ),
    KeySpec("search", "slash", "search", _("Search"), show=True),
    *[
        KeySpec(f"view_{n}", str(n), f"select_view({n - 1})", _("View {n}").format(n=n))
        for n in range(1, 10)
    ],
    KeySpec("next_view", "right_square_bracket", "cycle_view(1)", _("Next view")),
    KeySpec("previous_view", "left_square_bracket", "cycle_view(-1)", _("Previous view")),
    KeySpec("retry", "R", "retry_failed", _("Retry a failed send")),
    KeySpec("edit_failed", "E", "edit_failed", _("Edit a failed message and resend")),
    KeySpec("discard", "D", "discard_failed", _("Discard a failed send")),
    KeySpec("presence", "P", "cycle_presence", _("Set presence: online / away / offline")),
    KeySpec("help", "question_mark", "help", _("Help"), show=True),
    KeySpec("quit", "q", "quit", _("Quit"), show=True),
]

# Shown in the footer while the agent types, so the descriptions are short.
COMPOSER_KEYS: list[KeySpec] = [
    KeySpec("composer_send", "ctrl+s", "send", _("Send"), show=True),
    KeySpec("composer_send_keep_open", "ctrl+o", "send_keep_open", _("Send, keep open"), show=True),
    KeySpec(
        "composer_send_solve_next", "ctrl+g", "send_solve_next", _("Send, solve, next"), show=True
    ),
    KeySpec("composer_leave", "escape", "leave", _("Keep draft"), show=True),
    KeySpec(
        "composer_drop_effects", "ctrl+r", "drop_effects", _("Drop the canned reply's effects")
    ),
]


def needed_kinds(specs: list[KeySpec]) -> dict[tuple[str, tuple], str]:
    """(action name, parameters) -> the op kind it queues, for Screen.check_action."""
    out = {}
    for s in specs:
        if s.needs:
            _ns, name, params = parse_action(s.action)
            out[(name, tuple(params))] = s.needs
    return out


def bindings(specs: list[KeySpec]) -> list[Binding]:
    return [Binding(s.keys, s.action, s.description, show=s.show, id=s.id) for s in specs]


def effective_keys(specs: list[KeySpec], keymap: dict[str, str]) -> list[tuple[KeySpec, str]]:
    """Each key spec with the keys it answers to after the config's remapping."""
    return [(s, keymap.get(s.id, s.keys)) for s in specs]


_NAMES = {
    "number_sign": "#",
    "slash": "/",
    "question_mark": "?",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "escape": "esc",
}


def key_label(keys: str) -> str:
    """Keys as a person writes them: `j / down`, `#`, `ctrl+s`."""
    return " / ".join(_NAMES.get(k.strip(), k.strip()) for k in keys.split(","))
