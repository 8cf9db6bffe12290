"""Reading a period's bounds as people say them, in the agent's zone. Pure.

A moment is a duration back from now ("7d", "1d12h"), "now", a date or a time, or the
start of a named period: today, yesterday, this week, last week, this month, last month
(and 今天, 昨天, 本周, 上周, 本月, 上月). A period that has ended (yesterday, last week, last
month) also ends there when no --until is given: `--since 上周` is last week.
"""

from __future__ import annotations

import datetime as dt

from agentdesk.i18n import _
from agentdesk.options import SchemaError, parse_duration


class PeriodError(ValueError):
    """A --since/--until value we cannot read; the message says what is accepted."""


# A period is read and shown as dates: it must stay within what dates can say.
EARLIEST = 86400  # 1970-01-02
LATEST = 253370764800  # 9998-12-31

# name -> (unit, offset): offset 0 is the current one, -1 the one before.
NAMED = {
    "today": ("day", 0),
    "yesterday": ("day", -1),
    "this week": ("week", 0),
    "last week": ("week", -1),
    "this month": ("month", 0),
    "last month": ("month", -1),
    "今天": ("day", 0),
    "昨天": ("day", -1),
    "本周": ("week", 0),
    "这周": ("week", 0),
    "上周": ("week", -1),
    "本月": ("month", 0),
    "这个月": ("month", 0),
    "上月": ("month", -1),
    "上个月": ("month", -1),
}


def parse_period(
    since: str, until: str | None, zone: dt.tzinfo | None, now: float
) -> tuple[int, int]:
    """[start, end) from --since and --until (None: now, or the end of a named period that
    is over)."""
    start, natural_end = _moment(since, zone, now, "--since")
    if until is None:
        end = natural_end if natural_end is not None else int(now)
    else:
        end, _natural = _moment(until, zone, now, "--until")
    if end <= start:
        raise PeriodError(_("--until must come after --since"))
    return start, end


def parse_moment(value: str, zone: dt.tzinfo | None, now: float, option: str) -> int:
    return _moment(value, zone, now, option)[0]


def _moment(value: str, zone: dt.tzinfo | None, now: float, option: str) -> tuple[int, int | None]:
    text = " ".join(value.strip().lower().split())
    if text in NAMED:
        return _named(*NAMED[text], zone, now)
    if text == "now":
        return int(now), None
    try:
        return _checked(int(now) - parse_duration(text, option), value, option), None
    except SchemaError:
        pass
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(
            _(
                '{option}: expected a duration such as "7d" or "1d12h", a day such as "today",'
                ' "yesterday", "this week", "last month" or "上周", "now" or a date such as'
                " 2026-11-16, got {value!r}"
            ).format(option=option, value=value)
        ) from None
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone) if zone else moment.astimezone()
        at = int(moment.timestamp())
    except (OverflowError, ValueError, OSError):
        at = -1  # out of range: said below
    return _checked(at, value, option), None


def _checked(moment: int, value: str, option: str) -> int:
    if not EARLIEST <= moment <= LATEST:
        raise PeriodError(
            _("{option}: {value!r} is outside 1970-01-02 … 9998-12-31").format(
                option=option, value=value
            )
        )
    return moment


def _named(unit: str, offset: int, zone: dt.tzinfo | None, now: float) -> tuple[int, int | None]:
    """The start of the day, week (from Monday) or month `offset` back, and its end if it
    is over."""
    today = dt.datetime.fromtimestamp(now, zone).astimezone(zone).date()
    if unit == "day":
        first = today + dt.timedelta(days=offset)
        following = first + dt.timedelta(days=1)
    elif unit == "week":
        monday = today - dt.timedelta(days=today.weekday())
        first = monday + dt.timedelta(weeks=offset)
        following = first + dt.timedelta(weeks=1)
    else:
        first = today.replace(day=1)
        for _step in range(-offset):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
    return _midnight(first, zone), (_midnight(following, zone) if offset < 0 else None)


def _midnight(day: dt.date, zone: dt.tzinfo | None) -> int:
    moment = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    if zone is None:
        moment = dt.datetime.combine(day, dt.time()).astimezone()
    return int(moment.timestamp())
