"""The Zendesk connector: the cursor-based incremental export in, ticket updates out.

Pull: `/api/v2/incremental/tickets/cursor` (admin only, 10 requests a minute, changes of
the last minute not yet in it): a page of changed tickets with their comment counts, their
requesters with their identities (`users/show_many`, 100 a request) and the new comments of
each ticket whose count moved (`tickets/{id}/comments`, cursor pages of 100). The cursor is
Zendesk's `after_cursor` plus the newest change seen, for going on by time where Zendesk
gives no cursor; the first export starts at the beginning of time.

Push: one `PUT /api/v2/tickets/{id}` per op, the op's uuid in the update's metadata, so
`find_landed` can find it among the ticket's audits before anything is sent again. Tags go
through the add and remove tag endpoints: a ticket's `tags` field replaces the whole list
and would drop a colleague's tag added meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from typing import Any

import httpx

from agentdesk.connectors.base import Connector, ConnectorContext, PermanentError
from agentdesk.connectors.http.client import ApiClient, NotAllowed, NotFound
from agentdesk.connectors.http.stamps import epoch, iso
from agentdesk.connectors.zendesk import mapping as M
from agentdesk.model import Agent, CannedReply, Directory, PullBatch, PushResult, Team
from agentdesk.ops import Assign, Note, Op, Reply, SetPriority, SetStatus, Tags, Transfer

EXPORT_PER_MINUTE = 10  # Zendesk's limit on the incremental export
EXPORT_PAGE = 1000
COMMENT_PAGE = 100
SEARCH_PAGES = 10  # Zendesk's search answers 1,000 results a query, 100 a page
PARALLEL = 4  # comment reads at a time

log = logging.getLogger(__name__)


class ZendeskConnector(Connector):
    type = "zendesk"

    def __init__(self, ctx: ConnectorContext):
        super().__init__(ctx)
        o = ctx.options
        self.base = o["url"].rstrip("/")
        self.email = o["email"]
        self.groups = {str(g) for g in o.get("groups") or []}
        self.client = ApiClient(
            self.base,
            platform="Zendesk",
            auth=httpx.BasicAuth(f"{self.email}/token", ctx.secret or ""),
            timeout=ctx.request_timeout,
        )
        self._exports: deque[float] = deque()  # when the last export requests went out
        self._users: dict[int, dict] = {}
        self._identities: dict[int, list[dict]] = {}  # a requester's emails, phones, handles
        # Per ticket read this run: (its comment count, its newest comment id). A ticket
        # whose count has not moved is not read again; one that has is read back from its
        # newest comment to the one we had.
        self._read: dict[int, tuple[int, int]] = {}
        self._group_ids: set[str] | None = None

    async def close(self) -> None:
        await self.client.close()

    def use_secret(self, secret: str) -> None:
        super().use_secret(secret)
        self.client.http.auth = httpx.BasicAuth(f"{self.email}/token", secret)

    # -- pull ---------------------------------------------------------------------------

    async def pull(self, cursor: str | None) -> PullBatch:
        """The next export page. The cursor keeps Zendesk's `after_cursor` and, as the time
        fallback, the newest change seen: a first export that finds nothing gives no
        cursor (the next pull asks from the same start time again), and a cursor Zendesk
        no longer takes is replaced by a start time a minute before that change."""
        state = json.loads(cursor) if cursor else {}
        if state.get("search") is not None:
            return await self._pull_search(state)
        if not self._may_export():
            return PullBatch(cursor=cursor, more=False)
        since = int(state.get("since") or 0)
        params: dict[str, Any] = {"per_page": EXPORT_PAGE, "include": "comment_count"}
        if state.get("after"):
            params["cursor"] = state["after"]
        else:
            params["start_time"] = state.get("start", 1)
        try:
            body = await self.client.get_json("/api/v2/incremental/tickets/cursor", **params)
        except NotAllowed:
            # Not an admin: the export is closed to this token. Walk the search forward.
            return await self._pull_search({"search": 0})
        except PermanentError as e:
            if "cursor" not in params:
                raise
            log.warning("Zendesk refused the export cursor (%s); going on by time", e)
            fallback = {"start": max(1, since - 60), "since": since}
            return PullBatch(cursor=json.dumps(fallback), more=True)
        found = body.get("tickets") or []
        since = max([since, *(_changed_at(t) for t in found)])
        tickets = [t for t in found if await self._wanted(t)]
        after = body.get("after_cursor") or state.get("after")
        if after:
            state = {"after": after, "since": since}
        else:
            state = {"start": params["start_time"], "since": since}
        batch = PullBatch(cursor=json.dumps(state), more=not body.get("end_of_stream", True))
        return await self._fill(batch, tickets)

    async def _pull_search(self, state: dict) -> PullBatch:
        """For an agent's token: `type:ticket updated>=T` sorted by update time, 100 a page.
        Zendesk answers at most 1,000 results a query, so past the tenth page the next query
        starts at the last update time seen (the tickets of that second come again; the
        cache takes each once)."""
        since, page = int(state["search"]), int(state.get("page", 1))
        body = await self.client.get_json(
            "/api/v2/search",
            query=f"type:ticket updated>={iso(since)}",
            sort_by="updated_at",
            sort_order="asc",
            page=page,
        )
        results = [r for r in body.get("results") or [] if r.get("result_type") == "ticket"]
        # What an earlier batch delivered as it was is not read again (comments and all).
        seen = {(i, at) for i, at in state.get("seen", [])}
        fresh = [t for t in results if (t["id"], t.get("updated_at")) not in seen]
        tickets = [t for t in fresh if await self._wanted(t)]
        newest = max((epoch(t.get("updated_at")) for t in results), default=since)
        at_newest = [
            [t["id"], t.get("updated_at")] for t in results if epoch(t.get("updated_at")) == newest
        ]
        if body.get("next_page") and page < SEARCH_PAGES:
            after, more = {**state, "page": page + 1}, True
        else:
            # The end, or Zendesk's cap: the next query starts at the newest update seen,
            # and skips what it already delivered of that second.
            keep = state.get("seen", []) if newest == since else []
            after = {"search": newest, "seen": keep + at_newest}
            # Zendesk offers no page past the cap; its count says there was more.
            more = int(body.get("count") or 0) > page * 100
            if more and newest == since:
                # A thousand changes in one second (a bulk update): the search cannot page
                # past them; the next second is where it can go on.
                after = {"search": newest + 1}
        return await self._fill(PullBatch(cursor=json.dumps(after), more=more), tickets)

    async def _fill(self, batch: PullBatch, tickets: list[dict]) -> PullBatch:
        """The tickets of a page with their requesters and comments."""
        live = [t for t in tickets if t.get("status") != "deleted"]
        # A deleted ticket leaves the inbox: closed here, its deletion said in its fields.
        for t in tickets:
            if t.get("status") == "deleted":
                gone = M.ticket({**t, "status": "closed"})
                gone.fields["zendesk_deleted"] = True
                batch.tickets.append(gone)
        await self._learn_users({t["requester_id"] for t in live if t.get("requester_id")})
        comments = await self._comments_of(live)
        await self._learn_users({c.get("author_id") for cs in comments for c in cs} - {None})
        for t, cs in zip(live, comments, strict=True):
            batch.tickets.append(M.ticket(t))
            requester = self._users.get(t["requester_id"])
            if requester is not None:
                identities = self._identities.get(t["requester_id"], [])
                batch.customers.append(M.customer(requester, identities))
            for c in cs:
                batch.messages.append(M.message(str(t["id"]), c, self._users, t["requester_id"]))
        return batch

    def _may_export(self) -> bool:
        """At most EXPORT_PER_MINUTE export requests in any minute: skip a pull rather than
        be refused (the engine asks again in a few seconds)."""
        now = time.monotonic()
        while self._exports and now - self._exports[0] > 60:
            self._exports.popleft()
        if len(self._exports) >= EXPORT_PER_MINUTE:
            return False
        self._exports.append(now)
        return True

    async def _wanted(self, t: dict) -> bool:
        if not self.groups:
            return True
        if self._group_ids is None:
            groups = (await self.client.get_json("/api/v2/groups")).get("groups") or []
            self._group_ids = {
                str(g["id"])
                for g in groups
                if str(g["id"]) in self.groups or g["name"] in self.groups
            }
        return str(t.get("group_id")) in self._group_ids

    async def _learn_users(self, ids: set[int]) -> None:
        """Users not yet known, 100 a request, with their identities side-loaded (one
        request for a page's requesters rather than one per customer)."""
        missing = sorted(i for i in ids if i not in self._users)
        for start in range(0, len(missing), 100):
            chunk = ",".join(str(i) for i in missing[start : start + 100])
            body = await self.client.get_json(
                "/api/v2/users/show_many", ids=chunk, include="identities"
            )
            for u in body.get("users") or []:
                self._users[u["id"]] = u
            for ident in body.get("identities") or []:
                self._identities.setdefault(ident.get("user_id"), []).append(ident)

    async def _comments_of(self, tickets: list[dict]) -> list[list[dict]]:
        gate = asyncio.Semaphore(PARALLEL)

        async def one(t: dict) -> list[dict]:
            count, (known, newest) = t.get("comment_count"), self._read.get(t["id"], (-1, 0))
            if count is not None and count == known:
                return []  # a change to the ticket, not a new comment
            async with gate:
                found = await self._comments(t["id"], since_id=newest)
            if found:
                newest = max(newest, *(c["id"] for c in found))
            self._read[t["id"]] = (count if count is not None else -1, newest)
            return found

        return await asyncio.gather(*(one(t) for t in tickets))

    async def _comments(self, ticket_id: int, since_id: int = 0) -> list[dict]:
        """The ticket's comments (oldest first) newer than `since_id`: read newest first,
        stopping at the first one we had (Zendesk's comment ids grow with time)."""
        out: list[dict] = []
        params: dict[str, Any] = {"page[size]": COMMENT_PAGE}
        if since_id:
            params["sort"] = "-created_at"
        while True:
            try:
                body = await self.client.get_json(f"/api/v2/tickets/{ticket_id}/comments", **params)
            except NotFound:
                return out  # deleted since the export listed it
            page = body.get("comments") or []
            fresh = [c for c in page if c["id"] > since_id]
            out.extend(fresh)
            meta = body.get("meta") or {}
            if len(fresh) < len(page) or not meta.get("has_more") or not meta.get("after_cursor"):
                return sorted(out, key=lambda c: c["id"])
            params["page[after]"] = meta["after_cursor"]

    # -- push ---------------------------------------------------------------------------

    async def push(self, op: Op) -> PushResult:
        tid = op.ticket_remote_id
        change = op.change
        if isinstance(change, Tags):
            return await self._tags(tid, change)
        update: dict[str, Any] = {}
        match change:
            case Reply(body=body):
                update["comment"] = {"body": body, "public": True}
            case Note(body=body):
                update["comment"] = {"body": body, "public": False}
            case SetStatus(status=status):
                update["status"] = M.STATUS_OUT.get(status, status)
            case SetPriority(priority=priority):
                update["priority"] = priority
            case Assign(agent=agent):
                update["assignee_id"] = int(agent.remote_id) if agent else None
            case Transfer(team=team, agent=agent):
                if team is not None:
                    update["group_id"] = int(team.remote_id)
                update["assignee_id"] = int(agent.remote_id) if agent else None
            case _:
                raise PermanentError(f"Zendesk: cannot send {change.kind}")
        update["metadata"] = {M.OP_KEY: op.uuid}
        try:
            response = await self.client.request(
                "PUT", f"/api/v2/tickets/{tid}", json={"ticket": update}
            )
        except NotFound:
            raise PermanentError(f"Zendesk: ticket {tid} was deleted") from None
        body = response.json()
        audit = body.get("audit") or {}
        created = [
            e for e in audit.get("events") or [] if e.get("type") in ("Comment", "VoiceComment")
        ]
        return PushResult(str(created[0]["id"]) if created else str(audit.get("id") or ""))

    async def _tags(self, tid: str, change: Tags) -> PushResult:
        path = f"/api/v2/tickets/{tid}/tags"
        if change.add:
            await self.client.request("PUT", path, json={"tags": list(change.add)})
        if change.remove:
            await self.client.request("DELETE", path, json={"tags": list(change.remove)})
        return PushResult(None)

    async def find_landed(self, op: Op) -> PushResult | None:
        """Our uuid in one of the ticket's audits means the op took effect. Tags carry no
        metadata; adding or removing a tag twice changes nothing, so they are resent."""
        if isinstance(op.change, Tags):
            return None
        try:
            body = await self.client.get_json(f"/api/v2/tickets/{op.ticket_remote_id}/audits")
        except NotFound:
            return None
        for audit in body.get("audits") or []:
            custom = (audit.get("metadata") or {}).get("custom") or {}
            if custom.get(M.OP_KEY) == op.uuid:
                comments = [e for e in audit.get("events") or [] if e.get("type") == "Comment"]
                return PushResult(str(comments[0]["id"]) if comments else str(audit.get("id")))
        return None

    # -- attachments --------------------------------------------------------------------

    async def fetch_attachment(self, remote_ref: str) -> tuple[str, bytes]:
        """Re-read the comment for the attachment's current address (Zendesk's may move),
        then fetch it."""
        ticket_id, comment_id, attachment_id = remote_ref.split(":")
        for c in await self._comments(int(ticket_id)):
            if str(c["id"]) != comment_id:
                continue
            for a in c.get("attachments") or []:
                if str(a["id"]) == attachment_id:
                    content = await self.client.download(a["content_url"])
                    return a.get("file_name") or "attachment", content
        raise PermanentError("Zendesk: the attachment is no longer on the ticket")

    # -- directory ----------------------------------------------------------------------

    async def directory(self) -> Directory:
        users = await self._all("/api/v2/users", "users", **{"role[]": ["agent", "admin"]})
        groups = await self._all("/api/v2/groups", "groups")
        memberships = await self._all("/api/v2/group_memberships", "group_memberships")
        teams_of: dict[int, list[str]] = {}
        for m in memberships:
            teams_of.setdefault(m["user_id"], []).append(str(m["group_id"]))
        agents = []
        for u in users:
            self._users[u["id"]] = u
            if u.get("active") is False:
                continue
            email = u.get("email")
            agents.append(
                Agent(
                    str(u["id"]),
                    u.get("name") or email or str(u["id"]),
                    email,
                    "online",
                    20,
                    teams_of.get(u["id"], []),
                )  # fmt: skip
            )
        teams = [Team(str(g["id"]), g["name"]) for g in groups if not g.get("deleted")]
        macros = await self._all("/api/v2/macros/active", "macros")
        names = {str(g["id"]): g["name"] for g in groups}
        return Directory(agents=agents, teams=teams, canned=[_canned(m, names) for m in macros])

    async def _all(self, path: str, key: str, **params: Any) -> list[dict]:
        """Every item of a list, through its cursor pages (or its next_page links)."""
        out: list[dict] = []
        query: dict[str, Any] = {"page[size]": 100, **params}
        while True:
            body = await self.client.get_json(path, **query)
            out.extend(body.get(key) or [])
            meta = body.get("meta") or {}
            if meta.get("has_more") and meta.get("after_cursor"):
                query["page[after]"] = meta["after_cursor"]
                continue
            return out

    async def check(self) -> str:
        me = (await self.client.get_json("/api/v2/users/me")).get("user") or {}
        role = me.get("role") or "?"
        export = (
            "incremental export allowed"
            if role == "admin"
            else "no incremental export (not an admin): tickets come from the search API,"
            " 1,000 results a query"
        )
        limit = f", {self.client.limit} requests a minute" if self.client.limit else ""
        return f"Zendesk as {me.get('name') or self.email} ({role}): {export}{limit}"


def _changed_at(t: dict) -> int:
    """When the export saw the ticket change (what its start_time is compared with)."""
    return int(t.get("generated_timestamp") or epoch(t.get("updated_at")))


def _canned(m: dict, group_names: dict[str, str]) -> CannedReply:
    """A macro as a canned reply: its comment text as it is (Zendesk's {{placeholders}}
    shown, not filled), and the effects that are ours: status, priority, group, tags."""
    body, actions = "", {}
    for a in m.get("actions") or []:
        field, value = a.get("field"), a.get("value")
        if field in ("comment_value", "comment_value_html"):
            body = value[-1] if isinstance(value, list) else str(value)
        elif field == "status":
            actions["status"] = M.STATUS_IN.get(value, value)
        elif field == "priority":
            actions["priority"] = value
        elif field == "group_id":
            actions["team"] = group_names.get(str(value), str(value))
        elif field in ("set_tags", "current_tags"):
            actions["tags"] = str(value).split()
    return CannedReply(str(m["id"]), m.get("title") or "", body, actions=actions)
