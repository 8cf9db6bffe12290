"""Reading a period's bounds: "7d", "today", "now" or a date, in the agent's zone. Pure."""

from __future__ import annotations

import datetime as dt

from agentdesk.i18n import _
from agentdesk.kpi import metrics
from agentdesk.options import SchemaError, parse_duration


class PeriodError(ValueError):
    """A --since/--until value we cannot read; the message says what is accepted."""


def parse_moment(value: str, zone: dt.tzinfo | None, now: float, option: str) -> int:
    """A duration back from now ("7d", "12h"), "now", "today", or an ISO date or time
    (in the agent's zone unless it carries its own offset)."""
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
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone) if zone else moment.astimezone()
    return int(moment.timestamp())
