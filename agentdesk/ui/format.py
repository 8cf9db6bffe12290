"""Small formatting helpers for cells: ages, countdowns, channel badges."""

from __future__ import annotations

import time

from agentdesk.store.schema import NO_DUE

CHANNEL_BADGES = {
    "email": "MAIL",
    "chat": "CHAT",
    "wechat": "WX",
    "weibo": "WB",
    "sms": "SMS",
    "webform": "FORM",
    "amazon": "AMZ",
    "phone": "TEL",
    "helpdesk": "DESK",
}


def age(ts: int | None, now: float | None = None) -> str:
    if not ts:
        return ""
    secs = max(0, int((now or time.time()) - ts))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            return f"{secs // size}{unit}"
    return f"{secs}s"


def countdown(due: int | None, now: float | None = None) -> str:
    """Time left until an SLA is due; negative (overdue) is shown with a minus."""
    if due is None or due >= NO_DUE:
        return ""
    left = int(due - (now or time.time()))
    sign = "-" if left < 0 else ""
    left = abs(left)
    if left >= 86400:
        return f"{sign}{left // 86400}d{(left % 86400) // 3600}h"
    if left >= 3600:
        return f"{sign}{left // 3600}h{(left % 3600) // 60:02d}m"
    return f"{sign}{left // 60}m"
