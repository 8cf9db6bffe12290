"""The connector contract: remote data in as model objects, an Op out and an ack back.

Connectors know nothing of SQLite or the UI; the sync engine is their only caller. They
are async: HTTP connectors use httpx.AsyncClient, blocking libraries run in a thread.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentdesk.i18n import _
from agentdesk.model import Directory, PullBatch, PushResult
from agentdesk.ops import Op


class ConnectorError(Exception):
    """Base of what a connector raises; the message is shown to the agent as is."""


class TransientError(ConnectorError):
    """Failed and known not to have had an effect (refused connection, 503, 429): retry later.

    `retry_after` (seconds) comes from the platform, e.g. a Retry-After header."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class AmbiguousError(ConnectorError):
    """The request may have reached the platform (a timeout after sending): before any
    resend the engine asks `find_landed` whether the op already took effect."""


class PermanentError(ConnectorError):
    """The platform refused the op for good (validation, permissions): the agent decides."""


class AuthRefused(ConnectorError):
    """The platform refused our credentials (a revoked or wrong token): nothing this
    connector does can work until its secret changes. The engine keeps every op queued,
    stops asking, and goes on when `agentdesk login NAME` (or the environment) gives it a
    new secret."""


@dataclass(frozen=True)
class ConnectorContext:
    """What a connector may know about its surroundings."""

    name: str
    options: dict[str, Any]
    agent_name: str
    agent_email: str
    state_dir: Path  # a private folder for the connector's own files
    request_timeout: float = 30.0
    secret: str | None = None


class Connector(ABC):
    """One platform, as the engine sees it. Its package's SPEC (spec.py) declares its
    options and the op kinds `push` can carry; the store refuses any other kind at enqueue,
    so `push` never has to."""

    type: str = ""

    def __init__(self, ctx: ConnectorContext):
        self.ctx = ctx
        self.name = ctx.name

    def use_secret(self, secret: str) -> None:
        """A new secret after AuthRefused; a connector that keeps it elsewhere than in its
        context (an HTTP client's auth) overrides this and calls it."""
        import dataclasses

        self.ctx = dataclasses.replace(self.ctx, secret=secret)

    async def start(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Open sessions; called once before the first pull or push."""

    async def close(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Release sessions and threads."""

    @abstractmethod
    async def pull(self, cursor: str | None) -> PullBatch:
        """Changes since `cursor` (None: from the beginning), one batch at a time."""

    @abstractmethod
    async def push(self, op: Op) -> PushResult:
        """Deliver one op. Raise TransientError, AmbiguousError or PermanentError on failure."""

    @abstractmethod
    async def find_landed(self, op: Op) -> PushResult | None:
        """Whether an op whose delivery is unknown already took effect (by its uuid)."""

    @abstractmethod
    async def directory(self) -> Directory:
        """Agents, teams and canned replies as the platform lists them."""

    async def fetch_attachment(self, remote_ref: str) -> tuple[str, bytes]:
        """An attachment's file name and content, fetched when an agent asks to save it."""
        raise PermanentError(f"{self.type} connectors cannot fetch attachments")

    async def check(self) -> str:
        """Reach the platform once, for `agentdesk doctor`; returns a short description."""
        await self.directory()
        return _("reachable")

    async def wait_for_changes(self, timeout: float) -> None:
        """Return when the platform may have something new, or after `timeout` seconds.

        Connectors with push (IMAP IDLE, websockets) override this; the default is a timer.
        """
        import asyncio

        await asyncio.sleep(timeout)
