from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from agentdesk.store import changes, reads
from agentdesk.store.db import Store, StoreError
from agentdesk.store.schema import SCHEMA_VERSION
from agentdesk.store.views import builtin_views


def test_new_cache_is_private_wal_and_versioned(data_dir):
    with Store.open_dir(data_dir) as s:
        assert s.one("PRAGMA journal_mode")[0] == "wal"
        assert s.one("PRAGMA user_version")[0] == SCHEMA_VERSION
        assert s.one("PRAGMA foreign_keys")[0] == 1
        assert s.one("PRAGMA busy_timeout")[0] >= 5000
    mode = stat.S_IMODE(os.stat(data_dir / "agentdesk.db").st_mode)
    assert mode == 0o600


def test_reopening_does_not_migrate_again(data_dir):
    Store.open_dir(data_dir).close()
    with Store.open_dir(data_dir) as s:
        assert s.one("SELECT count(*) FROM tickets")[0] == 0


def test_newer_schema_is_refused_and_left_alone(data_dir):
    Store.open_dir(data_dir).close()
    db = data_dir / "agentdesk.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="written by a newer agentdesk"):
        Store.open_dir(data_dir)
    assert db.read_bytes() == before


def test_corrupt_cache_is_refused_and_left_alone(data_dir):
    data_dir.mkdir(parents=True)
    db = data_dir / "agentdesk.db"
    db.write_bytes(b"this is not a database, it is a shopping list" * 100)
    before = db.read_bytes()
    with pytest.raises(StoreError, match="not a usable agentdesk cache"):
        Store.open_dir(data_dir)
    assert db.read_bytes() == before


def test_foreign_sqlite_file_is_refused(data_dir):
    data_dir.mkdir(parents=True)
    conn = sqlite3.connect(data_dir / "agentdesk.db")
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an agentdesk cache"):
        Store.open_dir(data_dir)


def test_data_dir_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the data dir"):
        Store.open_dir(blocker / "data")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to any directory")
def test_data_dir_not_writable(tmp_path):
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="not writable"):
            Store.open_dir(d)
    finally:
        d.chmod(0o700)


def test_readonly_open_cannot_write(filled):
    with Store.open_dir(filled.data_dir, readonly=True) as s:
        assert s.one("SELECT count(*) FROM tickets")[0] == 400
        with pytest.raises(sqlite3.OperationalError):
            s.conn.execute("UPDATE tickets SET status = 'closed'")


def test_change_counter_tells_another_connection(filled, filled_store):
    from agentdesk.store.presence import set_presence

    other = Store.open_dir(filled.data_dir)
    v0 = other.data_version()
    seq0 = changes.latest_seq(other)
    set_presence(filled_store, filled.agent.email, "away")
    assert other.data_version() != v0
    cs = changes.changes_since(other, seq0)
    assert "agents" in cs.kinds
    assert cs.seq > seq0
    other.close()


def test_views_count_and_page_in_keyset_order(filled, filled_store):
    views = {v.id: v for v in builtin_views(filled_store, filled.agent.email, 1800)}
    assert {"mine", "unassigned", "open", "pending", "at_risk"} <= set(views)
    assert any(k.startswith("channel:") for k in views) and any(
        k.startswith("team:") for k in views
    )
    open_view = views["open"].filter
    total = reads.count(filled_store, open_view)
    assert total > 0
    seen, after = [], None
    while True:
        rows = reads.page(filled_store, open_view, "sla", after=after, limit=17)
        if not rows:
            break
        seen += [r["id"] for r in rows]
        after = reads.sort_key(rows[-1], "sla")
    assert len(seen) == total == len(set(seen))
    keys = [
        (r["due_key"], r["created_at"], r["id"])
        for r in reads.page(filled_store, open_view, "sla", limit=total)
    ]
    assert keys == sorted(keys)
    # Walking back from the end gives the same rows.
    last = reads.page(filled_store, open_view, "sla", limit=total)[-5:]
    back = reads.page(
        filled_store, open_view, "sla", before=reads.sort_key(last[-1], "sla"), limit=4
    )
    assert [r["id"] for r in back] == [r["id"] for r in last[:4]]
    assert [r["id"] for r in reads.page_at(filled_store, open_view, "sla", 10, 5)] == seen[10:15]


def test_conversation_has_customer_orders_and_thread(filled_store):
    tid = filled_store.one(
        "SELECT id FROM tickets WHERE order_id IS NOT NULL AND message_count > 3 LIMIT 1"
    )[0]
    conv = reads.conversation(filled_store, tid)
    assert conv.customer is not None and conv.orders and conv.handles
    assert [m["created_at"] for m in conv.messages] == sorted(
        m["created_at"] for m in conv.messages
    )
    assert any(e["kind"] == "created" for e in conv.events)


def test_ingest_is_idempotent(filled, filled_store):
    """A batch applied twice (a crash after the pull, before the commit) changes nothing."""
    from agentdesk.connectors.demo.world import World
    from agentdesk.model import PullBatch
    from agentdesk.store.ingest import apply_batch

    anchor = __import__("json").loads((filled.data_dir / "connectors/demo/shop.json").read_text())[
        "anchor"
    ]
    w = World(7, 400, anchor, filled.agent.name, filled.agent.email)
    g = w.ticket(5)

    def counts():
        return (
            filled_store.one("SELECT count(*) FROM tickets")[0],
            filled_store.one("SELECT count(*) FROM messages")[0],
            filled_store.one("SELECT count(*) FROM events")[0],
        )  # noqa: E731

    before = counts()
    batch = PullBatch(cursor="live:0", tickets=[g.ticket], messages=g.messages)
    apply_batch(filled_store, "demo", batch, filled.sla_policies)
    apply_batch(filled_store, "demo", batch, filled.sla_policies)
    assert counts() == before


def test_stats_count_messages_by_author_in_one_pass_as_group_by_would(filled_store):
    from agentdesk.store.stats import cache_counts, cache_stats

    with filled_store.write() as conn:  # a system message and one more note, so all kinds occur
        tid = conn.execute("SELECT id FROM tickets LIMIT 1").fetchone()[0]
        conn.execute(
            "INSERT INTO messages (ticket_id, remote_id, author_kind, author_name, body,"
            " internal, created_at) VALUES (?, 'sys-1', 'system', 'shop', 'merged', 1, 1)",
            (tid,),
        )
    got = cache_stats(filled_store)["messages"]
    truth = dict(
        filled_store.query("SELECT author_kind, count(*) FROM messages GROUP BY author_kind")
    )
    assert got["by_author"] == truth and set(truth) == {"agent", "customer", "system"}
    assert (
        got["internal_notes"]
        == filled_store.one("SELECT count(*) FROM messages WHERE internal = 1")[0]
    )
    assert got["total"] == sum(truth.values()) == cache_counts(filled_store)["messages"]
