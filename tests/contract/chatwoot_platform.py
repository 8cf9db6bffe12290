"""Chatwoot as a contract platform: the fake Chatwoot (servers/chatwoot_fake.py), held to
Chatwoot's own spec; its conversations, messages, labels and assignments are what it
recorded. The customer writes to an e-mail inbox, whose conversations carry a subject."""

from __future__ import annotations

from pathlib import Path

from servers.chatwoot_fake import ACCOUNT, TOKEN, FakeChatwoot

from agentdesk.ops import (
    Assign,
    Change,
    Note,
    Reply,
    SetPriority,
    SetStatus,
    Snooze,
    Tags,
    Transfer,
)
from contract.fake_platform import FakePlatformHarness


class ChatwootHarness(FakePlatformHarness):
    type = name = "chatwoot"
    history_size = 60  # more than two pages of 25
    # Chatwoot gets and commits the message or change; the answer to it waits.
    stalled_request = b"POST /api/v1/accounts/"
    spec_name = "Chatwoot's spec"

    def __init__(self, root: Path):
        super().__init__(root, FakeChatwoot())
        self.customer = self.fake.add_contact("Wang Fang 王芳", "wang.fang@example.cn")
        self.mail = self.fake.add_inbox("Support mail", "Channel::Email")
        self.colleague = self.fake.add_agent("Kim Colleague", "kim@shop.example")
        self.fake.add_team("Support", [self.fake.me])
        self.fake.add_team("Returns", [self.colleague])
        self.fake.add_canned("refund", "Your refund is on its way, {{contact.name}}.")

    def connector_table(self) -> str:
        return (
            f'[[connectors]]\ntype = "chatwoot"\nname = "chatwoot"\nurl = "{self.url}"\n'
            f"account_id = {ACCOUNT}\n"
        )

    def env(self) -> dict[str, str]:
        return {"AGENTDESK_SECRET_CHATWOOT": TOKEN}

    def customer_writes(self, subject, body, attachment=None) -> str:
        cid = self.fake.open_conversation(
            self.mail, self.customer, body, attachment=attachment, subject=subject
        )
        return str(cid)

    def customer_answers(self, ref: str, body: str) -> None:
        self.fake.message(int(ref), body, incoming=True)

    def prepare_history(self, n: int) -> None:
        for i in range(n):
            self.customer_writes(f"History {i:04d}", f"History message {i:04d}")

    def landed(self, ref: str, change: Change, op_uuid: str) -> int:
        cid = int(ref)
        c = self.fake.state.conversations[cid]
        match change:
            case Reply(body=body) | Note(body=body):
                private = isinstance(change, Note)
                return sum(
                    1
                    for m in self.fake.state.messages[cid]
                    if m["content"] == body and m["private"] == private
                    and m["sender_id"] == self.fake.me and m["message_type"] == 1
                )  # fmt: skip
            case SetStatus(status=status):
                wanted = {"solved": "resolved", "closed": "resolved", "new": "pending"}
                return int(c["status"] == wanted.get(status, status))
            case SetPriority(priority=priority):
                return int(c["priority"] == {"normal": "medium"}.get(priority, priority))
            case Assign(agent=agent):
                return int(str(c["assignee_id"]) == (agent.remote_id if agent else "None"))
            case Transfer(team=team):
                return int(team is None or str(c["team_id"]) == team.remote_id)
            case Tags(add=add, remove=remove):
                labels = set(c["labels"])
                return int(set(add) <= labels and not set(remove) & labels)
            case Snooze(until=until):
                return int(c["status"] == "snoozed" and c["snoozed_until"] == until)
        raise AssertionError(f"no way to see {change} on Chatwoot")
