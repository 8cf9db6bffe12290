"""Hostile and broken e-mails: each is ingested or rejected with a logged reason, none
crashes or stalls the engine. Parsed directly, then through a real Dovecot and the engine."""

from __future__ import annotations

import email
import logging
from email.message import EmailMessage
from pathlib import Path

import pytest
from servers import dovecot

from agentdesk.connectors.email.parse import (
    MAX_BODY_CHARS,
    UnreadableMail,
    attachment_bytes,
    parse_mail,
)
from agentdesk.store.db import Store
from agentdesk.sync.runner import run_once
from agentdesk.text import sanitize

CORPUS = Path(__file__).parent / "mail_corpus"
FILES = sorted(CORPUS.glob("*.eml"))


def expectation(raw: bytes) -> str:
    return email.message_from_bytes(raw)["X-Corpus-Expect"]


def huge_body() -> bytes:
    msg = EmailMessage()
    msg["From"] = "big@example.com"
    msg["To"] = "support@shop.example"
    msg["Subject"] = "a 10 MB body"
    msg["Message-ID"] = "<huge@example.com>"
    msg.set_content(("0123456789 abcdefghij " * 50 + "\n") * 9_600)
    return msg.as_bytes()


def nested(depth: int) -> bytes:
    """A "zip bomb" of multiparts, each holding the next."""
    head = "From: n@example.com\r\nTo: support@shop.example\r\nSubject: nested\r\n"
    head += "Message-ID: <nested@example.com>\r\n"
    lines = [head + 'Content-Type: multipart/mixed; boundary="b0"\r\n']
    for i in range(1, depth):
        lines.append(f'--b{i - 1}\r\nContent-Type: multipart/mixed; boundary="b{i}"\r\n')
    lines.append(f"--b{depth - 1}\r\nContent-Type: text/plain\r\n\r\ndeep\r\n")
    lines += [f"--b{i}--\r\n" for i in reversed(range(depth))]
    return "\r\n".join(lines).encode()


def wide(parts: int) -> bytes:
    head = "From: w@example.com\r\nTo: support@shop.example\r\nSubject: wide\r\n"
    head += 'Message-ID: <wide@example.com>\r\nContent-Type: multipart/mixed; boundary="W"\r\n\r\n'
    body = "".join(f"--W\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n" for i in range(parts))
    return (head + body + "--W--\r\n").encode()


GENERATED = {
    "huge_body": (huge_body, "ingest"),
    "nested_2000": (lambda: nested(2000), "reject"),
    "wide_5000": (lambda: wide(5000), "reject"),
}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_corpus_file_is_read_or_rejected_with_a_reason(path: Path):
    raw = path.read_bytes()
    if expectation(raw) == "reject":
        with pytest.raises(UnreadableMail) as e:
            parse_mail(raw)
        assert str(e.value)
        return
    mail = parse_mail(raw)
    shown = sanitize(mail.subject) + sanitize(mail.body) + sanitize(mail.from_name)
    assert "\x1b" not in shown and "\x9b" not in shown and "\x00" not in shown


def test_charsets_come_out_as_the_sender_meant():
    def body(name: str) -> str:
        return parse_mail((CORPUS / name).read_bytes()).body

    assert "申请退款" in body("gbk_labelled_utf8.eml")
    assert parse_mail((CORPUS / "gbk_labelled_utf8.eml").read_bytes()).subject == "退款申请"
    assert parse_mail((CORPUS / "gbk_labelled_utf8.eml").read_bytes()).from_name == "张伟"
    assert "什麼時候出貨" in body("big5.eml")
    assert "いつ届きますか" in body("iso2022jp.eml")
    assert "cassé “vraiment”" in body("latin1_cp1252.eml")
    assert "𠀀路" in body("gb18030.eml")
    html = body("html_only.eml")
    assert "LL-2001" in html and "alert" not in html and "color" not in html
    assert "photo (https://example.com/photo)" in html and "• lamp" in html
    quoted = body("quoted_history.eml")
    assert quoted.startswith("Thanks, that works.") and "please try again" not in quoted
    assert "[… 4 quoted lines]" in quoted
    [pdf] = parse_mail((CORPUS / "attachment_rfc2231_name.eml").read_bytes()).attachments
    assert (pdf.name, pdf.content_type) == ("发票.pdf", "application/pdf")
    assert parse_mail((CORPUS / "bad_encoded_words.eml").read_bytes()).subject


