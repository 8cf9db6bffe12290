"""Business hours and holidays for SLA clocks: pure logic, no I/O.

A policy's targets count only the time its team works: "Mon-Fri 09:00-18:00" in the
policy's zone, minus holidays. A chat at 17:55 on Friday with a 15-minute target is due at
09:10 on Monday. Without business hours a clock runs round the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(
    r"^\s*(?P<days>[a-z]{3}(?:\s*-\s*[a-z]{3})?(?:\s*,\s*[a-z]{3}(?:\s*-\s*[a-z]{3})?)*)"
    r"\s+(?P<open>\d{1,2}:\d{2})\s*-\s*(?P<close>\d{1,2}:\d{2})\s*$",
    re.IGNORECASE,
)
MAX_DAYS = 3 * 366  # a target that does not fit in three years of working days is an error


class HoursError(ValueError):
    """A business-hours or holiday value we cannot read; the message says what is expected."""


@dataclass(frozen=True)
class Calendar:
    zone: dt.tzinfo
    # weekday (0 = Monday) -> working ranges as (start, end) seconds after midnight
    week: tuple[tuple[tuple[int, int], ...], ...]
    holidays: frozenset[dt.date]


def _minutes(text: str) -> int:
    hours, minutes = (int(x) for x in text.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise HoursError(f"{text} is not a time of day")
    return hours * 3600 + minutes * 60


def _days(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.lower().split(","):
        ends = [p.strip() for p in part.split("-")]
        if any(e not in DAYS for e in ends):
            raise HoursError(f"{part.strip()!r}: days are written Mon, Tue, … Sun")
        first, last = DAYS.index(ends[0]), DAYS.index(ends[-1])
        out += (
            list(range(first, last + 1))
            if first <= last
            else [*range(first, 7), *range(0, last + 1)]
        )
    return out


def parse_calendar(hours: list[str], holidays: list[str], zone: str) -> Calendar | None:
    """None for an empty `hours` (round the clock). `zone` is a zone name, the config's or
    the system's (the caller knows which)."""
    if not hours:
        return None
    week: list[list[tuple[int, int]]] = [[] for _ in DAYS]
    for text in hours:
        m = _RANGE.match(text)
        if not m:
            raise HoursError(f'{text!r}: expected ranges such as "Mon-Fri 09:00-18:00"')
        start, end = _minutes(m["open"]), _minutes(m["close"])
        if end <= start:
            raise HoursError(f"{text!r}: the day must end after it starts")
        for day in _days(m["days"]):
            week[day].append((start, end))
    days = set()
    for text in holidays:
        try:
            days.add(dt.date.fromisoformat(text.strip()))
        except ValueError:
            raise HoursError(f"{text!r}: holidays are dates such as 2026-10-01") from None
    try:
        tz = ZoneInfo(zone)
    except Exception:
        raise HoursError(f'unknown time zone "{zone}"') from None
    return Calendar(tz, tuple(tuple(sorted(r)) for r in week), frozenset(days))


def add_working_time(start: int, seconds: int, cal: Calendar | None) -> int:
    """The moment `seconds` of working time after `start` have passed."""
    if cal is None:
        return start + seconds
    remaining = seconds
    cursor = dt.datetime.fromtimestamp(start, cal.zone)
    day = cursor.date()
    for _ in range(MAX_DAYS):
        if day not in cal.holidays:
            midnight = dt.datetime.combine(day, dt.time(), cal.zone)
            for open_s, close_s in cal.week[day.weekday()]:
                # Wall-clock hours: a day that changes its UTC offset keeps its opening hours.
                opens = _at(midnight, open_s, cal.zone)
                closes = _at(midnight, close_s, cal.zone)
                begin = max(opens, cursor)
                if begin >= closes:
                    continue
                available = int((closes - begin).total_seconds())
                if remaining <= available:
                    return int(begin.timestamp()) + remaining
                remaining -= available
        day += dt.timedelta(days=1)
    raise HoursError("no working time in the next three years")


def _at(midnight: dt.datetime, seconds: int, zone: dt.tzinfo) -> dt.datetime:
    if seconds >= 86400:
        return dt.datetime.combine(midnight.date() + dt.timedelta(days=1), dt.time(), zone)
    return midnight.replace(hour=seconds // 3600, minute=seconds % 3600 // 60)
