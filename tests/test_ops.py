"""Typed ops: one class per kind, the outbox's JSON shapes (old caches included), and what
the engine does with a row it cannot read."""

from __future__ import annotations

import json
import sqlite3

import pytest

from agentdesk.ops import (
    ALL_KINDS,
    KINDS,
    AgentRef,
    Assign,
    InvalidOp,
    Note,
    Reply,
    SetPriority,
    SetStatus,
    Snooze,
    Tags,
    TeamRef,
    Transfer,
    decode,
    encode,
)
from agentdesk.store import outbox, schema
from agentdesk.store.db import Store

EVERY_KIND = [
    Reply("您好，包裹已发出"),
    Note("checked with the warehouse"),
    SetStatus("pending"),
    SetPriority("urgent"),
    Assign(AgentRef(3, "a-zhou", "周杰")),
    Assign(None),
    Transfer(TeamRef(2, "returns", "Returns"), AgentRef(4, "a-li", "Li")),
    Transfer(TeamRef(2, "returns", "Returns")),
    Tags(("refund", "退款"), ("vip",)),
    Snooze(1_798_000_000),
]


@pytest.mark.parametrize("change", EVERY_KIND, ids=lambda c: type(c).__name__)
def test_each_kind_survives_the_outbox(change):
    payload = json.loads(json.dumps(encode(change), ensure_ascii=False))
    assert decode(change.kind, payload) == change


def test_every_kind_has_a_class_and_one_is_shown_above():
    assert {c.kind for c in EVERY_KIND} == ALL_KINDS == set(KINDS)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Reply("   "), "an empty message cannot be sent"),
        (lambda: SetStatus("done"), "unknown status 'done'"),
        (lambda: SetPriority("asap"), "unknown priority 'asap'"),
        (lambda: Tags(), "no tags to add or remove"),
        (lambda: decode("merge", {}), "unknown kind of change 'merge'"),
    ],
)
def test_a_change_that_cannot_be_is_refused_with_a_reason(make, message):
    with pytest.raises(InvalidOp, match=message):
        make()


def test_payloads_of_earlier_caches_still_read():
    """The shapes agentdesk wrote before ops were typed are the shapes it writes now."""
    assert decode("assign", {"agent_id": None, "agent_remote_id": None}) == Assign(None)
    old_transfer = {
        "agent_id": None,
        "agent_remote_id": None,
        "team_id": 5,
        "team_remote_id": "aftersales",
        "team_name": "After-sales",
    }
    assert decode("transfer", old_transfer) == Transfer(TeamRef(5, "aftersales", "After-sales"))
    assert encode(Transfer(TeamRef(5, "aftersales", "After-sales"))) == old_transfer


def _cache_at_version(path, version: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for step in range(version):
        conn.executescript(
            "BEGIN;\n" + schema.MIGRATIONS[step] + f"\nPRAGMA user_version = {step + 1};\nCOMMIT;"
        )
    conn.close()


def test_a_version_3_cache_keeps_its_queued_ops(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    _cache_at_version(data / "agentdesk.db", 3)
    conn = sqlite3.connect(data / "agentdesk.db", isolation_level=None)
    conn.execute(
        "INSERT INTO tickets (id, connector, remote_id, channel, subject, status, customer_id,"
        " created_at, updated_at) VALUES (1, 'shop', 'T1', 'email', 's', 'open', NULL, 0, 0)"
    )
    for n, (kind, payload) in enumerate(
        [("tags", {"add": ["a"], "remove": []}), ("status", {"status": "solved"})], start=1
    ):
        conn.execute(
            "INSERT INTO outbox (id, uuid, connector, ticket_id, kind, payload, state,"
            " next_attempt_at, agent_key, created_at, updated_at)"
            " VALUES (?, ?, 'shop', 1, ?, ?, 'queued', 0, 'me', 0, 0)",
            (n, f"u{n}", kind, json.dumps(payload)),
        )
    conn.close()
    with Store.open_dir(data) as store:
        assert store.one("PRAGMA user_version")[0] == schema.SCHEMA_VERSION
        first = outbox.claim_next(store, "shop")
        assert first.change == Tags(("a",))
        outbox.mark_sent(store, first, None)
        assert outbox.claim_next(store, "shop").change == SetStatus("solved")


def test_an_op_this_version_cannot_read_fails_with_the_reason_and_the_queue_moves_on(tmp_path):
    with Store.open_dir(tmp_path / "data") as store:
        with store.write() as conn:
            conn.execute(
                "INSERT INTO tickets (id, connector, remote_id, channel, subject, status,"
                " customer_id, created_at, updated_at)"
                " VALUES (1, 'shop', 'T1', 'email', 's', 'open', NULL, 0, 0)"
            )
            for n, (kind, payload) in enumerate(
                [("merge", {"into": "T9"}), ("status", {"status": "pending"})], start=1
            ):
                conn.execute(
                    "INSERT INTO outbox (id, uuid, connector, ticket_id, kind, payload, state,"
                    " next_attempt_at, agent_key, created_at, updated_at)"
                    " VALUES (?, ?, 'shop', 1, ?, ?, 'queued', 0, 'me', 0, 0)",
                    (n, f"u{n}", kind, json.dumps(payload)),
                )
        assert outbox.claim_next(store, "shop") is None, "the ticket's next op waits behind it"
        failed = store.one("SELECT state, last_error FROM outbox WHERE id = 1")
        assert failed["state"] == "failed"
        assert "unknown kind of change 'merge'" in failed["last_error"]
        outbox.discard(store, 1)  # the agent gives up on it; the next one goes
        assert outbox.claim_next(store, "shop").change == SetStatus("pending")
