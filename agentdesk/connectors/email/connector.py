"""The e-mail connector: IMAP in (imapclient, in worker threads), SMTP out (aiosmtplib).

The cursor records, per folder, the UIDVALIDITY, the last UID read and the CONDSTORE
HIGHESTMODSEQ, so a restart fetches only new mail and an unchanged folder costs one SELECT.
A new UIDVALIDITY means the server renumbered the folder: it is read again from the start,
and the Message-ID index (mail_index.py) puts every known mail back on its ticket.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import threading
import time

from agentdesk.connectors.base import Connector, ConnectorContext, PermanentError
from agentdesk.connectors.email.compose import compose_reply
from agentdesk.connectors.email.imap import ImapSession, MailServer
from agentdesk.connectors.email.index import IndexedTicket, MailIndex, our_message_id
from agentdesk.connectors.email.parse import ParsedMail, UnreadableMail, parse_mail
from agentdesk.connectors.email.smtp import check_login, send_message
from agentdesk.model import (
    Agent,
    Attachment,
    Customer,
    Directory,
    Message,
    PullBatch,
    PushResult,
    Ticket,
)
from agentdesk.ops import Assign, Note, Op, Reply, SetPriority, SetStatus, Tags, Transfer

log = logging.getLogger("agentdesk.mail")

MAY_HAVE_LANDED = (
    "the mail server may already have this reply: the connection ended after the message went"
    " out and before the server answered. Check the customer's thread; R sends it again, D"
    " discards it"
)
BATCH_MESSAGES = 100
BATCH_BYTES = 20_000_000  # one pull holds at most this much raw mail in memory
_AUTOMATIC_LABEL = {"auto-reply": "[auto-reply]", "bounce": "[delivery failure]"}


class MailConnector(Connector):
    type = "email"

    def __init__(self, ctx: ConnectorContext):
        super().__init__(ctx)
        o = ctx.options
        self.address = o["address"].lower()
        self.folders: list[str] = list(o.get("folders") or ["INBOX"])
        self.sent_folder: str = o.get("sent_folder") or "Sent"
        self.history_days: int = o.get("history_days", 30)

        def server(side: str, default_port: int) -> MailServer:
            return MailServer(
                o[f"{side}_host"],
                o.get(f"{side}_port", default_port),
                o.get(f"{side}_security", "tls"),
                o["username"],
                ctx.secret or "",
                ctx.request_timeout,
            )

        self.imap_account = server("imap", 993)
        self.smtp = server("smtp", 465)
        self.imap = ImapSession(self.imap_account)
        self.index = MailIndex(ctx.state_dir / "mail-index.sqlite3")
        self._idle: ImapSession | None = None
        self._stop = threading.Event()

    async def close(self) -> None:
        self._stop.set()
        await asyncio.to_thread(self.imap.close)
        if self._idle is not None:
            await asyncio.to_thread(self._idle.close)

    # -- in -------------------------------------------------------------------------------

    async def pull(self, cursor: str | None) -> PullBatch:
        state: dict = json.loads(cursor) if cursor else {}
        folders = state.setdefault("folders", {})
        batch = PullBatch(cursor=None)
        for folder in self.folders:
            fs = await asyncio.to_thread(self.imap.folder_state, folder)
            seen = folders.get(folder)
            if seen is None or seen["v"] != fs.uidvalidity:
                if seen is not None:
                    log.warning(
                        "%s: %s has a new UIDVALIDITY (%s, was %s); reading it again",
                        self.name,
                        folder,
                        fs.uidvalidity,
                        seen["v"],
                    )
                seen = folders[folder] = {"v": fs.uidvalidity, "uid": 0, "modseq": None}
            if fs.highestmodseq is not None and seen.get("modseq") == fs.highestmodseq:
                continue  # CONDSTORE: nothing in this folder changed since we last looked
            since = None
            if seen["uid"] == 0 and self.history_days:
                since = dt.date.today() - dt.timedelta(days=self.history_days)
            uids = await asyncio.to_thread(self.imap.uids_after, folder, seen["uid"], since)
            if not uids:
                seen["modseq"] = fs.highestmodseq
                continue
            chosen = await self._within_limits(folder, uids)
            raws = await asyncio.to_thread(self.imap.fetch_raw, folder, chosen)
            await asyncio.to_thread(self._take, folder, chosen, raws, batch)
            seen["uid"] = chosen[-1]
            if len(chosen) == len(uids):
                seen["modseq"] = fs.highestmodseq
            batch.more = True  # look again at once: this or another folder may have more
            break
        self._changed_tickets(state, batch)
        batch.cursor = json.dumps(state, sort_keys=True)
        return batch

    def _changed_tickets(self, state: dict, batch: PullBatch) -> None:
        """Ticket states the index changed (replies sent, statuses set, a customer's answer),
        so the cache follows the index as it would any platform's change log."""
        changed = self.index.changed_since(int(state.get("rev", 0)))
        if not changed:
            return
        # The index's state now is the newest there is: it replaces what the batch holds.
        fresh = {str(t.id): _ticket(t) for t in changed}
        batch.tickets = [t for t in batch.tickets if t.remote_id not in fresh]
        batch.tickets.extend(fresh.values())
        state["rev"] = max(t.rev for t in changed)
        if len(changed) == 500:
            batch.more = True

    async def _within_limits(self, folder: str, uids: list[int]) -> list[int]:
        first = uids[:BATCH_MESSAGES]
        sizes = await asyncio.to_thread(self.imap.sizes, folder, first)
        chosen, total = [], 0
        for uid in first:
            total += sizes.get(uid, 0)
            if chosen and total > BATCH_BYTES:
                break
            chosen.append(uid)
        return chosen

    def _take(
        self,
        folder: str,
        uids: list[int],
        raws: dict[int, tuple[bytes, int | None]],
        batch: PullBatch,
    ) -> None:
        tickets: dict[str, Ticket] = {}
        customers: dict[str, Customer] = {}
        for uid in uids:
            if uid not in raws:
                continue  # expunged between SEARCH and FETCH
            raw, received = raws[uid]
            try:
                mail = parse_mail(raw)
            except UnreadableMail as e:
                log.warning("%s: %s UID %s not ingested: %s", self.name, folder, uid, e)
                continue
            message = self._message(mail, folder, received)
            if message is None:
                continue
            t = self.index.ticket(int(message.ticket_remote_id))
            assert t is not None
            tickets[str(t.id)] = _ticket(t)
            customers[t.customer_addr] = Customer(
                t.customer_addr,
                t.customer_name,
                email=t.customer_addr,
                handles={"email": t.customer_addr},
            )
            batch.messages.append(message)
        batch.tickets.extend(tickets.values())
        batch.customers.extend(customers.values())

    def _message(self, mail: ParsedMail, folder: str, received: int | None) -> Message | None:
        ours = mail.from_addr == self.address
        thread = self.index.find_thread(mail.in_reply_to, mail.references, mail.subject)
        if mail.automatic and thread is None:
            log.info(
                "%s: %s from %s matches no ticket; not made a ticket",
                self.name,
                mail.automatic,
                mail.from_addr,
            )
            return None
        # When the server received it, not the sender's Date: a customer's clock that is
        # hours wrong must not put the answer above the question it answers.
        at = min(received or mail.date or int(time.time()), int(time.time()))
        ticket, _new = self.index.add_message(
            mail.message_id,
            thread=thread,
            subject=mail.subject,
            addr=mail.from_addr,
            name=mail.from_name,
            at=at,
            from_customer=not ours and not mail.automatic,
        )
        body = mail.body
        if mail.automatic:
            body = f"{_AUTOMATIC_LABEL[mail.automatic]} {mail.from_addr}\n\n{body}"
        return Message(
            remote_id=mail.message_id,
            ticket_remote_id=str(ticket.id),
            author_kind="system" if mail.automatic else "agent" if ours else "customer",
            author_name=mail.from_name,
            body=body,
            created_at=at,
            internal=bool(mail.automatic),
            agent_remote_id=self.ctx.agent_email if ours else None,
            attachments=[
                Attachment(
                    a.name,
                    a.content_type,
                    a.size,
                    json.dumps({"folder": folder, "message_id": mail.message_id, "part": a.index}),
                )
                for a in mail.attachments
            ],
        )

    async def wait_for_changes(self, timeout: float) -> None:
        if self._idle is None:
            self._idle = ImapSession(self.imap_account)
        try:
            await asyncio.to_thread(
                self._idle.idle_until_change, self.folders[0], timeout, self._stop
            )
        except Exception as e:  # IDLE is an optimisation: fall back to the timer
            log.info("%s: IDLE unavailable (%s); polling", self.name, e)
            await asyncio.sleep(timeout)

    # -- out ------------------------------------------------------------------------------

    def _indexed(self, op: Op) -> IndexedTicket:
        t = self.index.ticket(int(op.ticket_remote_id))
        if t is None:
            raise PermanentError(f"ticket #{op.ticket_remote_id} is not in this mailbox's index")
        return t

    async def push(self, op: Op) -> PushResult:
        done = self.index.applied(op.uuid)
        if done is not None:
            return PushResult(done)
        t = self._indexed(op)
        now = int(time.time())
        remote_id: str | None = None
        # A mailbox has no ticket fields: the index is where they live, and only a reply
        # leaves the machine.
        match op.change:
            case Reply():
                remote_id = await self._send_reply(t, op, now)
            case Note():
                remote_id = f"note-{op.uuid}"  # internal notes are never e-mailed
            case SetStatus(status=status):
                self.index.update(t.id, now, status=status)
            case SetPriority(priority=priority):
                self.index.update(t.id, now, priority=priority)
            case Assign(agent=agent):
                self.index.update(t.id, now, assignee=agent.remote_id if agent else None)
            case Transfer(team=team, agent=agent):
                fields = {"assignee": agent.remote_id if agent else None}
                if team is not None:
                    fields["team"] = team.remote_id
                self.index.update(t.id, now, **fields)
            case Tags(add=add, remove=remove):
                tags = (set(t.tags) | set(add)) - set(remove)
                self.index.update(t.id, now, tags=sorted(tags))
        self.index.mark_applied(op.uuid, remote_id or "")
        return PushResult(remote_id)

    def _message_id(self, t: IndexedTicket, op: Op) -> str:
        return our_message_id(t.id, op.uuid, self.address.split("@")[-1])

    async def _send_reply(self, t: IndexedTicket, op: Op, now: int) -> str:
        """Send a reply over SMTP. Its progress is written down before each step (see the
        index's `sends`), so after a crash find_landed knows whether the message data ever
        left: never, it may be sent; after the server's 250, it was; in between, nobody can
        know, and the agent decides."""
        message_id = self._message_id(t, op)
        if self.index.send_state(op.uuid) == "accepted":
            return await self._after_send(t, op, message_id, now)  # a crash came after the 250
        msg = self._compose(t, op, message_id, now)
        await send_message(
            self.smtp,
            msg,
            self.address,
            [t.customer_addr],
            before_data=lambda: self.index.mark_send(op.uuid, message_id, t.id, "data", now),
        )
        self.index.mark_send(op.uuid, message_id, t.id, "accepted", now)
        return await self._after_send(t, op, message_id, now, msg)

    def _compose(self, t: IndexedTicket, op: Op, message_id: str, now: int):
        return compose_reply(
            from_name=self.ctx.options.get("shop_name") or self.ctx.agent_name,
            from_addr=self.address,
            to_name=t.customer_name,
            to_addr=t.customer_addr,
            subject=t.subject,
            ticket_id=t.id,
            message_id=message_id,
            thread=self.index.thread_ids(t.id),
            body=op.change.body,
            at=now,
        )

    async def _after_send(
        self, t: IndexedTicket, op: Op, message_id: str, now: int, msg=None
    ) -> str:
        """What follows a reply the server took: the thread, the status, our copy in Sent."""
        self.index.record_sent(message_id, t.id)
        if t.status in ("new", "open"):
            self.index.update(t.id, now, status="pending")  # waiting on the customer now
        try:
            if msg is not None or not await self._held_anywhere(message_id):
                raw = (msg or self._compose(t, op, message_id, now)).as_bytes()
                await asyncio.to_thread(self.imap.append, self.sent_folder, raw)
        except Exception as e:  # the customer has the reply; only our copy is missing
            log.warning("%s: reply sent, but no copy in %s: %s", self.name, self.sent_folder, e)
        return message_id

    async def _held_anywhere(self, message_id: str) -> bool:
        """Whether any folder that could hold our message (Sent, and the folders we read,
        where a copy to ourselves lands) has it."""
        for folder in dict.fromkeys([self.sent_folder, *self.folders]):
            if await asyncio.to_thread(self.imap.has_message_id, folder, message_id):
                return True
        return False

    async def find_landed(self, op: Op) -> PushResult | None:
        done = self.index.applied(op.uuid)
        if done is not None:
            return PushResult(done)
        if not isinstance(op.change, Reply):
            return None  # field changes are local to the index: applying twice is harmless
        t = self._indexed(op)
        message_id = self._message_id(t, op)
        state = self.index.send_state(op.uuid)
        if state == "accepted" or await self._held_anywhere(message_id):
            await self._after_send(t, op, message_id, int(time.time()))
            self.index.mark_applied(op.uuid, message_id)
            return PushResult(message_id)
        if state == "data":
            # The message data went out and the server's answer was lost (a crash, a broken
            # connection): it may be in the customer's mailbox. Never send it twice unasked.
            raise PermanentError(MAY_HAVE_LANDED)
        return None

    async def fetch_attachment(self, remote_ref: str) -> tuple[str, bytes]:
        """An attachment's name and content, read from the server when the agent asks."""
        from agentdesk.connectors.email.parse import attachment_bytes

        ref = json.loads(remote_ref)
        raw = await asyncio.to_thread(self.imap.raw_by_message_id, ref["folder"], ref["message_id"])
        if raw is None:
            raise PermanentError(f"{ref['message_id']} is no longer in {ref['folder']}")
        return attachment_bytes(raw, ref["part"])

    # -- people ---------------------------------------------------------------------------

    async def directory(self) -> Directory:
        # A mailbox has no colleagues or teams to list: the agent is its only user.
        me = Agent(self.ctx.agent_email, self.ctx.agent_name, self.ctx.agent_email, "online")
        return Directory(agents=[me])

    async def check(self) -> str:
        fs = await asyncio.to_thread(self.imap.folder_state, self.folders[0])
        caps = sorted(c.decode() for c in self.imap.capabilities if c in (b"IDLE", b"CONDSTORE"))
        imap = f"IMAP {self.folders[0]} UIDVALIDITY {fs.uidvalidity}" + (
            f" ({', '.join(caps)})" if caps else ""
        )
        smtp = await check_login(self.smtp)
        return f"{imap}; SMTP {self.smtp.host}:{self.smtp.port} {smtp}"


def _ticket(t: IndexedTicket) -> Ticket:
    return Ticket(
        remote_id=str(t.id),
        channel="email",
        subject=t.subject,
        status=t.status,
        customer_remote_id=t.customer_addr,
        created_at=t.created_at,
        updated_at=t.updated_at,
        priority=t.priority,
        assignee_remote_id=t.assignee,
        team_remote_id=t.team,
        tags=list(t.tags),
    )
