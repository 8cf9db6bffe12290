"""The demo shop as a contract platform: its state file is the platform, read back as such."""

from __future__ import annotations

import time
from pathlib import Path

from agentdesk.connectors.demo import people
from agentdesk.connectors.demo.shop import DemoShop
from agentdesk.ops import Change
from agentdesk.store.db import Store
from contract.harness import Expected, Harness


class DemoHarness(Harness):
    type = name = "demo"
    can_go_away = False  # the shop runs inside the engine's process
    history_size = 3000  # three batches of a thousand

    def __init__(self, root: Path):
        super().__init__(root)
        self.tickets = 60
        self.data_dir: Path | None = None

    def connector_table(self) -> str:
        # No live traffic and customers who take an hour to answer: only the test writes.
        return (
            '[[connectors]]\ntype = "demo"\nname = "demo"\nseed = 7\n'
            f'tickets = {self.tickets}\nrate = 0.0\nreply_delay = "1h"\n'
        )

    def settings(self, data_dir: Path):
        self.data_dir = data_dir
        return super().settings(data_dir)

    def shop(self) -> DemoShop:
        assert self.data_dir is not None, "settings() first: the shop lives in the data dir"
        return DemoShop(
            self.data_dir / "connectors" / self.name / "shop.json",
            seed=7,
            tickets=self.tickets,
            rate=0.0,
            reply_delay=3600,
            me_name="Mia Agent",
            me_email="agent@shop.example",
        )

    def customer_writes(self, subject, body, attachment=None) -> str:
        return self.shop().customer_writes(subject, body, int(time.time()))

    def customer_answers(self, ref: str, body: str) -> None:
        self.shop().customer_answers(ref, body, int(time.time()))

    def prepare_history(self, n: int) -> None:
        self.tickets = n  # the shop's history is generated from its seed

    def local_id(self, store: Store, ref: str) -> int:
        return store.one(
            "SELECT id FROM tickets WHERE connector = ? AND remote_id = ?", (self.name, ref)
        )[0]

    def landed(self, ref: str, change: Change, op_uuid: str) -> int:
        return sum(
            1
            for d in self.shop().delivered()
            if d["uuid"] == op_uuid and d["ticket"] == ref and d["kind"] == change.kind
        )

    def expected_directory(self) -> Expected:
        return Expected(
            agents={"Mia Agent", *(a[1] for a in people.AGENTS)},
            teams={t[1] for t in people.TEAMS},
            canned_at_least=60,
        )

    transfer_team = "Returns 退换货"

    def attachment_ticket(self) -> None:
        pass  # customers' photos come with the shop's history

    def attachment(self, store: Store) -> tuple[int, str, bytes]:
        row = store.one(
            "SELECT m.ticket_id, m.attachments FROM messages m JOIN tickets t ON t.id = m.ticket_id"
            " WHERE t.connector = ? AND m.attachments != '[]' ORDER BY m.id LIMIT 1",
            (self.name,),
        )
        assert row is not None, "the demo history has no customer photo"
        import json

        [att] = json.loads(row["attachments"])
        name, content = DemoShop.photo(att["remote_ref"])
        return row["ticket_id"], name, content
