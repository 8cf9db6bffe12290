"""The Request Tracker connector (RT 5, REST 2): queues are teams, owners agents,
correspondence a public reply and a comment an internal note.

Pull: a first sync walks every ticket by id; after that, TicketSQL on LastUpdated. RT's
dates have one-second resolution, so the cursor keeps the ids already taken at its second
and the window overlaps by that second. TicketSQL reads a date in the RT user's own time
zone, which the API does not tell us, so the query reaches back 14 hours (the widest
offset) and the exact UTC times in the answer decide; newest first, so a quiet RT costs
one page. Push: RT answers 200 even when it refused a change, with the reason only in its
message list, so every change is read back and a refusal fails the op with RT's words.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import logging
import re
from datetime import UTC, datetime, timedelta

from agentdesk.connectors.base import Connector, ConnectorContext, PermanentError
from agentdesk.connectors.html_text import html_to_text
from agentdesk.connectors.rt.client import RTClient, rt_messages
from agentdesk.model import (
    Agent,
    Attachment,
    Customer,
    Directory,
    Message,
    PullBatch,
    PushResult,
    Team,
    Ticket,
)
from agentdesk.ops import Assign, Note, Op, Reply, SetPriority, SetStatus, Transfer

log = logging.getLogger("agentdesk.rt")

TICKETS_PER_BATCH = 25
PARALLEL_REQUESTS = 4
ZONE_REACH = timedelta(hours=14)
_FIELDS = "Subject,Status,Queue,Owner,Requestor,Created,LastUpdated,Priority"
_TO_RT_STATUS = {
    "new": "new",
    "open": "open",
    "pending": "stalled",
    "on_hold": "stalled",
    "solved": "resolved",
    "closed": "resolved",
}
_FROM_RT_STATUS = {
    "new": "new",
    "open": "open",
    "stalled": "pending",
    "resolved": "solved",
    "rejected": "closed",
    "deleted": "closed",
}
_TO_RT_PRIORITY = {"low": 10, "normal": 0, "high": 70, "urgent": 95}
_LENGTH = re.compile(r"^Content-Length:\s*(\d+)", re.MULTILINE | re.IGNORECASE)
_MESSAGE_TYPES = {"Create": False, "Correspond": False, "Comment": True}  # type -> internal


def rt_time(value: str | None) -> int:
    if not value or value.startswith("1970"):
        return 0
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def _priority(value: object) -> str:
    try:
        n = int(str(value))
    except ValueError:
        return "normal"
    if n >= 90:
        return "urgent"
    if n >= 60:
        return "high"
    if 0 < n < 30:
        return "low"
    return "normal"


def _requestor_ids(t: dict) -> set[str]:
    return {str(r.get("id")) for r in t.get("Requestor") or [] if isinstance(r, dict)}


def _txn(part: dict) -> str:
    return _ref(part.get("TransactionId")) or str(part.get("TransactionId"))


def _content_length(headers: str) -> int:
    found = _LENGTH.findall(headers)
    return int(found[-1]) if found else 0


def _ref(value: object) -> str | None:
    """The id inside RT's {"type": ..., "id": ...} references."""
    return str(value["id"]) if isinstance(value, dict) and "id" in value else None


