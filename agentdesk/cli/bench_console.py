"""`agentdesk bench --tickets N`: the console as an agent feels it, on a demo workspace of
N tickets: first paint, j latency and bytes per j through a real pseudo-terminal at
120x40, opening a conversation, search, the canned-reply picker, peak memory.

The console runs as its own process with sync switched off, so only the console's own
work is measured; the workspace is built once and reused.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from agentdesk.canned.library import CannedEntry
from agentdesk.canned.search import CannedIndex
from agentdesk.cli.pty_session import quiet_console
from agentdesk.config.settings import Settings
from agentdesk.connectors.demo.canned import canned_replies
from agentdesk.query import parse
from agentdesk.store import reads
from agentdesk.store.db import Store
from agentdesk.store.filters import compile_query
from agentdesk.store.views import builtin_views
from agentdesk.ui.conversation_render import THREAD_PARTS, customer_card, header, thread
from agentdesk.ui.inbox_window import read_slice

_STYLES = dict.fromkeys(THREAD_PARTS, "")


def _pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


WALK_QUERY = "refund"


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def console_bench(settings: Settings, presses: int = 100, idle: float = 30.0) -> dict:
    """Drive the console in a pty: first paint, then `presses` j presses through the results
    of searching WALK_QUERY, then `idle` seconds without a key (0: not measured).

    A press's latency is the time until the last byte of the redraw it caused."""
    with Store.open_dir(settings.data_dir, readonly=True) as store:
        me = settings.agent.email
        mine = builtin_views(store, me, settings.ui.sla_warning)[0]
        first = reads.page(store, mine.filter, settings.ui.sort, limit=1, me=me)
        marker = (first[0]["customer_name"] if first else "Mine").split()[0][:4]
        results = reads.count(store, compile_query(parse(WALK_QUERY), me))
    # Never past the last result: a j there moves nothing, and what it waits for is not a paint.
    rests = max(5, presses // 5)
    presses = max(1, min(presses, results - rests - 1))
    with quiet_console(settings.data_dir) as session:
        session.read_until(lambda b: marker.encode() in b and b"outbox" in b, timeout=60)
        first_paint = time.monotonic() - session.started
        session.read_burst(quiet=0.3)  # let the start settle
        # The results of a common word: in a well-run shop every built-in view is short (the
        # demo's All open holds about sixty tickets), a search result runs to thousands.
        session.send(b"/" + WALK_QUERY.encode() + b"\r")
        session.read_burst(quiet=0.3)
        # Moving: j pressed again as soon as the last one is drawn. The inbox repaints two lines;
        # the conversation waits until the cursor rests.
        latencies, sizes = [], []
        for _ in range(presses):
            session.send(b"j")
            burst, latency = session.read_burst(quiet=0.02, timeout=1.0)
            latencies.append(latency)
            sizes.append(len(burst))
        session.read_burst(quiet=0.3)
        # Resting: one j, then everything it causes, the conversation included.
        rest_latency, rest_sizes = [], []
        for _ in range(rests):
            session.send(b"j")
            burst, latency = session.read_burst(quiet=0.25, timeout=2)
            rest_latency.append(latency)  # when the last byte came
            rest_sizes.append(len(burst))
        rss = _peak_rss_mb(session.proc.pid)
        idle_cost = _idle_cost(session, idle) if idle > 0 else None
    return {
        "first_paint_ms": _ms(first_paint),
        "j_latency_ms": {"p50": _ms(_pct(latencies, 50)), "p99": _ms(_pct(latencies, 99))},
        "bytes_per_j": {"median": int(statistics.median(sizes)), "max": max(sizes)},
        "j_presses": presses,
        "j_then_rest": {
            "conversation_painted_ms": {
                "p50": _ms(_pct(rest_latency, 50)),
                "p99": _ms(_pct(rest_latency, 99)),
            },
            "bytes": {"median": int(statistics.median(rest_sizes)), "max": max(rest_sizes)},
        },
        "peak_rss_mb": rss,
        **({"idle": idle_cost} if idle_cost else {}),
    }


def _idle_cost(session, seconds: float) -> dict | None:
    """What a console nobody types in costs a shared host: its share of one core and the
    bytes it sends to the terminal (the cache does not change: sync is off)."""
    session.read_burst(quiet=1.0)  # the last key's paint, and anything it started
    # Once per start, a few seconds in, SQLite checks every page of the cache (six seconds
    # of a core at a million tickets): not the idle cost, so wait for it to end.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        start = session.cpu_seconds()
        session.read_for(2.0)
        end = session.cpu_seconds()
        if start is None or end is None or end - start < 0.1:  # under 5% of a core
            break
    before = session.cpu_seconds()
    sent = session.read_for(seconds)
    after = session.cpu_seconds()
    if before is None or after is None:
        return None
    return {
        "cpu_percent": round(100 * (after - before) / seconds, 2),
        "bytes_per_minute": int(len(sent) * 60 / seconds),
        "seconds": seconds,
    }


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def inprocess_bench(store: Store, settings: Settings, runs: int) -> dict:
    """What a key press costs the console's own code: conversation, search, picker."""
    me = settings.agent.email
    ids = [r[0] for r in store.query("SELECT id FROM tickets ORDER BY random() LIMIT ?", (runs,))]
    conv = []
    for tid in ids:
        start = time.perf_counter()
        c = reads.conversation(store, tid)
        header(c, [], time.time())
        customer_card(c, None, time.time())
        thread(c, None, time.time(), _STYLES)
        conv.append(time.perf_counter() - start)
    search = {}
    for text in ("refund", "退款"):
        f = compile_query(parse(text), me)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            read_slice(store, f, "newest", me, None, None)
            samples.append(time.perf_counter() - start)
        search[text] = _ms(statistics.median(samples))
    base = canned_replies()
    entries = [
        CannedEntry(f"b{i}", "bench", f"{c.title} {i}", c.body, f"{c.shortcode}{i}", c.lang)
        for i, c in enumerate(base[i % len(base)] for i in range(5000))
    ]
    index = CannedIndex(entries)
    picker = []
    # English as typed, Chinese, pinyin (initials and full, as a Chinese agent types without
    # switching the input method) and a misspelt phrase.
    typed_queries = ("r", "re", "ref", "refu", "refund", "退", "退款", "where is my ordr")
    typed_queries += ("t", "tk", "tui", "tuikuan", "fahuo")
    for typed in typed_queries:
        for _ in range(max(1, runs // 4)):
            start = time.perf_counter()
            index.filter(typed)
            picker.append(time.perf_counter() - start)
    return {
        "conversation_open_ms": {"p50": _ms(_pct(conv, 50)), "p99": _ms(_pct(conv, 99))},
        "search_ms": search,
        "picker_filter_ms": {
            "p50": _ms(_pct(picker, 50)),
            "p99": _ms(_pct(picker, 99)),
            "replies": 5000,
        },
    }
