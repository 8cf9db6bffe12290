"""Keys typed faster than a widget takes focus still land in it, in the order typed.

Over SSH, or from a fast typist, `c` and the shortcode after it arrive in one read. Textual
hands each key to the widget focused when the key is read, before the key in front of it
has opened anything: without care the shortcode would go to the inbox (where `s` solves and
`a` takes a ticket) or be dropped by a dialog still being built. Four remedies work
together: `focus_now` moves focus before the next key is handled; a key that comes back
unhandled from a widget that has lost the focus since it was read is passed on to the one
that has it now (`KeyOrder.came_back`); a key read while such keys are still on their way
waits for them (`KeyOrder`), so the words after `r` land in the order typed even when the
terminal delivers them in two reads; and a dialog with `TypeAhead` keeps the characters
that reach it before its input exists.
"""

from __future__ import annotations

import bisect
import itertools
import time

from textual import events
from textual.app import App
from textual.css.query import NoMatches
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

# Keys held while no key's way has ended for this long are let go: what is still out was
# lost (its widget removed with it queued). Counted from the last news, not from when a key
# was handed, so a busy widget working through a long burst never hits it.
KEY_BOUND = 1.0
# Keys a widget keeps (the letters typed into a composer) are counted as out until a trailer
# sweeps them: one trailer per this many, so the bookkeeping stays small.
SWEEP_EVERY = 32


def focus_now(widget: Widget) -> None:
    """Focus `widget` at once, so the keys already queued behind this one go to it."""
    try:
        widget.screen.set_focus(widget)
    except Exception:  # not mounted yet: the usual, queued way
        widget.focus()


class KeyTrailer(Message, bubble=True):
    """Posted to a widget behind the keys handed to it. It bubbles up the same widgets after
    them, so when it reaches the app each of those keys has either come back before it or
    ended on its way (a widget kept it)."""

    def __init__(self, reader: Widget, covers: int) -> None:
        super().__init__()
        self.reader = reader
        self.covers = covers  # the keys handed to `reader` up to this number


class KeyOrder:
    """The keys handed to widgets and not yet back, and the keys waiting behind them.

    A key is "stale" while it is on its way to a widget that has lost the focus since: it
    will come back and be passed on to where the agent types now. A key read meanwhile waits
    (held, in the order typed) until no stale key is on its way, so it cannot overtake them.
    Whether a stale key's way has ended is learnt from a trailer, posted only then: keys
    that stay with the focused widget cost nothing on their way.
    """

    def __init__(self, app: App) -> None:
        self.app = app
        self._typed = itertools.count()  # the order the agent typed in
        self._handings = itertools.count()  # the order keys were handed to widgets
        self._out: dict[Widget, dict[int, events.Key]] = {}  # reader -> {handing: key}
        self._sweeping: dict[Widget, int] = {}  # reader -> last handing its trailer covers
        self._held: list[tuple[int, events.Key]] = []  # (typed, key), in the order typed
        self._timer = None
        self._last_news = 0.0  # when a key's way last ended, or holding began

    def now_reading(self) -> Widget:
        return self.app.focused or self.app.screen

    def hold(self, key: events.Key) -> bool:
        """A key just read: True if it must wait for keys in front of it."""
        key._agentdesk_typed = next(self._typed)
        if not self._held and not self._stale_on_the_way():
            return False
        self._keep(key)
        return True

    def handed(self, key: events.Key, reader: Widget) -> None:
        """`key` was handed to `reader`: follow it until it comes back or ends."""
        handing = key._agentdesk_handing = next(self._handings)
        key._agentdesk_for = reader
        out = self._out.setdefault(reader, {})
        out[handing] = key
        if len(out) >= SWEEP_EVERY and self._sweeping.get(reader, -1) < handing:
            self._sweep(reader)

    def came_back(self, key: events.Key) -> None:
        """In the app's _on_key, before the key bindings: a key back from a widget that has
        lost the focus since it was read is passed on, in order, to where the agent types
        now (and its default prevented: the bindings must not act on it here)."""
        read_for = getattr(key, "_agentdesk_for", None)
        if read_for is None:
            return
        self._ended(read_for, lambda handing: handing == key._agentdesk_handing)
        if read_for is self.now_reading():
            return
        key.stop()
        key.prevent_default()
        again = events.Key(key.key, key.character)
        again.set_sender(self.app)
        again._agentdesk_typed = key._agentdesk_typed  # its place in the order typed
        self._keep(again)

    def trailer_back(self, trailer: KeyTrailer) -> None:
        reader, covers = trailer.reader, trailer.covers
        if self._sweeping.get(reader) == covers:
            del self._sweeping[reader]
        self._ended(reader, lambda handing: handing <= covers)

    async def release(self) -> None:
        """Hand on the held keys, in the order typed, while nothing stale is on its way."""
        while self._held and not self._stale_on_the_way():
            _, key = self._held.pop(0)
            await self.app.read_key(key)

    def _keep(self, key: events.Key) -> None:
        if not self._held:
            self._last_news = time.monotonic()
        bisect.insort(self._held, (key._agentdesk_typed, key), key=lambda held: held[0])
        self.app.call_next(self.release)
        if self._timer is None:
            self._timer = self.app.set_timer(KEY_BOUND / 5, self._expire)

    def _ended(self, reader: Widget, which) -> None:
        out = self._out.get(reader)
        if not out:
            return
        ended = [handing for handing in out if which(handing)]
        for handing in ended:
            del out[handing]
        if ended:
            self._last_news = time.monotonic()
        if not out:
            del self._out[reader]
        if self._held:
            self.app.call_next(self.release)

    def _stale_on_the_way(self) -> bool:
        """Are keys on their way to a widget other than the one reading now? Each such
        widget is sent a trailer, once, to learn when their way has ended."""
        reading = self.now_reading()
        stale = [reader for reader in self._out if reader is not reading]
        for reader in stale:
            if self._sweeping.get(reader, -1) < max(self._out[reader]):
                self._sweep(reader)
        return any(reader in self._out for reader in stale)

    def _sweep(self, reader: Widget) -> None:
        covers = self._sweeping[reader] = max(self._out[reader])
        if not reader.post_message(KeyTrailer(reader, covers)):  # closing: nothing will come
            self.trailer_back(KeyTrailer(reader, covers))

    async def _expire(self) -> None:
        self._timer = None
        if time.monotonic() - self._last_news >= KEY_BOUND:
            self._out.clear()  # nothing came back for a while: what is still out was lost
            self._sweeping.clear()
        await self.release()
        if self._held:
            self._timer = self.app.set_timer(KEY_BOUND / 5, self._expire)


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
