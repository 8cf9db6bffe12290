"""The time zone in use where the config names none: the system's, as the OS tells it
(the TZ variable, /etc/localtime), with its daylight-saving rules; UTC only when the
system names no zone at all."""

from __future__ import annotations

import warnings
from functools import cache
from zoneinfo import ZoneInfo

import tzlocal


@cache
def system_zone_name() -> str:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tzlocal warns on a TZ it has to guess about
            name = tzlocal.get_localzone_name()
        if name:
            ZoneInfo(name)
            return name
    except Exception:  # an unreadable /etc/localtime, a POSIX TZ string with no zone name
        pass
    return "UTC"
