"""Customers (with their handles on each channel) and orders as a platform sends them,
upserted by the platform's key in the sync's transaction (ingest.py)."""

from __future__ import annotations

import sqlite3

from agentdesk.model import Customer, Order
from agentdesk.store.db import pinyin_keys
from agentdesk.store.derive import json_list


def upsert_customer(conn: sqlite3.Connection, connector: str, c: Customer) -> int:
    """The customer's local id, after writing what the platform says of them."""
    cid = conn.execute(
        "INSERT INTO customers (connector, remote_id, name, email, phone, vip, created_at,"
        " name_pinyin) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (connector, remote_id)"
        " DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,"
        " vip = excluded.vip, name_pinyin = excluded.name_pinyin RETURNING id",
        (
            connector,
            c.remote_id,
            c.name,
            c.email,
            c.phone,
            int(c.vip),
            c.created_at,
            pinyin_keys(c.name),
        ),
    ).fetchone()[0]
    if c.handles:
        conn.executemany(
            "INSERT INTO customer_handles (customer_id, channel, handle) VALUES (?, ?, ?)"
            " ON CONFLICT (customer_id, channel) DO UPDATE SET handle = excluded.handle",
            [(cid, ch, h) for ch, h in c.handles.items()],
        )
    return cid


def upsert_order(
    conn: sqlite3.Connection, connector: str, customer_id: int | None, o: Order
) -> int:
    """The order's local id, after writing what the platform says of it."""
    return conn.execute(
        "INSERT INTO orders (connector, number, customer_id, marketplace, items, amount_cents,"
        " currency, status, carrier, tracking_number, shipped_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (connector, number) DO UPDATE SET customer_id = excluded.customer_id,"
        " marketplace = excluded.marketplace, items = excluded.items,"
        " amount_cents = excluded.amount_cents, currency = excluded.currency,"
        " status = excluded.status, carrier = excluded.carrier,"
        " tracking_number = excluded.tracking_number, shipped_at = excluded.shipped_at"
        " RETURNING id",
        (
            connector,
            o.number,
            customer_id,
            o.marketplace,
            json_list(o.items),
            o.amount_cents,
            o.currency,
            o.status,
            o.carrier,
            o.tracking_number,
            o.shipped_at,
            o.created_at,
        ),
    ).fetchone()[0]
