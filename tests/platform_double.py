"""A small platform for engine tests: a real Connector over a JSON file, with faults on demand.

It is what a helpdesk is to a real connector: tickets and a delivery log kept outside the
cache, surviving a kill -9 of the process that talks to it. Faults are set by writing the
file, so a test can change them while another process runs.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

from agentdesk.connectors.base import (
    AmbiguousError,
    Connector,
    ConnectorContext,
    PermanentError,
    TransientError,
)
from agentdesk.model import (
    Agent,
    Customer,
    Directory,
    Message,
    PullBatch,
    PushResult,
    Team,
    Ticket,
)
from agentdesk.ops import ALL_KINDS, Op, encode
from agentdesk.store.actions import ActionContext, Platform
from agentdesk.store.outbox import Actor


class FilePlatform:
    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.exists():
            self.write(
                {"tickets": {}, "deliveries": [], "faults": {}, "pulls": 0, "find_landed_calls": 0}
            )

    def read(self) -> dict:
        return json.loads(self.path.read_text())

    def write(self, data: dict) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.path)

    def update(self, **changes) -> None:
        data = self.read()
        data.update(changes)
        self.write(data)

    def add_ticket(self, rid: str, subject: str, body: str, at: int | None = None) -> None:
        data = self.read()
        data["tickets"][rid] = {
            "subject": subject,
            "body": body,
            "at": at or int(time.time()),
            "status": "open",
            "assignee": None,
        }
        self.write(data)


class PlatformConnector(Connector):
    type = "platform"

    def __init__(self, ctx: ConnectorContext, platform: FilePlatform):
        super().__init__(ctx)
        self.platform = platform

    def _fault(self, name: str):
        return self.platform.read()["faults"].get(name)

    async def pull(self, cursor: str | None) -> PullBatch:
        data = self.platform.read()
        data["pulls"] += 1
        self.platform.write(data)
        fault = data["faults"].get("pull")
        if fault == "raise":
            raise RuntimeError("platform exploded")
        if fault == "hang":
            await asyncio.sleep(3600)
        if fault == "offline":
            raise TransientError(
                "connection refused", retry_after=data["faults"].get("retry_after")
            )
        since = int(cursor or 0)
        batch = PullBatch(cursor=str(len(data["tickets"])))
        for n, (rid, t) in enumerate(sorted(data["tickets"].items())):
            if n < since:
                continue
            batch.customers.append(Customer(f"cust-{rid}", f"Customer {rid}", created_at=t["at"]))
            batch.tickets.append(
                Ticket(
                    rid,
                    "email",
                    t["subject"],
                    t["status"],
                    f"cust-{rid}",
                    t["at"],
                    t["at"],
                    assignee_remote_id=t["assignee"],
                )
            )
            batch.messages.append(
                Message(f"{rid}-1", rid, "customer", f"Customer {rid}", t["body"], t["at"])
            )
        return batch

    async def push(self, op: Op) -> PushResult:
        fault = self._fault("push")
        if fault == "permanent":
            raise PermanentError("the platform refused: ticket is locked")
        if fault == "transient":
            raise TransientError("503 Service Unavailable", retry_after=self._fault("retry_after"))
        data = self.platform.read()
        data["deliveries"].append(
            {
                "uuid": op.uuid,
                "kind": op.kind,
                "ticket": op.ticket_remote_id,
                "payload": encode(op.change),
            }
        )
        self.platform.write(data)
        if fault == "timeout_after_send":
            raise AmbiguousError("read timeout after the request was sent")
        if fault == "sleep_after_send":  # a window for a kill -9 after the platform has it
            await asyncio.sleep(3600)
        return PushResult(f"remote-{len(data['deliveries'])}")

    async def find_landed(self, op: Op) -> PushResult | None:
        data = self.platform.read()
        data["find_landed_calls"] += 1
        self.platform.write(data)
        for n, d in enumerate(data["deliveries"]):
            if d["uuid"] == op.uuid:
                return PushResult(f"remote-{n + 1}")
        return None

    async def directory(self) -> Directory:
        return Directory(
            agents=[Agent("me", "Me", "agent@shop.example", "online")], teams=[Team("t1", "Tier 1")]
        )


def platform_context(name: str, data_dir: Path) -> ConnectorContext:
    return ConnectorContext(
        name=name,
        options={},
        agent_name="Me",
        agent_email="agent@shop.example",
        state_dir=data_dir / name,
        request_timeout=2,
    )


def platform_actions(settings, *names: str) -> ActionContext:
    """Acting on tickets of platform doubles (not in the config), which carry every op kind."""
    return ActionContext(
        Actor(settings.agent.email, settings.agent.name),
        settings.sla_policies,
        {name: Platform("the test platform", ALL_KINDS) for name in names},
    )
