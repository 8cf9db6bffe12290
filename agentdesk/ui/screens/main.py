"""The agent's screen: views, the inbox, the conversation and composer, the status line.

Reads for the whole screen run in an exclusive thread worker on the reader connection
and come back as one ScreenData; moving the cursor reads bounded pages and the one
conversation on the UI connection; every write goes to the writer thread. A timer polls
PRAGMA data_version, so changes from sync or other consoles appear without a key press.
The ticket actions (compose, canned replies, transfer, status, bulk) live in TicketFlows.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from agentdesk import pinyin_match
from agentdesk.i18n import _
from agentdesk.query import QueryError, parse
from agentdesk.store import reads, snooze
from agentdesk.store.filters import compile_query
from agentdesk.store.presence import others_on_ticket, set_viewing
from agentdesk.store.saved_searches import save_search
from agentdesk.store.views import View
from agentdesk.text import one_line
from agentdesk.ui.from_thread import call_while_running
from agentdesk.ui.inbox_window import InboxWindow
from agentdesk.ui.keys import MAIN_KEYS, bindings
from agentdesk.ui.modals.prompt import Prompt
from agentdesk.ui.row_format import header as inbox_header
from agentdesk.ui.screens.action_limits import ActionLimits
from agentdesk.ui.screens.compose_flows import ComposeFlows
from agentdesk.ui.screens.notice_flows import NoticeFlows
from agentdesk.ui.screens.ticket_flows import TicketFlows
from agentdesk.ui.snapshot import ScreenData, read_screen
from agentdesk.ui.type_ahead import focus_now
from agentdesk.ui.widgets.composer import Composer
from agentdesk.ui.widgets.conversation import ConversationPane
from agentdesk.ui.widgets.inbox import Inbox
from agentdesk.ui.widgets.quiet import update_if_changed
from agentdesk.ui.widgets.status_line import StatusLine
from agentdesk.ui.widgets.view_list import ViewList

# Keys closer together than this are a held key: the conversation waits for the rest.
FOLLOW_DELAY = 0.08


class MainScreen(ActionLimits, ComposeFlows, TicketFlows, NoticeFlows, Screen):
    BINDINGS = bindings(MAIN_KEYS)

    def __init__(self) -> None:
        super().__init__()
        self._pinyin_warmed = False
        self.views: list[View] = []
        self.counts: dict[str, int] = {}
        self.selected = "mine"
        self.search_view: View | None = None
        self.data: ScreenData | None = None
        self._data_version: int | None = None
        self._nav = 0  # bumped on every cursor move: a read begun before it is stale
        self._choice = 0  # bumped when the agent picks a view or searches: likewise
        self._conv_signature: tuple | None = None
        self._pending_refresh = False
        self._viewing_timer = None
        self._window_view: str | None = None
        self._follow_timer = None
        self._last_move = 0.0  # monotonic time of the last cursor move
        self._followed: int | None = None  # the ticket the conversation last followed to

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield ViewList(id="views")
            with Vertical(id="centre"):
                yield Input(
                    placeholder=_(
                        "search: words, status:, channel:, assignee:, tag:, from:, after:, before:, order:"
                    ),
                    id="search",
                )
                yield Static(id="inbox-title")
                yield Static(id="inbox-header")
                yield Inbox(clock=self.app.clock, id="inbox")
            with Vertical(id="right"):
                yield ConversationPane(id="conversation")
                yield Composer(id="composer")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def inbox(self) -> Inbox:
        return self.query_one(Inbox)

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    def on_mount(self) -> None:
        self.query_one("#search", Input).display = False
        self.composer.display = False
        focus_now(self.inbox)
        self.refresh_data()
        self.set_interval(0.5, self.poll_changes)
        self.set_interval(20, self.inbox.tick)
        self.set_interval(30, self.heartbeat)
        self.start_notices()

    def keep_draft(self) -> None:
        """Before the console ends (a closed terminal, SIGTERM): the open draft is written."""
        if self.composer.display:
            self._save_draft_now()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")
        self._show_header()

    # -- reading --------------------------------------------------------------------

    def poll_changes(self) -> None:
        self.refresh_data(only_if_changed=True)

    def current_view(self) -> View | None:
        if self.search_view is not None and self.selected == self.search_view.id:
            return self.search_view
        return next((v for v in self.views if v.id == self.selected), None)

    def refresh_data(self, only_if_changed: bool = False, *, reset_cursor: bool = False) -> None:
        # The cursor's place only means something in the view the inbox is showing.
        same_view = self._window_view == self.selected
        anchor = self.inbox.anchor() if same_view and not reset_cursor else (None, None)
        self._read(
            only_if_changed, anchor, self._nav, self.current_view(), self.selected, self._choice
        )

    @work(thread=True, exclusive=True, group="reads")
    def _read(
        self, only_if_changed: bool, anchor, nav: int, view: View | None, selected: str, choice: int
    ) -> None:
        with self.app.reader.use() as store:
            if store is None:
                return  # the console is closing
            version = store.data_version()
            if only_if_changed and version == self._data_version:
                return
            data = read_screen(store, self.app.settings, view, anchor, self.search_view)
            if view is None:
                # The first read: the views were not known yet. Read the selected one.
                view = next((v for v in data.views if v.id == selected), data.views[0])
                if view is not data.views[0]:
                    data = read_screen(store, self.app.settings, view, anchor, self.search_view)
            self._data_version = version
        call_while_running(
            self.app, self._apply, data, nav, view.id if view else data.views[0].id, choice
        )

    def _apply(self, data: ScreenData, nav: int, view_id: str, choice: int) -> None:
        if not self.is_attached or not self.children:
            return  # a read that finished as the console closed: nothing left to show it in
        if choice != self._choice:
            # Read before the agent picked another view or searched: the read that choice
            # asked for is on its way. (Applied, a read from before a search would not know
            # the search's view and would take the agent back to the old one.)
            return
        if self.selected not in {v.id for v in data.views}:
            self.selected = view_id  # first read, or the view is gone: show what was read
        if view_id != self.selected:
            return  # the agent switched views meanwhile; that read is on its way
        self.data = data
        self.views, self.counts = data.views, data.counts
        self.query_one(ViewList).show(data.views, data.counts, self.selected)
        self.show_status()
        view = self.current_view()
        if view is not None and data.slice is not None:
            if nav != self._nav:
                self._data_version = None  # moved while reading: read again around the cursor
            else:
                window = InboxWindow(
                    self.app.store,
                    view.filter,
                    view.order or self.app.settings.ui.sort,
                    self.app.settings.agent.email,
                )
                # In Mine every ticket is the agent's own: its room goes to the subject.
                self.inbox.assignee_column = view.id != "mine"
                self.inbox.set_window(window, data.slice)
                self._window_view = view.id
        self._show_header()
        self.limits_may_have_changed()
        self.show_conversation()
        self.after_refresh()
        if not self._pinyin_warmed:
            # Pinyin's dictionaries load once the inbox is on screen, not before it.
            self._pinyin_warmed = True
            self.run_worker(pinyin_match.warm, thread=True, group="warm", exit_on_error=False)

    def show_status(self) -> None:
        if self.data is None:
            return
        engine, warn = self.app.sync_state()
        self.query_one(StatusLine).show(
            self.data.connectors,
            self.data.outbox,
            self.data.presence,
            engine,
            self.app.settings.agent.zone,
            marks=len(self.inbox.marked),
            engine_warn=warn,
        )

    def _show_header(self) -> None:
        view = self.current_view()
        title = Text()
        if view is not None:
            title.append(one_line(view.title), "bold")
            total = self.inbox.window.total if self.inbox.window else 0
            title.append(f"  {total:,}", "cyan")
            if view.error:
                title.append("  " + view.error, "red")
        if self.inbox.marked:
            title.append("  " + _("{n} marked").format(n=len(self.inbox.marked)), "bold yellow")
        width = self.inbox.size.width or 60
        head = Text(inbox_header(width, self.inbox.assignee_column).plain, "bold dim")
        update_if_changed(self.query_one("#inbox-title", Static), title)
        update_if_changed(self.query_one("#inbox-header", Static), head)

    # -- the conversation follows the cursor ------------------------------------------

    def on_inbox_cursor_moved(self, message: Inbox.CursorMoved) -> None:
        if message.ticket_id == self._followed:
            return  # the key that moved it has followed already (_key_moved)
        self._cursor_moved()

    def _key_moved(self, move: Callable[[], None]) -> None:
        """A movement key: the conversation follows in the same handler, so the inbox's
        rows and the conversation go out in one frame rather than two (Textual paints at
        most every sixtieth of a second: a second frame is 20 ms later)."""
        before = self.inbox.current_id()
        move()
        if self.inbox.current_id() != before:
            self._cursor_moved()

    def _cursor_moved(self) -> None:
        self._followed = self.inbox.current_id()
        self._nav += 1
        self.limits_may_have_changed()
        # The conversation follows at once when a move comes after a rest (the agent who
        # presses j once and reads does not wait), and once the cursor rests while keys
        # repeat faster than that: holding j over a slow link moves one inbox line per key,
        # not a whole pane of text per key.
        if self._follow_timer is not None:
            self._follow_timer.stop()
        moved_at = time.monotonic()
        rested = moved_at - self._last_move >= FOLLOW_DELAY
        self._last_move = moved_at
        if rested:
            self._follow_timer = None
            self.show_conversation()
        else:
            self._follow_timer = self.set_timer(FOLLOW_DELAY, self.show_conversation)
        if self._viewing_timer is not None:
            self._viewing_timer.stop()
        # Tell other consoles what is open once the agent settles, not on every j.
        self._viewing_timer = self.set_timer(0.4, self._publish_viewing)

    def show_conversation(self) -> None:
        tid = self.inbox.current_id()
        pane = self.query_one(ConversationPane)
        if tid is None:
            if self._conv_signature is not None:
                pane.show(None, [], None, 0)
                self._conv_signature = None
            return
        store = self.app.store
        conv = reads.conversation(store, tid)
        me = self.app.settings.agent.email
        others = others_on_ticket(store, tid, me) if conv else []
        snoozed = snooze.state(store, tid, me) if conv else None
        signature = (
            tid,
            tuple(conv.ticket) if conv else None,
            tuple((m["id"], m["delivery"], m["body"]) for m in conv.messages) if conv else (),
            len(conv.events) if conv else 0,
            tuple(conv.tags) if conv else (),
            tuple((k, tuple(v)) for k, v in conv.saves.items()) if conv else (),
            tuple(tuple(o) for o in others),
            snoozed,
            int(self.app.clock() // 60),
        )
        if signature == self._conv_signature:
            return  # nothing new: leave the pane (and the terminal) alone
        self._conv_signature = signature
        pane.show(conv, others, self.app.settings.agent.zone, self.app.clock(), snoozed)

    def _publish_viewing(self) -> None:
        tid = self.inbox.current_id()
        typing = self.composer.display and self.composer.ticket_id == tid
        key = self.app.settings.agent.email
        mode = "typing" if typing else "viewing"
        self.app.writer.submit(lambda s: set_viewing(s, key, tid, mode))

    def heartbeat(self) -> None:
        self._publish_viewing()

    # -- navigation -------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self._key_moved(lambda: self.inbox.move(delta))

    def action_page(self, direction: int) -> None:
        self._key_moved(lambda: self.inbox.move(direction * max(1, self.inbox.size.height - 1)))

    def action_first(self) -> None:
        self._key_moved(lambda: self.inbox.move_to(0))

    def action_last(self) -> None:
        if self.inbox.window is not None:
            total = self.inbox.window.total
            self._key_moved(lambda: self.inbox.move_to(total - 1))

    def action_help(self) -> None:
        self.app.action_help()

    def action_quit(self) -> None:
        self.app.exit()

    def action_cycle_presence(self) -> None:
        self.app.cycle_presence()

    def action_focus_conversation(self) -> None:
        focus_now(self.query_one(ConversationPane))

    def action_back(self) -> None:
        if self.inbox.marked:
            self.inbox.clear_marks()
            self._show_header()
            self.show_status()
            self.limits_may_have_changed()
        self.query_one("#search", Input).display = False
        focus_now(self.inbox)

    def select_view(self, view_id: str) -> None:
        if view_id == self.selected:
            return
        self.selected = view_id
        self._choice += 1
        self.inbox.clear_marks()
        self._data_version = None
        self.query_one(ViewList).show(self.views, self.counts, self.selected)
        self.refresh_data(reset_cursor=True)

    def on_view_list_clicked(self, message: ViewList.Clicked) -> None:
        self.action_select_view(message.index)
        focus_now(self.inbox)

    def action_select_view(self, index: int) -> None:
        views = self.views
        if 0 <= index < len(views):
            self.select_view(views[index].id)

    def action_cycle_view(self, delta: int) -> None:
        views = self.views
        ids = [v.id for v in views]
        if not ids:
            return
        i = ids.index(self.selected) if self.selected in ids else 0
        self.select_view(ids[(i + delta) % len(ids)])

    # -- search -----------------------------------------------------------------------

    def action_search(self) -> None:
        bar = self.query_one("#search", Input)
        bar.display = True
        if self.search_view is not None and self.search_view.query:
            bar.value = self.search_view.query
        focus_now(bar)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search":
            return
        text = event.value.strip()
        if not text:
            self.action_back()
            return
        settings = self.app.settings
        try:
            f = compile_query(parse(text, settings.agent.zone), settings.agent.email)
        except QueryError as e:
            self.notify(str(e), title=_("Search"), severity="error")
            return
        self.search_view = View(
            "search", _("Search: {q}").format(q=text), f, order="newest", query=text
        )
        event.input.display = False
        focus_now(self.inbox)
        self.selected = ""
        self.select_view("search")

    def save_search_as_view(self) -> None:
        view = self.search_view
        if view is None or not view.query:
            return
        query = view.query

        def chosen(name: str | None) -> None:
            if name and name.strip():
                name = name.strip()
                self.write(
                    lambda s: save_search(s, self.app.settings.agent.email, name, query),
                    on_done=lambda _r: self.select_view(f"search:{name}"),
                )
                self.notify(_("Saved as view {name}.").format(name=name), timeout=2)

        self.app.push_screen(
            Prompt(
                _("Save search as a view"), _("a name for the view; enter save · esc cancel"), query
            ),
            chosen,
        )

    def on_key(self, event) -> None:
        if event.key == "escape" and self.query_one("#search", Input).has_focus:
            event.stop()
            self.action_back()
            return
        if isinstance(self.focused, Inbox | ConversationPane) and self.explain_key(event.key):
            event.stop()
