"""A small, fixed workspace for snapshot tests: every time is relative to FROZEN, and the
console's clock is frozen there, so ages and countdowns never change between runs."""

from __future__ import annotations

import dataclasses

from agentdesk.config.settings import AgentSettings, ConnectorSettings, Settings
from agentdesk.connectors.demo.canned import canned_replies
from agentdesk.model import (
    Agent,
    Attachment,
    Customer,
    Directory,
    Message,
    Order,
    OrderItem,
    PullBatch,
    Team,
    Ticket,
)
from agentdesk.ops import ALL_KINDS
from agentdesk.store.db import Store
from agentdesk.store.directory import apply_directory
from agentdesk.store.ingest import apply_batch

FROZEN = 1_767_225_600  # 2026-01-01 00:00 UTC
H = 3600

_TICKETS = [
    # remote id, channel, subject, status, customer, hours ago, assignee, team, tags
    ("1001", "email", "Where is my order LL1001?", "open", "c1", 30, "me", "t-after", ["wismo"]),
    ("1002", "wechat", "退款进度查询", "open", "c2", 5, "me", "t-after", ["refund"]),
    ("1003", "chat", "Is the linen duvet in stock?", "new", "c3", 1, None, "t-pre", ["pre-sales"]),
    (
        "1004",
        "amazon",
        "A-to-z claim: item not received",
        "open",
        "c4",
        50,
        "me",
        "t-market",
        ["a-to-z"],
    ),
    ("1005", "weibo", "优惠券用不了", "pending", "c2", 20, "me", "t-pre", []),
    ("1006", "sms", "Change delivery address", "open", "c5", 3, "a-lin", "t-after", []),
    (
        "1007",
        "phone",
        "Call back about a broken lamp",
        "open",
        "c1",
        8,
        "me",
        "t-after",
        ["damaged"],
    ),
    ("1008", "webform", "Invoice for order LL1003", "solved", "c3", 70, "me", "t-after", []),
]


def snapshot_settings(settings: Settings) -> Settings:
    agent = AgentSettings("Demo Agent", settings.agent.email, "UTC", 10)
    # The shop's connector is declared (its platform carries every kind of change) but not
    # enabled: the frozen workspace is never synced.
    shop = ConnectorSettings(
        "demo", "shop", False, None, {}, 0, platform="the demo shop", ops=ALL_KINDS
    )
    return dataclasses.replace(settings, agent=agent, connectors=(shop,))


def build(settings: Settings) -> None:
    t0 = FROZEN
    with Store.open_dir(settings.data_dir) as store:
        apply_directory(
            store,
            "shop",
            Directory(
                agents=[
                    Agent(
                        "me", "Demo Agent", settings.agent.email, "online", 20, ["t-after", "t-pre"]
                    ),
                    Agent(
                        "a-lin", "林晓雯 Lin Xiaowen", "lin@shop.example", "online", 15, ["t-after"]
                    ),
                    Agent("a-zhou", "周浩 Zhou Hao", "zhou@shop.example", "away", 15, ["t-pre"]),
                    Agent(
                        "a-sara", "Sara Okafor", "sara@shop.example", "offline", 10, ["t-market"]
                    ),
                ],
                teams=[
                    Team("t-after", "After-sales 售后"),
                    Team("t-pre", "Pre-sales 售前"),
                    Team("t-market", "Marketplace"),
                ],
                canned=canned_replies(),
            ),
        )
        customers = [
            Customer(
                "c1",
                "Ava Clark",
                "ava@example.com",
                "+1 555 0101",
                {"email": "ava@example.com"},
                False,
                t0 - 900 * H,
            ),
            Customer(
                "c2",
                "方涛",
                None,
                "19500000001",
                {"wechat": "wxid_fangtao", "weibo": "@方涛"},
                True,
                t0 - 900 * H,
            ),
            Customer(
                "c3",
                "Lucas Meyer",
                "lucas@example.de",
                None,
                {"chat": "visitor-88"},
                False,
                t0 - 400 * H,
            ),
            Customer("c4", "Priya Nair", None, None, {"amazon": "A1B2C3D4E5"}, False, t0 - 300 * H),
            Customer(
                "c5", "王芳", None, "13800000005", {"sms": "13800000005"}, False, t0 - 200 * H
            ),
        ]
        orders = [
            Order(
                "LL1001",
                "c1",
                "shop",
                [OrderItem("LAMP-1", "Brass lamp", 1, 8900)],
                8900,
                "USD",
                "shipped",
                t0 - 120 * H,
                "DHL",
                "1Z999AA10123456784",
                t0 - 100 * H,
            ),
            Order(
                "LL1002",
                "c2",
                "tmall",
                [OrderItem("DUV-2", "亚麻被套", 1, 59900)],
                59900,
                "CNY",
                "refunded",
                t0 - 200 * H,
            ),
        ]
        tickets, messages = [], []
        for rid, channel, subject, status, cust, ago, who, team, tags in _TICKETS:
            at = t0 - ago * H
            tickets.append(
                Ticket(
                    rid,
                    channel,
                    subject,
                    status,
                    cust,
                    at,
                    at + H,
                    assignee_remote_id=who,
                    team_remote_id=team,
                    tags=tags,
                    order_number="LL1001" if cust == "c1" else None,
                )
            )
            messages.append(
                Message(
                    f"{rid}-1", rid, "customer", _name(customers, cust), f"{subject}\nThanks.", at
                )
            )
        messages += [
            Message(
                "1001-2",
                "1001",
                "agent",
                "Demo Agent",
                "I've asked DHL to trace the parcel.",
                t0 - 29 * H,
                agent_remote_id="me",
            ),
            Message(
                "1001-3",
                "1001",
                "agent",
                "Demo Agent",
                "DHL says it is at the depot.",
                t0 - 28 * H,
                internal=True,
                agent_remote_id="me",
            ),
            Message(
                "1001-4",
                "1001",
                "customer",
                "Ava Clark",
                "Still nothing. What now?\nPhoto attached.",
                t0 - 2 * H,
                attachments=[Attachment("porch.jpg", "image/jpeg", 734003)],
            ),
        ]
        apply_batch(
            store,
            "shop",
            PullBatch("1", customers=customers, orders=orders, tickets=tickets, messages=messages),
            settings.sla_policies,
        )


def _name(customers, rid):
    return next(c.name for c in customers if c.remote_id == rid)
