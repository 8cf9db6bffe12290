"""`agentdesk bench --compare OLD.json`: each figure of a saved run beside today's, with the
ratio, so a change that slows the console is seen before it lands. Pure.

A figure's key is its path in `bench --json`'s document, joined by dots, with a query's
list entry named by the query (`queries.search: refund.median_ms`,
`console.j_latency_ms.p99`, `console.first_paint_ms`). The keys are stable: a figure keeps
its key from one version to the next, so saved runs stay comparable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Counts that describe the cache, not how fast it was read: not compared.
_NOT_TIMINGS = ("rows", "tickets", "messages", "runs", "j_presses", "replies", "seconds")


def flatten(results: Mapping[str, Any], prefix: str = "") -> dict[str, float]:
    """Every number in a bench document by its stable key."""
    out: dict[str, float] = {}
    for key, value in results.items():
        path = f"{prefix}{key}"
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            if key not in _NOT_TIMINGS:
                out[path] = float(value)
        elif isinstance(value, Mapping):
            out.update(flatten(value, path + "."))
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping) and "name" in item:
                    out.update(flatten(item, f"{path}.{item['name']}."))
                elif isinstance(item, list | tuple):  # a (median, max) pair
                    continue
    return out


def compare(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[tuple[str, float | None, float | None, float | None]]:
    """(key, old, new, new/old) for every figure either run has, in key order; the ratio is
    None where one side has no figure or the old one is 0."""
    a, b = flatten(old), flatten(new)
    rows = []
    for key in sorted(set(a) | set(b)):
        before, now = a.get(key), b.get(key)
        ratio = now / before if before and now is not None else None
        rows.append((key, before, now, ratio))
    return rows
