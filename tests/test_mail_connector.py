"""What only e-mail has, against a real Dovecot (IMAP) and a real SMTP server on 127.0.0.1:
threading by headers and subject tags, renumbered folders, auto-replies and bounces, TLS,
IDLE, the first sync's history window, doctor and login. What every connector must do is
in tests/contract/."""

from __future__ import annotations

import json
import subprocess
import sys
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from cli_support import clean_env
from imapclient import IMAPClient
from servers import dovecot, smtp, tls

from agentdesk.config.settings import load_settings
from agentdesk.store import actions, outbox
from agentdesk.store.actions import ActionContext
from agentdesk.store.db import Store
from agentdesk.sync.runner import run_once

pytestmark = pytest.mark.skipif(
    not dovecot.available(),
    reason="Dovecot is not installed (the README's test command installs it)",
)


def acting(settings) -> ActionContext:
    return ActionContext.from_settings(settings)


@pytest.fixture
def imap_server():
    server = dovecot.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server(tmp_path: Path):
    sink = smtp.start(tmp_path / "smtp-out", "support@shop.example", "mail-secret")
    yield sink
    sink.stop()


def write_config(
    path: Path,
    imap_port: int,
    smtp_port: int,
    folders=("INBOX",),
    imap_security: str = "none",
    smtp_security: str = "none",
) -> Path:
    folder_list = ", ".join(f'"{f}"' for f in folders)
    path.write_text(
        f"""
[agent]
name = "Mia Agent"
email = "agent@shop.example"

[[connectors]]
type = "email"
name = "shop-mail"
address = "support@shop.example"
username = "support@shop.example"
imap_host = "127.0.0.1"
imap_port = {imap_port}
imap_security = "{imap_security}"
smtp_host = "127.0.0.1"
smtp_port = {smtp_port}
smtp_security = "{smtp_security}"
folders = [{folder_list}]
sent_folder = "Sent"
shop_name = "Lumen & Loom"
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def mail_settings(tmp_path, imap_server, smtp_server, monkeypatch):
    monkeypatch.setenv("AGENTDESK_SECRET_SHOP_MAIL", "mail-secret")
    config = write_config(tmp_path / "config.toml", imap_server.port, smtp_server.port)
    return load_settings(config, tmp_path / "data", environ={})


def imap(server) -> IMAPClient:
    c = IMAPClient("127.0.0.1", port=server.port, ssl=False)
    c.login(server.user, server.password)
    return c


def customer_mail(
    body: str = "您好，我的订单还没有收到，请帮忙查一下。订单号 LL-1001。",
    *,
    subject: str = "订单未收到",
    charset: str = "gbk",
    in_reply_to: str | None = None,
    attachment: bytes | None = None,
) -> tuple[bytes, str]:
    msg = EmailMessage()
    msg["From"] = "李娜 <li.na@example.cn>"
    msg["To"] = "support@shop.example"
    msg["Subject"] = subject
    msg["Date"] = "Sun, 22 Nov 2026 09:30:00 +0800"
    mid = make_msgid(domain="example.cn")
    msg["Message-ID"] = mid
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    msg.set_content(body, charset=charset)
    if attachment is not None:
        msg.add_attachment(attachment, maintype="image", subtype="jpeg", filename="破损.jpg")
    return msg.as_bytes(), mid


def append(server, raw: bytes, folder: str = "INBOX") -> None:
    c = imap(server)
    if not c.folder_exists(folder):
        c.create_folder(folder)
    c.append(folder, raw)
    c.logout()


def tickets(store: Store) -> list:
    return store.query("SELECT * FROM tickets WHERE connector = 'shop-mail' ORDER BY id")


def messages(store: Store, ticket_id: int) -> list:
    return store.query(
        "SELECT * FROM messages WHERE ticket_id = ? ORDER BY created_at, id", (ticket_id,)
    )


def test_customer_mail_reply_and_answer_thread_into_one_ticket(
    mail_settings, imap_server, smtp_server
):
    photo = bytes(range(256)) * 40
    raw, customer_mid = customer_mail(attachment=photo)
    append(imap_server, raw)

    summary = run_once(mail_settings)
    assert summary.errors == {}
    with Store.open_dir(mail_settings.data_dir) as store:
        [ticket] = tickets(store)
        assert ticket["channel"] == "email"
        assert ticket["subject"] == "订单未收到"
        [first] = messages(store, ticket["id"])
        assert "我的订单还没有收到" in first["body"]
        assert first["author_kind"] == "customer"
        [att] = json.loads(first["attachments"])
        assert (att["name"], att["content_type"], att["size"]) == (
            "破损.jpg",
            "image/jpeg",
            len(photo),
        )

        actions.send_message(
            store, acting(mail_settings), ticket["id"], "您好李娜，包裹已在路上，预计明天送达。"
        )

    summary = run_once(mail_settings)
    assert (summary.pushed, summary.errors) == (1, {})
    [sent] = smtp_server.messages()
    assert sent["In-Reply-To"] == customer_mid
    assert customer_mid in sent["References"]
    assert sent["To"].endswith("<li.na@example.cn>")
    assert "support@shop.example" in sent["From"]
    assert sent["Subject"] == f"Re: 订单未收到 [#{1}]"
    assert sent["Date"]
    our_mid = sent["Message-ID"]
    assert our_mid.startswith("<agentdesk-t1-")
    assert "包裹已在路上" in sent.get_content()
    c = imap(imap_server)
    c.select_folder("Sent")
    assert c.search(["HEADER", "Message-ID", our_mid]), "the sent copy is in the Sent folder"
    c.logout()

    # The customer answers from a client that drops References; only In-Reply-To remains.
    answer, _ = customer_mail("收到了，谢谢！", subject="回复: Re: 订单未收到", in_reply_to=our_mid)
    append(imap_server, answer)
    run_once(mail_settings)
    with Store.open_dir(mail_settings.data_dir) as store:
        [ticket] = tickets(store)
        thread = messages(store, ticket["id"])
        assert [m["author_kind"] for m in thread] == ["customer", "agent", "customer"]
        assert thread[1]["delivery"] == "sent"
        assert thread[1]["remote_id"] == our_mid
        assert ticket["status"] == "open"
    assert len(smtp_server.messages()) == 1, "nothing was sent twice"


def test_subject_tag_threads_when_headers_are_gone(mail_settings, imap_server):
    raw, _ = customer_mail("Where is my parcel?", subject="Parcel", charset="utf-8")
    append(imap_server, raw)
    run_once(mail_settings)
    # A new mail with no threading headers at all, but our tag in the subject.
    raw2, _ = customer_mail("Any news?", subject="Fwd: Re: Parcel [#1]", charset="utf-8")
    append(imap_server, raw2)
    other, _ = customer_mail("Another question", subject="Sizes", charset="utf-8")
    append(imap_server, other)
    run_once(mail_settings)
    with Store.open_dir(mail_settings.data_dir) as store:
        rows = tickets(store)
        assert [r["subject"] for r in rows] == ["Parcel", "Sizes"]
        assert len(messages(store, rows[0]["id"])) == 2


def test_uidvalidity_change_reads_again_without_duplicates(
    tmp_path, imap_server, smtp_server, monkeypatch
):
    monkeypatch.setenv("AGENTDESK_SECRET_SHOP_MAIL", "mail-secret")
    config = write_config(tmp_path / "c.toml", imap_server.port, smtp_server.port, ("Support",))
    settings = load_settings(config, tmp_path / "data", environ={})
    mails = [customer_mail(f"question {i}", subject=f"Q{i}", charset="utf-8")[0] for i in range(3)]
    for raw in mails:
        append(imap_server, raw, "Support")
    run_once(settings)
    store = Store.open_dir(settings.data_dir)
    cursor_before = json.loads(store.one("SELECT cursor FROM connector_state")["cursor"])
    store.close()

    # The server renumbers the folder (a migration, a rebuilt index): same mail, new UIDs.
    c = imap(imap_server)
    c.delete_folder("Support")
    c.logout()
    for raw in [*mails, customer_mail("a new one", subject="Q3", charset="utf-8")[0]]:
        append(imap_server, raw, "Support")
    run_once(settings)

    with Store.open_dir(settings.data_dir) as store:
        cursor_after = json.loads(store.one("SELECT cursor FROM connector_state")["cursor"])
        assert cursor_after["folders"]["Support"]["v"] != cursor_before["folders"]["Support"]["v"]
        rows = tickets(store)
        assert [r["subject"] for r in rows] == ["Q0", "Q1", "Q2", "Q3"]
        assert store.one("SELECT COUNT(*) AS n FROM messages")["n"] == 4


def test_auto_replies_and_bounces_make_no_ticket(mail_settings, imap_server):
    ooo = EmailMessage()
    ooo["From"] = "someone@example.com"
    ooo["To"] = "support@shop.example"
    ooo["Subject"] = "Out of office"
    ooo["Auto-Submitted"] = "auto-replied"
    ooo["Message-ID"] = make_msgid()
    ooo.set_content("I am away until Monday.")
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.com>"
    bounce["To"] = "support@shop.example"
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Message-ID"] = make_msgid()
    bounce.set_content("This is the mail system. I'm sorry to have to inform you...")
    append(imap_server, ooo.as_bytes())
    append(imap_server, bounce.as_bytes())
    real, _ = customer_mail("A real question", subject="Real", charset="utf-8")
    append(imap_server, real)
    run_once(mail_settings)
    with Store.open_dir(mail_settings.data_dir) as store:
        assert [r["subject"] for r in tickets(store)] == ["Real"]


def _doctor(config: Path, data: Path, secret: str | None) -> subprocess.CompletedProcess:
    env = clean_env()
    if secret is not None:
        env["AGENTDESK_SECRET_SHOP_MAIL"] = secret
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "agentdesk",
            "--config",
            str(config),
            "--data-dir",
            str(data),
            "doctor",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_doctor_checks_imap_and_smtp_and_names_a_missing_secret(tmp_path, imap_server, smtp_server):
    config = write_config(tmp_path / "config.toml", imap_server.port, smtp_server.port)
    ok = _doctor(config, tmp_path / "data", "mail-secret")
    line = next(x for x in ok.stdout.splitlines() if "shop-mail" in x)
    assert line.strip().startswith("ok") and "IMAP INBOX" in line and "SMTP" in line

    wrong = _doctor(config, tmp_path / "data", "not-the-password")
    assert wrong.returncode == 1
    assert "IMAP login refused for support@shop.example" in wrong.stdout

    missing = _doctor(config, tmp_path / "data", None)
    assert missing.returncode == 1
    assert "agentdesk login shop-mail" in missing.stdout
    assert "AGENTDESK_SECRET_SHOP_MAIL" in missing.stdout


def test_idle_wakes_the_engine_when_mail_arrives(mail_settings, imap_server):
    import asyncio
    import threading

    from agentdesk.connectors.email.connector import MailConnector
    from agentdesk.sync.engine import context_for

    async def wait_for_new_mail() -> None:
        c = MailConnector(context_for(mail_settings, mail_settings.connectors[0]))
        try:
            await c.pull(None)
            # Mail arrives while the connector waits in IDLE; a ten-minute poll would not
            # end before the bound below, so returning proves IDLE woke it.
            threading.Timer(
                0.5, append, (imap_server, customer_mail("new", subject="N", charset="utf-8")[0])
            ).start()
            await asyncio.wait_for(c.wait_for_changes(600), timeout=60)
        finally:
            await c.close()

    asyncio.run(wait_for_new_mail())


@pytest.mark.skipif(not tls.available(), reason="no openssl to make a test certificate")
@pytest.mark.parametrize(
    ("imap_security", "smtp_security"), [("tls", "starttls"), ("starttls", "tls")]
)
def test_tls_and_starttls_are_verified_and_work(
    tmp_path, monkeypatch, imap_security, smtp_security
):
    cert, key = tls.make_cert(tmp_path / "tls")
    server = dovecot.start(tls=(cert, key))
    sink = smtp.start(
        tmp_path / "out", "support@shop.example", "mail-secret", (smtp_security, cert, key)
    )
    try:
        imap_port = server.tls_port if imap_security == "tls" else server.port
        config = write_config(
            tmp_path / "config.toml",
            imap_port,
            sink.port,
            imap_security=imap_security,
            smtp_security=smtp_security,
        )
        settings = load_settings(config, tmp_path / "data", environ={})
        monkeypatch.setenv("AGENTDESK_SECRET_SHOP_MAIL", "mail-secret")

        # Not trusted yet: a certificate nobody vouches for is refused, not used quietly.
        summary = run_once(settings)
        assert "certificate verify failed" in summary.errors["shop-mail"].lower()

        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        append(server, customer_mail("Over TLS", subject="Secure", charset="utf-8")[0])
        assert run_once(settings).errors == {}
        with Store.open_dir(settings.data_dir) as store:
            [ticket] = tickets(store)
            actions.send_message(store, acting(settings), ticket["id"], "Answered over TLS")
        assert run_once(settings).pushed == 1
        [sent] = sink.messages()
        assert "Answered over TLS" in sent.get_content()
    finally:
        sink.stop()
        server.stop()


def test_notes_are_never_mailed_and_a_bounce_lands_on_its_ticket(
    mail_settings, imap_server, smtp_server
):
    append(imap_server, customer_mail("Hello?", subject="Hi", charset="utf-8")[0])
    run_once(mail_settings)
    with Store.open_dir(mail_settings.data_dir) as store:
        [ticket] = tickets(store)
        actions.send_message(
            store, acting(mail_settings), ticket["id"], "Checked with the warehouse", internal=True
        )
        actions.send_message(store, acting(mail_settings), ticket["id"], "Your parcel left today")
    run_once(mail_settings)
    [sent] = smtp_server.messages()  # the reply only
    assert "Your parcel left today" in sent.get_content()

    # The customer's server returns it, as Postfix does: a delivery-status report carrying
    # the headers of our reply, and no In-Reply-To of its own.
    dsn = EmailMessage()
    dsn["From"] = "MAILER-DAEMON@mx.example.cn (Mail Delivery System)"
    dsn["To"] = "support@shop.example"
    dsn["Subject"] = "Undelivered Mail Returned to Sender"
    dsn["Message-ID"] = make_msgid(domain="mx.example.cn")
    dsn.set_content("I'm sorry to have to inform you that your message could not be delivered.")
    dsn.add_attachment(
        f"Message-ID: {sent['Message-ID']}\nSubject: {sent['Subject']}\n".encode(),
        maintype="text",
        subtype="rfc822-headers",
    )
    append(imap_server, dsn.as_bytes())
    run_once(mail_settings)
    with Store.open_dir(mail_settings.data_dir) as store:
        assert len(tickets(store)) == 1, "a bounce is never a ticket of its own"
        last = messages(store, ticket["id"])[-1]
        assert last["internal"] and last["author_kind"] == "system"
        assert last["body"].startswith("[delivery failure] mailer-daemon@mx.example.cn")


def test_login_stores_the_secret_that_sync_then_uses(tmp_path, imap_server, smtp_server):
    """`agentdesk login` into a real (file) keyring; then doctor and sync need no variable."""
    config = write_config(tmp_path / "config.toml", imap_server.port, smtp_server.port)
    env = clean_env()
    env.update(
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        XDG_DATA_HOME=str(tmp_path / "xdg"),
    )
    base = [sys.executable, "-m", "agentdesk", "--config", str(config)]
    base += ["--data-dir", str(tmp_path / "data")]
    stored = subprocess.run(
        [*base, "login", "shop-mail", "--password-stdin"],
        input="mail-secret\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert stored.returncode == 0, stored.stderr
    assert "stored the secret for shop-mail" in stored.stdout
    assert "mail-secret" not in config.read_text()
    # A file keyring keeps it in clear text: said loudly, at login and by doctor.
    assert "WARNING" in stored.stderr and "UNENCRYPTED" in stored.stderr
    doctor = subprocess.run([*base, "doctor"], capture_output=True, text=True, env=env, timeout=120)
    assert doctor.returncode == 0, doctor.stdout
    assert "warn keyring" in doctor.stdout and "UNENCRYPTED" in doctor.stdout
    unknown = subprocess.run(
        [*base, "login", "nope", "--password-stdin"],
        input="x\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert unknown.returncode == 2 and 'no connector named "nope"' in unknown.stderr


def test_first_sync_takes_only_recent_mail(tmp_path, imap_server, smtp_server, monkeypatch):
    import datetime as dt

    c = imap(imap_server)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=60)
    c.append(
        "INBOX", customer_mail("from last season", subject="Old", charset="utf-8")[0], msg_time=old
    )
    c.append("INBOX", customer_mail("from today", subject="New", charset="utf-8")[0])
    c.logout()
    monkeypatch.setenv("AGENTDESK_SECRET_SHOP_MAIL", "mail-secret")
    config = write_config(tmp_path / "c.toml", imap_server.port, smtp_server.port)
    run_once(load_settings(config, tmp_path / "recent", environ={}))
    with Store.open_dir(tmp_path / "recent") as store:
        assert [t["subject"] for t in tickets(store)] == ["New"]

    everything = config.read_text().replace(
        'sent_folder = "Sent"', 'sent_folder = "Sent"\nhistory_days = 0'
    )
    config.write_text(everything)
    run_once(load_settings(config, tmp_path / "all", environ={}))
    with Store.open_dir(tmp_path / "all") as store:
        assert sorted(t["subject"] for t in tickets(store)) == ["New", "Old"]


def test_a_send_whose_answer_never_came_is_not_sent_again_but_put_to_the_agent(
    mail_settings, imap_server, smtp_server
):
    """The SMTP server took the message data and never answered (a lost connection, a timeout):
    the message may be in the customer's mailbox. It is not sent again by itself; the op fails
    saying so, and the agent's R sends it again (with the same Message-ID)."""
    import dataclasses

    settings = dataclasses.replace(
        mail_settings, sync=dataclasses.replace(mail_settings.sync, request_timeout=2)
    )
    append(imap_server, customer_mail("Hello?", subject="Hi", charset="utf-8")[0])
    run_once(settings)
    with Store.open_dir(settings.data_dir) as store:
        [ticket] = tickets(store)
        actions.send_message(store, acting(settings), ticket["id"], "Your parcel left today")
    smtp_server.stall(True)
    try:
        run_once(settings)  # the answer to DATA never comes: unknown
    finally:
        smtp_server.stall(False)
    assert len(smtp_server.messages()) == 1
    with Store.open_dir(settings.data_dir) as store:
        assert store.one("SELECT state, ambiguous FROM outbox")[:] == ("sending", 1)
        store.conn.execute("UPDATE outbox SET next_attempt_at = 0")
    run_once(settings)
    assert len(smtp_server.messages()) == 1, "not sent again by itself"
    with Store.open_dir(settings.data_dir) as store:
        op = store.one("SELECT id, state, last_error FROM outbox")
        assert op["state"] == "failed" and "may already have this reply" in op["last_error"]
        outbox.resend(store, op["id"])  # the agent looked, and sends it again
    run_once(settings)
    sent = smtp_server.messages()
    assert len(sent) == 2 and sent[0]["Message-ID"] == sent[1]["Message-ID"]
