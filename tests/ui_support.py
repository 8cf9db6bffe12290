"""Helpers for driving the console with Pilot: wait on conditions, read what is drawn."""

from __future__ import annotations

import asyncio
import os

from agentdesk.ui.widgets.inbox import Inbox


async def wait_until(pilot, cond, timeout: float = 10.0, what: str = "condition") -> None:
    """Wait for `cond()` to hold, letting the app run; fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not cond():
        assert loop.time() < deadline, f"{what} not reached"
        await pilot.pause(0.05)


def screen_text(app) -> str:
    """Everything on screen as plain text, as a terminal would show it."""
    from rich.console import Console

    width, height = app.size
    with open(os.devnull, "w") as sink:
        console = Console(width=width, height=height, record=True, file=sink, color_system=None)
        console.print(app.screen._compositor.render_update(full=True), end="")
        return console.export_text()


def inbox_lines(app) -> list[str]:
    inbox = app.screen.query_one(Inbox)
    return [inbox.render_line(y).text for y in range(inbox.size.height)]


async def ready(pilot, app) -> Inbox:
    """The main screen with its first read shown."""
    await wait_until(
        pilot, lambda: getattr(app.screen, "data", None) is not None, what="first read"
    )
    inbox = app.screen.query_one(Inbox)
    await wait_until(pilot, lambda: inbox.window is not None, what="inbox")
    return inbox


def notices(app) -> str:
    """The texts of the notifications on screen, joined (a toast wraps long lines)."""
    return "\n".join(n.message for n in app._notifications)


def burst(app, *keys: str) -> None:
    """Keys that arrive in one read from the terminal (tmux `send-keys C-s C-s`): queued
    together, with no pause for the app to act between them, unlike Pilot.press. Keys are
    named as for Pilot.press ("slash", "enter", "ctrl+s", or one character)."""
    import unicodedata

    from textual import events
    from textual.keys import _character_to_key, _get_unicode_name_from_key

    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(key))
        except KeyError:
            char = key if len(key) == 1 else None
        if key == "enter":
            char = "\r"
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)
