"""Reading a period's bounds: "7d", "today", "now" or a date, in the agent's zone. Pure."""

from __future__ import annotations

import datetime as dt

from agentdesk.i18n import _
from agentdesk.kpi import metrics
from agentdesk.options import SchemaError, parse_duration


class PeriodError(ValueError):
    """A --since/--until value we cannot read; the message says what is accepted."""


# A period is read and shown as dates: it must stay within what dates can say.
EARLIEST = 86400  # 1970-01-02
LATEST = 253370764800  # 9998-12-31


def parse_moment(value: str, zone: dt.tzinfo | None, now: float, option: str) -> int:
    """A duration back from now ("7d", "12h"), "now", "today", or an ISO date or time
    (in the agent's zone unless it carries its own offset)."""
    moment = _moment(value, zone, now, option)
    if not EARLIEST <= moment <= LATEST:
        raise PeriodError(
            _("{option}: {value!r} is outside 1970-01-02 … 9998-12-31").format(
                option=option, value=value
            )
        )
    return moment


def _moment(value: str, zone: dt.tzinfo | None, now: float, option: str) -> int:
    text = value.strip().lower()
    if text == "now":
        return int(now)
    if text == "today":
        return metrics.day_start(now, zone)
    try:
        return int(now) - parse_duration(text, option)
    except SchemaError:
        pass
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(
            _(
                '{option}: expected a duration such as "7d", "today", "now" or a date such as'
                " 2026-11-16, got {value!r}"
            ).format(option=option, value=value)
        ) from None
    try:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone) if zone else moment.astimezone()
        return int(moment.timestamp())
    except (OverflowError, ValueError, OSError):
        return -1  # out of range: the caller says so
