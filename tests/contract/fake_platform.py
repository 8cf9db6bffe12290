"""What the harnesses of the fake SaaS platforms share: the fake's address (or a stall
proxy's in front of it), stopping and starting it, tickets known by their platform id, the
directory every fake is seeded with, and failing when any exchange broke the vendor's spec."""

from __future__ import annotations

from pathlib import Path

from servers.http_fake import FakeServer
from servers.stall_proxy import StallProxy

from agentdesk.store.db import Store
from contract.harness import Expected, Harness


class FakePlatformHarness(Harness):
    can_stall = True
    transfer_team = "Returns"
    # The requests the stall holds the answer of (the platform gets and commits them).
    stalled_request = b""
    spec_name = ""  # what the exchanges are held to, for the failure message

    def __init__(self, root: Path, fake: FakeServer):
        super().__init__(root)
        self.fake = fake
        self.proxy: StallProxy | None = None

    @property
    def url(self) -> str:
        return self.proxy.url if self.proxy else self.fake.url

    def enable_stall(self) -> None:
        self.proxy = StallProxy(self.fake.port)

    def stall(self, on: bool = True) -> None:
        self.proxy.stall(on, self.stalled_request)

    def local_id(self, store: Store, ref: str) -> int:
        return store.one(
            "SELECT id FROM tickets WHERE connector = ? AND remote_id = ?", (self.name, ref)
        )[0]

    def expected_directory(self) -> Expected:
        return Expected(
            agents={"Mia Agent", "Kim Colleague"}, teams={"Support", "Returns"}, canned_at_least=1
        )

    def stop(self) -> None:
        self.fake.stop()

    def start(self) -> None:
        self.fake.start()

    def close(self) -> None:
        if self.proxy is not None:
            self.proxy.close()
        self.fake.close()
        assert not self.fake.violations, f"against {self.spec_name}:\n" + "\n".join(
            self.fake.violations[:20]
        )
