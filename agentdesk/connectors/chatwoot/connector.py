"""The Chatwoot connector: conversations by last activity in, messages and conversation
changes out.

Pull: a first sync (or a long outage) walks `GET …/conversations?status=all` (always
`status=all`: Chatwoot lists only open ones otherwise), 25 a page by last activity, newest
first, back to where the last pass ended. After that each pass asks only for what changed
since: `updated_within=<seconds>` (not paginated, so the window is kept to the time since
the last pass, with a minute's overlap). A conversation's messages come with
`after=<newest id we have>` (up to 100 newer), so nothing is read twice; the first time, its
latest 20 and then `before=` pages back to the start.

Push: messages (`POST …/messages`, outgoing, `private` for a note), status
(`toggle_status`), priority (`toggle_priority`), an agent or a team (`assignments`), and
labels (which replace the list: read, merged with ours, written, checked). Chatwoot takes no
idempotency key: `find_landed` looks for our text by our agent among the messages after
the op was made, before anything is sent again.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from agentdesk.connectors.base import Connector, ConnectorContext, PermanentError
from agentdesk.connectors.chatwoot import mapping as M
from agentdesk.connectors.http.client import ApiClient, NotFound
from agentdesk.connectors.http.stamps import server_time
from agentdesk.connectors.http.whole_list import change_whole_list
from agentdesk.model import Agent, Directory, PullBatch, PushResult, Team
from agentdesk.ops import Assign, Note, Op, Reply, SetPriority, SetStatus, Snooze, Tags, Transfer

PAGE = 25  # Chatwoot's conversation page
NEWER = 100  # messages `after=` returns at most
WINDOW_MAX = 6 * 3600  # beyond this, the paginated list is cheaper than updated_within
OVERLAP = 60  # seconds of overlap between one pass's window and the last
PARALLEL = 4


class ChatwootConnector(Connector):
    type = "chatwoot"

    def __init__(self, ctx: ConnectorContext):
        super().__init__(ctx)
        o = ctx.options
        self.base = o["url"].rstrip("/")
        self.account = int(o["account_id"])
        self.inbox_filter = {int(i) for i in o.get("inboxes") or []}
        self.client = ApiClient(
            self.base,
            platform="Chatwoot",
            headers={"api_access_token": ctx.secret or ""},
            timeout=ctx.request_timeout,
            refused="token refused",
        )
        self._inboxes: dict[int, dict] | None = None
        self._newest: dict[int, int] = {}  # conversation -> newest message id read this run
        self._subjects: dict[int, str] = {}  # conversation -> the customer's first words
        self._me: int | None = None

    @property
    def _acct(self) -> str:
        return f"/api/v1/accounts/{self.account}"

    async def close(self) -> None:
        await self.client.close()

    def use_secret(self, secret: str) -> None:
        super().use_secret(secret)
        self.client.http.headers["api_access_token"] = secret

    # -- pull ---------------------------------------------------------------------------

    async def pull(self, cursor: str | None) -> PullBatch:
        """The cursor: `since` (Chatwoot's clock when the last complete pass began) and,
        while the paginated list is walked, `page` and `walk_started`."""
        state = json.loads(cursor) if cursor else {}
        await self._inbox_types()
        since = state.get("since")
        if since is not None and "page" not in state:
            return await self._pull_recent(state, float(since))
        return await self._pull_page(state)

    async def _pull_page(self, state: dict) -> PullBatch:
        page = int(state.get("page", 1))
        response = await self.client.request(
            "GET", f"{self._acct}/conversations", params={"status": "all", "page": page}
        )
        started = float(state.get("walk_started") or _chatwoot_now(response))
        found = ((response.json() or {}).get("data") or {}).get("payload") or []
        stop_at = state.get("since")  # a long outage: walk back only to the last pass
        fresh = [c for c in found if stop_at is None or _activity(c) >= int(stop_at) - OVERLAP]
        more = len(found) >= PAGE and len(fresh) == len(found)
        after = (
            {"page": page + 1, "walk_started": started, "since": stop_at}
            if more
            else {"since": started}
        )
        batch = PullBatch(cursor=json.dumps(after), more=more)
        await self._fill(batch, fresh)
        return batch

    async def _pull_recent(self, state: dict, since: float) -> PullBatch:
        now = time.time()
        window = int(now - since) + OVERLAP
        if window > WINDOW_MAX:
            # A long outage: walk the list back to `since` rather than ask for it at once.
            return await self._pull_page({"since": since})
        response = await self.client.request(
            "GET",
            f"{self._acct}/conversations",
            params={"status": "all", "updated_within": window},
        )
        started = _chatwoot_now(response)
        found = ((response.json() or {}).get("data") or {}).get("payload") or []
        batch = PullBatch(cursor=json.dumps({"since": started}))
        await self._fill(batch, found)
        return batch

    async def _fill(self, batch: PullBatch, conversations: list[dict]) -> None:
        wanted = [c for c in conversations if self._wanted(c)]
        gate = asyncio.Semaphore(PARALLEL)

        async def read(c: dict) -> list[dict] | None:
            async with gate:
                return await self._messages(int(c["id"]))

        reads = await asyncio.gather(*(read(c) for c in wanted))
        for c, messages in zip(wanted, reads, strict=True):
            channel_type = (self._inboxes or {}).get(c.get("inbox_id"), {}).get("channel_type")
            cid = str(c["id"])
            if messages is None:
                # Deleted between the list and the read: it leaves the inbox.
                gone = M.ticket(c, channel_type)
                gone.status, gone.fields["chatwoot_deleted"] = "closed", True
                batch.tickets.append(gone)
                continue
            ratings = [r for r in (M.rating(m) for m in messages) if r is not None]
            first_words = self._subjects.get(int(c["id"])) or M.subject_from(messages)
            if first_words:
                self._subjects[int(c["id"])] = first_words
            rating = ratings[-1] if ratings else None
            batch.tickets.append(M.ticket(c, channel_type, rating, first_words))
            sender = (c.get("meta") or {}).get("sender") or {}
            if sender.get("id"):
                batch.customers.append(M.customer(sender))
            batch.messages.extend(
                M.message(cid, m) for m in messages if M.rating(m) is None or m.get("content")
            )

    def _wanted(self, c: dict) -> bool:
        return not self.inbox_filter or int(c.get("inbox_id") or 0) in self.inbox_filter

    async def _messages(self, cid: int) -> list[dict] | None:
        """What is new in a conversation since this run last read it (everything, the
        first time); None: the conversation is gone."""
        path = f"{self._acct}/conversations/{cid}/messages"
        try:
            newest = self._newest.get(cid)
            if newest is not None:
                out: list[dict] = []
                while True:
                    page = await self._payload(path, after=newest)
                    fresh = [m for m in page if m["id"] > newest]  # `after` includes itself
                    out += fresh
                    if not fresh or len(page) < NEWER:
                        break
                    newest = max(m["id"] for m in fresh)
            else:
                out = await self._payload(path)
                # The latest 20 unless there were fewer: then that is all of it.
                while len(out) >= 20:
                    older = await self._payload(path, before=min(m["id"] for m in out))
                    out = older + out
                    if len(older) < 20:
                        break
        except NotFound:
            return None
        if out:
            self._newest[cid] = max(self._newest.get(cid, 0), *(m["id"] for m in out))
        return sorted(out, key=lambda m: m["id"])

    async def _payload(self, path: str, **params: Any) -> list[dict]:
        return (await self.client.get_json(path, **params) or {}).get("payload") or []

    async def _inbox_types(self) -> dict[int, dict]:
        if self._inboxes is None:
            body = await self.client.get_json(f"{self._acct}/inboxes")
            self._inboxes = {i["id"]: i for i in (body or {}).get("payload") or []}
        return self._inboxes

    async def _my_id(self) -> int:
        if self._me is None:
            self._me = int((await self.client.get_json("/api/v1/profile"))["id"])
        return self._me

    # -- push ---------------------------------------------------------------------------

    async def push(self, op: Op) -> PushResult:
        cid = op.ticket_remote_id
        path = f"{self._acct}/conversations/{cid}"
        try:
            match op.change:
                case Reply(body=body) | Note(body=body):
                    private = isinstance(op.change, Note)
                    response = await self.client.request(
                        "POST",
                        f"{path}/messages",
                        json={"content": body, "message_type": "outgoing", "private": private},
                    )
                    return PushResult(str(response.json().get("id") or ""))
                case SetStatus(status=status):
                    if status not in M.STATUS_OUT:
                        raise PermanentError(
                            "Chatwoot snoozes a conversation until a time (z), so it cannot"
                            " be put on hold there without one"
                        )
                    body = {"status": M.STATUS_OUT[status]}
                    await self.client.request("POST", f"{path}/toggle_status", json=body)
                case Snooze(until=until):
                    # Chatwoot's own controller reads snoozed_until as epoch seconds.
                    body = {"status": "snoozed", "snoozed_until": until}
                    await self.client.request("POST", f"{path}/toggle_status", json=body)
                case SetPriority(priority=priority):
                    body = {"priority": M.PRIORITY_OUT.get(priority, "medium")}
                    await self.client.request("POST", f"{path}/toggle_priority", json=body)
                case Assign(agent=agent):
                    await self._assign(path, agent.remote_id if agent else None)
                case Transfer(team=team, agent=agent):
                    if team is not None:
                        body = {"team_id": int(team.remote_id)}
                        await self.client.request("POST", f"{path}/assignments", json=body)
                    await self._assign(path, agent.remote_id if agent else None)
                case Tags(add=add, remove=remove):
                    await self._labels(path, add, remove)
                case change:
                    raise PermanentError(f"Chatwoot: cannot send {change.kind}")
        except NotFound:
            raise PermanentError(f"Chatwoot: conversation {cid} was deleted") from None
        return PushResult(None)

    async def _assign(self, path: str, agent_id: str | None) -> None:
        body = {"assignee_id": int(agent_id) if agent_id else None}
        await self.client.request("POST", f"{path}/assignments", json=body)

    async def _labels(self, path: str, add: tuple, remove: tuple) -> None:
        """Labels replace the whole list (connectors/http/whole_list.py)."""

        async def read() -> list[str]:
            return (await self.client.get_json(f"{path}/labels") or {}).get("payload") or []

        async def write(labels: list[str]) -> list[str]:
            response = await self.client.request("POST", f"{path}/labels", json={"labels": labels})
            return (response.json() or {}).get("payload") or []

        await change_whole_list(read, write, add, remove, "Chatwoot: the conversation's labels")

    async def find_landed(self, op: Op) -> PushResult | None:
        """Our text by our agent among the conversation's messages since the op was made
        (a minute allowed for clocks): Chatwoot has no idempotency key."""
        if not isinstance(op.change, Reply | Note):
            return None
        me = await self._my_id()
        want = " ".join(op.change.body.split())
        try:
            page = await self._payload(f"{self._acct}/conversations/{op.ticket_remote_id}/messages")
        except NotFound:
            return None
        for m in page:
            if (m.get("sender") or {}).get("id") != me or m.get("message_type") != M.OUTGOING:
                continue
            if int(m.get("created_at") or 0) < int(op.created_at) - 60:
                continue
            if bool(m.get("private")) != isinstance(op.change, Note):
                continue
            if " ".join((m.get("content") or "").split()) == want:
                return PushResult(str(m["id"]))
        return None

    # -- attachments --------------------------------------------------------------------

    async def fetch_attachment(self, remote_ref: str) -> tuple[str, bytes]:
        cid, mid, aid = remote_ref.split(":")
        path = f"{self._acct}/conversations/{cid}/messages"
        page = await self._payload(path, after=int(mid) - 1) if mid.isdigit() else []
        for m in page:
            if str(m["id"]) != mid:
                continue
            for n, a in enumerate(m.get("attachments") or []):
                if str(a["id"]) == aid:
                    # The token is a header of Chatwoot's own requests: it never goes with this.
                    content = await self.client.download(a["data_url"])
                    return M.message(cid, m).attachments[n].name, content
        raise PermanentError("Chatwoot: the attachment is no longer in the conversation")

    # -- directory ----------------------------------------------------------------------

    async def directory(self) -> Directory:
        agents = await self.client.get_json(f"{self._acct}/agents") or []
        teams = await self.client.get_json(f"{self._acct}/teams") or []
        teams_of: dict[int, list[str]] = {}
        for t in teams:
            for member in (
                await self.client.get_json(f"{self._acct}/teams/{t['id']}/team_members") or []
            ):
                teams_of.setdefault(member["id"], []).append(str(t["id"]))
        people = [
            Agent(
                str(a["id"]),
                a.get("available_name") or a.get("name") or a.get("email") or str(a["id"]),
                a.get("email"),
                M.PRESENCE.get(a.get("availability_status") or "offline", "offline"),
                20,
                teams_of.get(a["id"], []),
            )
            for a in agents
        ]
        canned = await self.client.get_json(f"{self._acct}/canned_responses") or []
        return Directory(
            agents=people,
            teams=[Team(str(t["id"]), t.get("name") or str(t["id"])) for t in teams],
            canned=[M.canned(r) for r in canned],
        )

    async def check(self) -> str:
        me = await self.client.get_json("/api/v1/profile")
        inboxes = await self._inbox_types()
        names = ", ".join(
            f"{i.get('name')} ({M.channel(i.get('channel_type'))})"
            for i in inboxes.values()
            if not self.inbox_filter or i["id"] in self.inbox_filter
        )
        who = me.get("available_name") or me.get("name") or me.get("email")
        return f"Chatwoot as {who}: inboxes {names or 'none'}"


def _chatwoot_now(response: httpx.Response) -> float:
    """Chatwoot's clock when it answered, to the millisecond: its Date header says the
    second; ours the rest (where the two differ by more than a second, theirs counts)."""
    local = time.time()
    theirs = server_time(response)
    return round(local if abs(theirs - local) < 2 else theirs + local % 1, 3)


def _activity(c: dict) -> int:
    return int(c.get("last_activity_at") or c.get("timestamp") or c.get("created_at") or 0)
