"""How a first Freshdesk sync behaves under a plan's rate limit (docs/performance.md).

    python tests/measure_freshdesk_sync.py [--tickets 5000] [--per-minute 200] [--scale 20]

The fake Freshdesk's minute is shortened `scale` times, and the connector's pacing with it,
so a sync that takes an hour against a real account is measured in minutes; the figures
are given back in real minutes. Each pull that meets a 429 waits its Retry-After, as the
sync engine does.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from connector_support import context  # noqa: E402
from servers.freshdesk_fake import API_KEY, FakeFreshdesk  # noqa: E402

from agentdesk.connectors.base import TransientError  # noqa: E402
from agentdesk.connectors.freshdesk.connector import FreshdeskConnector  # noqa: E402


async def sync(c: FreshdeskConnector, cursor: str | None) -> tuple[str | None, int, int]:
    tickets = waits = 0
    while True:
        try:
            batch = await c.pull(cursor)
        except TransientError as e:
            waits += 1
            await asyncio.sleep(e.retry_after or 1)
            continue
        tickets += len(batch.tickets)
        cursor = batch.cursor
        if not batch.more:
            return cursor, tickets, waits


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tickets", type=int, default=5000)
    ap.add_argument("--per-minute", type=int, default=200)
    ap.add_argument("--list-per-minute", type=int, default=20)
    ap.add_argument("--scale", type=float, default=20.0)
    a = ap.parse_args()
    minute = 60.0 / a.scale
    fake = FakeFreshdesk(per_minute=a.per_minute, list_per_minute=a.list_per_minute, minute=minute)
    customers = [fake.add_contact(f"Customer {n}", f"c{n}@example.cn") for n in range(500)]
    start = time.time() - 86400
    for i in range(a.tickets):
        tid = fake.create_ticket(f"T{i}", f"Body {i}", customers[i % 500], at=start + i * 5)
        fake.state.conversations[tid].append({  # one answer on each, as most tickets have
            "id": 10_000_000 + i, "body": "<div>Answer</div>", "body_text": "Answer",
            "incoming": False, "private": False, "user_id": fake.me, "support_email": None,
            "source": 0, "ticket_id": tid, "created_at": fake.state.tickets[tid]["created_at"],
            "updated_at": fake.state.tickets[tid]["created_at"], "attachments": [],
        })  # fmt: skip

    async def run() -> None:
        c = FreshdeskConnector(context("freshdesk", {"url": fake.url}, API_KEY))
        c.client.minute = minute
        try:
            t0 = time.monotonic()
            cursor, n, waits = await sync(c, None)
            took = (time.monotonic() - t0) * a.scale / 60
            first = len(fake.requests)
            credits = sum(1 + (2 if "include" in q else 0) for _p, q in fake.queries)
            print(f"first sync: {n} tickets, {first} requests ({credits} credits),"
                  f" {waits} answered 429, {took:.1f} real minutes"
                  f" ({credits / max(took, 1e-9):.0f} credits a minute)")  # fmt: skip
            time.sleep(3)
            t0, before = time.monotonic(), len(fake.requests)
            _cursor, n, waits = await sync(c, cursor)
            print(f"quiet pass: {n} tickets, {len(fake.requests) - before} requests,"
                  f" {(time.monotonic() - t0) * a.scale:.1f} real seconds")  # fmt: skip
        finally:
            await c.close()

    asyncio.run(run())
    fake.close()
    print("violations:", len(fake.violations))


if __name__ == "__main__":
    main()
