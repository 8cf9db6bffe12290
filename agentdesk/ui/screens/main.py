"""The first screen: views with live counts, the selected view's tickets, the status line.

Reads run in an exclusive thread worker and come back as one Overview; a one-second timer
asks for a refresh only when PRAGMA data_version says another connection committed.
"""

from __future__ import annotations

import threading

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header

from agentdesk.i18n import _
from agentdesk.ui.overview import Overview, read_overview
from agentdesk.ui.widgets.status_line import StatusLine
from agentdesk.ui.widgets.ticket_table import TicketTable
from agentdesk.ui.widgets.view_list import ViewList


class MainScreen(Screen):
    BINDINGS = [
        Binding("q", "app.quit", _("Quit"), id="quit"),
        Binding("j,down", "next_view", _("Next view"), show=False, id="next_view"),
        Binding("k,up", "previous_view", _("Previous view"), show=False, id="previous_view"),
        *[
            Binding(str(n), f"select_view({n - 1})", show=False, id=f"view_{n}")
            for n in range(1, 10)
        ],
    ]

    def __init__(self) -> None:
        super().__init__()
        self.selected = "mine"
        self.overview: Overview | None = None
        self._data_version: int | None = None
        # Exclusive workers cancel the previous one, but a thread cannot be stopped mid-query:
        # the lock keeps two of them off the one connection at the same time.
        self._read_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="body"):
            yield ViewList(id="views")
            yield TicketTable(id="tickets")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()
        self.set_interval(1.0, self.poll_changes)

    def poll_changes(self) -> None:
        self.refresh_data(only_if_changed=True)

    @work(thread=True, exclusive=True, group="reads")
    def refresh_data(self, only_if_changed: bool = False) -> None:
        store = self.app.store
        with self._read_lock:
            version = store.data_version()
            if only_if_changed and version == self._data_version:
                return
            self._data_version = version
            overview = read_overview(store, self.app.settings, self.selected)
        self.app.call_from_thread(self.show, overview)

    def show(self, overview: Overview) -> None:
        self.overview = overview
        self.selected = overview.selected
        self.query_one(ViewList).show(overview.views, overview.counts, overview.selected)
        self.query_one(TicketTable).show(overview.rows)
        engine = _("sync in this process") if self.app.engine_in_process else _("sync by daemon")
        self.query_one(StatusLine).show(
            overview.connectors, overview.outbox, overview.presence, engine
        )

    def _select(self, index: int) -> None:
        if self.overview and 0 <= index < len(self.overview.views):
            self.selected = self.overview.views[index].id
            self.refresh_data()

    def action_select_view(self, index: int) -> None:
        self._select(index)

    def _current_index(self) -> int:
        if not self.overview:
            return 0
        return next((i for i, v in enumerate(self.overview.views) if v.id == self.selected), 0)

    def action_next_view(self) -> None:
        self._select(self._current_index() + 1)

    def action_previous_view(self) -> None:
        self._select(self._current_index() - 1)
