"""The Zendesk connector against the fake Zendesk (every exchange checked against Zendesk's
OpenAPI spec): export pages, the export's own limits, rate limits and faults, tags that
never drop a colleague's, a reply that landed never sent again, the directory."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from connector_support import context, pull_all
from servers import vendor_spec
from servers.zendesk_fake import TOKEN, FakeZendesk
from servers.zendesk_fake import iso as fake_iso

from agentdesk.connectors.base import (
    AmbiguousError,
    PermanentError,
    TransientError,
)
from agentdesk.connectors.http.client import LoginRefused
from agentdesk.connectors.zendesk.connector import ZendeskConnector
from agentdesk.ops import Op, Reply, SetStatus, Tags, TeamRef, Transfer

pytestmark = pytest.mark.skipif(
    vendor_spec.spec_path("zendesk") is None,
    reason="Zendesk's OpenAPI spec is not at ../shared/specs: " + vendor_spec.DOWNLOAD["zendesk"],
)


@pytest.fixture
def fake():
    f = FakeZendesk(export_lag=0.3, export_per_minute=10)
    yield f
    f.close()
    assert not f.violations, "against Zendesk's spec:\n" + "\n".join(f.violations[:10])


def connector(fake: FakeZendesk, token: str = TOKEN, **options) -> ZendeskConnector:
    options = {"url": fake.url, "email": "agent@shop.example", **options}
    return ZendeskConnector(context("zendesk", options, token))


def run(coro):
    return asyncio.run(coro)


def sync_once(fake: FakeZendesk):
    """Every export page a fresh connector finds, and the cursor it ends on."""

    async def go():
        c = connector(fake)
        try:
            return await pull_all(c)
        finally:
            await c.close()

    return run(go())


def settle(fake: FakeZendesk) -> None:
    time.sleep(fake.export_lag + 0.1)


def test_a_first_sync_walks_the_export_pages_within_its_limit(fake):
    customers = [fake.add_user(f"Customer {n} 顾客", f"c{n}@example.cn") for n in range(120)]
    for i in range(5000):
        fake.create_ticket(f"Ticket {i}", f"Body {i}", customers[i % len(customers)])
    settle(fake)

    started = time.monotonic()
    batches, _cursor = sync_once(fake)
    seconds = time.monotonic() - started
    tickets = [t.remote_id for b in batches for t in b.tickets]
    assert len(tickets) == len(set(tickets)) == 5000
    assert sum(len(b.messages) for b in batches) == 5000
    exports = [p for m, p in fake.requests if p.endswith("/incremental/tickets/cursor")]
    assert len(exports) == 5  # 1,000 a page
    # Requesters are asked for 100 at a time, each once: 2 requests, not 5,000.
    assert len([p for m, p in fake.requests if p.endswith("/users/show_many")]) == 2
    assert len({c.remote_id for b in batches for c in b.customers}) == 120
    print(f"first sync of 5,000 tickets: {len(fake.requests)} requests, {seconds:.1f} s")


def test_a_customers_identities_are_their_handles(fake):
    ann = fake.add_user("Ann Lee", "ann@example.com")
    fake.add_identity(ann, "email", "ann.lee@work.example")
    fake.add_identity(ann, "phone_number", "+86 138 0013 8000")
    fake.add_identity(ann, "twitter", "annlee")
    fake.add_identity(ann, "sdk", "device-7f3a")  # an internal id: not a handle
    fake.create_ticket("Where is my parcel?", "Ordered a week ago", ann)
    settle(fake)

    batches, _cursor = sync_once(fake)
    (customer,) = [c for b in batches for c in b.customers]
    assert customer.handles == {
        "email": "ann@example.com",
        "phone": "+86 138 0013 8000",
        "email 2": "ann.lee@work.example",
        "twitter": "annlee",
    }


def test_only_new_comments_are_read_and_only_where_the_count_moved(fake):
    customer = fake.add_user("Ann", "ann@example.com")
    colleague = fake.add_user("Kim", "kim@shop.example", "agent")
    quiet, busy, other = (fake.create_ticket(f"T{i}", f"B{i}", customer) for i in range(3))
    settle(fake)

    async def go():
        c = connector(fake)
        try:
            _first, cursor = await pull_all(c)
            fake.colleague_update(quiet, colleague, priority="high")  # no new comment
            fake.add_comment(busy, customer, "Any news?")
            fake.add_comment(busy, colleague, "Checking with the warehouse", public=False)
            settle(fake)
            before = len(fake.queries)
            batches, _cursor = await pull_all(c, cursor)
            return batches, fake.queries[before:]
        finally:
            await c.close()

    batches, queries = run(go())
    reads = [(path, q) for path, q in queries if path.endswith("/comments")]
    assert [path for path, _q in reads] == [f"/api/v2/tickets/{busy}/comments"]
    assert reads[0][1].get("sort") == "-created_at"  # newest first, stopping at what we had
    assert [m.body for b in batches for m in b.messages] == [
        "Any news?",
        "Checking with the warehouse",
    ]
    changed = {t.remote_id: t for b in batches for t in b.tickets}
    assert changed[str(quiet)].priority == "high" and str(other) not in changed


def test_the_export_is_never_asked_more_than_ten_times_a_minute(fake):
    customer = fake.add_user("Ann", "ann@example.com")
    fake.create_ticket("One", "Body", customer)
    settle(fake)

    async def go():
        c = connector(fake)
        cursor = None
        try:
            for _ in range(14):
                cursor = (await c.pull(cursor)).cursor
        finally:
            await c.close()

    run(go())  # no 429: the connector skips a pull rather than ask an eleventh time
    assert len([p for m, p in fake.requests if p.endswith("/cursor")]) == 10


def test_the_last_minute_of_changes_comes_later_by_time_when_the_first_export_is_empty(fake):
    fake.export_lag = 60.0
    customer = fake.add_user("Ann", "ann@example.com")
    fake.create_ticket("Just now", "Body", customer)

    async def go():
        c = connector(fake)
        try:
            first = await c.pull(None)
            fake.export_lag = 0.0  # a minute later
            second = await c.pull(first.cursor)
            return first, second
        finally:
            await c.close()

    first, second = run(go())
    assert first.tickets == [] and not first.more  # Zendesk holds it back for a minute
    # ...and its empty first export gave no cursor: the next pull asks by time again.
    exports = [q for q in fake.queries if q[0].endswith("/incremental/tickets/cursor")]
    assert [("start_time" in q[1], "cursor" in q[1]) for q in exports] == [(True, False)] * 2
    assert [t.subject for t in second.tickets] == ["Just now"]


def test_a_cursor_zendesk_no_longer_takes_goes_on_by_time(fake):
    customer = fake.add_user("Ann", "ann@example.com")
    fake.create_ticket("Before", "Body", customer)
    settle(fake)

    async def go():
        c = connector(fake)
        try:
            _batches, cursor = await pull_all(c)
            state = json.loads(cursor)
            fake.create_ticket("After", "Body", customer)
            settle(fake)
            broken = json.dumps({**state, "after": "not-a-cursor"})
            return await pull_all(c, broken)
        finally:
            await c.close()

    batches, cursor = run(go())
    subjects = [t.subject for b in batches for t in b.tickets]
    # From a minute before the newest change seen: nothing lost (a repeat the cache takes once).
    assert "After" in subjects
    assert json.loads(cursor).get("after")  # and back on a cursor


def test_a_colleagues_change_made_mid_sync_arrives_once(fake):
    customer = fake.add_user("Ann", "ann@example.com")
    colleague = fake.add_user("Kim", "kim@shop.example", "agent")
    ids = [fake.create_ticket(f"T{i}", f"B{i}", customer) for i in range(1500)]
    settle(fake)

    async def go():
        c = connector(fake)
        try:
            first = await c.pull(None)
            # Between two pages: a colleague answers a ticket already pulled and one not yet.
            fake.add_comment(ids[10], colleague, "Colleague on T10")
            fake.add_comment(ids[1400], colleague, "Colleague on T1400")
            settle(fake)
            rest, _ = await pull_all(c, first.cursor)
            return [first, *rest]
        finally:
            await c.close()

    batches = run(go())
    said = [m.body for b in batches for m in b.messages if m.body.startswith("Colleague")]
    assert sorted(said) == ["Colleague on T10", "Colleague on T1400"]
    kim = [m for b in batches for m in b.messages if m.body == "Colleague on T10"]
    assert kim[0].author_kind == "agent" and kim[0].author_name == "Kim"


def test_our_tag_change_keeps_a_colleagues_tag(fake):
    customer = fake.add_user("Ann", "ann@example.com")
    tid = fake.create_ticket("Refund", "Please refund", customer)

    async def go():
        c = connector(fake)
        try:
            fake.colleague_tags(tid, ["vip"])  # after we last read the ticket
            await c.push(Op(Tags(add=("refund",)), "zendesk", str(tid)))
            assert fake.state.tickets[tid]["tags"] == ["refund", "vip"]
            await c.push(Op(Tags(remove=("refund",)), "zendesk", str(tid)))
        finally:
            await c.close()

    run(go())
    assert fake.state.tickets[tid]["tags"] == ["vip"]


def test_a_reply_that_landed_before_the_answer_failed_is_found_not_resent(fake):
    customer = fake.add_user("Ann", "ann@example.com")
    tid = fake.create_ticket("Where is it", "Order 42?", customer)
    op = Op(Reply("It ships today."), "zendesk", str(tid))

    async def go():
        c = connector(fake)
        try:
            fake.fail_next("PUT", rf"/api/v2/tickets/{tid}$", 500, after_commit=True)
            with pytest.raises(AmbiguousError):
                await c.push(op)
            return await c.find_landed(op)
        finally:
            await c.close()

    landed = run(go())
    replies = [c for c in fake.comments_of(tid) if c["body"] == "It ships today."]
    assert len(replies) == 1 and landed is not None and landed.remote_id == str(replies[0]["id"])
    assert replies[0]["public"] is True


def test_rate_limits_and_refusals_are_sorted(fake):
    customer = fake.add_user("Ann", "ann@example.com")
    tid = fake.create_ticket("Hello", "Hi", customer)

    async def go():
        c = connector(fake)
        try:
            fake.fail_next("PUT", r"/api/v2/tickets/", 429, retry_after=7)
            with pytest.raises(TransientError) as told:
                await c.push(Op(SetStatus("pending"), "zendesk", str(tid)))
            assert told.value.retry_after == 7
            fake.fail_next("PUT", r"/api/v2/tickets/", 429)  # no Retry-After: a minute
            with pytest.raises(TransientError) as told:
                await c.push(Op(SetStatus("pending"), "zendesk", str(tid)))
            assert told.value.retry_after == 60
            await c.push(Op(SetStatus("on_hold"), "zendesk", str(tid)))
            assert fake.state.tickets[tid]["status"] == "hold"
            fake.colleague_update(tid, fake.admin, status="closed")
            with pytest.raises(PermanentError, match="closed prevents ticket update"):
                await c.push(Op(Reply("Too late"), "zendesk", str(tid)))
        finally:
            await c.close()
        wrong = connector(fake, token="not-the-token")
        try:
            with pytest.raises(LoginRefused, match="login refused"):
                await wrong.pull(None)
        finally:
            await wrong.close()

    run(go())


def test_a_transfer_moves_the_group_and_unassigns(fake):
    customer = fake.add_user("Ann", "ann@example.com")
    returns = fake.add_group("Returns")
    tid = fake.create_ticket("Return", "Send it back?", customer)
    fake.colleague_update(tid, fake.admin, assignee_id=fake.admin)

    async def go():
        c = connector(fake)
        try:
            await c.push(
                Op(Transfer(team=TeamRef(1, str(returns), "Returns")), "zendesk", str(tid))
            )
        finally:
            await c.close()

    run(go())
    t = fake.state.tickets[tid]
    assert t["group_id"] == returns and t["assignee_id"] is None


def test_the_directory_and_doctor(fake):
    support = fake.add_group("Support 客服")
    kim = fake.add_user("Kim", "kim@shop.example", "agent")
    fake.add_user("Customer", "c@example.com")
    fake.add_membership(kim, support)
    fake.add_macro(
        "Refund sent",
        [
            {"field": "comment_value", "value": "Hi {{ticket.requester.first_name}}, refunded."},
            {"field": "status", "value": "solved"},
            {"field": "group_id", "value": str(support)},  # Zendesk's values are strings
            {"field": "set_tags", "value": "refund done"},
        ],
    )

    async def go():
        c = connector(fake)
        try:
            return await c.directory(), await c.check()
        finally:
            await c.close()

    directory, said = run(go())
    assert {a.name for a in directory.agents} == {"Mia Agent", "Kim"}
    assert next(a for a in directory.agents if a.name == "Kim").team_remote_ids == [str(support)]
    [canned] = directory.canned
    assert canned.body == "Hi {{ticket.requester.first_name}}, refunded."  # shown as it is
    assert canned.actions == {
        "status": "solved",
        "team": "Support 客服",
        "tags": ["refund", "done"],
    }
    assert said == "Zendesk as Mia Agent (admin): incremental export allowed, 700 requests a minute"


def test_a_deleted_ticket_leaves_the_inbox_and_an_op_on_it_fails_saying_so(fake):
    customer = fake.add_user("Ann", "ann@example.com")
    tid = fake.create_ticket("Spam", "Buy now", customer)
    settle(fake)

    async def go():
        c = connector(fake)
        try:
            first = await c.pull(None)
            fake.delete_ticket(tid)
            settle(fake)
            later = await c.pull(first.cursor)
            with pytest.raises(PermanentError, match="was deleted"):
                await c.push(Op(Reply("Hello?"), "zendesk", str(tid)))
            return first, later
        finally:
            await c.close()

    first, later = run(go())
    assert first.tickets[0].status == "new"
    [gone] = later.tickets
    assert gone.status == "closed" and gone.fields["zendesk_deleted"] is True
    assert later.messages == []


def test_few_requests_left_slow_reads_and_keep_the_rest_for_writes(fake):
    customer = fake.add_user("Ann", "ann@example.com")
    tid = fake.create_ticket("One", "Body", customer)

    async def go():
        c = connector(fake)
        try:
            fake.remaining = 100  # of 700: below a fifth, so reads slow down
            await c.client.get_json("/api/v2/users/me")
            slowed = c.client._not_before - time.monotonic()
            fake.remaining = 40  # below the half of that fifth kept for writes
            await c.client.get_json("/api/v2/users/me")
            stopped = c.client._not_before - time.monotonic()
            started = time.monotonic()
            await c.push(Op(Reply("On its way"), "zendesk", str(tid)))  # not held up
            return slowed, stopped, time.monotonic() - started
        finally:
            await c.close()

    slowed, stopped, write_took = run(go())
    assert 1.5 < slowed <= 2.0  # 30 reads spread over the minute
    assert 55 < stopped <= 60  # reads wait for the next minute
    assert write_took < 5


def test_an_agents_token_walks_the_search_past_its_thousand_result_cap(fake):
    fake.state.users[fake.admin]["role"] = "agent"  # the export is for admins only
    customer = fake.add_user("Ann", "ann@example.com")
    base = time.time() - 100
    for i in range(1150):
        tid = fake.create_ticket(f"T{i}", f"B{i}", customer)
        at = base + i // 50  # fifty changes a second, as a busy account has
        fake.state.changed_at[tid] = at
        fake.state.tickets[tid]["updated_at"] = fake_iso(at)
    settle(fake)

    async def go():
        c = connector(fake)
        try:
            batches, cursor = await pull_all(c)
            quiet = await c.pull(cursor)  # nothing new: nothing read again
            ids = [fake.create_ticket("Fresh", "New one", customer)]
            later = await c.pull(quiet.cursor)
            return batches, quiet, later, ids, await c.check()
        finally:
            await c.close()

    batches, quiet, later, ids, said = run(go())
    tickets = {t.remote_id for b in batches for t in b.tickets}
    assert len(tickets) == 1150
    assert quiet.tickets == [] and [t.remote_id for t in later.tickets] == [str(ids[0])]
    searches = [p for _m, p in fake.requests if p == "/api/v2/search"]
    assert len(searches) >= 12  # ten pages, then a new query from the last update seen
    assert "search API" in said


def test_a_refused_token_keeps_the_work_and_goes_on_with_a_new_one(fake, tmp_path, monkeypatch):
    from contract.zendesk_platform import ZendeskHarness

    from agentdesk.store import actions
    from agentdesk.store.actions import ActionContext
    from agentdesk.store.db import Store
    from agentdesk.sync import engine
    from agentdesk.sync.runner import BackgroundEngine, run_once

    customer = fake.add_user("Ann", "ann@example.com")
    tid = fake.create_ticket("Where is it?", "Order 7", customer)
    settle(fake)
    harness = ZendeskHarness.__new__(ZendeskHarness)  # only its config, on this fake
    harness.root, harness.fake, harness.proxy = tmp_path, fake, None
    monkeypatch.setenv("AGENTDESK_SECRET_ZENDESK", TOKEN)
    settings = harness.settings(tmp_path / "data")
    assert run_once(settings).errors == {}
    with Store.open_dir(settings.data_dir) as store:
        local = store.one("SELECT id FROM tickets WHERE remote_id = ?", (str(tid),))[0]
        ctx = ActionContext.from_settings(settings)
        actions.send_message(store, ctx, local, "It ships today.")

    # The token is revoked: the reply waits, queued, and Zendesk is not asked again and again.
    monkeypatch.setenv("AGENTDESK_SECRET_ZENDESK", "revoked")
    monkeypatch.setattr(engine, "SECRET_POLL", 0.3)
    background = BackgroundEngine(settings)
    assert background.start()
    try:
        deadline = time.monotonic() + 30
        with Store.open_dir(settings.data_dir, readonly=True) as store:
            while time.monotonic() < deadline:
                row = store.one("SELECT state, last_error FROM connector_state")
                if row and row[0] == "error" and "waiting for a new secret" in (row[1] or ""):
                    break
                time.sleep(0.1)
            else:
                raise AssertionError("the refusal was never shown")
            assert store.one("SELECT state FROM outbox")[0] == "queued"
        asked = len(fake.requests)
        time.sleep(1.5)
        assert len(fake.requests) == asked, "a refused token asks nothing more"
        monkeypatch.setenv("AGENTDESK_SECRET_ZENDESK", TOKEN)  # `agentdesk login zendesk`
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(c["body"] == "It ships today." for c in fake.comments_of(tid)):
                break
            time.sleep(0.1)
    finally:
        background.stop()
    assert [c["body"] for c in fake.comments_of(tid)].count("It ships today.") == 1
