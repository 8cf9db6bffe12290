"""A mailbox as a contract platform: a real Dovecot (IMAP) and an SMTP server on 127.0.0.1.

A mailbox has no ticket fields: the connector keeps them in its own index, which is
where a status, an owner or a tag "lands"; a reply lands at the SMTP server (and its copy
in Sent), and a note never leaves the machine.
"""

from __future__ import annotations

import sqlite3
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from imapclient import IMAPClient
from servers import dovecot, smtp

from agentdesk.ops import Change, Note, Reply, SetPriority, SetStatus, Tags
from agentdesk.store.db import Store
from contract.harness import Expected, Harness

ADDRESS = "support@shop.example"
PASSWORD = "mail-secret"


class EmailHarness(Harness):
    type = "email"
    name = "shop-mail"
    history_size = 300  # three batches of a hundred mails

    def __init__(self, root: Path):
        super().__init__(root)
        self.imap = dovecot.start(ADDRESS, PASSWORD)
        self.smtp = smtp.start(root / "smtp-out", ADDRESS, PASSWORD)
        self.message_ids: dict[str, str] = {}
        self.data_dir: Path | None = None
        self.running = True

    def connector_table(self) -> str:
        return f"""[[connectors]]
type = "email"
name = "{self.name}"
address = "{ADDRESS}"
username = "{ADDRESS}"
imap_host = "127.0.0.1"
imap_port = {self.imap.port}
imap_security = "none"
smtp_host = "127.0.0.1"
smtp_port = {self.smtp.port}
smtp_security = "none"
folders = ["INBOX"]
sent_folder = "Sent"
history_days = 30
"""

    def env(self) -> dict[str, str]:
        return {"AGENTDESK_SECRET_SHOP_MAIL": PASSWORD}

    def settings(self, data_dir: Path):
        self.data_dir = data_dir
        return super().settings(data_dir)

    def _client(self) -> IMAPClient:
        c = IMAPClient("127.0.0.1", port=self.imap.port, ssl=False)
        c.login(ADDRESS, PASSWORD)
        return c

    def _mail(self, subject: str, body: str, in_reply_to: str | None = None) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = "王芳 <wang.fang@example.cn>"
        msg["To"] = ADDRESS
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain="example.cn")
        if in_reply_to:
            msg["In-Reply-To"] = in_reply_to
        msg.set_content(body, charset="utf-8")
        return msg

    def customer_writes(self, subject, body, attachment=None) -> str:
        msg = self._mail(subject, body)
        if attachment is not None:
            name, content = attachment
            msg.add_attachment(content, maintype="image", subtype="png", filename=name)
        c = self._client()
        c.append("INBOX", msg.as_bytes())
        c.logout()
        self.message_ids[subject] = msg["Message-ID"]
        return subject

    def customer_answers(self, ref: str, body: str) -> None:
        c = self._client()
        c.append("INBOX", self._mail(f"Re: {ref}", body, self.message_ids[ref]).as_bytes())
        c.logout()

    def prepare_history(self, n: int) -> None:
        c = self._client()
        for i in range(n):
            c.append("INBOX", self._mail(f"History {i:04d}", f"History message {i:04d}").as_bytes())
        c.logout()

    def local_id(self, store: Store, ref: str) -> int:
        return store.one(
            "SELECT id FROM tickets WHERE connector = ? AND subject = ?", (self.name, ref)
        )[0]

    def _index(self) -> sqlite3.Connection:
        assert self.data_dir is not None
        return sqlite3.connect(self.data_dir / "connectors" / self.name / "mail-index.sqlite3")

    def landed(self, ref: str, change: Change, op_uuid: str) -> int:
        mailed = (
            [m for m in self.smtp.messages() if change_text(change) in m.get_content().strip()]
            if isinstance(change, Reply | Note)
            else []
        )
        if isinstance(change, Reply):
            return len(mailed)
        assert not mailed, "an internal note was e-mailed"
        index = self._index()
        try:
            applied = index.execute(
                "SELECT count(*) FROM applied_ops WHERE uuid = ?", (op_uuid,)
            ).fetchone()[0]
            row = index.execute(
                "SELECT status, priority, tags FROM tickets WHERE subject = ?", (ref,)
            ).fetchone()
        finally:
            index.close()
        match change:
            case SetStatus(status=status) if row[0] != status:
                return 0
            case SetPriority(priority=priority) if row[1] != priority:
                return 0
            case Tags(add=add) if not set(add) <= set(_tags(row[2])):
                return 0
        return applied

    def forget_local_record(self, data_dir: Path) -> None:
        index = sqlite3.connect(data_dir / "connectors" / self.name / "mail-index.sqlite3")
        index.execute("DELETE FROM applied_ops")
        index.commit()
        index.close()

    def expected_directory(self) -> Expected:
        return Expected(agents={"Mia Agent"})  # a mailbox has no colleagues and no teams

    def transfer_target(self, store: Store) -> tuple[int | None, int | None]:
        me = store.one("SELECT id FROM agents WHERE connector = ?", (self.name,))[0]
        return None, me

    def attachment(self, store: Store) -> tuple[int, str, bytes]:
        return self.local_id(store, "Broken vase 花瓶碎了"), "vase.png", bytes(range(256)) * 100

    can_stall = True

    def stall(self, on: bool = True) -> None:
        self.smtp.stall(on)  # the SMTP server keeps the message and holds back its 250

    def stop(self) -> None:
        self.imap.halt()
        self.smtp.stop()
        self.running = False

    def start(self) -> None:
        self.imap.restart()
        self.smtp.restart()
        self.running = True

    def close(self) -> None:
        if self.running:
            self.smtp.stop()
        self.imap.stop()


def change_text(change: Change) -> str:
    return change.body.strip()


def _tags(value) -> list[str]:
    import json

    return json.loads(value) if value else []
