"""What a connector type declares about itself, in its own package's `__init__.py`:
its options, whether it needs a secret, the op kinds it can deliver, and where its
Connector class lives (imported only when a connector is built, so reading a config or
asking what a platform can do never loads an HTTP or IMAP library).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agentdesk.i18n import N_
from agentdesk.ops import ALL_KINDS
from agentdesk.options import Key

if TYPE_CHECKING:
    from agentdesk.connectors.base import Connector

# Keys every connector type accepts besides its own.
SHARED_OPTIONS: dict[str, Key] = {
    # The shop's name as customers know it, for the {{shop.name}} placeholder.
    "shop_name": Key("str", "", help=N_("the shop's name as customers know it")),
}


@dataclass(frozen=True)
class ConnectorSpec:
    type: str  # the `type` in [[connectors]], and the package's name
    platform: str  # what people call the platform: "Request Tracker"
    connector: str  # "module:Class" of the Connector subclass
    options: Mapping[str, Key] = field(default_factory=dict)
    ops: frozenset[str] = ALL_KINDS  # the op kinds (ops.KINDS) this platform can carry
    needs_secret: bool = True
    # The status a ticket takes when an agent's reply lands, where the platform changes it
    # ("pending": waiting on the customer); the composer says so and offers to keep it open.
    reply_status: str | None = None
    secret: str = ""  # what `agentdesk login NAME` stores, for people
    # The statuses a status change may set there; None: all of ours. A status left out is
    # refused when the agent asks, with `statuses_note` saying why.
    statuses: frozenset[str] | None = None
    statuses_note: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.ops) - ALL_KINDS
        if unknown:
            raise ValueError(f"{self.type}: unknown op kinds {sorted(unknown)}")

    def all_options(self) -> dict[str, Key]:
        return {**SHARED_OPTIONS, **self.options}

    def load(self) -> type[Connector]:
        module, _sep, name = self.connector.partition(":")
        return getattr(importlib.import_module(module), name)
