"""Text out of real-world mail: charsets that lie, encoded-word headers, quoted history.

Pure functions, no I/O. Nothing here raises on bad input: a mail that cannot be decoded
properly is still shown, with replacement characters where bytes made no sense.
"""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

# Labels senders use for a charset that is really a superset: GB18030 decodes everything
# GB2312 and GBK do (and mail labelled GB2312 is very often GBK in fact); Big5-HKSCS the
# same for Big5; Windows-1252 for what is labelled Latin-1 but carries curly quotes.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
}
# Tried in order when the label is missing or wrong: strict UTF-8 first (it rarely decodes
# by accident), then the encodings this shop's customers most often use.
_FALLBACKS = ("utf-8", "gb18030", "big5hkscs", "shift_jis", "cp1252")


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = label.strip().strip('"').lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, label: str | None) -> str:
    """Bytes to text by the declared charset, else by the first fallback that fits."""
    declared = _codec(label)
    tried = []
    for name in ((declared,) if declared else ()) + _FALLBACKS:
        if name in tried:
            continue
        tried.append(name)
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode(declared or "utf-8", errors="replace")


# Adjacent encoded words are one run: the space between them is not part of the text.
_ENCODED_WORDS = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=(?:\s+=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)*")
_RAW_8BIT = re.compile(r"[\udc80-\udcff]+")


def raw_header_text(value: str) -> str:
    """A header that arrived as raw 8-bit bytes (RFC 6532 UTF-8, as many Chinese mail
    clients and gateways send, or a bare GBK one), which the parser keeps as surrogate
    escapes: those bytes decoded by the usual fallbacks. Encoded words stay for later."""
    if not _RAW_8BIT.search(value):
        return value
    return decode_bytes(value.encode("utf-8", "surrogateescape"), None)


def decode_header_value(value: object) -> str:
    """An RFC 2047 header (`=?gb2312?B?...?=`) to text; broken encoded words kept as typed."""
    if value is None:
        return ""
    raw = str(value)
    if not raw.isascii():
        # Raw UTF-8 text (RFC 6532) beside encoded words: decode_header would hand the
        # text back escaped, so only the encoded words go through it.
        out, pos = [], 0
        for word in _ENCODED_WORDS.finditer(raw):
            out += [raw[pos : word.start()], decode_header_value(word.group())]
            pos = word.end()
        return _unfold("".join(out) + raw[pos:])
    try:
        parts = decode_header(raw)
    except Exception:  # malformed encoded words: show what was sent rather than nothing
        return _unfold(raw)
    out = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    return _unfold("".join(out))


def _unfold(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


# "On Mon, 2 Jun 2025 at 10:00, Shop <support@shop.example> wrote:" and its Chinese and
# Outlook cousins start the quoted history of a reply.
_ATTRIBUTION = re.compile(
    r"^(On .{0,200}wrote:|.{0,80}于.{0,80}写道[:：]|-{2,}\s*Original Message\s*-{2,}"
    r"|-{2,}\s*原始邮件\s*-{2,}|From: .{0,200})$",
    re.IGNORECASE,
)


def fold_quoted(text: str) -> str:
    """Replace the quoted history at the end of a reply with one line saying how long it was.

    Only a trailing quote is folded; quotes interleaved with answers are kept, as they
    carry meaning. The mail itself stays on the server.
    """
    lines = text.rstrip().splitlines()
    cut = len(lines)
    i = len(lines) - 1
    while i >= 0 and (lines[i].startswith(">") or not lines[i].strip()):
        i -= 1
    if i < len(lines) - 1 and any(line.startswith(">") for line in lines[i + 1 :]):
        cut = i + 1
    if cut > 0 and _ATTRIBUTION.match(lines[cut - 1].strip()):
        cut -= 1
    elif cut == len(lines):
        # An Outlook-style reply quotes without ">": everything after the attribution line.
        for j, line in enumerate(lines):
            if j > 0 and _ATTRIBUTION.match(line.strip()) and line.strip().startswith(("-", "F")):
                cut = j
                break
    hidden = len(lines) - cut
    if hidden < 2:
        return text.strip()
    kept = "\n".join(lines[:cut]).rstrip()
    return f"{kept}\n\n[… {hidden} quoted lines]" if kept else text.strip()
