"""Driving one connector directly against a platform, as the engine would: its context for
an agent "Mia Agent", and every batch of a pull until the platform has no more."""

from __future__ import annotations

from pathlib import Path

from agentdesk.connectors.base import Connector, ConnectorContext


def context(name: str, options: dict, secret: str) -> ConnectorContext:
    return ConnectorContext(
        name, options, "Mia Agent", "agent@shop.example", Path("/nonexistent"), 10.0, secret
    )


async def pull_all(c: Connector, cursor: str | None = None):
    """Every batch from `cursor` until the platform says there is no more, and the cursor
    the last one ends on."""
    batches = []
    while True:
        batch = await c.pull(cursor)
        batches.append(batch)
        cursor = batch.cursor
        if not batch.more:
            return batches, cursor
