"""The Textual app: settings, the two connections and the writer, presence, themes, keys.

The UI connection answers keystrokes (bounded reads); the reader connection serves the
screen's worker; the writer thread owns every write. The agent is online while the app
runs, away after the configured idle minutes, offline when it exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
import time
from collections.abc import Callable
from functools import partial
from typing import Protocol

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette

from agentdesk import startup_gc
from agentdesk.config.settings import Settings
from agentdesk.i18n import _
from agentdesk.store import damage
from agentdesk.store.actions import ActionContext
from agentdesk.store.canned import canned_version
from agentdesk.store.db import Store
from agentdesk.store.presence import PRESENCES, set_presence, set_viewing
from agentdesk.ui import cropped_render, terminal_output
from agentdesk.ui.commands import AgentDeskCommands
from agentdesk.ui.from_thread import call_while_running
from agentdesk.ui.modals.help import HelpScreen
from agentdesk.ui.resources import stylesheet
from agentdesk.ui.safe_notify import SafeNotify
from agentdesk.ui.screens.main import MainScreen
from agentdesk.ui.shared_reader import SharedReader
from agentdesk.ui.theme_loader import ThemedApp, install_themes
from agentdesk.ui.type_ahead import KeyOrder, KeyTrailer
from agentdesk.ui.writer import Writer
from agentdesk.words import PRESENCE, word

SYNC_WATCH = 2.0  # seconds between checks that someone syncs this cache


class SyncWatch(Protocol):
    """What the console needs of agentdesk.sync.runner.SyncKeeper (the UI never imports the
    engine: the command line hands the keeper in)."""

    in_process: bool
    took_over_at: float | None
    stopped_since: float | None

    def check(self) -> str | None: ...

    def problem(self) -> str | None: ...


class AgentDeskApp(SafeNotify, ThemedApp):
    CSS_PATH = stylesheet("agentdesk.ui", "app.tcss")
    TITLE = "agentdesk"
    COMMANDS = App.COMMANDS | {AgentDeskCommands}
    ENABLE_COMMAND_PALETTE = True
    # Our own palette binding, so the footer's label is in the agent's language.
    BINDINGS = [Binding("ctrl+p", "command_palette", _("palette"), show=False, priority=True)]

    def __init__(
        self,
        settings: Settings,
        *,
        engine_in_process: bool = False,
        keeper: SyncWatch | None = None,
        theme: str | None = None,
        clock: Callable[[], float] = time.time,
    ):
        super().__init__()
        terminal_output.install()  # fewer bytes per repaint over slow links
        cropped_render.install()  # a key's repaint renders only the lines it paints
        self.settings = settings
        self.engine_in_process = engine_in_process
        self.keeper = keeper
        self._told_damage = False
        self.clock = clock
        self.wanted_theme = theme or settings.ui.theme
        self.store = Store.open_dir(settings.data_dir)
        self.reader = SharedReader(settings.data_dir)
        self.writer = Writer(settings.data_dir, partial(call_while_running, self))
        self.action_context = ActionContext.from_settings(settings)
        self.presence = "online"
        self._auto_away = False
        self._last_input = time.monotonic()
        self.key_order = KeyOrder(self)

    def on_mount(self) -> None:
        self.call_after_refresh(startup_gc.release)  # see agentdesk/startup_gc.py
        for problem in install_themes(self, self.settings.config_dir, self.wanted_theme):
            self.notify(problem, severity="warning", timeout=10)
        keymap = dict(self.settings.keymap)
        if keymap:
            self.set_keymap(keymap)
        self.writer.start()
        self.set_presence("online")
        # A closed terminal or a dropped SSH session (SIGHUP) and a polite kill (SIGTERM)
        # end the console as `q` does: offline, viewing mark cleared, drafts written.
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, self._hang_up)
        if self.settings.agent.idle_away_minutes:
            self.set_interval(15, self._check_idle)
        if self.keeper is not None:
            self.set_interval(SYNC_WATCH, self._watch_sync)
        self.set_interval(SYNC_WATCH, self._watch_damage)
        self.push_screen(MainScreen())

    def terminal_signal(self, data: str) -> None:
        """Bytes for the terminal itself (the bell, a desktop notification's escape),
        written through the driver so they never land inside a frame being drawn."""
        if not self.is_headless and self._driver is not None:
            self._driver.write(data)

    def _hang_up(self) -> None:
        if isinstance(self.screen, MainScreen):
            self.screen.keep_draft()
        self.exit()

    def on_unmount(self) -> None:
        key = self.settings.agent.email
        if self.writer.running:  # not when the app failed before it started the writer
            self.writer.submit(
                lambda s: (set_viewing(s, key, None), set_presence(s, key, "offline"))
            )
            self.writer.flush()
        self.writer.stop()
        self.store.close()
        self.reader.close()

    # -- who syncs ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sync-watch")
    def _watch_sync(self) -> None:
        news = self.keeper.check()  # taking the lock and starting an engine: not on the UI
        if news is not None:
            call_while_running(self, self._sync_news, news)

    def _sync_news(self, news: str) -> None:
        if news == "took over":
            self.engine_in_process = True
            self.notify(_("The sync daemon stopped: this console syncs now."), timeout=8)
        else:
            why = self.keeper.problem() or _("no process can take it over")
            self.notify(_("Sync stopped: {why}").format(why=why), severity="warning", timeout=15)
        screen = self.screen
        if isinstance(screen, MainScreen):
            screen.show_status()

    def _watch_damage(self) -> None:
        """A damaged cache (found by any process: its marker file) is told once, loudly."""
        detail = damage.marked(self.settings.data_dir)
        if detail is not None and not self._told_damage:
            self._told_damage = True
            self.notify(
                str(damage.CacheDamaged(self.settings.data_dir, detail)),
                title=_("The cache is damaged"),
                severity="error",
                timeout=60,
            )
            screen = self.screen
            if isinstance(screen, MainScreen):
                screen.show_status()

    def sync_state(self) -> tuple[str, bool]:
        """Who syncs, for the status line, and whether that needs the agent's attention."""
        if damage.marked(self.settings.data_dir) is not None:
            return _("CACHE DAMAGED: agentdesk salvage, then agentdesk rebuild"), True
        k = self.keeper
        zone = self.settings.agent.zone
        at = lambda ts: dt.datetime.fromtimestamp(ts, zone).strftime("%H:%M")  # noqa: E731
        if k is not None and k.stopped_since is not None and not k.in_process:
            return _("sync stopped since {time}").format(time=at(k.stopped_since)), True
        if k is not None and k.took_over_at is not None:
            return _("sync in this process since {time}").format(time=at(k.took_over_at)), False
        if self.engine_in_process:
            return _("sync in this process"), False
        return _("sync by daemon"), False

    # -- the palette ----------------------------------------------------------------------

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=_("Search for commands…"))
            )

    def get_system_commands(self, screen):
        # Textual's own (theme, quit, keys, screenshot) are English only; ours list every
        # action and theme in the agent's language.
        return iter(())

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
        self.notify(
            _("You are {presence}.").format(presence=word(PRESENCE, self.presence)), timeout=2
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            # A key just read waits while keys read before it are still on their way to be
            # passed on (ui/type_ahead.py), so the agent's keys land in the order typed.
            if not self.key_order.hold(event):
                await self.read_key(event)
            return
        if isinstance(event, events.MouseDown):
            self._note_input()
        await super().on_event(event)

    async def read_key(self, key: events.Key) -> None:
        """Hand a key to the widget focused now, and follow its way (KeyOrder)."""
        self._note_input()
        reader = self.key_order.now_reading()
        await super().on_event(key)
        if key.is_forwarded:
            self.key_order.handed(key, reader)

    def _note_input(self) -> None:
        self._last_input = time.monotonic()
        if self._auto_away:
            self.set_presence("online")

    def _on_key(self, event: events.Key) -> None:
        # Textual calls each class's _on_key in turn: App's (the key bindings) runs after
        # this one unless a key typed ahead is passed on (which prevents it).
        self.key_order.came_back(event)

    def on_key_trailer(self, message: KeyTrailer) -> None:
        self.key_order.trailer_back(message)

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
