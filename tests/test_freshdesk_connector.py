"""The Freshdesk connector against the fake Freshdesk (every exchange checked against the
shapes of Freshdesk's documentation): the list past its page cap, tickets that move while
a sync reads, tags merged with a colleague's, a reply that landed never sent again, rate
limits, refusals, deletions, expiring attachment addresses, ratings, Freshdesk's own SLA."""

from __future__ import annotations

import asyncio
import time

import pytest
from connector_support import context, pull_all
from servers.freshdesk_fake import API_KEY, FakeFreshdesk

from agentdesk.connectors.base import (
    AmbiguousError,
    PermanentError,
    TransientError,
)
from agentdesk.connectors.freshdesk.connector import FreshdeskConnector
from agentdesk.connectors.http.client import LoginRefused
from agentdesk.ops import Note, Op, Reply, SetStatus, Tags, TeamRef, Transfer


@pytest.fixture
def fake():
    f = FakeFreshdesk(per_minute=100_000, list_per_minute=100_000)
    yield f
    f.close()
    assert not f.violations, "against Freshdesk's documented shapes:\n" + "\n".join(
        f.violations[:10]
    )


def connector(fake: FakeFreshdesk, key: str = API_KEY, **options) -> FreshdeskConnector:
    return FreshdeskConnector(context("freshdesk", {"url": fake.url, **options}, key))


def run(coro):
    return asyncio.run(coro)


def with_connector(fake: FakeFreshdesk, work, **options):
    """Run `work(c)` with a fresh connector, closed afterwards."""

    async def go():
        c = connector(fake, **options)
        try:
            return await work(c)
        finally:
            await c.close()

    return run(go())


