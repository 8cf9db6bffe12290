"""What automation costs per new ticket on a shop of realistic size (docs/performance.md).

    python tests/measure_rules.py DATA_DIR [--rules 50] [--tickets 200]

DATA_DIR holds a demo cache (`agentdesk demo --tickets 100000 --seed 1 --no-console`); it
is copied, never changed. 50 rules with the kinds of conditions shops write (channels,
tags, priorities, words in the text, customers) all trigger on `created`; `--tickets` new
tickets arrive in one batch and one pass of the rules, the bot and auto-assignment acts on
them. The figure is the pass's time divided by the tickets.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from conftest import make_settings  # noqa: E402

from agentdesk.model import Message, PullBatch, Ticket  # noqa: E402
from agentdesk.rules.model import parse_rules  # noqa: E402
from agentdesk.store.db import Store  # noqa: E402
from agentdesk.store.ingest import apply_batch  # noqa: E402
from agentdesk.sync.automation import Automation  # noqa: E402

CONDITIONS = [
    "channel:wechat",
    "channel:email,webform",
    "tag:vip",
    "tag:refund status:unsolved",
    "priority:high,urgent",
    "退款",
    "refund",
    '"where is my order"',
    "from:wy",
    "team:shouhou",
]


def rules(n: int):
    return parse_rules(
        [
            {
                "name": f"rule {i}",
                "trigger": "created",
                "when": CONDITIONS[i % len(CONDITIONS)],
                "add_tags": [f"r{i}"],
            }
            for i in range(n)
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument(
        "--text", default="退款 where is my order", help="what each new ticket says"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(args.data_dir, data)
        settings = dataclasses.replace(make_settings(data), rules=rules(args.rules))
        with Store.open_dir(data) as store:
            auto = Automation(settings, store)
            auto.run_pass()  # the first pass starts the cursors at now
            total = store.one("SELECT count(*) FROM tickets")[0]
            now = int(time.time())
            new = [
                Ticket(
                    f"M{i}",
                    ("wechat", "email", "chat")[i % 3],
                    "我的快递到哪了 refund",
                    "new",
                    "mc",
                    now,
                    now,
                )
                for i in range(args.tickets)
            ]
            msgs = [
                Message(f"M{i}-1", f"M{i}", "customer", "汪艳", args.text, now)
                for i in range(args.tickets)
            ]
            apply_batch(store, "demo", PullBatch(None, tickets=new, messages=msgs), ())
            start = time.perf_counter()
            fired = auto.run_pass()
            spent = time.perf_counter() - start
        queued = sum(f.outcome == "queued" for f in fired)
        print(
            f"{total:,} tickets, {args.rules} rules, {args.tickets} new tickets: one pass"
            f" {spent * 1000:.0f} ms, {spent * 1000 / args.tickets:.2f} ms per new ticket,"
            f" {queued} firings queued"
        )


if __name__ == "__main__":
    main()
