"""When a snoozed ticket wakes: the presets `z` offers and the times an agent types
(`15:30`, `tomorrow 9`, `2026-12-24`, `明天9点`, `下周一`, `2h`). Pure: the clock, the zone and
the working day's start are passed in, so tests and the console agree on "tomorrow"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from agentdesk.i18n import _


class WhenError(ValueError):
    """A typed time that cannot be read, or one that has already passed."""


@dataclass(frozen=True)
class Preset:
    label: str
    at: dt.datetime  # aware, in the agent's zone


def clock(text: str) -> dt.time:
    """ "09:00" from the config (already checked to be HH:MM)."""
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def _on(day: dt.date, at: dt.time, zone: dt.tzinfo | None) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=zone)


def _next_weekday(today: dt.date, weekday: int) -> dt.date:
    """The next such weekday after today (a week on, when today is that day)."""
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def presets(now: dt.datetime, day_starts: dt.time, evening: dt.time) -> list[Preset]:
    """In an hour, this evening (while it is still ahead), tomorrow morning, next Monday."""
    out = [Preset(_("In 1 hour"), (now + dt.timedelta(hours=1)).replace(second=0, microsecond=0))]
    tonight = _on(now.date(), evening, now.tzinfo)
    if tonight - now >= dt.timedelta(minutes=30):
        out.append(Preset(_("This evening"), tonight))
    out.append(
        Preset(
            _("Tomorrow morning"), _on(now.date() + dt.timedelta(days=1), day_starts, now.tzinfo)
        )
    )
    monday = _next_weekday(now.date(), 0)
    out.append(Preset(_("Next Monday"), _on(monday, day_starts, now.tzinfo)))
    return out


_UNITS = {
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "分钟": 60, "分": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600, "小时": 3600, "个小时": 3600,
    "d": 86400, "day": 86400, "days": 86400, "天": 86400,
}  # fmt: skip
_RELATIVE = re.compile(
    r"(?:in\s+|\+)?(\d{1,4})\s*("
    + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
    + r")(?:后|以后)?"
)
_WEEKDAYS_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAYS_ZH = "一二三四五六日"
_DAY = re.compile(
    r"(?P<word>today|tomorrow|tmr|tonight|this evening|今天|今晚|明天|明早|明晚|后天)"
    r"|(?P<next>next\s+)?(?P<en>mon|tue|wed|thu|fri|sat|sun)[a-z]*"
    r"|(?P<zhnext>下)?(?:周|星期|礼拜)(?P<zh>[一二三四五六日天])"
    r"|(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<mo2>\d{1,2})-(?P<d2>\d{1,2})(?![\d:])"
    r"|(?P<mo3>\d{1,2})月(?P<d3>\d{1,2})[日号]"
)
_TIME = re.compile(
    r"(?:at\s*)?(?P<part>上午|早上|中午|下午|晚上)?\s*(?P<h>\d{1,2})"
    r"(?::(?P<m>\d{2})|点(?:(?P<half>半)|(?P<zm>\d{1,2})分?)?|时)?\s*(?P<ampm>am|pm)?"
)


def _time_of(m: re.Match) -> dt.time:
    hour = int(m["h"])
    minute = 30 if m["half"] else int(m["m"] or m["zm"] or 0)
    later = m["ampm"] == "pm" or m["part"] in ("下午", "晚上")
    if later and hour < 12:
        hour += 12
    elif (m["ampm"] == "am" or m["part"] in ("上午", "早上")) and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise WhenError(_("not a time of day: {text}").format(text=m.group(0).strip()))
    return dt.time(hour, minute)


def _day_of(m: re.Match, today: dt.date, evening: dt.time) -> tuple[dt.date, dt.time | None]:
    """The day a day word names, and the time it implies (tonight: the evening)."""
    word = m["word"]
    if word:
        if word in ("today", "今天"):
            return today, None
        if word in ("tonight", "this evening", "今晚"):
            return today, evening
        if word in ("后天",):
            return today + dt.timedelta(days=2), None
        if word == "明晚":
            return today + dt.timedelta(days=1), evening
        return today + dt.timedelta(days=1), None
    if m["en"]:
        return _next_weekday(today, _WEEKDAYS_EN.index(m["en"])), None
    if m["zh"]:
        weekday = 6 if m["zh"] in "日天" else _WEEKDAYS_ZH.index(m["zh"])
        if m["zhnext"]:  # 下周一: that day of the coming calendar week
            monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
            return monday + dt.timedelta(days=weekday), None
        return _next_weekday(today, weekday), None
    year = int(m["y"]) if m["y"] else today.year
    month = int(m["mo"] or m["mo2"] or m["mo3"])
    day = int(m["d"] or m["d2"] or m["d3"])
    try:
        date = dt.date(year, month, day)
    except ValueError:
        raise WhenError(_("not a date: {text}").format(text=m.group(0))) from None
    if not m["y"] and date < today:
        date = date.replace(year=year + 1)
    return date, None


def parse_when(
    text: str, now: dt.datetime, day_starts: dt.time, evening: dt.time = dt.time(18)
) -> dt.datetime:
    """The moment a typed time means, in `now`'s zone; WhenError with the reason when it
    cannot be read or is not in the future."""
    typed = " ".join(text.strip().lower().split())
    if not typed:
        raise WhenError(_("type a time, such as 15:30, tomorrow 9, 2026-12-24 or 明天9点"))
    relative = _RELATIVE.fullmatch(typed)
    if relative:
        at = now + dt.timedelta(seconds=int(relative[1]) * _UNITS[relative[2]])
        return at.replace(second=0, microsecond=0)
    day_match = _DAY.match(typed)
    rest = typed[day_match.end() :].strip() if day_match else typed
    time_match = _TIME.fullmatch(rest) if rest else None
    if rest and time_match is None:
        raise WhenError(
            _("cannot read {text!r}: try 15:30, tomorrow 9, 2026-12-24 or 明天9点").format(
                text=text.strip()
            )
        )
    at_time = _time_of(time_match) if time_match else None
    if day_match:
        day, implied = _day_of(day_match, now.date(), evening)
        if at_time is None:
            at_time = implied or day_starts
        elif implied == evening and at_time.hour < 12:
            at_time = at_time.replace(hour=at_time.hour + 12)  # tonight 8, 明晚8点: the evening
        at = _on(day, at_time, now.tzinfo)
    else:
        assert at_time is not None
        at = _on(now.date(), at_time, now.tzinfo)
        if at <= now:  # a time alone that has passed today means tomorrow
            at += dt.timedelta(days=1)
    if at <= now:
        raise WhenError(_("{when} has already passed").format(when=at.strftime("%Y-%m-%d %H:%M")))
    return at