def spread(fake: FakeFreshdesk, n: int, per_second: int, customer: int, start: float) -> list[int]:
    """n tickets, `per_second` of them in each second, as a busy shop's history has."""
    return [
        fake.create_ticket(f"T{i:04d}", f"Body {i}", customer, at=start + i // per_second)
        for i in range(n)
    ]


def test_a_first_sync_goes_past_the_page_cap_without_losing_or_repeating(fake):
    fake.page_cap = 3  # Freshdesk: 300 pages of 100
    customer = fake.add_contact("Li Wei 李伟", "li.wei@example.cn")
    start = time.time() - 3600
    ids = spread(fake, 240, 7, customer, start)
    # A bulk change: 25 tickets in one second, more than a page of 10.
    ids += [fake.create_ticket(f"Bulk {i}", "b", customer, at=start + 100) for i in range(25)]
    # Older than the 30 days Freshdesk lists when not asked for an update time.
    ids.append(fake.create_ticket("Last spring", "Old", customer, at=start - 90 * 86400))

    async def work(c):
        c.page_size = 10
        return await pull_all(c)

    batches, _cursor = with_connector(fake, work)
    got = [t.remote_id for b in batches for t in b.tickets]
    assert sorted(got) == sorted(str(i) for i in ids)  # each once, none lost
    pages = [q for p, q in fake.queries if p == "/api/v2/tickets" and "filter" not in q]
    assert max(int(q["page"]) for q in pages) <= 3  # never past the cap
    assert len(pages) > 3 * 1  # the list is 27 pages long: it went on by update time


def test_a_ticket_changed_while_the_sync_reads_is_neither_lost_nor_doubled(fake):
    customer = fake.add_contact("Ann", "ann@example.com")
    kim = fake.add_agent("Kim", "kim@shop.example")
    ids = spread(fake, 60, 5, customer, time.time() - 3600)

    async def work(c):
        c.page_size = 10
        first = await c.pull(None)
        # Between two pages a colleague answers one ticket already read (it moves to the
        # end of the list) and one not read yet: the tickets after them slide up a place.
        fake.colleague_note(ids[2], kim, "Refund approved")
        fake.colleague_note(ids[30], kim, "Courier called")
        rest, cursor = await pull_all(c, first.cursor)
        return [first, *rest]

    batches = with_connector(fake, work)
    got = [t.remote_id for b in batches for t in b.tickets]
    assert set(got) == {str(i) for i in ids}
    assert got.count(str(ids[2])) == 2 and got.count(str(ids[30])) == 1
    notes = [m for b in batches for m in b.messages if m.internal]
    assert sorted(m.body for m in notes) == ["Courier called", "Refund approved"]


def test_only_what_is_new_is_read_on_a_later_pass(fake):
    customer = fake.add_contact("Ann", "ann@example.com")
    tid = fake.create_ticket("Parcel", "Where is it?", customer, at=time.time() - 60)

    async def work(c):
        _b, cursor = await pull_all(c)
        time.sleep(2.1)  # past the second Freshdesk stamps times with
        before = len(fake.queries)
        quiet, cursor = await pull_all(c, cursor)
        quiet_requests = len(fake.queries) - before
        fake.customer_replies(tid, "Any news?")
        time.sleep(0.1)
        later, _cursor = await pull_all(c, cursor)
        return quiet, quiet_requests, later

    quiet, quiet_requests, later = with_connector(fake, work)
    assert [t for b in quiet for t in b.tickets] == []
    assert quiet_requests == 3  # the list, deleted tickets, ratings
    assert [m.body for b in later for m in b.messages] == ["Any news?"]


def test_our_tag_change_keeps_a_colleagues_tag(fake):
    customer = fake.add_contact("Ann", "ann@example.com")
    tid = fake.create_ticket("Hello", "Hi", customer)
    fake.colleague_update(tid, tags=["vip"])  # after our last sync: our cache has no tags

    async def work(c):
        await c.push(Op(Tags(add=("refund",), remove=("spam",)), "freshdesk", str(tid)))

    with_connector(fake, work)
    assert sorted(fake.state.tickets[tid]["tags"]) == ["refund", "vip"]


def test_a_reply_that_landed_before_the_answer_failed_is_found_not_resent(fake):
    customer = fake.add_contact("Ann", "ann@example.com")
    tid = fake.create_ticket("Hello", "Hi", customer)
    op = Op(Reply("Your parcel ships today.\nTracking: SF1234"), "freshdesk", str(tid))
    op.created_at = int(time.time())
    fake.fail_next("POST", r"/reply$", 500, after_commit=True)

    async def work(c):
        with pytest.raises(AmbiguousError):
            await c.push(op)
        landed = await c.find_landed(op)
        other = await c.find_landed(Op(Note("Not sent"), "freshdesk", str(tid)))
        return landed, other

    landed, other = with_connector(fake, work)
    [reply] = fake.conversations_of(tid)
    assert landed is not None and landed.remote_id == str(reply["id"])
    assert other is None


def test_rate_limits_refusals_and_freshdesks_own_messages(fake):
    customer = fake.add_contact("Ann", "ann@example.com")
    tid = fake.create_ticket("Hello", "Hi", customer)

    async def work(c):
        fake.fail_next("PUT", r"/api/v2/tickets/", 429, retry_after=7)
        with pytest.raises(TransientError) as told:
            await c.push(Op(SetStatus("pending"), "freshdesk", str(tid)))
        assert told.value.retry_after == 7
        fake.fail_next("PUT", r"/api/v2/tickets/", 403)
        with pytest.raises(PermanentError, match="not allowed"):
            await c.push(Op(SetStatus("closed"), "freshdesk", str(tid)))
        with pytest.raises(PermanentError, match="group_id: There is no group"):
            bad = Transfer(TeamRef(1, "999999", "Nowhere"), None)
            await c.push(Op(bad, "freshdesk", str(tid)))
        fake.delete_ticket(tid)
        with pytest.raises(PermanentError, match="was deleted"):
            await c.push(Op(Reply("Hello?"), "freshdesk", str(tid)))

    with_connector(fake, work)

    async def wrong(c):
        with pytest.raises(LoginRefused, match="You have to be logged in"):
            await c.pull(None)

    with_connector(fake, wrong, key="not-the-key")


def test_the_budget_slows_the_pull_and_never_holds_a_push(fake):
    customer = fake.add_contact("Ann", "ann@example.com")
    tid = fake.create_ticket("Hello", "Hi", customer)
    fake.per_minute = 200  # a Growth plan

    async def work(c):
        fake.spent.append((time.time(), 185, False))  # a long first sync has spent most
        await c.client.get_json("/api/v2/agents/me")
        reads_wait = c.client._not_before - time.monotonic()
        started = time.monotonic()
        await c.push(Op(Reply("On its way"), "freshdesk", str(tid)))
        return c.client.limit, reads_wait, time.monotonic() - started

    limit, reads_wait, write_took = with_connector(fake, work)
    assert limit == 200
    assert reads_wait > 55  # 14 left, within the 20 kept for writes: reads wait a minute
    assert write_took < 5  # the agent's reply goes at once


def test_a_spent_budget_is_a_429_with_retry_after(fake):
    customer = fake.add_contact("Ann", "ann@example.com")
    tid = fake.create_ticket("Hello", "Hi", customer)
    fake.per_minute = 200
    fake.spent.append((time.time() - 20, 200, False))  # spent 20 s ago

    async def work(c):
        with pytest.raises(TransientError) as told:
            await c.push(Op(Reply("On its way"), "freshdesk", str(tid)))
        return told.value.retry_after

    assert 35 <= with_connector(fake, work) <= 41  # the rest of Freshdesk's minute
    assert fake.conversations_of(tid) == []


def test_a_deleted_ticket_leaves_the_inbox(fake):
    customer = fake.add_contact("Ann", "ann@example.com")
    tid = fake.create_ticket("Spam?", "Buy now", customer, at=time.time() - 60)

    async def work(c):
        _b, cursor = await pull_all(c)
        fake.delete_ticket(tid)
        later, _cursor = await pull_all(c, cursor)
        return later

    later = with_connector(fake, work)
    [gone] = [t for b in later for t in b.tickets]
    assert gone.status == "closed" and gone.fields["freshdesk_deleted"] is True


def test_an_attachment_address_that_expired_is_read_again(fake):
    fake.url_ttl = 0.5
    customer = fake.add_contact("Ann", "ann@example.com")
    fake.create_ticket("Broken", "See photo", customer, attachment=("vase.png", b"\x89PNG" * 50))

    async def work(c):
        batches, _cursor = await pull_all(c)
        [listed] = [a for b in batches for m in b.messages for a in m.attachments]
        time.sleep(1.0)  # the address the pull saw has expired
        return listed, await c.fetch_attachment(listed.remote_ref)

    listed, (name, content) = with_connector(fake, work)
    assert listed.name == "vase.png" and listed.size == 200
    assert name == "vase.png" and content == b"\x89PNG" * 50


def test_ratings_custom_statuses_and_freshdesks_sla(fake):
    customer = fake.add_contact("Ann", "ann@example.com")
    rated = fake.create_ticket("Thanks", "All good", customer, at=time.time() - 3600)
    waiting = fake.create_ticket("Part", "Need a part", customer, at=time.time() - 3600)
    fake.colleague_update(waiting, status=6)  # "Awaiting parts"

    async def work(c):
        _b, cursor = await pull_all(c)
        fake.rate(rated, 103)  # extremely happy; the ticket itself does not change
        later, _cursor = await pull_all(c, cursor)
        return _b, later

    first, later = with_connector(fake, work)
    tickets = {t.remote_id: t for b in first for t in b.tickets}
    part = tickets[str(waiting)]
    assert part.status == "on_hold" and part.fields["status_name"] == "Awaiting parts"
    due = fake.state.tickets[rated]["fr_due_by"]
    assert tickets[str(rated)].fields["sla_first_due"] == int(
        time.mktime(time.strptime(due, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    )
    again = {t.remote_id: t for b in later for t in b.tickets}[str(rated)]
    assert again.satisfaction == 5


def test_the_directory_and_doctor(fake):
    kim = fake.add_agent("Kim Colleague", "kim@shop.example", available=False)
    fake.add_group("Returns 退换货", [kim])
    fake.add_canned("Shipping", "Where is my parcel", "Your parcel {{ticket.id}} ships today.")
    fake.add_canned("Shipping", "Delayed", "Sorry for the delay.")

    async def work(c):
        return await c.directory(), await c.check()

    d, said = with_connector(fake, work)
    agents = {a.name: a for a in d.agents}
    assert agents["Kim Colleague"].presence == "away" and agents["Mia Agent"].presence == "online"
    assert [t.name for t in d.teams] == ["Returns 退换货"]
    assert agents["Kim Colleague"].team_remote_ids == [d.teams[0].remote_id]
    assert {c.title: c.body for c in d.canned} == {
        "Where is my parcel": "Your parcel {{ticket.id}} ships today.",
        "Delayed": "Sorry for the delay.",
    }
    assert said == "Freshdesk as Mia Agent: 100000 requests a minute (the plan's limit)"
