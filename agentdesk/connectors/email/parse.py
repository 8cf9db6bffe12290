"""One raw e-mail in, the parts agentdesk needs out: who, threading ids, text, attachments.

Built for hostile input: every limit below exists because a real mail broke something.
A mail that cannot be read at all raises UnreadableMail with the reason to log.
"""

from __future__ import annotations

import email
import hashlib
import re
from dataclasses import dataclass, field
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from agentdesk.connectors.email.text import (
    decode_bytes,
    decode_header_value,
    fold_quoted,
    raw_header_text,
)
from agentdesk.connectors.html_text import html_to_text

MAX_PARTS = 200  # a "zip bomb" of nested multiparts stops here
MAX_DEPTH = 12
MAX_BODY_CHARS = 200_000  # a 10 MB body is kept on the server; the cache holds the start
_MSGID = re.compile(r"<[^<>\s]+>")
_ADDRESS = re.compile(r"<([^<>@\s]+@[^<>\s]+)>|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


class UnreadableMail(Exception):
    """The bytes are not a mail we can show; the message says why."""


@dataclass
class MailPart:
    """An attachment as listed to the agent; `index` finds it again in the raw mail."""

    index: int
    name: str
    content_type: str
    size: int


@dataclass
class ParsedMail:
    message_id: str
    subject: str
    from_name: str
    from_addr: str
    to_addrs: list[str]
    date: int | None
    in_reply_to: list[str]
    references: list[str]
    body: str
    attachments: list[MailPart] = field(default_factory=list)
    automatic: str | None = None  # "auto-reply" or "bounce": never a new ticket
    size: int = 0


def _ids(value: object) -> list[str]:
    return _MSGID.findall(str(value or ""))


def _repair_8bit_headers(msg: Message) -> None:
    """Headers sent as raw UTF-8 (or GBK) bytes become text in place, so every later read
    (subject, sender, a part's file name and disposition) sees characters, not the
    replacement marks the stdlib's compat32 parser would show."""
    items = list(msg.raw_items())
    fixed = [(k, raw_header_text(v) if isinstance(v, str) else v) for k, v in items]
    if fixed == items:
        return
    for key in {k.lower() for k, _v in items}:
        del msg[key]
    for key, value in fixed:
        msg[key] = value


def _walk(msg: Message, depth: int = 0, count: list[int] | None = None):
    """Leaf parts in order, with the nesting and part count bounded."""
    count = count if count is not None else [0]
    count[0] += 1
    if count[0] > MAX_PARTS:
        raise UnreadableMail(f"more than {MAX_PARTS} MIME parts")
    _repair_8bit_headers(msg)
    if msg.is_multipart():
        if depth >= MAX_DEPTH:
            raise UnreadableMail(f"MIME parts nested deeper than {MAX_DEPTH}")
        for sub in msg.get_payload() or []:
            if isinstance(sub, Message):
                yield from _walk(sub, depth + 1, count)
    else:
        yield msg


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # broken base64 or quoted-printable: take the raw text
        data = None
    if data is None:
        raw = part.get_payload()
        data = raw.encode("utf-8", "replace") if isinstance(raw, str) else b""
    return data


def _part_text(part: Message) -> str:
    return decode_bytes(_payload_bytes(part), part.get_content_charset())


def _filename(part: Message) -> str | None:
    name = part.get_param("filename", header="content-disposition") or part.get_param("name")
    if name is None:
        return None
    if isinstance(name, tuple):  # RFC 2231: (charset, language, value)
        charset, _lang, value = name
        raw = value.encode("latin-1", "replace") if isinstance(value, str) else value
        return decode_bytes(raw, charset)
    return decode_header_value(name)


def _is_attachment(part: Message, ctype: str) -> bool:
    disposition = (part.get("content-disposition") or "").split(";")[0].strip().lower()
    if disposition == "attachment":
        return True
    return ctype not in ("text/plain", "text/html")


def automatic_kind(msg: Message, from_addr: str) -> str | None:
    """ "bounce" for delivery reports, "auto-reply" for out-of-office and robots, else None."""
    ctype = msg.get_content_type()
    report = (msg.get_param("report-type") or "").lower() if ctype == "multipart/report" else ""
    local = from_addr.split("@")[0].lower()
    if report == "delivery-status" or local in ("mailer-daemon", "postmaster"):
        return "bounce"
    auto = (msg.get("auto-submitted") or "").strip().lower()
    precedence = (msg.get("precedence") or "").strip().lower()
    if (
        (auto and auto != "no")
        or precedence in ("bulk", "junk", "auto_reply", "list")
        or msg.get("x-autoreply")
        or msg.get("x-autorespond")
        or (msg.get("x-auto-response-suppress") or "").lower() in ("all", "oof")
    ):
        return "auto-reply"
    return None


def _date(msg: Message) -> int | None:
    try:
        dt = parsedate_to_datetime(str(msg.get("date")))
    except Exception:
        return None
    if dt is None or dt.tzinfo is None:
        return None
    return int(dt.timestamp())


def parse_mail(raw: bytes) -> ParsedMail:
    if not raw.strip():
        raise UnreadableMail("empty message")
    try:
        msg = email.message_from_bytes(raw)
    except Exception as e:  # the stdlib parser is lenient; this is the last resort
        raise UnreadableMail(f"not a MIME message ({type(e).__name__})") from e
    try:
        return _parse(msg, raw)
    except UnreadableMail:
        raise
    except RecursionError as e:
        raise UnreadableMail("MIME structure too deep") from e
    except Exception as e:
        raise UnreadableMail(f"{type(e).__name__}: {str(e)[:200]}") from e


def _sender(value: str) -> tuple[str, str]:
    """Name and address; a From that the address parser rejects (control characters, bad
    quoting) still yields the address in its angle brackets or the first bare one."""
    froms = getaddresses([value])
    name, addr = froms[0] if froms else ("", "")
    if "@" not in addr:
        found = _ADDRESS.search(value)
        if found is None:
            return "", ""
        addr = found.group(1) or found.group(2)
        name = value[: found.start()].strip().strip('"')
    return name, addr.strip().lower()


def _parse(msg: Message, raw: bytes) -> ParsedMail:
    _repair_8bit_headers(msg)
    from_name, from_addr = _sender(decode_header_value(msg.get("from")))
    if not from_addr:
        raise UnreadableMail("no sender address")
    to_addrs = [a.lower() for _n, a in getaddresses([str(msg.get("to") or "")]) if a]
    message_id = next(iter(_ids(msg.get("message-id"))), "")
    if not message_id:
        # A stable stand-in, so the same mail seen twice (a resync) is still one message.
        message_id = f"<{hashlib.sha256(raw).hexdigest()[:32]}@agentdesk.invalid>"
    plain: list[str] = []
    html: list[str] = []
    attachments: list[MailPart] = []
    for index, part in enumerate(_walk(msg)):
        ctype = part.get_content_type()
        if _is_attachment(part, ctype):
            name = _filename(part) or f"part-{index + 1}"
            attachments.append(MailPart(index, name, ctype, len(_payload_bytes(part))))
        elif ctype == "text/html":
            html.append(_part_text(part))
        elif ctype == "text/plain":
            plain.append(_part_text(part))
    body = "\n\n".join(plain) if plain else html_to_text("\n".join(html))
    if len(body) > MAX_BODY_CHARS:
        size_mb = len(raw) / 1_000_000
        body = body[:MAX_BODY_CHARS] + f"\n\n[… message truncated; {size_mb:.1f} MB in all]"
    automatic = automatic_kind(msg, from_addr)
    references = _ids(msg.get("references"))
    if automatic:
        # A bounce rarely says what it answers in its own headers; the returned message
        # it carries does. Its Message-ID threads the bounce onto the ticket.
        references += [m for m in _returned_ids(msg) if m not in references]
    return ParsedMail(
        message_id=message_id,
        subject=decode_header_value(msg.get("subject")),
        from_name=from_name.strip() or from_addr.split("@")[0],
        from_addr=from_addr,
        to_addrs=to_addrs,
        date=_date(msg),
        in_reply_to=_ids(msg.get("in-reply-to")),
        references=references,
        body=fold_quoted(body.replace("\r\n", "\n")),
        attachments=attachments,
        automatic=automatic,
        size=len(raw),
    )


_HEADER_MSGID = re.compile(r"^Message-ID:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)


def _returned_ids(msg: Message) -> list[str]:
    """Message-IDs of the message a bounce or auto-reply returns (message/rfc822 or
    text/rfc822-headers parts), looked for only a few levels down."""
    found: list[str] = []
    stack = [(msg, 0)]
    while stack:
        part, depth = stack.pop()
        ctype = part.get_content_type()
        if ctype == "message/rfc822" and isinstance(part.get_payload(), list):
            for inner in part.get_payload():
                found += _ids(inner.get("message-id"))
        elif ctype == "text/rfc822-headers":
            found += _HEADER_MSGID.findall(_part_text(part))
        elif part.is_multipart() and depth < 3:
            stack += [(p, depth + 1) for p in part.get_payload() if isinstance(p, Message)]
    return found


def attachment_bytes(raw: bytes, index: int) -> tuple[str, bytes]:
    """The name and decoded content of the attachment listed at `index`."""
    msg = email.message_from_bytes(raw)
    for i, part in enumerate(_walk(msg)):
        if i == index:
            return _filename(part) or f"part-{index + 1}", _payload_bytes(part)
    raise UnreadableMail(f"no part {index} in this message")