def test_raw_8bit_headers_come_out_as_text():
    """RFC 6532 mail (raw UTF-8 in headers) and bare GBK headers: read, not mojibake."""
    raw = (CORPUS / "raw_utf8_headers.eml").read_bytes()
    mail = parse_mail(raw)
    assert (mail.subject, mail.from_name, mail.from_addr) == (
        "退款进度查询",
        "王小明",
        "wang@example.cn",
    )
    assert "LL0000662" in mail.body
    [photo] = mail.attachments
    assert (photo.name, photo.content_type) == ("快递单照片.jpg", "image/jpeg")
    assert attachment_bytes(raw, photo.index) == (
        "快递单照片.jpg",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01",
    )
    gbk = parse_mail((CORPUS / "raw_gbk_subject.eml").read_bytes())
    assert (gbk.subject, gbk.from_name) == ("发票抬头修改", "李先生")
    assert "公司名称" in gbk.body


@pytest.mark.parametrize("name", GENERATED)
def test_generated_extremes(name):
    make, expect = GENERATED[name]
    raw = make()
    if expect == "reject":
        with pytest.raises(UnreadableMail):
            parse_mail(raw)
    else:
        mail = parse_mail(raw)
        assert len(raw) > 10_000_000
        assert len(mail.body) < MAX_BODY_CHARS + 200 and "truncated" in mail.body


@pytest.mark.skipif(not dovecot.available(), reason="Dovecot is not installed")
def test_the_whole_corpus_through_imap_and_the_engine(tmp_path, monkeypatch, caplog):
    from imapclient import IMAPClient
    from test_mail_connector import write_config

    from agentdesk.config.settings import load_settings

    server = dovecot.start()
    try:
        c = IMAPClient("127.0.0.1", port=server.port, ssl=False)
        c.login(server.user, server.password)
        expected = {"ingest": 0, "reject": 0}
        for raw in [p.read_bytes() for p in FILES] + [make() for make, _ in GENERATED.values()]:
            c.append("INBOX", raw)
        for p in FILES:
            expected[expectation(p.read_bytes())] += 1
        for _make, expect in GENERATED.values():
            expected[expect] += 1
        c.logout()

        monkeypatch.setenv("AGENTDESK_SECRET_SHOP_MAIL", server.password)
        config = write_config(tmp_path / "config.toml", server.port, 9)  # SMTP unused here
        settings = load_settings(config, tmp_path / "data", environ={})
        with caplog.at_level(logging.WARNING, logger="agentdesk.mail"):
            summary = run_once(settings)
        assert summary.errors == {}
        with Store.open_dir(settings.data_dir) as store:
            n = store.one("SELECT COUNT(*) AS n FROM messages")["n"]
            state = store.one("SELECT state FROM connector_state WHERE connector = 'shop-mail'")
        assert n == expected["ingest"]
        assert state["state"] == "ok"
        rejected = [r.getMessage() for r in caplog.records if "not ingested" in r.getMessage()]
        assert len(rejected) == expected["reject"]
        assert any("no sender address" in r for r in rejected)
        assert any("MIME parts" in r for r in rejected)
    finally:
        server.stop()


@pytest.mark.parametrize(
    "header, text",
    [
        ("退款进度查询 =?utf-8?B?5Y+R6LSn?= 了吗", "退款进度查询 发货 了吗"),
        ("=?utf-8?B?5Y+R?= =?utf-8?B?6LSn?= 快", "发货 快"),  # one run: no space inside
        ("plain ascii", "plain ascii"),
        ("=?gb2312?B?wO7PyMn6?=", "李先生"),
    ],
)
def test_encoded_words_beside_raw_text(header, text):
    from agentdesk.connectors.email.text import decode_header_value

    assert decode_header_value(header) == text
