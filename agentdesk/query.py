"""The search language shared by `agentdesk search`, the console's `/` bar and saved views.

    refund status:open,pending channel:wechat assignee:me team:VIP tag:a-to-z
    from:alice before:2026-11-01 after:2026-10-01 order:LL-10023 "wrong size"
    #DEMO-288   288   SF773432959305   13800138000   li.wei@example.cn

Free words and "quoted phrases" are full-text terms (all must match); `key:value` pairs
are filters, comma-separated values meaning any of them. Agents search the way customers
talk, so a bare term that looks like an identifier (a number, a code with digits, an
e-mail address) finds tickets by ticket number, order or tracking number, phone, e-mail or
handle as well as by its text; `#288` or `#DEMO-288` is a ticket number only. Pure
parsing, no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass, field

from agentdesk.i18n import _
from agentdesk.model import CHANNELS, PRIORITIES, STATUSES

FILTER_KEYS = (
    "status",
    "channel",
    "assignee",
    "team",
    "tag",
    "from",
    "before",
    "after",
    "order",
    "priority",
    "number",
)
STATUS_GROUPS = {"unsolved": ("new", "open", "pending", "on_hold"), "solved": ("solved", "closed")}


# The syntax as the console's `?` and the README show it: (what to type, what it finds).
SEARCH_SYNTAX = (
    ('refund 退款 "wrong size"', _("words and phrases, in any language: all must match")),
    ("288  DEMO-288", _("a ticket number, or those words in the text")),
    ("#288  number:288,289", _("ticket numbers only")),
    ("LL0000662  SF773432959305", _("an order or tracking number: the customer's tickets")),
    ("+86 138 0013 8000", _("a phone number, with or without spaces and +86")),
    ("li@example.cn  wxid_…", _("the customer's e-mail address or handle")),
    ("from:alice  order:LL0000662", _("a customer by name, e-mail, phone or handle; an order")),
    ("status:unsolved", _("new, open, pending, on_hold, solved, closed; unsolved, solved")),
    ("channel:wechat,sms", _("channels; a comma means any of them")),
    ("assignee:me,none  team:VIP", _("assignee (me, none or a name), team")),
    ("assignee:zw  team:shouhou", _("Chinese names by pinyin, full or initials")),
    ("from:wy  from:wangyan", _("a customer's Chinese name by pinyin, too")),
    ("tag:vip  priority:high", _("tag, priority")),
    ("after:2026-11-01", _("created on or after a day (before: before it)")),
)


class QueryError(ValueError):
    """A query the user must fix; the message says what is wrong."""


@dataclass
class Query:
    terms: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)  # "me", "none" or names
    teams: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    customers: list[str] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)
    priorities: list[str] = field(default_factory=list)
    # ticket numbers ("288" or "DEMO-288"); each group is one term or filter: any of it
    numbers: list[list[str]] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)  # bare terms: an identifier or text
    before: int | None = None  # created before this UTC epoch second
    after: int | None = None  # created at or after


# A search is turned into one SQL statement; SQLite refuses past a certain size ("Expression
# tree is too large"), and no person types more than this: say so instead.
MAX_QUERY_CHARS = 2000
MAX_WORDS_AND_VALUES = 100
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 2), dt.date(9998, 12, 31)

# A ticket number as shown (#DEMO-288) or typed (DEMO-288, #288).
_TICKET_NUMBER = re.compile(r"#?((?:[A-Za-z]+-)?\d{1,12})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Order and tracking numbers, phone numbers, platform handles: letters, digits and the
# punctuation people type inside them, with digits in it.
_CODE = re.compile(r"[+(]?[A-Za-z0-9][A-Za-z0-9()._-]*")


_DIGIT_GROUP = re.compile(r"\+?\(?\d{1,8}\)?-?")


def _join_phone_groups(tokens: list[str]) -> list[str]:
    """A phone number typed in groups ("+86 138 0013 8000") is one term: runs of short digit
    groups with seven digits or more between them are joined."""
    out: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if token and _DIGIT_GROUP.fullmatch(token):
            run.append(token)
            continue
        if sum(c.isdigit() for c in "".join(run)) >= 7 and len(run) > 1:
            out.append("".join(run))
        else:
            out += run
        run = []
        if token:
            out.append(token)
    return out


def is_ticket_number(term: str) -> bool:
    return _TICKET_NUMBER.fullmatch(term) is not None


def classify_term(term: str) -> str:
    """ "number" (a ticket number and nothing else), "identifier" (an identifier or text)
    or "text"."""
    if term.startswith("#"):
        return "number" if _TICKET_NUMBER.fullmatch(term) else "text"
    if _EMAIL.fullmatch(term):
        return "identifier"
    if _CODE.fullmatch(term) and any(c.isdigit() for c in term):
        return "identifier"
    return "text"


def _date(value: str, key: str, tz: dt.tzinfo | None) -> int:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise QueryError(
            _("{key}: expected a date like 2026-11-01, got {value!r}").format(key=key, value=value)
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise QueryError(
            _("{key}: expected a date between {first} and {last}, got {value!r}").format(
                key=key, first=FIRST_DAY, last=LAST_DAY, value=value
            )
        )
    # A date means midnight in the agent's zone (rule: times are shown in the agent's zone).
    moment = (
        dt.datetime.combine(day, dt.time(), tzinfo=tz)
        if tz
        else dt.datetime.combine(day, dt.time()).astimezone()
    )
    return int(moment.timestamp())


def parse(text: str, tz: dt.tzinfo | None = None) -> Query:
    """Parse a query string; raises QueryError with a message for the user."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            _("the search is too long ({n:,} characters; at most {most:,})").format(
                n=len(text), most=MAX_QUERY_CHARS
            )
        )
    try:
        tokens = shlex.split(text, posix=True)
    except ValueError:
        raise QueryError(_("unbalanced quotes in the search")) from None
    parts = sum(max(1, t.count(",") + 1) for t in tokens)
    if parts > MAX_WORDS_AND_VALUES:
        raise QueryError(
            _("the search has too many words and values ({n:,}; at most {most})").format(
                n=parts, most=MAX_WORDS_AND_VALUES
            )
        )
    q = Query()
    for token in _join_phone_groups(tokens):
        key, sep, value = token.partition(":")
        if not sep or not key.isalpha() or " " in token:
            kind = classify_term(token) if " " not in token else "text"
            if kind == "number":
                q.numbers.append([token.lstrip("#")])
            elif kind == "identifier":
                q.identifiers.append(token)
            else:
                q.terms.append(token)
            continue
        key = key.lower()
        if key not in FILTER_KEYS:
            raise QueryError(
                _("unknown filter {key}: (expected one of: {keys})").format(
                    key=key, keys=", ".join(k + ":" for k in FILTER_KEYS)
                )
            )
        values = [v for v in value.split(",") if v]
        if not values:
            raise QueryError(_("{key}: needs a value").format(key=key))
        if key == "status":
            for v in values:
                v = v.lower().replace("-", "_")
                if v in STATUS_GROUPS:
                    q.statuses.extend(STATUS_GROUPS[v])
                elif v in STATUSES:
                    q.statuses.append(v)
                else:
                    raise QueryError(
                        _("status: unknown status {value!r} (expected one of: {known})").format(
                            value=v, known=", ".join(dict.fromkeys((*STATUSES, *STATUS_GROUPS)))
                        )
                    )
        elif key == "channel":
            for v in values:
                if v.lower() not in CHANNELS:
                    raise QueryError(
                        _("channel: unknown channel {value!r} (expected one of: {known})").format(
                            value=v, known=", ".join(CHANNELS)
                        )
                    )
                q.channels.append(v.lower())
        elif key == "assignee":
            q.assignees.extend(values)
        elif key == "team":
            q.teams.extend(values)
        elif key == "tag":
            q.tags.extend(values)
        elif key == "from":
            q.customers.extend(values)
        elif key == "order":
            q.orders.extend(values)
        elif key == "number":
            for v in values:
                if not _TICKET_NUMBER.fullmatch(v):
                    raise QueryError(
                        _(
                            "number: expected a ticket number such as 288 or DEMO-288, got {value!r}"
                        ).format(value=v)
                    )
            q.numbers.append([v.lstrip("#") for v in values])
        elif key == "priority":
            for v in values:
                if v.lower() not in PRIORITIES:
                    raise QueryError(
                        _("priority: unknown priority {value!r} (expected one of: {known})").format(
                            value=v, known=", ".join(PRIORITIES)
                        )
                    )
                q.priorities.append(v.lower())
        elif key == "before":
            q.before = _date(values[0], key, tz)
        elif key == "after":
            q.after = _date(values[0], key, tz)
    return q
