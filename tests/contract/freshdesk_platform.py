"""Freshdesk as a contract platform: the fake Freshdesk (servers/freshdesk_fake.py), held to
the request and answer shapes of Freshdesk's documentation; its tickets and conversations
are what it recorded."""

from __future__ import annotations

from pathlib import Path

from servers.freshdesk_fake import API_KEY, FakeFreshdesk
from servers.stall_proxy import StallProxy

from agentdesk.ops import Assign, Change, Note, Reply, SetPriority, SetStatus, Tags, Transfer
from agentdesk.store.db import Store
from contract.harness import Expected, Harness


class FreshdeskHarness(Harness):
    type = name = "freshdesk"
    history_size = 250  # more than two list pages (100 tickets)

    def __init__(self, root: Path):
        super().__init__(root)
        # A generous budget: the suite is about behaviour; the pacing has its own tests.
        self.fake = FakeFreshdesk(per_minute=5000, list_per_minute=5000)
        self.proxy: StallProxy | None = None
        self.customer = self.fake.add_contact("Wang Fang 王芳", "wang.fang@example.cn")
        self.colleague = self.fake.add_agent("Kim Colleague", "kim@shop.example")
        self.fake.add_group("Support", [self.fake.me])
        self.fake.add_group("Returns", [self.colleague])
        self.fake.add_canned(
            "Refunds", "Refund sent", "Your refund is on its way, {{ticket.requester.name}}."
        )

    def connector_table(self) -> str:
        return f'[[connectors]]\ntype = "freshdesk"\nname = "freshdesk"\nurl = "{self.url}"\n'

    @property
    def url(self) -> str:
        return self.proxy.url if self.proxy else self.fake.url

    can_stall = True

    def enable_stall(self) -> None:
        self.proxy = StallProxy(self.fake.port)

    def stall(self, on: bool = True) -> None:
        # Freshdesk gets and commits the reply; the answer to it waits. Reads go on.
        self.proxy.stall(on, b"POST /api/v2/tickets/")

    def env(self) -> dict[str, str]:
        return {"AGENTDESK_SECRET_FRESHDESK": API_KEY}

    def customer_writes(self, subject, body, attachment=None) -> str:
        return str(self.fake.create_ticket(subject, body, self.customer, attachment=attachment))

    def customer_answers(self, ref: str, body: str) -> None:
        self.fake.customer_replies(int(ref), body)

    def prepare_history(self, n: int) -> None:
        for i in range(n):
            self.fake.create_ticket(f"History {i:04d}", f"History message {i:04d}", self.customer)

    def local_id(self, store: Store, ref: str) -> int:
        return store.one(
            "SELECT id FROM tickets WHERE connector = ? AND remote_id = ?", (self.name, ref)
        )[0]

    def landed(self, ref: str, change: Change, op_uuid: str) -> int:
        tid = int(ref)
        t = self.fake.state.tickets[tid]
        match change:
            case Reply(body=body) | Note(body=body):
                private = isinstance(change, Note)
                return sum(
                    1
                    for c in self.fake.conversations_of(tid)
                    if c["body_text"] == body
                    and c["private"] == private
                    and c["user_id"] == self.fake.me
                )
            case SetStatus(status=status):
                return int(t["status"] == {"pending": 3, "solved": 4, "closed": 5}.get(status, 2))
            case SetPriority(priority=priority):
                wanted = {"low": 1, "normal": 2, "high": 3, "urgent": 4}[priority]
                return int(t["priority"] == wanted)
            case Assign(agent=agent):
                return int(str(t["responder_id"]) == (agent.remote_id if agent else "None"))
            case Transfer(team=team):
                return int(team is None or str(t["group_id"]) == team.remote_id)
            case Tags(add=add, remove=remove):
                tags = set(t["tags"])
                return int(set(add) <= tags and not set(remove) & tags)
        raise AssertionError(f"no way to see {change} on Freshdesk")

    def expected_directory(self) -> Expected:
        return Expected(
            agents={"Mia Agent", "Kim Colleague"}, teams={"Support", "Returns"}, canned_at_least=1
        )

    transfer_team = "Returns"

    def stop(self) -> None:
        self.fake.stop()

    def start(self) -> None:
        self.fake.start()

    def close(self) -> None:
        if self.proxy is not None:
            self.proxy.close()
        self.fake.close()
        assert not self.fake.violations, "against Freshdesk's documented shapes:\n" + "\n".join(
            self.fake.violations[:20]
        )