class RTConnector(Connector):
    type = "rt"

    def __init__(self, ctx: ConnectorContext):
        super().__init__(ctx)
        o = ctx.options
        self.username: str = o["username"]
        self.queues: list[str] = list(o.get("queues") or [])
        self.client = RTClient(o["url"], self.username, ctx.secret or "", ctx.request_timeout)
        self._staff: set[str] = {self.username}
        self._owners: set[str] = set()
        self._people: dict[str, Agent | None] = {}
        self._published: set[str] = set()
        # Tickets changed since the cursor, oldest first, left over from the last pull.
        self._todo: list[dict] = []
        self._todo_cursor: str | None = None

    async def close(self) -> None:
        await self.client.close()

    def use_secret(self, secret: str) -> None:
        super().use_secret(secret)
        self.client.use_secret(secret)

    # -- in -------------------------------------------------------------------------------

    def _queue_clause(self) -> str:
        if not self.queues:
            return ""
        names = " OR ".join("Queue = '{}'".format(q.replace("'", "\\'")) for q in self.queues)
        return f" AND ({names})"

    async def _list(self, query: str, orderby: str, order: str, page: int) -> dict:
        return await self.client.get_json(
            "/tickets",
            query=query + self._queue_clause(),
            orderby=orderby,
            order=order,
            page=page,
            per_page=TICKETS_PER_BATCH if orderby == "id" else 100,
            fields=_FIELDS,
            **{"fields[Queue]": "Name", "fields[Requestor]": "EmailAddress,RealName"},
        )

    async def pull(self, cursor: str | None) -> PullBatch:
        state = json.loads(cursor) if cursor else {}
        if "since" not in state:
            return await self._first_sync(state)
        if self._todo_cursor != cursor:
            self._todo = await self._changed_since(state["since"], set(state.get("seen", [])))
        chunk, self._todo = self._todo[:TICKETS_PER_BATCH], self._todo[TICKETS_PER_BATCH:]
        batch = await self._batch(chunk)
        if chunk:
            last = chunk[-1]["LastUpdated"]
            seen = [str(t["id"]) for t in chunk if t["LastUpdated"] == last]
            if last == state["since"]:
                seen = sorted(set(seen) | set(state.get("seen", [])))
            state = {"since": last, "seen": seen}
        batch.cursor = json.dumps(state, sort_keys=True)
        batch.more = bool(self._todo)
        self._todo_cursor = batch.cursor
        return batch

    async def _first_sync(self, state: dict) -> PullBatch:
        """Every ticket by id, a page per batch; then changes since the sync began."""
        started = state.get("started") or await self._newest_change()
        after = int(state.get("after_id", 0))
        body = await self._list(f"id > {after}", "id", "ASC", 1)
        items = body.get("items") or []
        batch = await self._batch(items)
        if items:
            state = {"started": started, "after_id": int(items[-1]["id"])}
        else:
            state = {"since": started, "seen": []}
        batch.cursor = json.dumps(state, sort_keys=True)
        batch.more = True
        return batch

    async def _newest_change(self) -> str:
        """RT's own time of its latest change, where changes after the first sync begin.
        RT's clock, not ours: a difference between the two must not lose a change."""
        body = await self._list("id > 0", "LastUpdated", "DESC", 1)
        items = body.get("items") or []
        if items:
            return items[0]["LastUpdated"]
        return (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    async def _changed_since(self, since: str, seen: set[str]) -> list[dict]:
        bound = datetime.fromisoformat(since.replace("Z", "+00:00")) - ZONE_REACH
        query = f"LastUpdated >= '{bound.strftime('%Y-%m-%d %H:%M:%S')}'"
        changed: list[dict] = []
        page = 1
        while True:
            body = await self._list(query, "LastUpdated", "DESC", page)
            items = body.get("items") or []
            for t in items:
                if t["LastUpdated"] > since or (
                    t["LastUpdated"] == since and str(t["id"]) not in seen
                ):
                    changed.append(t)
            if not items or items[-1]["LastUpdated"] < since:
                break
            if page >= int(body.get("pages") or 1):
                break
            page += 1
        return sorted(changed, key=lambda t: (t["LastUpdated"], int(t["id"])))

    async def _batch(self, items: list[dict]) -> PullBatch:
        batch = PullBatch(cursor=None)
        names: dict[str, str] = {}  # ticket -> its customer's name, for their messages
        for t in items:
            ticket, customer = self._ticket(t)
            batch.tickets.append(ticket)
            if customer is not None:
                batch.customers.append(customer)
                names[ticket.remote_id] = customer.name
        # A few tickets' histories at a time: RT serves requests in parallel workers, and
        # each costs tens of milliseconds of its time, mostly waiting on its database.
        limit = asyncio.Semaphore(PARALLEL_REQUESTS)

        async def messages(remote_id: str, requestors: set[str]) -> list[Message]:
            async with limit:
                try:
                    return await self._messages(remote_id, requestors, names.get(remote_id))
                except PermanentError as e:
                    # Gone or hidden between the listing and this read (moved to a queue we
                    # cannot see, shredded): one ticket must not stop the sync of all others.
                    log.warning("%s: ticket %s: %s; its messages skipped", self.name, remote_id, e)
                    return []

        asking = {str(raw["id"]): _requestor_ids(raw) for raw in items}
        for found in await asyncio.gather(
            *(messages(t.remote_id, asking[t.remote_id]) for t in batch.tickets)
        ):
            batch.messages.extend(found)
        # Colleagues met in this batch, named now rather than at the next directory refresh.
        met = {t.assignee_remote_id for t in batch.tickets} | {
            m.agent_remote_id for m in batch.messages
        }
        for name in sorted(n for n in met if n and n not in self._published):
            person = await self._person(name)
            if person is not None:
                batch.agents.append(person)
                self._published.add(name)
        return batch

    def _ticket(self, t: dict) -> tuple[Ticket, Customer | None]:
        requestors = t.get("Requestor") or []
        first = requestors[0] if requestors else {}
        email = (first.get("EmailAddress") or first.get("id") or "").lower()
        customer = None
        if email:
            customer = Customer(
                email,
                first.get("RealName") or email.split("@")[0],
                email=email,
                handles={"email": email},
            )
        owner = _ref(t.get("Owner"))
        if owner not in (None, "Nobody"):
            self._owners.add(owner)
        ticket = Ticket(
            remote_id=str(t["id"]),
            channel="helpdesk",
            subject=t.get("Subject") or "",
            status=_FROM_RT_STATUS.get(t.get("Status", ""), "open"),
            customer_remote_id=email or "unknown",
            created_at=rt_time(t.get("Created")),
            updated_at=rt_time(t.get("LastUpdated")),
            priority=_priority(t.get("Priority")),
            assignee_remote_id=None if owner in (None, "Nobody") else owner,
            team_remote_id=_ref(t.get("Queue")),
        )
        return ticket, customer

    async def _messages(
        self, ticket_id: str, requestors: set[str], customer_name: str | None
    ) -> list[Message]:
        history = await self.client.pages(
            f"/ticket/{ticket_id}/history", fields="Type,Creator,Created"
        )
        wanted = {str(x["id"]): x for x in history if x.get("Type") in _MESSAGE_TYPES}
        if not wanted:
            return []
        # Two reads: every part without its content (a photo can be megabytes), then the
        # content of the text parts only.
        listing = await self.client.pages(
            f"/ticket/{ticket_id}/attachments", fields="TransactionId,ContentType,Filename,Headers"
        )
        text_parts = await self.client.pages(
            f"/ticket/{ticket_id}/attachments",
            search=[{"field": "ContentType", "operator": "LIKE", "value": "text/"}],
            fields="TransactionId,ContentType,Filename,Content",
        )
        texts: dict[str, list[str]] = {}
        html: dict[str, list[str]] = {}
        files: dict[str, list[Attachment]] = {}
        for p in listing:
            if p.get("Filename"):
                files.setdefault(_txn(p), []).append(
                    Attachment(
                        p["Filename"],
                        (p.get("ContentType") or "").lower(),
                        _content_length(p.get("Headers") or ""),
                        f"attachment/{p['id']}",
                    )
                )
        for p in text_parts:
            if p.get("Filename"):
                continue  # an attached text file, listed above
            ctype = (p.get("ContentType") or "").lower()
            bucket = texts if ctype == "text/plain" else html if ctype == "text/html" else None
            if bucket is not None:
                bucket.setdefault(_txn(p), []).append(p.get("Content") or "")
        out = []
        for txn_id, x in wanted.items():
            creator = _ref(x.get("Creator")) or ""
            body = "\n\n".join(texts.get(txn_id, [])) or html_to_text(
                "\n".join(html.get(txn_id, []))
            )
            # The ticket's requestors are customers; anyone else is staff if RT says so.
            person = None if creator in requestors else await self._person(creator)
            staff = person is not None
            out.append(
                Message(
                    remote_id=txn_id,
                    ticket_remote_id=ticket_id,
                    author_kind="agent" if staff else "customer",
                    # A customer's words keep their name, even when a web form or a
                    # mail gateway account filed them.
                    author_name=person.name if person else customer_name or creator,
                    body=body.strip(),
                    created_at=rt_time(x.get("Created")),
                    internal=_MESSAGE_TYPES[x["Type"]],
                    agent_remote_id=creator if staff else None,
                    attachments=files.get(txn_id, []),
                )
            )
        return out

    # -- out ------------------------------------------------------------------------------

    async def push(self, op: Op) -> PushResult:
        tid = op.ticket_remote_id
        match op.change:
            case Reply(body=body) | Note(body=body):
                action = "correspond" if isinstance(op.change, Reply) else "comment"
                response = await self.client.request(
                    "POST",
                    f"/ticket/{tid}/{action}",
                    json={"Content": body, "ContentType": "text/plain"},
                )
                if response.status_code != 201:
                    raise PermanentError("RT: " + ("; ".join(rt_messages(response)) or "refused"))
                # Just sent: the newest transaction of ours with this text is it (no time
                # bound, so a difference between RT's clock and ours cannot hide it).
                landed = await self._find_message(op, since=None)
                return PushResult(landed)
            case SetStatus(status=status):
                change = {"Status": _TO_RT_STATUS[status]}
            case Assign(agent=agent):
                change = {"Owner": agent.remote_id if agent else "Nobody"}
            case Transfer(team=team, agent=agent):
                change = {"Owner": agent.remote_id if agent else "Nobody"}
                if team is not None:
                    change["Queue"] = team.remote_id
            case SetPriority(priority=priority):
                change = {"Priority": _TO_RT_PRIORITY[priority]}
            case _:  # the store refuses what SPEC.ops leaves out; this is the backstop
                raise PermanentError(f"Request Tracker has no {op.kind}")
        response = await self.client.request("PUT", f"/ticket/{tid}", json=change)
        await self._check_applied(tid, change, rt_messages(response))
        return PushResult(None)

    async def _check_applied(self, tid: str, change: dict, messages: list[str]) -> None:
        """RT says 200 to a refused change; read the ticket back to know."""
        now = await self.client.get_json(f"/ticket/{tid}")
        for field, wanted in change.items():
            got = now.get(field)
            if field == "Queue":
                ok = _ref(got) == str(wanted) or (
                    isinstance(got, dict) and got.get("Name") == wanted
                )
            elif field == "Owner":
                ok = _ref(got) == str(wanted)
            else:
                ok = str(got) == str(wanted)
            if not ok:
                reason = "; ".join(messages) or f"{field} was not changed"
                raise PermanentError(f"RT refused: {reason}")

    async def _find_message(self, op: Op, since: int | None) -> str | None:
        """Our reply or note among the ticket's newest transactions, by author and text."""
        kind = "Correspond" if isinstance(op.change, Reply) else "Comment"
        recent = await self.client.get_json(
            f"/ticket/{op.ticket_remote_id}/history",
            fields="Type,Creator,Created",
            orderby="id",
            order="DESC",
            per_page=20,
        )
        body = op.change.body.strip()
        for x in recent.get("items") or []:
            if x.get("Type") != kind or _ref(x.get("Creator")) != self.username:
                continue
            if since is not None and rt_time(x.get("Created")) < since:
                break
            parts = await self.client.get_json(
                f"/transaction/{x['id']}/attachments", fields="ContentType,Content"
            )
            for part in parts.get("items") or []:
                if (part.get("Content") or "").strip() == body:
                    return str(x["id"])
        return None

    async def find_landed(self, op: Op) -> PushResult | None:
        if not isinstance(op.change, Reply | Note):
            return None  # setting a field again is harmless
        # Older than the op cannot be it; an hour's margin absorbs clock differences.
        landed = await self._find_message(op, since=(op.created_at or 0) - 3600)
        return PushResult(landed) if landed else None

    async def fetch_attachment(self, remote_ref: str) -> tuple[str, bytes]:
        body = await self.client.get_json(f"/{remote_ref}")
        return body.get("Filename") or "attachment", base64.b64decode(body.get("Content") or "")

    # -- people ---------------------------------------------------------------------------

    async def directory(self) -> Directory:
        """Queues, and the staff we know of: this account, owners and authors seen in pulls.
        RT lists its users only to admins, so colleagues appear as they show up in tickets."""
        queues = await self.client.pages("/queues/all", fields="Name")
        teams = [Team(str(q["id"]), q.get("Name") or str(q["id"])) for q in queues]
        team_ids = [t.remote_id for t in teams]
        agents = []
        for name in sorted({self.username, *self._owners, *self._staff}):
            person = await self._person(name)
            if person is not None:
                agents.append(dataclasses.replace(person, team_remote_ids=team_ids))
        return Directory(agents=agents, teams=teams)

    async def _person(self, name: str) -> Agent | None:
        """A user as an agent if RT says they are staff (privileged), else None; asked once."""
        if name in self._people:
            return self._people[name]
        try:
            u = await self.client.get_json(f"/user/{name}")
        except PermanentError:
            u = {"Name": name, "Privileged": 1}  # not allowed to look: we saw them at work
        person = None
        if str(u.get("Privileged")) == "1" and str(u.get("Disabled", "0")) != "1":
            email = self.ctx.agent_email if name == self.username else u.get("EmailAddress")
            person = Agent(name, u.get("RealName") or name, email, "online")
            self._staff.add(name)
        self._people[name] = person
        return person

    async def check(self) -> str:
        body = await self.client.get_json("/rt")
        auth = "token" if self.client.token else "session login"
        return f"RT {body.get('Version', '?')} as {self.username} ({auth})"
