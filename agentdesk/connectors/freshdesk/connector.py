"""The Freshdesk connector: the ticket list by update time in, replies, notes and ticket
updates out.

Pull: `/api/v2/tickets?updated_since=T&order_by=updated_at&order_type=asc`, 100 a page, with
each ticket's requester embedded (`include=requester`). Freshdesk answers at most 300 pages
a query: at the cap the next query starts at the last update time seen, and tickets of that
second already delivered are skipped. A ticket met for the first time is viewed once for its
first message and that message's attachments (Freshdesk keeps them on the ticket, not among
the conversations); a ticket changed since it was opened has its conversations read
(`/tickets/{id}/conversations`, Link-header pages). Once the list is drained: tickets
deleted since the last sweep, and the satisfaction ratings given since.

Push: replies (`POST /tickets/{id}/reply`), private notes (`/notes`) and ticket updates
(`PUT /tickets/{id}`). Freshdesk takes no idempotency key: before anything is sent again,
`find_landed` looks for our text by our agent among the conversations newer than the op.
A ticket's `tags` replace its whole list, so a tag change reads the list, merges ours in,
writes it and checks what Freshdesk kept.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import httpx

from agentdesk.connectors.base import Connector, ConnectorContext, PermanentError
from agentdesk.connectors.freshdesk import mapping as M
from agentdesk.connectors.http.client import ApiClient, NotFound
from agentdesk.connectors.http.stamps import epoch, iso, server_time
from agentdesk.connectors.http.whole_list import change_whole_list
from agentdesk.model import Agent, Directory, PullBatch, PushResult, Team
from agentdesk.ops import Assign, Note, Op, Reply, SetPriority, SetStatus, Tags, Transfer

PAGE = 100
PAGE_CAP = 300  # Freshdesk answers no page past this one
PARALLEL = 3  # conversation reads at a time
FIRST_SYNC_SINCE = "2000-01-01T00:00:00Z"  # without updated_since Freshdesk shows 30 days only
SETTLE = 2  # seconds after which a ticket's update time is safe to skip on

log = logging.getLogger(__name__)


class FreshdeskConnector(Connector):
    type = "freshdesk"

    def __init__(self, ctx: ConnectorContext):
        super().__init__(ctx)
        o = ctx.options
        self.base = o["url"].rstrip("/")
        self.groups = {str(g) for g in o.get("groups") or []}
        self.client = ApiClient(
            self.base,
            platform="Freshdesk",
            auth=httpx.BasicAuth(ctx.secret or "", "X"),
            timeout=ctx.request_timeout,
        )
        self._agents: dict[int, str] = {}  # id -> name, for who wrote a conversation
        self._me: int | None = None
        self._status_names: dict[int, str] | None = None
        self._group_ids: set[str] | None = None
        self._viewed: set[int] = set()  # tickets whose first message this run has read
        self.page_size = PAGE

    async def close(self) -> None:
        await self.client.close()

    def use_secret(self, secret: str) -> None:
        super().use_secret(secret)
        self.client.http.auth = httpx.BasicAuth(secret, "X")

    # -- pull ---------------------------------------------------------------------------

    async def pull(self, cursor: str | None) -> PullBatch:
        """One page of tickets changed since the cursor's time, oldest change first.

        Each query starts at the newest update time the last one saw (keyset, not page
        numbers: a ticket changed during a long sync moves to the end of the list, and a
        page number would then skip the ticket that slid into its place). Only a page that
        lies wholly within one second is followed by the next page of that second, so
        Freshdesk's 300-page cap is met only by 30,000 changes in one second.

        The cursor: `since`, `page` (within that second), `seen` (tickets delivered as they
        were at that second: a query from it lists them again), `checked` (Freshdesk's clock
        at that query) and `swept` (when deleted tickets and ratings were last asked for)."""
        state = json.loads(cursor) if cursor else {}
        since = state.get("since") or FIRST_SYNC_SINCE
        page = int(state.get("page", 1))
        if not self._agents:
            await self._learn_agents()
        response = await self.client.request(
            "GET",
            "/api/v2/tickets",
            params={
                "updated_since": since,
                "order_by": "updated_at",
                "order_type": "asc",
                "per_page": self.page_size,
                "page": page,
                "include": "requester",
            },
        )
        found = response.json() or []
        # Freshdesk's times are to the second: a ticket changed in the second we read it
        # may change again within that second and keep its time. What the last query saw
        # is skipped only where it was older than Freshdesk's clock then by a second or two.
        settled = iso(float(state.get("checked", 0)) - SETTLE)
        seen = {(i, at) for i, at in state.get("seen", []) if at < settled}
        fresh = [t for t in found if (t["id"], t.get("updated_at")) not in seen]
        tickets = [t for t in fresh if await self._wanted(t)]
        newest = max((t.get("updated_at") or since for t in found), default=since)
        at_newest = [(t["id"], t.get("updated_at")) for t in found if t.get("updated_at") == newest]
        more = "next" in response.links
        keep = [tuple(pair) for pair in state.get("seen", [])] if newest == since else []
        after: dict[str, Any] = {
            "since": newest,
            "seen": [list(p) for p in dict.fromkeys(keep + at_newest)],
            "checked": round(server_time(response)),
            "swept": state.get("swept"),
        }
        if more and newest == since:
            # A whole page of one second (a bulk change): the next page of that second.
            after.update(page=page + 1, bulk=since, verified=state.get("verified"))
            if page >= PAGE_CAP:
                log.warning("Freshdesk: over %d pages changed in %s; going on", PAGE_CAP, since)
                after = {"since": iso(epoch(since) + 1), "swept": state.get("swept")}
        elif state.get("bulk") == since and state.get("verified") != since:
            # Leaving a second read over several pages: a ticket of it that changed
            # meanwhile left it, and the pages after slid up one place. Read that second
            # once more from its first page; what was delivered is skipped.
            delivered = [[t["id"], t.get("updated_at")] for t in found]
            after = {**after, "since": since, "seen": state.get("seen", []) + delivered, "page": 1}
            after.update(bulk=since, verified=since)
            more = True
        batch = PullBatch(cursor=json.dumps(after), more=more)
        await self._fill(batch, tickets)
        if not more:
            # Once the list is drained: what the list does not show. A minute's overlap
            # with the last sweep (the cache takes a repeat once).
            swept = state.get("swept") or since
            await self._deleted(batch, swept)
            await self._ratings(batch, swept)
            after["swept"] = iso(time.time() - 60)
            batch.cursor = json.dumps(after)
        return batch

    async def _deleted(self, batch: PullBatch, since: str) -> None:
        """Tickets deleted since the last sweep (the list leaves them out): closed here, the
        deletion said in their fields, so they leave the inbox."""
        names = await self._status_names_of()
        gone = await self.client.get_linked(
            "/api/v2/tickets", filter="deleted", updated_since=since, per_page=PAGE
        )
        for t in gone:
            if await self._wanted(t):
                ticket = M.ticket({**t, "status": 5}, names)
                ticket.fields["freshdesk_deleted"] = True
                batch.tickets.append(ticket)

    async def _fill(self, batch: PullBatch, tickets: list[dict]) -> None:
        names = await self._status_names_of()
        gate = asyncio.Semaphore(PARALLEL)

        async def read(t: dict) -> tuple[dict | None, list[dict]]:
            async with gate:
                view = await self._view(t["id"]) if t["id"] not in self._viewed else None
                return view, await self._conversations(t["id"])

        reads = await asyncio.gather(*(read(t) for t in tickets))
        for t, (view, cs) in zip(tickets, reads, strict=True):
            tid = str(t["id"])
            requester = t.get("requester") or {"id": t["requester_id"]}
            batch.tickets.append(M.ticket(t, names))
            if requester.get("name") or requester.get("email"):
                batch.customers.append(M.customer(requester))
            if view is not None:
                batch.messages.append(M.description({**view, "requester": requester}))
                self._viewed.add(t["id"])
            batch.messages.extend(M.message(tid, c, self._agents, requester) for c in cs)

    async def _view(self, ticket_id: int) -> dict | None:
        try:
            return await self.client.get_json(f"/api/v2/tickets/{ticket_id}")
        except NotFound:
            return None  # deleted since the list showed it

    async def _conversations(self, ticket_id: int | str) -> list[dict]:
        try:
            return await self.client.get_linked(
                f"/api/v2/tickets/{ticket_id}/conversations", per_page=PAGE
            )
        except NotFound:
            return []  # deleted since the list showed it

    async def _ratings(self, batch: PullBatch, since: str) -> None:
        """Ratings given since the last pass, on the tickets they rate: a rated ticket the
        batch does not hold already is read again to carry its rating."""
        try:
            answers = await self.client.get_linked(
                "/api/v2/surveys/satisfaction_ratings", created_since=since, per_page=PAGE
            )
        except PermanentError:
            return  # no surveys on this plan, or not for this agent: no ratings to show
        held = {t.remote_id: t for t in batch.tickets}
        names = await self._status_names_of()
        for answer in answers:
            score = M.rating(answer)
            tid = str(answer.get("ticket_id") or "")
            if score is None or not tid:
                continue
            if tid not in held:
                try:
                    raw = await self.client.get_json(f"/api/v2/tickets/{tid}")
                except NotFound:
                    continue
                if not await self._wanted(raw):
                    continue
                held[tid] = M.ticket(raw, names)
                batch.tickets.append(held[tid])
            held[tid].satisfaction = score

    async def _wanted(self, t: dict) -> bool:
        if not self.groups:
            return True
        if self._group_ids is None:
            groups = await self.client.get_linked("/api/v2/groups", per_page=PAGE)
            self._group_ids = {
                str(g["id"])
                for g in groups
                if str(g["id"]) in self.groups or g.get("name") in self.groups
            }
        return str(t.get("group_id")) in self._group_ids

    async def _status_names_of(self) -> dict[int, str]:
        """Custom statuses by number, from the ticket fields (read once a run)."""
        if self._status_names is None:
            self._status_names = {}
            fields = await self.client.get_json("/api/v2/ticket_fields", type="default_status")
            for f in fields or []:
                if f.get("name") != "status":
                    continue
                for code, labels in (f.get("choices") or {}).items():
                    if str(code).isdigit() and labels:
                        self._status_names[int(code)] = labels[0]
        return self._status_names

    async def _learn_agents(self) -> None:
        for a in await self.client.get_linked("/api/v2/agents", per_page=PAGE):
            contact = a.get("contact") or {}
            self._agents[a["id"]] = contact.get("name") or contact.get("email") or str(a["id"])

    async def _my_id(self) -> int:
        if self._me is None:
            me = await self.client.get_json("/api/v2/agents/me")
            self._me = int(me["id"])
        return self._me

    # -- push ---------------------------------------------------------------------------

    async def push(self, op: Op) -> PushResult:
        tid = op.ticket_remote_id
        change = op.change
        try:
            match change:
                case Reply(body=body):
                    return await self._post(f"/api/v2/tickets/{tid}/reply", {"body": body})
                case Note(body=body):
                    path = f"/api/v2/tickets/{tid}/notes"
                    return await self._post(path, {"body": body, "private": True})
                case Tags():
                    return await self._tags(tid, change)
                case SetStatus(status=status):
                    update: dict[str, Any] = {"status": M.STATUS_OUT[status]}
                case SetPriority(priority=priority):
                    update = {"priority": M.PRIORITY_OUT.get(priority, 2)}
                case Assign(agent=agent):
                    update = {"responder_id": int(agent.remote_id) if agent else None}
                case Transfer(team=team, agent=agent):
                    update = {"responder_id": int(agent.remote_id) if agent else None}
                    if team is not None:
                        update["group_id"] = int(team.remote_id)
                case _:
                    raise PermanentError(f"Freshdesk: cannot send {change.kind}")
            await self.client.request("PUT", f"/api/v2/tickets/{tid}", json=update)
            return PushResult(None)
        except NotFound:
            raise PermanentError(f"Freshdesk: ticket {tid} was deleted") from None

    async def _post(self, path: str, payload: dict[str, Any]) -> PushResult:
        payload = {**payload, "body": M.body_html(payload["body"])}
        response = await self.client.request("POST", path, json=payload)
        return PushResult(str(response.json().get("id") or ""))

    async def _tags(self, tid: str, change: Tags) -> PushResult:
        """A ticket's `tags` replace its whole list (connectors/http/whole_list.py)."""
        path = f"/api/v2/tickets/{tid}"

        async def read() -> list[str]:
            return list((await self.client.get_json(path)).get("tags") or [])

        async def write(tags: list[str]) -> list[str]:
            response = await self.client.request("PUT", path, json={"tags": tags})
            return list(response.json().get("tags") or [])

        what = f"Freshdesk: ticket {tid}'s tags"
        await change_whole_list(read, write, change.add, change.remove, what)
        return PushResult(None)

    async def find_landed(self, op: Op) -> PushResult | None:
        """Our text by our agent among the conversations newer than the op: Freshdesk has no
        idempotency key. Ticket updates and tags set a value; sending them again is safe."""
        if not isinstance(op.change, Reply | Note):
            return None
        me = await self._my_id()
        want = " ".join(op.change.body.split())
        for c in await self._conversations(op.ticket_remote_id):
            if c.get("user_id") != me or epoch(c.get("created_at")) < int(op.created_at) - 60:
                continue
            if bool(c.get("private")) != isinstance(op.change, Note):
                continue
            if " ".join(M.text_of(c, "body_text", "body").split()) == want:
                return PushResult(str(c["id"]))
        return None

    # -- attachments --------------------------------------------------------------------

    async def fetch_attachment(self, remote_ref: str) -> tuple[str, bytes]:
        """Freshdesk's attachment addresses expire: re-read the ticket or the conversation
        for a fresh one, then fetch the file (no Freshdesk credentials go with it)."""
        ticket_id, owner, attachment_id = remote_ref.split(":")
        if owner == "d":
            items = (await self.client.get_json(f"/api/v2/tickets/{ticket_id}")).get("attachments")
        else:
            conversations = await self._conversations(ticket_id)
            items = next((c.get("attachments") for c in conversations if str(c["id"]) == owner), [])
        for a in items or []:
            if str(a["id"]) == attachment_id:
                return a.get("name") or "attachment", await self.client.download(
                    a["attachment_url"]
                )
        raise PermanentError("Freshdesk: the attachment is no longer on the ticket")

    # -- directory ----------------------------------------------------------------------

    async def directory(self) -> Directory:
        agents = await self.client.get_linked("/api/v2/agents", per_page=PAGE)
        groups = await self.client.get_linked("/api/v2/groups", per_page=PAGE)
        teams_of: dict[int, list[str]] = {}
        for g in groups:
            for member in g.get("agent_ids") or []:
                teams_of.setdefault(member, []).append(str(g["id"]))
        people = []
        for a in agents:
            contact = a.get("contact") or {}
            name = contact.get("name") or contact.get("email") or str(a["id"])
            self._agents[a["id"]] = name
            if contact.get("active") is False:
                continue
            presence = "online" if a.get("available") else "away"
            mine = teams_of.get(a["id"]) or [str(g) for g in a.get("group_ids") or []]
            people.append(Agent(str(a["id"]), name, contact.get("email"), presence, 20, mine))
        teams = [Team(str(g["id"]), g["name"]) for g in groups]
        canned = []
        for folder in await self.client.get_json("/api/v2/canned_response_folders") or []:
            responses = await self.client.get_linked(
                f"/api/v2/canned_response_folders/{folder['id']}/responses"
            )
            canned += [M.canned(r, folder.get("name") or "") for r in responses]
        return Directory(agents=people, teams=teams, canned=canned)

    async def check(self) -> str:
        me = await self.client.get_json("/api/v2/agents/me")
        contact = me.get("contact") or {}
        who = contact.get("name") or contact.get("email") or str(me.get("id"))
        limit = (
            f"{self.client.limit} requests a minute (the plan's limit)"
            if self.client.limit
            else "no rate limit reported"
        )
        return f"Freshdesk as {who}: {limit}"
