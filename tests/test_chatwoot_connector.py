"""The Chatwoot connector against the fake Chatwoot (every exchange checked against Chatwoot's
spec): status=all, the first sync by pages then updated_within, messages never read twice,
labels merged with a colleague's, a reply that landed never sent again, refusals, deleted
conversations, activity messages, CSAT, the directory."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from connector_support import context, pull_all
from servers import vendor_spec
from servers.chatwoot_fake import ACCOUNT, TOKEN, FakeChatwoot

from agentdesk.connectors.base import AmbiguousError, PermanentError, TransientError
from agentdesk.connectors.chatwoot.connector import ChatwootConnector
from agentdesk.connectors.http.client import LoginRefused
from agentdesk.ops import Note, Op, Reply, SetStatus, Tags, TeamRef, Transfer

pytestmark = pytest.mark.skipif(
    vendor_spec.spec_path("chatwoot") is None,
    reason="Chatwoot's OpenAPI spec is not at ../shared/specs: " + vendor_spec.DOWNLOAD["chatwoot"],
)


@pytest.fixture
def fake():
    f = FakeChatwoot()
    yield f
    f.close()
    assert not f.violations, "against Chatwoot's spec:\n" + "\n".join(f.violations[:10])


def with_connector(fake: FakeChatwoot, work, token: str = TOKEN, **options):
    async def go():
        c = ChatwootConnector(
            context("chatwoot", {"url": fake.url, "account_id": ACCOUNT, **options}, token)
        )
        try:
            return await work(c)
        finally:
            await c.close()

    return asyncio.run(go())


def seeded(fake: FakeChatwoot) -> tuple[int, int]:
    """A web chat inbox and a customer."""
    return fake.add_inbox("Shop chat", "Channel::WebWidget"), fake.add_contact(
        "Li Wei 李伟", "li.wei@example.cn", "+8613800138000"
    )


def test_a_first_sync_of_3000_conversations_then_only_what_changed(fake):
    web, customer = seeded(fake)
    start = time.time() - 86400
    ids = [
        fake.open_conversation(web, customer, f"Question {i}", at=start + i) for i in range(3000)
    ]
    for cid in ids[::3]:
        fake.update(cid, at=start + 3600, status="resolved")  # listed only with status=all

    async def work(c):
        t0 = time.monotonic()
        batches, cursor = await pull_all(c)
        first = (len(fake.requests), time.monotonic() - t0)
        fake.message(ids[10], "Any news?", incoming=True)
        before = len(fake.queries)
        later, _cursor = await pull_all(c, cursor)
        return batches, first, later, fake.queries[before:]

    batches, (requests, seconds), later, queries = with_connector(fake, work)
    got = [t.remote_id for b in batches for t in b.tickets]
    assert sorted(got) == sorted(str(i) for i in ids)
    assert sum(t.status == "solved" for b in batches for t in b.tickets) == 1000
    lists = [q for p, q in fake.queries if p.endswith("/conversations")]
    assert all(q.get("status") == "all" for q in lists)
    # The later pass: one unpaginated query for what changed, one read of what is new.
    assert [p for p, _q in queries] == [
        f"/api/v1/accounts/{ACCOUNT}/conversations",
        f"/api/v1/accounts/{ACCOUNT}/conversations/{ids[10]}/messages",
    ]
    assert "updated_within" in queries[0][1] and "page" not in queries[0][1]
    assert [m.body for b in later for m in b.messages] == ["Any news?"]
    print(f"first sync of 3,000 conversations: {requests} requests, {seconds:.1f} s")


def test_a_long_conversation_is_read_once_and_then_only_its_new_messages(fake):
    web, customer = seeded(fake)
    cid = fake.open_conversation(web, customer, "Message 0", at=time.time() - 3600)
    for i in range(1, 500):
        fake.message(cid, f"Message {i}", incoming=i % 2 == 0, at=time.time() - 3600 + i)

    async def work(c):
        batches, cursor = await pull_all(c)
        fake.message(cid, "Message 500", incoming=True)
        fake.message(cid, "Message 501")
        before = len(fake.queries)
        later, _cursor = await pull_all(c, cursor)
        return batches, later, fake.queries[before:]

    batches, later, queries = with_connector(fake, work)
    bodies = [m.body for b in batches for m in b.messages]
    assert bodies == [f"Message {i}" for i in range(500)]  # all, each once, in order
    assert [m.body for b in later for m in b.messages] == ["Message 500", "Message 501"]
    reads = [q for p, q in queries if p.endswith("/messages")]
    assert len(reads) == 1 and "after" in reads[0]  # only what is newer


def test_a_long_outage_walks_the_pages_back_to_the_last_pass(fake):
    web, customer = seeded(fake)
    old = fake.open_conversation(web, customer, "Before", at=time.time() - 86400)

    async def work(c):
        _b, _cursor = await pull_all(c)
        fake.message(old, "Still there?", incoming=True)
        stale = json.dumps({"since": int(time.time() - 2 * 86400)})  # two days without a pass
        return await pull_all(c, stale)

    batches, _cursor = with_connector(fake, work)
    lists = [q for p, q in fake.queries if p.endswith("/conversations")]
    assert "page" in lists[-1] and "updated_within" not in lists[-1]
    assert "Still there?" in [m.body for b in batches for m in b.messages]


def test_labels_keep_a_colleagues_and_a_reply_that_landed_is_not_resent(fake):
    web, customer = seeded(fake)
    cid = fake.open_conversation(web, customer, "Hello")
    fake.update(cid, labels=["vip"])  # a colleague's, after our last sync
    op = Op(Reply("Your parcel ships today."), "chatwoot", str(cid))
    op.created_at = int(time.time())
    fake.fail_next("POST", r"/messages$", 500, after_commit=True)

    async def work(c):
        await c.push(Op(Tags(add=("refund",), remove=("spam",)), "chatwoot", str(cid)))
        with pytest.raises(AmbiguousError):
            await c.push(op)
        return await c.find_landed(op), await c.find_landed(Op(Note("x"), "chatwoot", str(cid)))

    landed, other = with_connector(fake, work)
    assert fake.state.conversations[cid]["labels"] == ["vip", "refund"]
    ours = [m for m in fake.state.messages[cid] if m["content"] == "Your parcel ships today."]
    assert len(ours) == 1 and landed is not None and landed.remote_id == str(ours[0]["id"])
    assert other is None


def test_refusals_faults_and_a_deleted_conversation(fake):
    web, customer = seeded(fake)
    cid = fake.open_conversation(web, customer, "Hello", at=time.time() - 60)

    async def work(c):
        fake.fail_next("POST", r"/toggle_status$", 429, retry_after=5)
        with pytest.raises(TransientError) as told:
            await c.push(Op(SetStatus("solved"), "chatwoot", str(cid)))
        assert told.value.retry_after == 5
        fake.fail_next("GET", r"/conversations$", 503)
        with pytest.raises(TransientError):
            await c.pull(None)
        with pytest.raises(PermanentError, match="snoozes a conversation until a time"):
            await c.push(Op(SetStatus("on_hold"), "chatwoot", str(cid)))
        # Deleted between the list and the read of its messages: it leaves the inbox.
        fake.fail_next("GET", r"/messages$", 404)
        batch = await c.pull(None)
        fake.delete_conversation(cid)
        with pytest.raises(PermanentError, match="was deleted"):
            await c.push(Op(Reply("Hello?"), "chatwoot", str(cid)))
        return batch

    batch = with_connector(fake, work)
    [gone] = batch.tickets
    assert gone.status == "closed" and gone.fields["chatwoot_deleted"] is True

    async def wrong(c):
        with pytest.raises(LoginRefused, match="token refused"):
            await c.pull(None)

    with_connector(fake, wrong, token="not-the-token")


STYLES = {part: "" for part in ("customer", "agent", "note", "note_body", "event", "queued",
                                 "failed", "attachment")}  # fmt: skip


def test_activity_csat_transfer_and_the_directory(fake, tmp_path):
    web, customer = seeded(fake)
    kim = fake.add_agent("Kim Colleague", "kim@shop.example", "busy")
    returns = fake.add_team("Returns 退换货", [kim])
    fake.add_canned("refund", "Your refund is on its way, {{contact.name}}.")
    cid = fake.open_conversation(web, customer, "Where is my refund?", at=time.time() - 60)
    fake.message(cid, "Conversation was marked resolved by Kim", kind=2)
    fake.message(cid, "Please rate us", kind=3, content_type="input_csat",
                 attributes={"submitted_values": {"csat_survey_response": {"rating": 4}}})  # fmt: skip

    async def work(c):
        batches, _cursor = await pull_all(c)
        transfer = Transfer(TeamRef(1, str(returns), "Returns"), None)
        await c.push(Op(transfer, "chatwoot", str(cid)))
        return batches, await c.directory(), await c.check()

    batches, d, said = with_connector(fake, work)
    [ticket] = [t for b in batches for t in b.tickets]
    assert ticket.subject == "Where is my refund?" and ticket.satisfaction == 4
    kinds = [(m.author_kind, m.body) for b in batches for m in b.messages]
    assert ("system", "Conversation was marked resolved by Kim") in kinds
    # ...and the conversation shows it as an event line, not as somebody's reply.
    from rich.console import Console

    from agentdesk.model import PullBatch
    from agentdesk.store import reads
    from agentdesk.store.db import Store
    from agentdesk.store.ingest import apply_batch
    from agentdesk.ui.conversation_render import thread

    with Store.open_dir(tmp_path) as store:
        merged = PullBatch("1", customers=[c for b in batches for c in b.customers],
                           tickets=[ticket], messages=[m for b in batches for m in b.messages])  # fmt: skip
        apply_batch(store, "chatwoot", merged, [])
        tid = store.one("SELECT id FROM tickets")[0]
        console = Console(width=100, record=True)
        console.print(thread(reads.conversation(store, tid), None, time.time(), STYLES))
        shown = console.export_text()
    assert "— Conversation was marked resolved by Kim ·" in shown
    assert "reply" not in shown.split("Conversation was marked")[0].splitlines()[-1]
    assert fake.state.conversations[cid]["team_id"] == returns
    agents = {a.name: a for a in d.agents}
    assert agents["Kim Colleague"].presence == "away" and agents["Mia Agent"].presence == "online"
    assert agents["Kim Colleague"].team_remote_ids == [str(returns)]
    assert [(r.shortcode, r.body) for r in d.canned] == [
        ("refund", "Your refund is on its way, {{contact.name}}.")
    ]
    assert said == "Chatwoot as Mia Agent: inboxes Shop chat (chat)"


def test_on_hold_is_refused_when_asked_not_queued_to_fail(tmp_path):
    """Chatwoot snoozes until a time; putting a Chatwoot conversation on hold without one is
    refused at once, with the reason (and the key that snoozes), and nothing is queued."""
    from agentdesk.config.settings import load_settings
    from agentdesk.model import Customer, PullBatch, Ticket
    from agentdesk.store import actions
    from agentdesk.store.actions import ActionContext
    from agentdesk.store.db import Store
    from agentdesk.store.ingest import apply_batch

    config = tmp_path / "config.toml"
    config.write_text(
        '[agent]\nname = "Mia Agent"\nemail = "agent@shop.example"\n\n[[connectors]]\n'
        'type = "chatwoot"\nname = "chatwoot"\nurl = "https://chat.example"\naccount_id = 1\n',
        encoding="utf-8",
    )
    settings = load_settings(config, tmp_path / "data", environ={})
    now = int(time.time())
    with Store.open_dir(settings.data_dir) as store:
        ticket = Ticket("9", "chat", "Refund", "open", "c1", now - 60, now - 60)
        batch = PullBatch("1", customers=[Customer("c1", "Ann")], tickets=[ticket])
        apply_batch(store, "chatwoot", batch, [])
        tid = store.one("SELECT id FROM tickets")[0]
        ctx = ActionContext.from_settings(settings)
        held = actions.set_status(store, ctx, [tid], "on_hold")
        solved = actions.set_status(store, ctx, [tid], "solved")
        queued = [r[0] for r in store.query("SELECT kind FROM outbox")]
    [(_tid, _label, why)] = held.skipped
    assert why == (
        "Chatwoot cannot set on hold (connector chatwoot): Chatwoot snoozes until a time:"
        " press z to snooze"
    )
    assert solved.done == [tid] and queued == ["status"]
