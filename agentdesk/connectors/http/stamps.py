"""The ISO 8601 times REST platforms write (`2026-12-01T09:30:00Z`, or with an offset) as
epoch seconds, and back."""

from __future__ import annotations

import datetime as dt


def epoch(stamp: str | None) -> int:
    """Epoch seconds of a platform's time; 0 where it gives none."""
    if not stamp:
        return 0
    return int(dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def iso(at: float) -> str:
    """Epoch seconds as the UTC time a platform's query takes."""
    return dt.datetime.fromtimestamp(at, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def server_time(response) -> float:
    """The platform's clock, from an answer's Date header (ours may be off by seconds)."""
    import email.utils
    import time

    stamp = response.headers.get("date")
    if stamp:
        try:
            return email.utils.parsedate_to_datetime(stamp).timestamp()
        except (TypeError, ValueError):
            pass
    return time.time()
