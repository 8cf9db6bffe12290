"""Keys typed faster than a widget takes focus still land in it.

Over SSH, or from a fast typist, `c` and the shortcode after it arrive in one read. Textual
hands each key to the widget focused when the key is read, before the key in front of it
has opened anything: without care the shortcode would go to the inbox (where `s` solves and
`a` takes a ticket) or be dropped by a dialog still being built. Three remedies work
together: `focus_now` moves focus before the next key is handled; `pass_on_typed_ahead`
hands a key that was read for a widget which has lost the focus since to the one that has
it now (in order, so `r`, the words and ctrl+s in one read send the whole text); and a
dialog with `TypeAhead` keeps the characters that reach it before its input exists.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Input


def focus_now(widget: Widget) -> None:
    """Focus `widget` at once, so the keys already queued behind this one go to it."""
    try:
        widget.screen.set_focus(widget)
    except Exception:  # not mounted yet: the usual, queued way
        widget.focus()


def note_reader(app: App, event: events.Key) -> None:
    """Remember which widget a key was handed to when it was read (App.on_event)."""
    event._agentdesk_for = app.focused or app.screen


def pass_on_typed_ahead(app: App, event: events.Key) -> bool:
    """In App._on_key, before the key bindings: a key that came back up unhandled from a
    widget that has since lost the focus (the key before it opened a composer, a search box
    or a dialog) is passed, in order, to where the agent is typing now. True if it was."""
    read_for = getattr(event, "_agentdesk_for", None)
    now = app.focused or app.screen
    if read_for is None or read_for is now:
        return False
    event.stop()
    event.prevent_default()  # no key binding for it here: it is delivered where it belongs
    # Read again, as if just typed: the app hands it to the widget focused now, behind the
    # keys passed on before it, so the order the agent typed in is kept.
    again = events.Key(event.key, event.character)
    again.set_sender(app)
    app.post_message(again)
    return True


class TypeAhead:
    """Mixed into a ModalScreen with a text input (TYPE_AHEAD_INPUT, a selector)."""

    TYPE_AHEAD_INPUT = "Input"
    _typed_ahead = ""

    def _type_ahead_input(self) -> Input | None:
        try:
            return self.query_one(self.TYPE_AHEAD_INPUT, Input)
        except NoMatches:
            return None

    def on_key(self, event: events.Key) -> None:
        if not event.is_printable or self.focused is not None:
            return  # a focused widget had its chance; named keys go to the bindings
        event.stop()
        event.prevent_default()
        target = self._type_ahead_input()
        if target is None:
            self._typed_ahead += event.character  # built a moment later: kept till then
            return
        target.insert_text_at_cursor(event.character)
        focus_now(target)

    def take_typed_ahead(self) -> None:
        """Call once the input exists (on_mount): what was typed meanwhile goes in."""
        target = self._type_ahead_input()
        if target is not None:
            if self._typed_ahead:
                target.insert_text_at_cursor(self._typed_ahead)
                self._typed_ahead = ""
            focus_now(target)
