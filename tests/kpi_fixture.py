"""A small, fixed history with KPIs worked out by hand (see EXPECTED_ALL and EXPECTED_BY_AGENT).

Period: the week from T0 = 2026-11-16 00:00 UTC. SLA: chat first reply within 5 minutes,
next within 1, solved within 1 hour; e-mail 1 hour, 10 minutes and 90 minutes. Everything goes in through the same ingest path a connector uses, so
the events are derived exactly as they are for real platforms.

  ticket  channel team        agent  created     customer wrote      agent replied      status
  T1      chat    Pre-sales   ann    T0          T0, T0+1000         T0+60, T0+1120     solved T0+2000, rated 5
  T2      email   After-sales bob    T0+1h       T0+1h               T0+1h+600          solved T0+3h, rated 3;
                                                                                        reopened T0+20000
  T3      email   After-sales bob    T0+1d       T0+1d               T0+1d+4000 (late)  open
  T4      chat    Pre-sales   -      T0+2d       T0+2d               -                  open; its customer
                                                                                        orders at T0+3d
  T5      email   After-sales bob    T0-1d       T0-1d, T0+100       T0-1d+400, T0+400  open

By hand, over everything:
  first replies in the week: T1 60, T2 600, T3 4000 -> median 600, p90 4000
  next replies: T1 1120-1000 = 120, T5 400-100 = 300 -> median 210, p90 300
  solved in the week: T1 2000, T2 7200 -> median 4600, p90 7200; T2 reopened -> 1/2
  created in the week: T1-T4, solved by the end: T1, T2 -> 2/4
  SLA: T1 60 <= 300, T2 600 <= 3600, T3 4000 > 3600 -> 2/3
  solved in SLA: T1 2000 <= 1 h, T2 7200 > 90 min -> 1/2
  next reply in SLA: T1 120 > 1 min, T5 300 <= 10 min -> 1/2
  handled: T1, T2, T3, T5 -> 4; backlog now: T2, T3, T4, T5 -> 4
  ratings 5 and 3 -> 4.0, satisfied (4-5) 1/2; pre-sales T1 (no order), T4 (order) -> 1/2
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from agentdesk.config.settings import Settings, load_settings
from agentdesk.model import Agent, Customer, Directory, Message, Order, PullBatch, Team, Ticket
from agentdesk.store.db import Store
from agentdesk.store.directory import apply_directory
from agentdesk.store.ingest import apply_batch

T0 = int(dt.datetime(2026, 11, 16, tzinfo=dt.UTC).timestamp())
WEEK_END = T0 + 7 * 86400
H, D = 3600, 86400

EXPECTED_ALL = {
    "handled": 4,
    "first_response_median": 600.0,
    "first_response_p90": 4000,
    "next_response_median": 210.0,
    "next_response_p90": 300,
    "resolution_median": 4600.0,
    "resolution_p90": 7200,
    "resolution_rate": 0.5,
    "reopen_rate": 0.5,
    "sla_attainment": 0.6667,
    "resolution_sla_attainment": 0.5,
    "next_reply_sla_attainment": 0.5,
    "backlog": 4,
    "satisfaction": 4.0,
    "satisfied_share": 0.5,
    "presales_conversion": 0.5,
}
EXPECTED_BY_AGENT = {
    "ann": {"handled": 1, "first_response_median": 60.0, "next_response_median": 120.0},
    "bob": {"handled": 3, "first_response_median": 2300.0, "next_response_median": 300.0},
}

CONFIG = """
[agent]
name = "Sue Supervisor"
email = "sue@shop.example"
timezone = "UTC"

[[connectors]]
type = "demo"
name = "shop"
enabled = false

[[sla.policies]]
name = "Chat"
channels = ["chat"]
first_response = "5m"
next_response = "1m"
resolution = "1h"

[[sla.policies]]
name = "E-mail"
channels = ["email"]
first_response = "1h"
next_response = "10m"
resolution = "90m"
"""


def _msg(ticket: str, n: int, kind: str, at: int, agent: str | None = None) -> Message:
    return Message(
        f"{ticket}-m{n}",
        ticket,
        kind,
        agent or f"customer of {ticket}",
        f"message {n} on {ticket}",
        at,
        agent_remote_id=agent,
    )


def build(root: Path) -> Settings:
    (root / "config.toml").write_text(CONFIG, encoding="utf-8")
    settings = load_settings(root / "config.toml", root / "data", environ={})
    store = Store.open_dir(settings.data_dir)
    try:
        apply_directory(
            store,
            "shop",
            Directory(
                agents=[
                    Agent("ann", "ann", "ann@shop.example"),
                    Agent("bob", "bob", "bob@shop.example"),
                ],
                teams=[Team("presales", "Pre-sales"), Team("aftersales", "After-sales")],
            ),
        )

        def ticket(rid, channel, team, agent, created, status, updated, rating=None) -> Ticket:
            return Ticket(
                rid,
                channel,
                f"Subject {rid}",
                status,
                f"c-{rid}",
                created,
                updated,
                assignee_remote_id=agent,
                team_remote_id=team,
                satisfaction=rating,
            )

        batch = PullBatch(
            cursor="1",
            customers=[Customer(f"c-T{i}", f"Customer {i}") for i in range(1, 6)],
            orders=[Order("O-1", "c-T4", "shop", [], 1000, "CNY", "paid", T0 + 3 * D)],
            tickets=[
                ticket("T1", "chat", "presales", "ann", T0, "solved", T0 + 2000, 5),
                ticket("T2", "email", "aftersales", "bob", T0 + H, "solved", T0 + 3 * H, 3),
                ticket("T3", "email", "aftersales", "bob", T0 + D, "open", T0 + D + 4000),
                ticket("T4", "chat", "presales", None, T0 + 2 * D, "open", T0 + 2 * D),
                ticket("T5", "email", "aftersales", "bob", T0 - D, "open", T0 + 400),
            ],
            messages=[
                _msg("T1", 1, "customer", T0),
                _msg("T1", 2, "agent", T0 + 60, "ann"),
                _msg("T1", 3, "customer", T0 + 1000),
                _msg("T1", 4, "agent", T0 + 1120, "ann"),
                _msg("T2", 1, "customer", T0 + H),
                _msg("T2", 2, "agent", T0 + H + 600, "bob"),
                _msg("T3", 1, "customer", T0 + D),
                _msg("T3", 2, "agent", T0 + D + 4000, "bob"),
                _msg("T4", 1, "customer", T0 + 2 * D),
                _msg("T5", 1, "customer", T0 - D),
                _msg("T5", 2, "agent", T0 - D + 400, "bob"),
                _msg("T5", 3, "customer", T0 + 100),
                _msg("T5", 4, "agent", T0 + 400, "bob"),
            ],
        )
        apply_batch(store, "shop", batch, settings.sla_policies)
        # The customer of T2 writes again: the platform reopens it.
        reopened = ticket("T2", "email", "aftersales", "bob", T0 + H, "open", T0 + 20000, 3)
        apply_batch(store, "shop", PullBatch(cursor="2", tickets=[reopened]), settings.sla_policies)
    finally:
        store.close()
    return settings
