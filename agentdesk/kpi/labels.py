"""How a KPI figure reads: durations and shares, for the report and the monitor. Pure."""

from __future__ import annotations

from agentdesk import durations


def duration_label(seconds: float | None, short: bool = False) -> str:
    """45s, 37m05s, 5h07m, 1d4h; `short` keeps to five cells for narrow columns: 37m, 5h07."""
    return "—" if seconds is None else durations.figure(seconds, short)


def share_label(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """One character per value, lowest ▁ to highest █ over the values' own range (a blank
    where there is no value), for a trend that fits on one line."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    span = high - low
    top = len(SPARKS) - 1
    return "".join(
        " " if v is None else SPARKS[round((v - low) / span * top) if span else top // 2]
        for v in values
    )
