"""`agentdesk monitor`: the supervisor's app. Both its connections are read-only at the
SQLite level (mode=ro, query_only), it has no writer, and no key in it changes anything."""

from __future__ import annotations

import time
from collections.abc import Callable

from agentdesk import startup_gc
from agentdesk.config.settings import Settings
from agentdesk.store.db import Store
from agentdesk.ui import cropped_render, terminal_output
from agentdesk.ui.monitor.ticket_screen import TicketScreen
from agentdesk.ui.monitor.wallboard_screen import WallboardScreen
from agentdesk.ui.resources import stylesheet
from agentdesk.ui.safe_notify import SafeNotify
from agentdesk.ui.shared_reader import SharedReader
from agentdesk.ui.theme_loader import ThemedApp, install_themes


class MonitorApp(SafeNotify, ThemedApp):
    CSS_PATH = [
        stylesheet("agentdesk.ui", "app.tcss"),
        stylesheet("agentdesk.ui.monitor", "monitor.tcss"),
    ]
    TITLE = "agentdesk monitor"
    ENABLE_COMMAND_PALETTE = False  # the agent's palette lists actions that write

    def __init__(
        self,
        settings: Settings,
        *,
        follow: str | None = None,
        theme: str | None = None,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__()
        terminal_output.install()  # fewer bytes per repaint over slow links
        cropped_render.install()  # a key's repaint renders only the lines it paints
        self.settings = settings
        self.clock = clock
        self.wanted_theme = theme or settings.ui.theme
        self.follow_name = follow
        self.store = Store.open_dir(settings.data_dir, readonly=True)
        self.reader = SharedReader(settings.data_dir, readonly=True)

    def on_mount(self) -> None:
        self.call_after_refresh(startup_gc.release)  # see agentdesk/startup_gc.py
        for problem in install_themes(self, self.settings.config_dir, self.wanted_theme):
            self.notify(problem, severity="warning", timeout=10)
        self.push_screen(WallboardScreen())
        if self.follow_name:
            self.follow(self.follow_name)

    def follow(self, name: str) -> None:
        self.push_screen(TicketScreen(follow=name))

    def on_unmount(self) -> None:
        self.store.close()
        self.reader.close()
