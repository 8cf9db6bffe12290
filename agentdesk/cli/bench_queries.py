"""`agentdesk bench`: time the console's read queries on the cache at hand.

Speed is a property of a cache, not of a test: this is where it is measured."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from agentdesk.config.settings import Settings
from agentdesk.query import parse
from agentdesk.store import reads
from agentdesk.store.db import Store
from agentdesk.store.filters import compile_query
from agentdesk.store.kpi_facts import period_figures
from agentdesk.store.views import builtin_views
from agentdesk.store.wallboard import Wallboard, WallboardReader, read_wallboard


def _time(fn: Callable[[], object], runs: int) -> tuple[list[float], int]:
    samples, rows = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
        rows = (
            result if isinstance(result, int) else len(result) if hasattr(result, "__len__") else 1
        )
    return samples, rows


def run_bench(store: Store, settings: Settings, runs: int) -> dict:
    me = settings.agent.email
    views = builtin_views(store, me, settings.ui.sla_warning, settings.sla_policies)
    by_id = {v.id: v for v in views}
    order = settings.ui.sort
    cases: list[tuple[str, Callable[[], object]]] = [
        ("counts of all views", lambda: reads.view_counts(store, {v.id: v.filter for v in views})),
    ]
    for vid in ("open", "mine", "unassigned", "at_risk"):
        v = by_id[vid]
        cases.append(
            (f"first page: {v.title}", lambda v=v: reads.page(store, v.filter, order, limit=50))
        )
    open_view = by_id["open"].filter
    first = reads.page(store, open_view, order, limit=50)
    if first:
        key = reads.sort_key(first[-1], order)
        cases.append(
            (
                "next page (keyset): All open",
                lambda: reads.page(store, open_view, order, after=key, limit=50),
            )
        )
    unsolved = compile_query(parse("status:unsolved"), me)
    middle = reads.count(store, unsolved) // 2
    cases.append(
        (
            f"page at offset {middle:,}: unsolved",
            lambda: reads.page_at(store, unsolved, order, middle, 50),
        )
    )
    busiest = store.one("SELECT id FROM tickets ORDER BY message_count DESC LIMIT 1")
    newest = store.one("SELECT max(id) FROM tickets")[0]
    if busiest:
        cases.append(
            (
                "conversation (longest thread)",
                lambda: reads.conversation(store, busiest[0]).messages,
            )
        )
    if newest:
        cases.append(
            ("conversation (newest ticket)", lambda: reads.conversation(store, newest).messages)
        )
    for text in (
        "退款",
        "refund",
        "refund status:solved channel:email",
        "快递 没收到",
        "tag:vip status:unsolved",
    ):
        f = compile_query(parse(text), me)
        cases.append((f"search: {text}", lambda f=f: reads.search(store, f, 50)))
    # Identifiers typed bare, as agents search: a ticket number, a tracking number and a
    # phone number of a customer with several tickets.
    known = store.one(
        "SELECT t.remote_id, o.tracking_number, c.phone FROM tickets t"
        " JOIN orders o ON o.customer_id = t.customer_id JOIN customers c ON c.id = t.customer_id"
        " WHERE o.tracking_number IS NOT NULL AND c.phone IS NOT NULL"
        " ORDER BY t.id DESC LIMIT 1"
    )
    if known:
        number = known["remote_id"].rpartition("-")[2]
        for label, text in (
            ("ticket number", number),
            ("tracking number", known["tracking_number"]),
            ("phone", known["phone"]),
        ):
            f = compile_query(parse(text), me)
            cases.append((f"search: a {label}", lambda f=f: reads.search(store, f, 50)))
    f = compile_query(parse("refund"), me)
    cases.append(("search count: refund", lambda: reads.count(store, f)))
    # The supervisor's reads. A running monitor keeps its reader: each refresh reads what
    # the change log names and computes today; once a minute it also computes the week; it
    # starts from nothing. Whole-period figures take seconds at a million tickets, so they
    # are timed a few times only.
    now = time.time()
    kept = WallboardReader(settings)

    def week_again() -> Wallboard:
        kept.expire_week()
        return kept.read(store, now)

    cases.append(("monitor: wallboard read", lambda: kept.read(store, now)))
    slow = {
        "monitor: wallboard read, the week recomputed": week_again,
        "monitor: wallboard first read": lambda: read_wallboard(store, settings, now),
        "report: 7 days by agent": lambda: period_figures(
            store,
            int(now) - 7 * 86400,
            int(now),
            settings.sla_policies,
            settings.presales_teams,
            "agent",
        ),
    }
    cases += list(slow.items())
    results = []
    for name, fn in cases:
        fn()  # warm the page cache once, as a running console would be
        samples, rows = _time(fn, min(runs, 3) if name in slow else runs)
        samples.sort()
        results.append(
            {
                "name": name,
                "median_ms": statistics.median(samples),
                "p90_ms": samples[int(len(samples) * 0.9) - 1] if len(samples) > 1 else samples[0],
                "max_ms": samples[-1],
                "rows": rows,
            }
        )
    tickets = store.one("SELECT count(*) FROM tickets")[0]
    messages = store.one("SELECT count(*) FROM messages")[0]
    size = store.one("PRAGMA page_count")[0] * store.one("PRAGMA page_size")[0]
    cache = {
        "tickets": tickets,
        "messages": messages,
        "runs": runs,
        # What the cache costs on disk (the whole file: tickets, messages, events, indexes).
        "bytes": size,
        "bytes_per_ticket": size // max(1, tickets),
        "bytes_per_message": size // max(1, messages),
    }
    return {"cache": cache, "queries": results}
