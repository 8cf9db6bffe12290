"""Small formatting helpers for cells: ages, countdowns, channel badges."""

from __future__ import annotations

import datetime as dt
import time

from agentdesk import durations
from agentdesk.i18n import N_, _
from agentdesk.store.schema import NO_DUE

# Four cells at most: the inbox's channel column.
CHANNEL_BADGES = {
    "email": N_("MAIL"),
    "chat": N_("CHAT"),
    "wechat": N_("WX"),
    "weibo": N_("WB"),
    "sms": N_("SMS"),
    "webform": N_("FORM"),
    "amazon": N_("AMZ"),
    "phone": N_("TEL"),
    "helpdesk": N_("DESK"),
}


def badge(channel: str) -> str:
    known = CHANNEL_BADGES.get(channel)
    return _(known) if known else channel[:4].upper()


def clock_stamp(at: dt.datetime, now: dt.datetime) -> str:
    """A moment as the console writes it: 14:05 today, 12-02 09:00 another day."""
    return at.strftime(_("%H:%M") if at.date() == now.date() else _("%m-%d %H:%M"))


def age(ts: int | None, now: float | None = None) -> str:
    if not ts:
        return ""
    return durations.age(int((now or time.time()) - ts))


def countdown(due: int | None, now: float | None = None) -> str:
    """Time left until an SLA is due; negative (overdue) is shown with a minus."""
    if due is None or due >= NO_DUE:
        return ""
    return durations.countdown(int(due - (now or time.time())))
