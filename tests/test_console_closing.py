"""A read or a write that ends while the console closes: its screens are being taken down,
so what it would show is dropped, not drawn into widgets that are going (Textual fails a
worker whose callback looks for a widget already removed)."""

from __future__ import annotations

import asyncio
import threading

from ui_support import ready

from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.screens import main as main_screen


async def test_a_read_that_ends_as_the_console_closes_is_not_shown(filled, monkeypatch):
    app = AgentDeskApp(filled)
    closing = threading.Event()
    applied: list[str] = []
    real_read, real_apply = main_screen.read_screen, main_screen.MainScreen._apply

    def read_until_closing(*args, **kwargs):
        data = real_read(*args, **kwargs)
        closing.wait(10)  # this read ends once the console has begun to close
        return data

    def apply(screen, data, *args):
        applied.append("closing" if closing.is_set() else "running")
        real_apply(screen, data, *args)

    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        monkeypatch.setattr(main_screen, "read_screen", read_until_closing)
        monkeypatch.setattr(main_screen.MainScreen, "_apply", apply)
        real_close_all = app._close_all

        async def close_all() -> None:  # the first step of Textual's shutdown
            closing.set()
            await asyncio.sleep(0.3)  # the read's callback arrives meanwhile
            await real_close_all()

        app._close_all = close_all
        app.screen.refresh_data()
        await pilot.pause(0.2)
    assert closing.is_set() and "closing" not in applied
