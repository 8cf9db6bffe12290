"""How a KPI figure reads: durations and shares, for the report and the monitor. Pure."""

from __future__ import annotations


def duration_label(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 86400}d{s % 86400 // 3600}h"


def share_label(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
