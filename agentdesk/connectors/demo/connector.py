"""The demo connector: the embedded default workspace, a simulated shop with live traffic."""

from __future__ import annotations

import asyncio
import time

from agentdesk.connectors.base import Connector, ConnectorContext
from agentdesk.connectors.demo import people as P
from agentdesk.connectors.demo.canned import canned_replies
from agentdesk.connectors.demo.shop import DemoShop
from agentdesk.connectors.demo.world import ME
from agentdesk.model import Agent, Directory, PullBatch, PushResult, Team
from agentdesk.ops import Op


class DemoConnector(Connector):
    type = "demo"

    def __init__(self, ctx: ConnectorContext):
        super().__init__(ctx)
        o = ctx.options
        self.shop = DemoShop(
            ctx.state_dir / "shop.json",
            seed=o.get("seed", 1),
            tickets=o.get("tickets", 400),
            rate=o.get("rate", 6.0),
            reply_delay=o.get("reply_delay", 20),
            me_name=ctx.agent_name,
            me_email=ctx.agent_email,
        )
        # The shop's state is one JSON file; serialise access from pull and push tasks.
        self._lock = asyncio.Lock()

    async def pull(self, cursor: str | None) -> PullBatch:
        async with self._lock:
            # Generating a thousand tickets takes a moment: keep the event loop free.
            return await asyncio.to_thread(self.shop.pull, cursor)

    async def close(self) -> None:
        await asyncio.to_thread(self.shop.history.close)  # a worker generating ahead, if any

    async def push(self, op: Op) -> PushResult:
        async with self._lock:
            return PushResult(await asyncio.to_thread(self.shop.apply, op, int(time.time())))

    async def find_landed(self, op: Op) -> PushResult | None:
        remote_id = self.shop.landed(op.uuid)
        return PushResult(remote_id) if remote_id else None

    async def fetch_attachment(self, remote_ref: str) -> tuple[str, bytes]:
        return self.shop.photo(remote_ref)

    async def directory(self) -> Directory:
        now = int(time.time())
        agents = [
            Agent(
                ME,
                self.ctx.agent_name,
                self.ctx.agent_email,
                "online",
                25,
                ["presales", "aftersales", "returns"],
            )
        ]
        for rid, name, email, teams, capacity in P.AGENTS:
            agents.append(
                Agent(rid, name, email, self.shop.presence(rid, now), capacity, list(teams))
            )
        return Directory(
            agents=agents, teams=[Team(rid, name) for rid, name in P.TEAMS], canned=canned_replies()
        )
