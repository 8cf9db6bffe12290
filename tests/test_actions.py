"""One keystroke, one transaction: an agent action queues all of its ops or none, keeps the
draft when it queues none, names what was wrong, and never queues an op the ticket's
platform cannot carry."""

from __future__ import annotations

import dataclasses
import json

import pytest

from agentdesk.model import Agent, Customer, Directory, Message, PullBatch, Team, Ticket
from agentdesk.ops import ALL_KINDS
from agentdesk.store import actions
from agentdesk.store.actions import ActionContext, ActionRefused
from agentdesk.store.directory import apply_directory
from agentdesk.store.drafts import load_draft, save_draft
from agentdesk.store.ingest import apply_batch

HELPDESK = "helpdesk"  # a Request Tracker connector: no tags


@pytest.fixture
def desk(filled, filled_store):
    """The demo workspace plus three tickets of an RT connector, as the config declares it."""
    from agentdesk.connectors.registry import spec_for

    rt = spec_for("rt")
    extra = dataclasses.replace(
        filled.connectors[0],
        type="rt",
        name=HELPDESK,
        enabled=False,
        options={},
        platform=rt.platform,
        ops=rt.ops,
    )
    settings = dataclasses.replace(filled, connectors=(*filled.connectors, extra))
    now = 1_795_000_000
    batch = PullBatch(cursor="1", customers=[Customer("c1", "Wang Fang", "w@example.cn")])
    for n in (1, 2, 3):
        batch.tickets.append(Ticket(f"{n}", "helpdesk", f"RT question {n}", "open", "c1", now, now))
        batch.messages.append(Message(f"m{n}", f"{n}", "customer", "Wang Fang", "hello?", now))
    apply_batch(filled_store, HELPDESK, batch, settings.sla_policies)
    apply_directory(
        filled_store,
        HELPDESK,
        Directory(
            agents=[Agent("agent1", "Mia Agent", settings.agent.email, "online")],
            teams=[Team("7", "Returns")],
        ),
    )
    return settings


def ctx_of(settings) -> ActionContext:
    return ActionContext.from_settings(settings)


def demo_ticket(store, n: int = 0) -> int:
    return store.query(
        "SELECT id FROM tickets WHERE connector = 'demo' AND status = 'open' ORDER BY id"
    )[n][0]


def rt_ticket(store, n: int = 0) -> int:
    return store.query("SELECT id FROM tickets WHERE connector = ? ORDER BY id", (HELPDESK,))[n][0]


def outbox_rows(store) -> list[tuple]:
    return [
        (r["ticket_id"], r["kind"], json.loads(r["payload"]))
        for r in store.query("SELECT ticket_id, kind, payload FROM outbox ORDER BY id")
    ]


def snapshot(store, tid: int) -> tuple:
    t = store.one(
        "SELECT status, priority, team_id, message_count FROM tickets WHERE id = ?", (tid,)
    )
    tags = [r[0] for r in store.query("SELECT tag FROM ticket_tags WHERE ticket_id = ?", (tid,))]
    return tuple(t), sorted(tags), outbox_rows(store)


def test_a_macro_naming_an_unknown_team_queues_nothing_and_keeps_the_draft(desk, filled_store):
    """The review's case: reply + macro (tags, a team that does not exist, solve) used to
    queue the reply, delete the draft and leave the rest undone."""
    tid = demo_ticket(filled_store)
    key = desk.agent.email
    save_draft(filled_store, tid, key, "reply", "Sorry about that!", {"macro": {"team": "Nowhere"}})
    before = snapshot(filled_store, tid)
    macro = {"tags": ["damaged"], "team": "Nowhere", "status": "pending"}
    with pytest.raises(ActionRefused) as e:
        actions.send_message(
            filled_store, ctx_of(desk), tid, "Sorry about that!", macro=macro, solve=True
        )
    assert 'no team named "Nowhere" on demo' in str(e.value)
    assert str(e.value).startswith("the canned reply's effects:")
    assert snapshot(filled_store, tid) == before, "nothing queued, nothing shown"
    assert load_draft(filled_store, tid, key).body == "Sorry about that!", "the draft stays"


