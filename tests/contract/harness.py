"""What the contract suite needs of a live platform, one subclass per connector type.

A harness owns a real server (or the demo shop's state), plays the customer on it, writes
the connector's config, and reads back what the platform itself recorded, so a test can
say "this reply is on the platform exactly once" without trusting the connector.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from agentdesk.config.settings import Settings, load_settings
from agentdesk.ops import Change
from agentdesk.store.db import Store


@dataclass(frozen=True)
class Expected:
    """What a directory sync must bring: these names at least, and canned replies."""

    agents: set[str] = field(default_factory=set)
    teams: set[str] = field(default_factory=set)
    canned_at_least: int = 0


class Harness(ABC):
    type: str = ""
    name: str = ""
    can_go_away = True  # False: the platform runs in our process and cannot be stopped
    history_size = 100  # tickets for the first-sync tests: several batches of the connector

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    # -- configuration ---------------------------------------------------------------

    @abstractmethod
    def connector_table(self) -> str:
        """The [[connectors]] table of this platform (TOML)."""

    def env(self) -> dict[str, str]:
        """Environment a process needs to reach the platform (the secret)."""
        return {}

    def config_path(self) -> Path:
        path = self.root / "config.toml"
        path.write_text(
            '[agent]\nname = "Mia Agent"\nemail = "agent@shop.example"\n\n'
            + self.connector_table(),
            encoding="utf-8",
        )
        return path

    def settings(self, data_dir: Path) -> Settings:
        """The settings a user with this config would have (the secret comes from env())."""
        return load_settings(self.config_path(), data_dir, environ={})

    # -- the customer's side --------------------------------------------------------

    @abstractmethod
    def customer_writes(
        self, subject: str, body: str, attachment: tuple[str, bytes] | None = None
    ) -> str:
        """A customer opens a ticket; returns a reference local_id() understands."""

    @abstractmethod
    def customer_answers(self, ref: str, body: str) -> None:
        """The customer writes again on the ticket."""

    def prepare_history(self, n: int) -> None:
        """n tickets on the platform before the first sync, one customer message each."""
        for i in range(n):
            self.customer_writes(f"History {i:04d}", f"History message {i:04d}")

    @abstractmethod
    def local_id(self, store: Store, ref: str) -> int:
        """The cache's id of a ticket the harness made."""

    # -- what the platform recorded -------------------------------------------------

    @abstractmethod
    def landed(self, ref: str, change: Change, op_uuid: str) -> int:
        """How many times the platform shows this change (1 is right)."""

    def forget_local_record(self, data_dir: Path) -> None:  # noqa: B027 - optional
        """Lose what a crash right after the platform accepted an op would lose locally
        (beyond the cache's own outbox row), so the connector must ask the platform."""

    @abstractmethod
    def expected_directory(self) -> Expected: ...

    def transfer_target(self, store: Store) -> tuple[int | None, int | None]:
        """(team id, agent id) in the cache to transfer a ticket to."""
        row = store.one(
            "SELECT id FROM teams WHERE connector = ? AND name = ?",
            (self.name, self.transfer_team),
        )
        return row[0], None

    transfer_team = ""

    def attachment(self, store: Store) -> tuple[int, str, bytes]:
        """A ticket in the cache with an attachment: (ticket id, file name, its bytes).
        Called after a sync of a platform on which attachment_ticket() was made."""
        tid = store.one(
            "SELECT id FROM tickets WHERE connector = ? AND subject = ?",
            (self.name, "Broken vase 花瓶碎了"),
        )[0]
        return tid, "vase.png", bytes(range(256)) * 100

    def attachment_ticket(self) -> None:
        """Put a ticket with an attachment on the platform (before the sync)."""
        self.customer_writes(
            "Broken vase 花瓶碎了",
            "It arrived broken, photo attached.",
            ("vase.png", bytes(range(256)) * 100),
        )

    # -- holding back the platform's answer ----------------------------------------------

    can_stall = False  # False: the platform answers inside our process; it cannot be held

    def enable_stall(self) -> None:  # noqa: B027 - only for platforms that can stall
        """Route the connector so stall() can hold the platform's answers (before settings())."""

    def stall(self, on: bool = True) -> None:  # noqa: B027
        """Let the platform accept requests but hold back its answers (on), or not (off)."""
        raise NotImplementedError

    # -- the platform going away ------------------------------------------------------

    def stop(self) -> None:  # noqa: B027 - only for platforms that can go away
        raise NotImplementedError

    def start(self) -> None:  # noqa: B027
        raise NotImplementedError

    def close(self) -> None:  # noqa: B027
        """Stop for good and remove its files."""
