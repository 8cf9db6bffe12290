"""The composer's side of the main screen: opening a reply or a note with its draft,
saving the draft as the agent types, sending (one store action: the message, its canned
reply's effects, a solve, the draft's removal), and editing or dropping a failed send."""

from __future__ import annotations

from rich.text import Text

from agentdesk.i18n import _, p_
from agentdesk.store import actions, outbox
from agentdesk.store.drafts import load_draft, staleness, ticket_basis
from agentdesk.store.mentions import colleagues
from agentdesk.store.presence import my_agent_ids
from agentdesk.store.salvage import keep_draft
from agentdesk.text import one_line
from agentdesk.ui.modals.confirm import Confirm
from agentdesk.ui.type_ahead import focus_now
from agentdesk.ui.widgets.composer import Composer
from agentdesk.ui.widgets.conversation import ConversationPane
from agentdesk.words import OP_KIND, word

DRAFT_DEBOUNCE = 0.4  # seconds of quiet typing before the draft is written


class ComposeFlows:
    """Mixed into MainScreen with TicketFlows; uses its inbox, composer and write()."""

    _draft_timer = None
    _editing_op: int | None = None
    _typing_published = False  # "typing" told to other consoles for the open draft

    # -- the composer -------------------------------------------------------------------

    def action_compose(self, kind: str, body: str | None = None, macro: dict | None = None) -> None:
        tid = self.inbox.current_id()
        if tid is None:
            self.notify(_("No ticket selected."), severity="warning")
            return
        if self.inbox.marked:
            self.notify(
                _("A reply goes to one ticket; use c for a canned reply to all marked."),
                severity="warning",
            )
            return
        store = self.app.store
        draft = load_draft(store, tid, self.agent_key)
        basis = draft.basis if draft else ticket_basis(store, tid)
        text = draft.body if draft else ""
        if body:
            text = (text.rstrip() + "\n\n" if text.strip() else "") + body
        saved_macro = dict(basis.pop("macro", {}) or {})
        saved_macro.update(macro or {})
        row = self.inbox.current_row()
        customer = one_line(row["customer_name"]) if row is not None else ""
        self._editing_op = None
        self._limit_composer(row)
        names = colleagues(store, tid, self.agent_key) if kind == "note" else []
        self.composer.set_colleagues(names)
        self.composer.open(tid, kind, text, basis, customer, saved_macro)
        self.query_one(ConversationPane).show_newest()  # what is being answered
        if body or macro:
            self._save_draft_now()
        self._publish_viewing()

    def on_composer_edited(self, message: Composer.Edited) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DEBOUNCE, self._save_draft_now)
        if not self._typing_published:
            self._typing_published = True
            self._publish_viewing()

    def _save_draft_now(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        c = self.composer
        if c.ticket_id is None or self._editing_op is not None or c.sending:
            return  # a message being sent is no longer a draft
        tid, kind, body = c.ticket_id, c.kind, c.body
        basis = {**c.basis, "macro": c.macro} if c.macro else dict(c.basis)
        key = self.agent_key
        self.app.writer.submit(lambda s: keep_draft(s, tid, key, kind, body, basis))

    def _limit_composer(self, row) -> None:
        """The composer marks a canned reply's effects the ticket's platform cannot carry,
        and says what a reply does to the status there."""
        connector = row["connector"] if row is not None else ""
        self.composer.why_not = lambda kind: self.ctx.unsupported(connector, kind)
        sets = self.ctx.reply_status(connector)
        self.composer.reply_sets = sets if row is not None and row["status"] != sets else None

    def on_composer_effects_dropped(self, message: Composer.EffectsDropped) -> None:
        self._save_draft_now()
        self.notify(_("The canned reply's effects are dropped; the text stays."), timeout=3)

    def on_composer_leave(self, message: Composer.Leave) -> None:
        if self.composer.sending:
            return  # it closes by itself once the send is written
        if self._draft_timer is not None:
            # Words typed within the debounce (esc right after them, or in one burst) are
            # written now: after close() the timer would find no composer to save from.
            self._save_draft_now()
        self.composer.close()
        self._typing_published = False
        self._editing_op = None
        focus_now(self.inbox)
        self._publish_viewing()

    def on_composer_send(self, message: Composer.Send) -> None:
        c = self.composer
        tid, kind, body = c.ticket_id, c.kind, c.body
        if tid is None or c.sending:
            return  # a second ctrl+s while the first is being written: the same send
        if not body.strip():
            self.notify(_("Nothing to send: the message is empty."), severity="warning")
            return
        if self._editing_op is not None:
            op_id = self._editing_op
            c.commit()  # frozen until written, as any send
            self.write(
                lambda s: outbox.resend(s, op_id, body) or _("resent"),
                on_done=self._composer_done,
                on_error=lambda _e: c.thaw(),
            )
            return
        reasons = staleness(
            self.app.store, tid, c.basis, my_agent_ids(self.app.store, self.agent_key)
        )
        if reasons:

            def answer(send_anyway: bool | None) -> None:
                if send_anyway:
                    self._send(tid, kind, body, dict(c.macro), message)
                else:
                    # The agent has now seen the change: the draft is written against it.
                    c.basis = ticket_basis(self.app.store, tid)
                    self._save_draft_now()
                    focus_now(c.area)

            self.app.push_screen(
                Confirm(
                    _("The ticket changed since you began this draft"),
                    Text(
                        p_("list", "; ").join(reasons).capitalize()
                        + p_("sentence end", ".")
                        + "\n"
                        + _("Send it anyway?")
                    ),
                    _("send"),
                    _("back to the draft"),
                ),
                answer,
            )
            return
        self._send(tid, kind, body, dict(c.macro), message)

    def _send(self, tid: int, kind: str, body: str, macro: dict, how: Composer.Send) -> None:
        """The agent commits: the composer freezes ("sending…") until the write is done, and
        the send's identity is fixed now, so however often this text is sent (a repeated key,
        a write tried again after an error) it is queued once."""
        c = self.composer
        if self._draft_timer is not None:
            self._draft_timer.stop()
        action_id = c.commit()
        solve_next, keep_open = how.solve_and_next, how.keep_open and kind == "reply"

        def done(_result) -> None:
            self._composer_done()
            if solve_next:
                self._advance_from = tid

        def job(store) -> str:
            actions.send_message(
                store,
                self.ctx,
                tid,
                body,
                internal=kind == "note",
                macro=macro,
                solve=solve_next,
                keep_open=keep_open,
                action_id=action_id,
            )
            if kind == "note":
                return _("note queued")
            return _("reply queued; the ticket stays open") if keep_open else _("reply queued")

        self.write(job, on_done=done, on_error=self._send_failed)

    def _send_failed(self, _error) -> None:
        """The write failed (its error is shown): the words are the agent's again, and kept as
        a draft, since ctrl+s stopped the draft's timer."""
        self.composer.thaw()
        self._save_draft_now()

    def _composer_done(self, _result=None) -> None:
        self.composer.close()
        self.query_one(ConversationPane).show_newest()  # the reply just sent, and its state
        self._editing_op = None
        self._typing_published = False
        focus_now(self.inbox)
        self._publish_viewing()

    # -- a failed send ------------------------------------------------------------------

    def _failed_here(self):
        tid = self.inbox.current_id()
        if tid is None:
            return None
        op = outbox.failed_op(self.app.store, tid)
        if op is None:
            self.notify(_("Nothing failed on this ticket."), timeout=2)
        return op

    def action_retry_failed(self) -> None:
        op = self._failed_here()
        if op is not None:
            op_id = op["id"]
            self.write(lambda s: outbox.resend(s, op_id) or _("queued again"))

    def action_discard_failed(self) -> None:
        op = self._failed_here()
        if op is None:
            return
        op_id = op["id"]

        def answer(yes: bool | None) -> None:
            if yes:
                self.write(lambda s: outbox.discard(s, op_id) or _("discarded"))

        self.app.push_screen(
            Confirm(
                _("Discard the failed {kind}?").format(kind=word(OP_KIND, op["kind"])),
                Text(one_line(op["last_error"])),
                _("discard"),
                _("keep"),
            ),
            answer,
        )

    def action_edit_failed(self) -> None:
        op = self._failed_here()
        if op is None:
            return
        if op["kind"] not in ("reply", "note"):
            self.notify(
                _("Only a reply or a note can be edited; R retries, D discards."),
                severity="warning",
            )
            return
        tid = self.inbox.current_id()
        row = self.inbox.current_row()
        self._limit_composer(row)
        note = op["kind"] == "note"
        self.composer.set_colleagues(
            colleagues(self.app.store, tid, self.agent_key) if note else []
        )
        self.composer.open(
            tid, op["kind"], op["body"] or "", {}, one_line(row["customer_name"]), {}
        )
        self._editing_op = op["id"]
