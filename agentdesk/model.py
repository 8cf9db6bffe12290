"""Domain types shared by connectors, the store and the engine.

Connectors speak in remote ids (strings the platform gave us); the store maps them to
local integer ids. Times are UTC epoch seconds (ints) everywhere below the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CHANNELS = (
    "email",
    "chat",
    "wechat",
    "weibo",
    "sms",
    "webform",
    "amazon",
    "phone",
    "helpdesk",
)
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
# Author kinds, presences, delivery states and event kinds are enforced by CHECK
# constraints in store/schema.py; op kinds are the classes of agentdesk/ops.py.


@dataclass(slots=True)
class Customer:
    remote_id: str
    name: str
    email: str | None = None
    phone: str | None = None
    handles: dict[str, str] = field(default_factory=dict)  # channel -> handle
    vip: bool = False
    created_at: int = 0


@dataclass(slots=True)
class OrderItem:
    sku: str
    title: str
    quantity: int
    unit_price_cents: int


@dataclass(slots=True)
class Order:
    number: str
    customer_remote_id: str
    marketplace: str
    items: list[OrderItem]
    amount_cents: int
    currency: str
    status: str  # placed, paid, shipped, delivered, returned, refunded, cancelled
    created_at: int
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: int | None = None


@dataclass(slots=True)
class Attachment:
    name: str
    content_type: str
    size: int
    remote_ref: str | None = None  # how the connector fetches the content on demand


@dataclass(slots=True)
class Ticket:
    remote_id: str
    channel: str
    subject: str
    status: str
    customer_remote_id: str
    created_at: int
    updated_at: int
    priority: str = "normal"
    assignee_remote_id: str | None = None
    team_remote_id: str | None = None
    tags: list[str] = field(default_factory=list)
    order_number: str | None = None
    satisfaction: int | None = None  # 1..5 where the platform collects ratings
    fields: dict[str, Any] = field(default_factory=dict)  # custom fields, e.g. claim_at


@dataclass(slots=True)
class Message:
    remote_id: str
    ticket_remote_id: str
    author_kind: str
    author_name: str
    body: str
    created_at: int
    internal: bool = False
    agent_remote_id: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    op_uuid: str | None = None  # set when the platform echoes one of our own ops


@dataclass(slots=True)
class Agent:
    remote_id: str
    name: str
    email: str | None = None
    presence: str = "offline"
    capacity: int = 20
    team_remote_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Viewing:
    """A colleague has a ticket open on the platform (or none), reading or typing in it."""

    agent_remote_id: str
    ticket_remote_id: str | None
    mode: str = "viewing"  # or "typing"


@dataclass(slots=True)
class Team:
    remote_id: str
    name: str


@dataclass(slots=True)
class CannedReply:
    remote_id: str
    title: str
    body: str
    shortcode: str = ""
    lang: str = "en"
    # Macro effects applied with the reply: {"status": "solved", "tags": [...], "team": "..."}
    actions: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class PullBatch:
    """What one pull returns; the store applies it in one transaction with `cursor`."""

    cursor: str | None
    more: bool = False  # True: call pull again at once, the backlog is not drained
    customers: list[Customer] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    # People a pull met that the directory may not list yet (names and e-mails only).
    agents: list[Agent] = field(default_factory=list)
    # What colleagues have open on the platform now, where it says (agent collision).
    viewing: list[Viewing] = field(default_factory=list)
    # In a first sync, the tickets it will bring in all, where the platform says (progress).
    total: int | None = None


@dataclass(slots=True)
class Directory:
    """The slow-changing lists a connector publishes: people, teams, canned replies."""

    agents: list[Agent] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    canned: list[CannedReply] = field(default_factory=list)


@dataclass(slots=True)
class PushResult:
    remote_id: str | None = None  # the platform's id for what we created, if any
