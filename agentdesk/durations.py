"""Durations as people read them, in the interface's language: `13h`/`13小时` for an age,
`7h50m`/`7时50分` for an SLA countdown, `37m05s`/`37分05秒` for a KPI figure. Pure.

Each form is a catalogue entry with its numbers as placeholders, so a language puts its
units where its grammar wants them; the context (`p_`) keeps the compact forms of a
column apart from the fuller ones of a sentence."""

from __future__ import annotations

from rich.cells import cell_len

from agentdesk.i18n import p_

DAY, HOUR, MINUTE = 86400, 3600, 60


def age(secs: int) -> str:
    """How long ago, in one unit: 45s, 12m, 13h, 2d."""
    secs = max(0, secs)
    if secs >= DAY:
        return p_("age", "{n}d").format(n=secs // DAY)
    if secs >= HOUR:
        return p_("age", "{n}h").format(n=secs // HOUR)
    if secs >= MINUTE:
        return p_("age", "{n}m").format(n=secs // MINUTE)
    return p_("age", "{n}s").format(n=secs)


def countdown(left: int) -> str:
    """Time left, to the minute; overdue (negative) with a minus: 7h50m, -1d2h, 12m."""
    sign = "-" if left < 0 else ""
    left = abs(left)
    if left >= DAY:
        text = p_("countdown", "{d}d{h}h").format(d=left // DAY, h=left % DAY // HOUR)
    elif left >= HOUR:
        text = p_("countdown", "{h}h{m:02d}m").format(h=left // HOUR, m=left % HOUR // MINUTE)
    else:
        text = p_("countdown", "{m}m").format(m=left // MINUTE)
    return sign + text


def countdown_phrase(left: int) -> str:
    """A countdown in a sentence, in a language's fuller words: `7h50m` / `剩余 7小时50分`;
    `-1d2h` / `已超时 1天2小时`."""
    if left < 0:
        return p_("overdue by", "-{left}").format(left=_spelled(-left))
    return p_("time left", "{left}").format(left=_spelled(left))


def _spelled(left: int) -> str:
    if left >= DAY:
        return p_("duration", "{d}d{h}h").format(d=left // DAY, h=left % DAY // HOUR)
    if left >= HOUR:
        return p_("duration", "{h}h{m:02d}m").format(h=left // HOUR, m=left % HOUR // MINUTE)
    return p_("duration", "{m}m").format(m=left // MINUTE)


def figure(seconds: float, short: bool = False) -> str:
    """A KPI duration: 45s, 37m05s, 5h07m, 1d4h; `short` keeps to about five cells: 37m, 5h07."""
    s = int(round(seconds))
    if s < MINUTE:
        return p_("figure", "{s}s").format(s=s)
    if s < HOUR:
        if short:
            return p_("figure", "{m}m").format(m=s // MINUTE)
        return p_("figure", "{m}m{s:02d}s").format(m=s // MINUTE, s=s % MINUTE)
    if s < DAY:
        h, m = s // HOUR, s % HOUR // MINUTE
        if short:
            return p_("figure short", "{h}h{m:02d}").format(h=h, m=m)
        return p_("figure", "{h}h{m:02d}m").format(h=h, m=m)
    return p_("figure", "{d}d{h}h").format(d=s // DAY, h=s % DAY // HOUR)


def widest(form, samples: tuple[int, ...]) -> int:
    """The cells the widest of these values takes in this language: a column's width."""
    return max(cell_len(form(v)) for v in samples)
