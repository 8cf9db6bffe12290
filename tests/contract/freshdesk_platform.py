"""Freshdesk as a contract platform: the fake Freshdesk (servers/freshdesk_fake.py), held to
the request and answer shapes of Freshdesk's documentation; its tickets and conversations
are what it recorded."""

from __future__ import annotations

from pathlib import Path

from servers.freshdesk_fake import API_KEY, FakeFreshdesk

from agentdesk.ops import Assign, Change, Note, Reply, SetPriority, SetStatus, Tags, Transfer
from contract.fake_platform import FakePlatformHarness


class FreshdeskHarness(FakePlatformHarness):
    type = name = "freshdesk"
    history_size = 250  # more than two list pages (100 tickets)
    # Freshdesk gets and commits the reply or note; the answer to it waits. Reads go on.
    stalled_request = b"POST /api/v2/tickets/"
    spec_name = "Freshdesk's documented shapes"

    def __init__(self, root: Path):
        # A generous budget: the suite is about behaviour; the pacing has its own tests.
        super().__init__(root, FakeFreshdesk(per_minute=5000, list_per_minute=5000))
        self.customer = self.fake.add_contact("Wang Fang 王芳", "wang.fang@example.cn")
        self.colleague = self.fake.add_agent("Kim Colleague", "kim@shop.example")
        self.fake.add_group("Support", [self.fake.me])
        self.fake.add_group("Returns", [self.colleague])
        self.fake.add_canned(
            "Refunds", "Refund sent", "Your refund is on its way, {{ticket.requester.name}}."
        )

    def connector_table(self) -> str:
        return f'[[connectors]]\ntype = "freshdesk"\nname = "freshdesk"\nurl = "{self.url}"\n'

    def env(self) -> dict[str, str]:
        return {"AGENTDESK_SECRET_FRESHDESK": API_KEY}

    def customer_writes(self, subject, body, attachment=None) -> str:
        return str(self.fake.create_ticket(subject, body, self.customer, attachment=attachment))

    def customer_answers(self, ref: str, body: str) -> None:
        self.fake.customer_replies(int(ref), body)

    def prepare_history(self, n: int) -> None:
        for i in range(n):
            self.fake.create_ticket(f"History {i:04d}", f"History message {i:04d}", self.customer)

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
