"""Zendesk as a contract platform: the fake Zendesk (servers/zendesk_fake.py), held to
Zendesk's OpenAPI spec; its tickets, comments, audits and tags are what it recorded."""

from __future__ import annotations

from pathlib import Path

from servers.zendesk_fake import TOKEN, FakeZendesk

from agentdesk.ops import Assign, Change, Note, Reply, SetPriority, SetStatus, Tags, Transfer
from contract.fake_platform import FakePlatformHarness


class ZendeskHarness(FakePlatformHarness):
    type = name = "zendesk"
    history_size = 1200  # more than one export page (1,000 tickets)
    # Zendesk gets and commits the update; the answer to it waits. Reads go on.
    stalled_request = b"PUT /api/v2/tickets/"
    spec_name = "Zendesk's spec"

    def __init__(self, root: Path):
        # A second of export lag where Zendesk has a minute: the suite waits on it.
        super().__init__(root, FakeZendesk(export_lag=1.0, export_per_minute=600))
        self.customer = self.fake.add_user("Wang Fang 王芳", "wang.fang@example.cn")
        self.support = self.fake.add_group("Support")
        self.returns = self.fake.add_group("Returns")
        self.fake.add_membership(self.fake.admin, self.support)
        self.colleague = self.fake.add_user("Kim Colleague", "kim@shop.example", "agent")
        self.fake.add_membership(self.colleague, self.returns)
        self.fake.add_macro(
            "Refund sent",
            [
                {
                    "field": "comment_value",
                    "value": "Your refund is on its way, {{ticket.requester.first_name}}.",
                },
                {"field": "status", "value": "solved"},
            ],
        )

    def connector_table(self) -> str:
        return (
            f'[[connectors]]\ntype = "zendesk"\nname = "zendesk"\nurl = "{self.url}"\n'
            'email = "agent@shop.example"\n'
        )

    def env(self) -> dict[str, str]:
        return {"AGENTDESK_SECRET_ZENDESK": TOKEN}

    def settle(self) -> None:
        """Wait out the export's lag, so what was just written is exported."""
        import time

        time.sleep(self.fake.export_lag + 0.2)

    def customer_writes(self, subject, body, attachment=None) -> str:
        tid = self.fake.create_ticket(subject, body, self.customer, attachment=attachment)
        self.settle()
        return str(tid)

    def customer_answers(self, ref: str, body: str) -> None:
        self.fake.add_comment(int(ref), self.customer, body)
        self.settle()

    def prepare_history(self, n: int) -> None:
        for i in range(n):
            self.fake.create_ticket(f"History {i:04d}", f"History message {i:04d}", self.customer)
        self.settle()

    def landed(self, ref: str, change: Change, op_uuid: str) -> int:
        tid = int(ref)
        ours = [
            a for a in self.fake.audits_of(tid)
            if (a["metadata"].get("custom") or {}).get("agentdesk_op") == op_uuid
        ]  # fmt: skip
        match change:
            case Reply(body=body) | Note(body=body):
                public = isinstance(change, Reply)
                return sum(
                    1
                    for c in self.fake.comments_of(tid)
                    if c["body"] == body
                    and c["public"] == public
                    and c["author_id"] == self.fake.admin
                )
            case SetStatus() | SetPriority() | Assign() | Transfer():
                return len(ours)
            case Tags(add=add, remove=remove):
                tags = set(self.fake.state.tickets[tid]["tags"])
                return int(set(add) <= tags and not set(remove) & tags)
        raise AssertionError(f"no way to see {change} on Zendesk")
