"""The search language shared by `agentdesk search`, the console's `/` bar and saved views.

    refund status:open,pending channel:wechat assignee:me team:VIP tag:a-to-z
    from:alice before:2026-11-01 after:2026-10-01 order:LL-10023 "wrong size"

Free words and "quoted phrases" are full-text terms (all must match); `key:value` pairs
are filters, comma-separated values meaning any of them. Pure parsing, no I/O.
"""

from __future__ import annotations

import datetime as dt
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
)
STATUS_GROUPS = {"unsolved": ("new", "open", "pending", "on_hold"), "solved": ("solved", "closed")}


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
    before: int | None = None  # created before this UTC epoch second
    after: int | None = None  # created at or after


# A search is turned into one SQL statement; SQLite refuses past a certain size ("Expression
# tree is too large"), and no person types more than this: say so instead.
MAX_QUERY_CHARS = 2000
MAX_WORDS_AND_VALUES = 100
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 2), dt.date(9998, 12, 31)


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
    for token in tokens:
        key, sep, value = token.partition(":")
        if not sep or not key.isalpha() or " " in token:
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
                            value=v, known=", ".join((*STATUSES, *STATUS_GROUPS))
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
