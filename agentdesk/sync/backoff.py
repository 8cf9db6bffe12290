"""Exponential backoff with full jitter, so many clients never retry in step."""

from __future__ import annotations

import random


def backoff_delay(
    attempt: int, base: float = 2.0, cap: float = 300.0, rng: random.Random | None = None
) -> float:
    """Seconds to wait before try number `attempt` + 1 (attempt >= 1)."""
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)


def retry_delay(attempt: int, retry_after: float | None, cap: float) -> float:
    """Backoff, but never sooner than the platform asked (Retry-After)."""
    delay = backoff_delay(attempt, cap=cap)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay
