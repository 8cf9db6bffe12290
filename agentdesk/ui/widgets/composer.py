"""The composer: a reply or an internal note for the ticket in view.

It only edits text and says what the agent wants (send, send-solve-next, leave, open the
picker); the screen does the saving and sending. `/` at the start of a line opens the
canned-reply picker, whose query takes the shortcode the agent goes on typing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, TextArea

from agentdesk.canned.render import MACRO_KINDS, macro_effects
from agentdesk.i18n import _, p_
from agentdesk.name_search import NameIndex
from agentdesk.text import one_line
from agentdesk.ui.keys import COMPOSER_KEYS, bindings
from agentdesk.ui.type_ahead import focus_now
from agentdesk.words import STATUS, word

MENTION_TYPED = 24  # characters after an `@` that may still be a name being typed


class ComposerArea(TextArea):
    class SlashAtLineStart(Message):
        pass

    # Set by the composer while an `@name` is being typed in a note: tab completes it.
    complete_mention: Callable[[], bool] | None = None

    async def _on_key(self, event: events.Key) -> None:
        if self.read_only:
            # Sending: every key stops here. Read-only, the text area would let a letter
            # bubble up to the inbox's keys (a for take, s for solve…).
            event.stop()
            event.prevent_default()
            return
        if event.key == "tab" and self.complete_mention is not None and self.complete_mention():
            event.stop()
            event.prevent_default()
            return
        if event.character == "/" and self.cursor_location[1] == 0 and not self.selected_text:
            event.stop()
            event.prevent_default()
            self.post_message(self.SlashAtLineStart())
            return
        await super()._on_key(event)


class Composer(Vertical):
    BINDINGS = bindings(COMPOSER_KEYS)

    class Send(Message):
        def __init__(self, solve_and_next: bool, keep_open: bool = False) -> None:
            super().__init__()
            self.solve_and_next = solve_and_next
            self.keep_open = keep_open

    class Leave(Message):
        pass

    class Edited(Message):
        pass

    class EffectsDropped(Message):
        pass

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ticket_id: int | None = None
        self._colleagues = NameIndex([])
        self._suggested: list[str] = []
        self.kind = "reply"
        self.basis: dict = {}
        self.macro: dict = {}
        self.customer = ""
        self._loading = False
        self.sending = False  # committed: frozen until the write is done
        self._commit_id: str | None = None  # this text's send, kept until the text changes
        # Why the ticket's platform cannot carry an op kind (None: it can); set by the screen.
        self.why_not: Callable[[str], str | None] = lambda kind: None
        # What a reply will do to the ticket's status there ("pending"), if it changes it.
        self.reply_sets: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="composer-title")
        yield ComposerArea(id="composer-text", soft_wrap=True, show_line_numbers=False)
        yield Static(id="composer-mentions")

    def on_mount(self) -> None:
        self.query_one("#composer-mentions", Static).display = False

    # -- @mentions in a note --------------------------------------------------------------

    def set_colleagues(self, names: list[str]) -> None:
        """Whom `@` offers in this ticket's notes (the screen sets them on opening)."""
        self._colleagues = NameIndex(names)
        self._suggested: list[str] = []

    def _mention_at(self) -> tuple[tuple[int, int], str] | None:
        """Where the `@word` before the cursor starts, and the word typed so far."""
        row, col = self.area.cursor_location
        before = self.area.document.get_line(row)[:col]
        at = before.rfind("@")
        if at == -1 or col - at > MENTION_TYPED:
            return None
        if at > 0 and before[at - 1].isascii() and before[at - 1].isalnum():
            return None  # an e-mail address, not a mention
        typed = before[at + 1 :]
        if typed.count(" ") > 2:
            return None
        return (row, at), typed

    def _suggest(self) -> None:
        hint = self.query_one("#composer-mentions", Static)
        found = self._mention_at() if self.kind == "note" and self._colleagues.names else None
        names = self._colleagues.names
        self._suggested = (
            [names[i] for i in self._colleagues.rank(found[1], limit=4)] if found else []
        )
        if not self._suggested:
            hint.display = False
            self.area.complete_mention = None
            return
        line = Text("@ ", "bold")
        line.append(" · ".join(one_line(n) for n in self._suggested))
        line.append("  " + _("tab completes"), "dim")
        hint.update(line)
        hint.display = True
        self.area.complete_mention = self._complete

    def _complete(self) -> bool:
        found = self._mention_at()
        if not found or not self._suggested:
            return False
        start, _typed = found
        self.area.replace(f"@{self._suggested[0]} ", start, self.area.cursor_location)
        return True

    @property
    def area(self) -> ComposerArea:
        return self.query_one(ComposerArea)

    @property
    def body(self) -> str:
        return self.area.text

    def open(
        self, ticket_id: int, kind: str, body: str, basis: dict, customer: str, macro: dict
    ) -> None:
        self.ticket_id, self.kind, self.basis, self.customer = ticket_id, kind, basis, customer
        self.macro = dict(macro)
        self.sending = False
        self._commit_id = None
        self.area.read_only = False
        self._loading = True
        self.area.load_text(body)
        self._loading = False
        self.area.move_cursor(self.area.document.end)
        self.display = True
        self.set_class(kind == "note", "-note")
        self._show_title()
        focus_now(self.area)  # the words typed right after `r` belong here

    def close(self) -> None:
        self.display = False
        self.ticket_id = None
        self.sending = False
        self.area.read_only = False

    def commit(self) -> str:
        """Freeze for sending; returns the send's id (the same while the text is unchanged)."""
        if self._commit_id is None:
            self._commit_id = str(uuid.uuid4())
        self.sending = True
        self.area.read_only = True
        self._show_title()
        return self._commit_id

    def thaw(self) -> None:
        """The send was not written: the agent may edit and send again."""
        self.sending = False
        self.area.read_only = False
        self._show_title()
        focus_now(self.area)

    def insert(self, text: str, macro: dict | None = None) -> None:
        self.area.insert(text)
        if macro:
            self.macro.update(macro)
            self._commit_id = None
            self._show_title()
        self.post_message(self.Edited())

    def _show_title(self) -> None:
        title = Text()
        if self.sending:
            title.append(_("sending…") + "  ", "bold reverse")
        if self.kind == "note":
            title.append(_("Internal note"), "bold")
            title.append(" " + _("(not sent to the customer)"))
        else:
            title.append(_("Reply to {customer}").format(customer=self.customer), "bold")
        effects = macro_effects(self.macro)
        blocked = [w for k in self.macro if self.macro[k] and (w := self.why_not(MACRO_KINDS[k]))]
        if effects:
            title.append(
                "  " + _("sending also ") + p_("list", "; ").join(effects), "red" if blocked else ""
            )
        if blocked:
            title.append("  " + blocked[0] + " — " + _("ctrl+r drops them"), "bold red")
        if self.kind == "reply" and self.reply_sets and "status" not in self.macro:
            # The keys themselves are in the footer; what the agent would not guess is here.
            title.append(
                "  "
                + _("sending sets {status}; ctrl+o keeps it open").format(
                    status=word(STATUS, self.reply_sets)
                ),
                "dim",
            )
        self.query_one("#composer-title", Static).update(title)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._suggest()
        if not self._loading:
            self._commit_id = None  # other words: another send
            self.post_message(self.Edited())

    def action_send(self) -> None:
        if not self.sending:
            self.post_message(self.Send(solve_and_next=False))

    def action_send_solve_next(self) -> None:
        if not self.sending:
            self.post_message(self.Send(solve_and_next=True))

    def action_send_keep_open(self) -> None:
        if not self.sending:
            self.post_message(self.Send(solve_and_next=False, keep_open=True))

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    def action_drop_effects(self) -> None:
        if self.macro and not self.sending:
            self.macro = {}
            self._commit_id = None
            self._show_title()
            self.post_message(self.EffectsDropped())
