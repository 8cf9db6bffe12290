"""The wallboard: queues, SLA breaches, agents, KPI tiles, volume per hour. READ-ONLY."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from agentdesk.i18n import _
from agentdesk.store.wallboard import Wallboard, WallboardReader
from agentdesk.ui.monitor import render
from agentdesk.ui.monitor.live import LiveScreen
from agentdesk.ui.monitor.pick import Pick
from agentdesk.ui.monitor.render import banner

NARROW = 110
SHORT = 30


class WallboardScreen(LiveScreen):
    BINDINGS = [
        *(Binding(str(n), f"open_queue({n - 1})", show=False) for n in range(1, 10)),
        Binding("o", "pick_queue", _("Open a queue")),
        Binding("f", "pick_agent", _("Follow an agent")),
        Binding("q", "app.quit", _("Quit")),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="banner")
        with Horizontal(id="wall"):
            yield Static(id="queues")
            with Vertical(id="middle"):
                yield Static(id="agents")
                yield Static(id="risk")
            yield Static(id="tiles")
        yield Static(id="hourly")
        yield Static(Text(_(" 1-9/o open a queue · f follow an agent · q quit"), "dim"), id="keys")

    def on_mount(self) -> None:
        self.board: Wallboard | None = None
        # Kept for the screen's life: each read brings the week's facts up to date.
        self.reader = WallboardReader(self.app.settings)
        super().on_mount()

    def read(self, store) -> Wallboard:
        return self.reader.read(store, self.app.clock())

    def on_resize(self, event: events.Resize) -> None:
        # Below NARROW columns the panels give up their least needed columns so that every
        # agent's figures stay; below SHORT rows the chart is three rows tall, not five.
        self.set_class(event.size.width < NARROW, "narrow")
        self.set_class(event.size.height < SHORT, "short")
        if self.board is not None:
            self.show(self.board)

    def show(self, wb: Wallboard) -> None:
        self.board = wb
        zone = self.app.settings.agent.zone
        narrow = self.has_class("narrow")
        self.query_one("#banner", Static).update(
            banner(_("wallboard"), wb.now, zone, self.app.store.frozen)
        )
        self.query_one("#queues", Static).update(render.queues(wb, narrow))
        self.query_one("#agents", Static).update(render.agents(wb, narrow))
        self.query_one("#risk", Static).update(render.risk(wb))
        self.query_one("#tiles", Static).update(render.tiles(wb, narrow))
        height = 3 if self.has_class("short") else 5
        self.query_one("#hourly", Static).update(render.hourly(wb, zone, height))

    def action_open_queue(self, index: int) -> None:
        from agentdesk.ui.monitor.queue_screen import QueueScreen

        if self.board and 0 <= index < len(self.board.views):
            self.app.push_screen(QueueScreen(self.board.views[index]))

    def action_pick_queue(self) -> None:
        if not self.board:
            return
        labels = [
            f"{v.title}  ({self.board.queue_counts.get(v.id, 0):,})" for v in self.board.views
        ]
        self.app.push_screen(
            Pick(_("Open a queue"), labels),
            lambda i: self.action_open_queue(i) if i is not None else None,
        )

    def action_pick_agent(self) -> None:
        if not self.board:
            return
        names = [a.name for a in self.board.agents]
        self.app.push_screen(
            Pick(_("Follow an agent"), names),
            lambda i: self.app.follow(names[i]) if i is not None else None,
        )
