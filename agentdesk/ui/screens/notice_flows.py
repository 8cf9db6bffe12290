"""The agent's own notifications on the main screen (never the monitor's): what the store
finds since the last look (store/notices.py), grouped and rate-limited (notices.Batcher),
shown as a Textual notification and, as [notify] asks, the terminal bell and a desktop
notification through the terminal's own escape (notices.signals). Silent while the agent
is away or offline: what happened meanwhile is in the views, not in a burst on return."""

from __future__ import annotations

import os

from textual import work

from agentdesk.i18n import _
from agentdesk.notices import Batcher, Notice, signals
from agentdesk.store import notices, snooze
from agentdesk.store.views import at_risk
from agentdesk.ui.from_thread import call_while_running

CHECK_EVERY = 5.0  # seconds: time-driven notices (SLA, a snooze's time) need no data change


class NoticeFlows:
    """Mixed into MainScreen."""

    _notice_cursor: notices.NoticeCursor | None = None
    _batcher: Batcher | None = None

    def start_notices(self) -> None:
        self._batcher = Batcher(self.app.settings.notify.min_interval)
        self.check_notices()
        self.set_interval(CHECK_EVERY, self.check_notices)

    def _at_risk(self):
        ui = self.app.settings
        return at_risk(ui.ui.sla_warning, ui.sla_policies)

    @work(thread=True, exclusive=True, group="notices")
    def check_notices(self) -> None:
        me = self.app.settings.agent.email
        with self.app.reader.use() as store:
            if store is None:
                return
            if self._notice_cursor is None:
                self._notice_cursor = notices.start(store, me, self._at_risk())
                found: list[Notice] = []
            else:
                found = notices.read(store, me, self._notice_cursor, self._at_risk())
            woken = notices.snoozes_due(store, me)
        call_while_running(self.app, self._got_notices, found, woken)

    def _got_notices(self, found: list[Notice], woken: bool) -> None:
        if woken:
            me = self.app.settings.agent.email
            self.app.writer.submit(lambda s: snooze.due_to_wake(s, me), self._snoozes_back)
        self.announce(found)

    def _snoozes_back(self, woken: list[snooze.Woken]) -> None:
        self.announce(
            [Notice("snoozed", w.ticket_id, f"#{w.remote_id}", w.subject, w.note) for w in woken]
        )
        self.refresh_data()

    def announce(self, found: list[Notice]) -> None:
        settings = self.app.settings.notify
        batcher = self._batcher
        if batcher is None or not self.is_attached:
            return
        wanted = {
            "assigned": settings.assigned,
            "customer_replied": settings.customer_replied,
            "mention": settings.mentions,
            "sla_warning": settings.sla_warning,
            "snoozed": settings.snoozed,
        }
        found = [n for n in found if wanted.get(n.kind)]
        presence = self.data.presence if self.data is not None else None
        if not settings.enabled or presence in ("away", "offline"):
            batcher.drop()
            return
        text = batcher.add(found, self.app.clock())
        if not text:
            return
        self.app.notify(text, title=_("For you"), timeout=8)
        raw = signals(
            text, bell=settings.bell, desktop=settings.desktop, in_tmux=bool(os.environ.get("TMUX"))
        )
        if raw:
            self.app.terminal_signal(raw)
