"""Python's cycle collector while a command starts.

Starting the console imports a few hundred modules and builds the first screen: some
130,000 objects that live as long as the process. With the default thresholds the
collector ran about 190 times during that start (60-70 ms, a tenth of the first paint)
and found next to nothing to free. While starting, it runs only every 100,000 net
allocations; once started (the console's and the monitor's first paint, at once for the
sync daemon and the web server) the thresholds are put back and what was built is frozen,
so later full collections (the console's steady state) do not walk the start-up objects
again.

A one-shot command (a report, a search, a fill) keeps the start-up pace to its end: it
frees what it allocates as it goes, and the usual pace spent a tenth of a fill (1,500
collections for 20,000 tickets, most of them full) and a fifth of a 7-day report at a
million tickets finding nothing. Garbage in cycles is still collected, every 100,000 net
allocations rather than every 700.
"""

from __future__ import annotations

import gc

_STARTING = (100_000, 10, 10)
_held: tuple[int, int, int] | None = None


def hold() -> None:
    global _held
    if _held is None:
        _held = gc.get_threshold()
        gc.set_threshold(*_STARTING)


def release() -> None:
    """Idempotent: the console releases after its first paint, other commands at once."""
    global _held
    if _held is not None:
        gc.set_threshold(*_held)
        _held = None
        gc.freeze()
