"""The Textual app: settings, the two connections and the writer, presence, themes, keys.

The UI connection answers keystrokes (bounded reads); the reader connection serves the
screen's worker; the writer thread owns every write. The agent is online while the app
runs, away after the configured idle minutes, offline when it exits.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.app import App

from agentdesk.config.settings import Settings
from agentdesk.i18n import _
from agentdesk.store.actions import ActionContext
from agentdesk.store.canned import canned_version
from agentdesk.store.db import Store
from agentdesk.store.presence import PRESENCES, set_presence, set_viewing
from agentdesk.ui.commands import AgentDeskCommands
from agentdesk.ui.modals.help import HelpScreen
from agentdesk.ui.resources import stylesheet
from agentdesk.ui.safe_notify import SafeNotify
from agentdesk.ui.screens.main import MainScreen
from agentdesk.ui.shared_reader import SharedReader
from agentdesk.ui.theme_loader import install_themes
from agentdesk.ui.writer import Writer


class AgentDeskApp(SafeNotify):
    CSS_PATH = stylesheet("agentdesk.ui", "app.tcss")
    TITLE = "agentdesk"
    COMMANDS = App.COMMANDS | {AgentDeskCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        settings: Settings,
        *,
        engine_in_process: bool = False,
        theme: str | None = None,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__()
        self.settings = settings
        self.engine_in_process = engine_in_process
        self.clock = clock
        self.wanted_theme = theme or settings.ui.theme
        self.store = Store.open_dir(settings.data_dir)
        self.reader = SharedReader(settings.data_dir)
        self.writer = Writer(settings.data_dir, self.call_from_thread)
        self.action_context = ActionContext.from_settings(settings)
        self.presence = "online"
        self._auto_away = False
        self._last_input = time.monotonic()

    def on_mount(self) -> None:
        for problem in install_themes(self, self.settings.config_dir, self.wanted_theme):
            self.notify(problem, severity="warning", timeout=10)
        keymap = dict(self.settings.keymap)
        if keymap:
            self.set_keymap(keymap)
        self.writer.start()
        self.set_presence("online")
        if self.settings.agent.idle_away_minutes:
            self.set_interval(15, self._check_idle)
        self.push_screen(MainScreen())

    def on_unmount(self) -> None:
        key = self.settings.agent.email
        self.writer.submit(lambda s: (set_viewing(s, key, None), set_presence(s, key, "offline")))
        self.writer.flush()
        self.writer.stop()
        self.store.close()
        self.reader.close()

    # -- presence -------------------------------------------------------------------------

    def set_presence(self, presence: str, *, auto: bool = False) -> None:
        self.presence = presence
        self._auto_away = auto
        key = self.settings.agent.email
        self.writer.submit(lambda s: set_presence(s, key, presence), self._presence_written)

    def _presence_written(self, _result) -> None:
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen._data_version = None
            screen.refresh_data()

    def cycle_presence(self) -> None:
        i = PRESENCES.index(self.presence) if self.presence in PRESENCES else 0
        self.set_presence(PRESENCES[(i + 1) % len(PRESENCES)])
        self.notify(_("You are {presence}.").format(presence=self.presence), timeout=2)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = time.monotonic()
            if self._auto_away:
                self.set_presence("online")
        await super().on_event(event)

    def _check_idle(self) -> None:
        idle = time.monotonic() - self._last_input
        if self.presence == "online" and idle >= self.settings.agent.idle_away_minutes * 60:
            self.set_presence("away", auto=True)

    # -- app-wide actions -------------------------------------------------------------------

    def action_help(self) -> None:
        screen = self.screen
        unavailable = screen.unavailable_keys() if isinstance(screen, MainScreen) else {}
        self.push_screen(HelpScreen(dict(self.settings.keymap), unavailable))

    def canned_version(self) -> int:
        """Moves when synced canned replies change, so the picker rebuilds its index."""
        return canned_version(self.store)
