"""What the agent does to tickets from the main screen: canned replies, transfer, status,
tags, take, bulk over marked tickets (the composer's side is in compose_flows.py).

Reads are bounded and run on the UI connection; every write is a job for the writer
thread, after which the screen refreshes (a connection does not see its own commits in
PRAGMA data_version, and the writer's commits must show at once).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time

from rich.text import Text

from agentdesk.canned.library import from_files, merge
from agentdesk.canned.render import render, ticket_values
from agentdesk.canned.search import CannedIndex
from agentdesk.i18n import N_, _, n_
from agentdesk.snooze_time import clock, presets
from agentdesk.store import actions, reads, snooze, snooze_actions, undo
from agentdesk.store.actions import ActionContext, Outcome
from agentdesk.store.attachment_saves import request_saves
from agentdesk.store.canned import synced_canned
from agentdesk.store.presence import my_agent_ids, transfer_targets
from agentdesk.store.undo import Held
from agentdesk.text import one_line
from agentdesk.ui.format import clock_stamp
from agentdesk.ui.modals.canned_picker import CannedPicker, Picked
from agentdesk.ui.modals.confirm import Confirm
from agentdesk.ui.modals.prompt import Prompt
from agentdesk.ui.modals.snooze import SnoozeChoice, SnoozeDialog
from agentdesk.ui.modals.transfer import TransferChoice, TransferDialog, targets_from_rows
from agentdesk.ui.type_ahead import focus_now

# What `y` may put on the clipboard: identifiers, nothing a terminal or a shell would read.
_COPYABLE = re.compile(r"#?[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")

# What `y` copies, as reads.references names them.
REFERENCES = {
    "ticket": N_("ticket"),
    "order": N_("order"),
    "tracking number": N_("tracking number"),
}


def _undone(n: int) -> str:
    return n_("undone: {n} ticket", "undone: {n} tickets", n).format(n=n)


class TicketFlows:
    """Mixed into MainScreen; uses its inbox, composer and refresh_data."""

    _advance_from: int | None = None
    _held: Held | None = None  # the last action that `u` can still take back
    _copied: tuple[int | None, int, float] = (None, -1, 0.0)  # ticket, which, when: for y
    _canned_index: CannedIndex | None = None
    _canned_version: int | None = None

    # -- helpers ------------------------------------------------------------------------

    @property
    def ctx(self) -> ActionContext:
        return self.app.action_context

    @property
    def agent_key(self) -> str:
        return self.app.settings.agent.email

    def targets(self) -> list[int]:
        """The marked tickets, or the one under the cursor."""
        if self.inbox.marked:
            return sorted(self.inbox.marked)
        tid = self.inbox.current_id()
        return [tid] if tid is not None else []

    def write(self, job, done_message=None, on_done=None, on_error=None) -> None:
        def done(result) -> None:
            if isinstance(result, Outcome):
                text = result.summary(done_message or _("done"))
                timeout = 8 if result.skipped else 3
                if result.held is not None:
                    self._held = result.held
                    left = max(1, result.held.until - int(time.time()))
                    text += "  " + _("u undoes ({n} s)").format(n=left)
                    timeout = max(timeout, left)
                self.notify(
                    text,
                    severity="warning" if result.skipped else "information",
                    timeout=timeout,
                )
            elif isinstance(result, str):
                self.notify(result, timeout=2)
            if on_done is not None:
                on_done(result)
            self._data_version = None
            self.refresh_data()

        def failed(exc: Exception) -> None:
            self.notify(str(exc), title=_("Not done"), severity="error", timeout=8)
            if on_error is not None:
                on_error(exc)

        self.app.writer.submit(job, done, failed)

    def after_refresh(self) -> None:
        """After a send-solve-next: if the ticket is still under the cursor, step past it."""
        if self._advance_from is not None:
            if self.inbox.current_id() == self._advance_from:
                self.inbox.move(1)
            self._advance_from = None

    @property
    def hold(self) -> int:
        """Seconds an undoable action waits before it is sent."""
        return self.app.settings.ui.undo_window

    def action_undo(self) -> None:
        held = self._held
        if held is None or held.until <= time.time():
            self.notify(_("Nothing to undo."), timeout=2)
            return
        self._held = None
        policies = self.ctx.policies
        self.write(lambda s: _undone(undo.undo(s, held.action_id, policies)))

    # -- status, take, tags, marks ------------------------------------------------------

    def action_take(self) -> None:
        ids = self.targets()
        if ids:
            hold = self.hold
            self.write(
                lambda s: actions.take(s, self.ctx, ids, hold=hold), _("taken"), self._clear_marks
            )

    def action_status(self, status: str) -> None:
        ids = self.targets()
        if ids:
            verb = {"solved": _("solved"), "pending": _("set pending"), "open": _("reopened")}
            hold = self.hold
            self.write(
                lambda s: actions.set_status(s, self.ctx, ids, status, hold=hold),
                verb.get(status, status),
                self._clear_marks,
            )

    def action_copy_reference(self) -> None:
        """y: the ticket's number to the clipboard (OSC 52); y again within a few seconds: its
        order number, then its tracking number. Only such identifiers are copied, never
        free text, so nothing a customer wrote reaches the clipboard."""
        tid = self.inbox.current_id()
        if tid is None:
            return
        refs = [
            (what, v) for what, v in reads.references(self.app.store, tid) if _COPYABLE.fullmatch(v)
        ]
        if not refs:
            return
        last_tid, last_i, at = self._copied
        i = (last_i + 1) % len(refs) if last_tid == tid and time.monotonic() - at < 5 else 0
        self._copied = (tid, i, time.monotonic())
        what, value = refs[i]
        self.app.copy_to_clipboard(value)
        following = refs[(i + 1) % len(refs)][0] if len(refs) > 1 else None
        text = _("Copied the {what}: {value}").format(
            what=_(REFERENCES.get(what, what)), value=value
        )
        if following:
            following = _(REFERENCES.get(following, following))
            text += "  " + _("(y again: the {what})").format(what=following)
        self.notify(text, timeout=3)

    def action_save_attachments(self) -> None:
        tid = self.inbox.current_id()
        if tid is None:
            return
        where = self.app.settings.data_dir / "attachments"

        def job(store) -> str:
            n = request_saves(store, tid)
            if not n:
                return _("No attachments to save on this ticket (or all saved already)")
            return _("Saving {n} attachments to {where}").format(n=n, where=where)

        self.write(job)

    def action_mark(self) -> None:
        self.inbox.toggle_mark()
        self.inbox.move(1)
        self._show_header()
        self.show_status()
        self.limits_may_have_changed()

    def _clear_marks(self, _result=None) -> None:
        if self.inbox.marked:
            self.inbox.clear_marks()
            self._show_header()
            self.limits_may_have_changed()

    def action_tag(self) -> None:
        ids = self.targets()
        if not ids:
            return

        def chosen(value: str | None) -> None:
            if not value or not value.strip():
                return
            words = value.replace(",", " ").split()
            add = [w for w in words if not w.startswith("-")]
            remove = [w[1:] for w in words if w.startswith("-") and len(w) > 1]
            self.write(
                lambda s: actions.change_tags(
                    s, self.ctx, ids, add=add, remove=remove, hold=self.hold
                ),
                _("tagged"),
                self._clear_marks,
            )

        self.app.push_screen(
            Prompt(
                n_("Tags for {n} ticket", "Tags for {n} tickets", len(ids)).format(n=len(ids)),
                _("words to add, -word to remove; enter apply · esc cancel"),
            ),
            chosen,
        )

    # -- snooze -------------------------------------------------------------------------

    def action_snooze(self) -> None:
        ids = self.targets()
        if not ids:
            return
        settings = self.app.settings
        me = settings.agent.email
        now = dt.datetime.fromtimestamp(self.app.clock(), settings.agent.zone)
        day_starts, evening = clock(settings.snooze.day_starts), clock(settings.snooze.evening)
        asleep = [
            tid
            for tid in ids
            if (st := snooze.state(self.app.store, tid, me)) and st.asleep(int(self.app.clock()))
        ]
        label = (
            _("Snooze #{ref} until…").format(ref=self._label(ids[0]))
            if len(ids) == 1
            else n_("Snooze {n} ticket until…", "Snooze {n} tickets until…", len(ids)).format(
                n=len(ids)
            )
        )

        def chosen(choice: SnoozeChoice | None) -> None:
            if choice is None:
                return
            if choice.until is None:
                self.write(
                    lambda s: snooze_actions.wake(s, self.ctx, asleep),
                    _("woken"),
                    self._clear_marks,
                )
                return
            until = choice.until
            self.write(
                lambda s: snooze_actions.snooze(s, self.ctx, ids, until, choice.note),
                _("snoozed until {when}").format(
                    when=clock_stamp(dt.datetime.fromtimestamp(until, settings.agent.zone), now)
                ),
                self._clear_marks,
            )

        self.app.push_screen(
            SnoozeDialog(
                label,
                presets(now, day_starts, evening),
                now,
                day_starts,
                evening,
                can_wake=bool(asleep),
            ),
            chosen,
        )

    def _label(self, tid: int) -> str:
        row = reads.row(self.app.store, tid)
        return row["remote_id"] if row else str(tid)

    # -- canned replies -----------------------------------------------------------------

    def canned_index(self) -> CannedIndex:
        version = self.app.canned_version()
        if self._canned_index is None or version != self._canned_version:
            local, problems = from_files(self.app.settings.config_dir)
            entries = merge(local, synced_canned(self.app.store))
            for p in problems:
                self.notify(p, title=_("Canned replies"), severity="warning", timeout=10)
            self._canned_index = CannedIndex(entries)
            self._canned_version = version
        return self._canned_index

    def _values_for(self, tid: int) -> tuple[dict, str]:
        """Placeholder values for a ticket, and the customer's last message (for suggestions)."""
        conv = reads.conversation(self.app.store, tid, message_limit=50)
        if conv is None:
            return {}, ""
        shop = ""
        for c in self.app.settings.connectors:
            if c.name == conv.ticket["connector"]:
                shop = c.options.get("shop_name", "")
        values = ticket_values(
            conv.ticket,
            conv.customer,
            conv.orders,
            json.loads(conv.ticket["fields"] or "{}"),
            self.app.settings.agent.name,
            shop,
        )
        last = next(
            (m["body"] for m in reversed(conv.messages) if m["author_kind"] == "customer"), ""
        )
        return values, last or conv.ticket["subject"]

    def action_canned(self, query: str = "", from_slash: bool = False) -> None:
        tid = self.composer.ticket_id if from_slash else self.inbox.current_id()
        if tid is None:
            self.notify(_("No ticket selected."), severity="warning")
            return
        values, last = self._values_for(tid)
        marked = sorted(self.inbox.marked) if not from_slash else []
        title = (
            _("Canned reply to {n} marked tickets").format(n=len(marked))
            if marked
            else _("Canned replies")
        )
        picker = CannedPicker(self.canned_index(), values, last, query, title)

        def picked(result: Picked | None) -> None:
            if result is None:
                if from_slash:
                    self.composer.insert("/")
                return
            if marked:
                self._canned_to_many(marked, result)
            elif self.composer.display and self.composer.ticket_id == tid:
                self.composer.insert(result.text, result.entry.actions)
                focus_now(self.composer.area)
            else:
                self.action_compose("reply", result.text, result.entry.actions)

        self.app.push_screen(picker, picked)

    def on_composer_area_slash_at_line_start(self, message) -> None:
        self.action_canned(from_slash=True)

    def _canned_to_many(self, ids: list[int], picked: Picked) -> None:
        bodies, problems = {}, 0
        for tid in ids:
            values, _last = self._values_for(tid)
            r = render(picked.entry.body, values)
            bodies[tid] = r.text
            problems += bool(r.problems)
        body = Text(
            _('Send "{title}" to {n} tickets, each filled in for its customer.').format(
                title=one_line(picked.entry.title), n=len(ids)
            )
        )
        if problems:
            body.append(
                "\n"
                + _("{n} of them have placeholders with no value; they go as written.").format(
                    n=problems
                ),
                "bold red",
            )

        def answer(yes: bool | None) -> None:
            if yes:
                macro = dict(picked.entry.actions)
                self.write(
                    lambda s: actions.send_canned(s, self.ctx, bodies, macro, hold=self.hold),
                    _("canned reply queued"),
                    self._clear_marks,
                )

        self.app.push_screen(Confirm(_("Bulk canned reply"), body, _("send"), _("cancel")), answer)

    # -- transfer -----------------------------------------------------------------------

    def action_transfer(self) -> None:
        ids = self.targets()
        if not ids:
            return
        agents, teams = transfer_targets(self.app.store)
        mine = my_agent_ids(self.app.store, self.agent_key)
        dialog = TransferDialog(targets_from_rows(agents, teams, mine), len(ids))

        def chosen(choice: TransferChoice | None) -> None:
            if choice is None:
                return
            t = choice.target
            agent_id = t.id if t.kind == "agent" else None
            team_id = t.id if t.kind == "team" else None
            self.write(
                lambda s: actions.transfer(
                    s,
                    self.ctx,
                    ids,
                    agent_id=agent_id,
                    team_id=team_id,
                    note=choice.note,
                    hold=self.hold,
                ),
                _("transferred to {name}").format(name=one_line(t.name)),
                self._clear_marks,
            )

        self.app.push_screen(dialog, chosen)