def test_a_reply_with_its_macro_and_solve_is_queued_together_and_the_draft_goes(desk, filled_store):
    tid = demo_ticket(filled_store)
    save_draft(filled_store, tid, desk.agent.email, "reply", "Replacement on its way", {})
    macro = {"tags": ["damaged"], "priority": "high", "team": "VIP", "status": "pending"}
    out = actions.send_message(
        filled_store, ctx_of(desk), tid, "Replacement on its way", macro=macro, solve=True
    )
    kinds = [k for t, k, _p in outbox_rows(filled_store) if t == tid]
    assert kinds == ["reply", "tags", "priority", "transfer", "status", "status"]
    assert len(out.op_uuids) == 6
    assert load_draft(filled_store, tid, desk.agent.email) is None
    row = filled_store.one("SELECT status, priority FROM tickets WHERE id = ?", (tid,))
    assert (row["status"], row["priority"]) == ("solved", "high")


def test_an_op_the_platform_cannot_carry_is_refused_at_enqueue(desk, filled_store):
    tid = rt_ticket(filled_store)
    before = snapshot(filled_store, tid)
    out = actions.change_tags(filled_store, ctx_of(desk), [tid], add=["vip"])
    assert out.done == []
    assert out.skipped == [
        (tid, "#1", "tags are not available on Request Tracker (connector helpdesk)")
    ]
    # A reply whose canned reply adds a tag: the whole reply is refused, the reason named.
    with pytest.raises(ActionRefused, match="tags are not available on Request Tracker"):
        actions.send_message(filled_store, ctx_of(desk), tid, "Hi", macro={"tags": ["vip"]})
    assert snapshot(filled_store, tid) == before


def test_a_bulk_action_over_mixed_platforms_skips_and_names_what_it_cannot_do(desk, filled_store):
    demo = [demo_ticket(filled_store, n) for n in range(2)]
    rt = [rt_ticket(filled_store, n) for n in range(2)]
    out = actions.change_tags(filled_store, ctx_of(desk), [*demo, *rt], add=["refund"])
    assert out.done == demo
    assert [s[0] for s in out.skipped] == rt
    summary = out.summary("tagged")
    assert summary.startswith("tagged: 2 tickets; skipped 2: #1, #2 (tags are not available")
    assert {t for t, _k, _p in outbox_rows(filled_store)} == set(demo)


def test_a_bulk_canned_reply_with_a_bad_effect_for_every_ticket_queues_nothing(desk, filled_store):
    ids = [demo_ticket(filled_store, n) for n in range(3)]
    before = [snapshot(filled_store, t) for t in ids]
    out = actions.send_canned(
        filled_store, ctx_of(desk), {t: f"Hello {t}" for t in ids}, {"team": "Nowhere"}
    )
    assert out.done == [] and len(out.skipped) == 3
    assert [snapshot(filled_store, t) for t in ids] == before


def test_a_transfer_and_its_handoff_note_go_together_or_not_at_all(desk, filled_store):
    demo_tid, rt_tid = demo_ticket(filled_store), rt_ticket(filled_store)
    returns = filled_store.one("SELECT id FROM teams WHERE connector = ? ", (HELPDESK,))[0]
    out = actions.transfer(
        filled_store, ctx_of(desk), [demo_tid, rt_tid], team_id=returns, note="Over to returns"
    )
    # The RT team cannot take a demo ticket: that ticket gets neither its note nor the move.
    assert out.done == [rt_tid]
    assert "team Returns is on helpdesk, not on this ticket's demo" in out.skipped[0][2]
    assert [(t, k) for t, k, _p in outbox_rows(filled_store)] == [
        (rt_tid, "note"),
        (rt_tid, "transfer"),
    ]


def test_the_same_action_run_twice_queues_once(desk, filled_store):
    """Its ops' identities are fixed when the agent commits: a retried write adds nothing."""
    tid = demo_ticket(filled_store)
    ctx = ctx_of(desk)
    first = actions.send_message(
        filled_store, ctx, tid, "Once only", macro={"status": "pending"}, action_id="key-1"
    )
    again = actions.send_message(
        filled_store, ctx, tid, "Once only", macro={"status": "pending"}, action_id="key-1"
    )
    assert again.done == [tid] and again.op_uuids == []
    rows = filled_store.query("SELECT uuid, kind FROM outbox WHERE ticket_id = ?", (tid,))
    assert [r["uuid"] for r in rows] == first.op_uuids
    assert (
        filled_store.one(
            "SELECT count(*) FROM messages WHERE ticket_id = ? AND body = 'Once only'", (tid,)
        )[0]
        == 1
    )


def test_a_ticket_of_a_connector_that_left_the_config_is_refused(desk, filled_store):
    tid = rt_ticket(filled_store)
    ctx = ActionContext(ctx_of(desk).actor, [], {"demo": actions.Platform("demo", ALL_KINDS)})
    with pytest.raises(ActionRefused, match='connector "helpdesk" is not in the config'):
        actions.send_message(filled_store, ctx, tid, "Hello")
