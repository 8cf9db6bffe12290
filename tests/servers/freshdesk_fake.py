"""A stateful fake Freshdesk on 127.0.0.1, written from Freshdesk's API documentation (v2).

It keeps agents, groups, contacts, tickets with their first message (the description) and
their conversations, canned response folders, satisfaction ratings and attachment files.
What it reproduces:

- HTTP basic auth as `APIKEY:X` (401 `invalid_credentials` otherwise).
- The ticket list: `updated_since`, `order_by`/`order_type`, `per_page` up to 100, pages up
  to `page_cap` (Freshdesk: 300; a later page is refused with a 400), only the last 30 days
  without `updated_since`, deleted tickets left out except with `filter=deleted`, and
  `include=requester,description` embedding each (two more credits each); the next page
  in a `Link: <...>; rel="next"` header, as for conversations and the other lists.
- The account's per-minute budget (`per_minute`, a Growth plan has 200) and the ticket
  list's own lower one (`list_per_minute`), spent in credits, reported in
  `X-RateLimit-Total`, `X-RateLimit-Remaining` and `X-RateLimit-Used-CurrentRequest`,
  answered with 429 and Retry-After once spent.
- Replies (`POST /tickets/{id}/reply`), notes (`/notes`, private unless said), updates
  (`PUT /tickets/{id}`: status, priority, responder, group, and `tags`, which replace the
  list), Freshdesk's validation errors (`description` and `errors[]` with field and code).
- Attachment addresses that expire (`url_ttl` seconds), as Freshdesk's signed file links do.
- Faults: the next matching request answered with a status, before or after its change is
  committed.

Every request and every answer is checked against the documented shapes
(freshdesk_schema.py); what they reject is kept in `violations`, and the tests fail on any.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from servers import freshdesk_schema
from servers.http_fake import FakeHandler, FakeServer, Fault

API_KEY = "fd-test-key-9b27"
STATUSES = {2: "Open", 3: "Pending", 4: "Resolved", 5: "Closed", 6: "Awaiting parts"}


def iso(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))


def epoch(stamp: str) -> int:
    import calendar

    return calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))


@dataclass
class State:
    agents: dict[int, dict] = field(default_factory=dict)
    groups: dict[int, dict] = field(default_factory=dict)
    contacts: dict[int, dict] = field(default_factory=dict)
    tickets: dict[int, dict] = field(default_factory=dict)
    conversations: dict[int, list[dict]] = field(default_factory=dict)
    folders: list[dict] = field(default_factory=list)
    canned: dict[int, list[dict]] = field(default_factory=dict)
    ratings: list[dict] = field(default_factory=list)
    files: dict[int, bytes] = field(default_factory=dict)


class FakeFreshdesk(FakeServer):
    def __init__(
        self,
        *,
        per_minute: int = 200,
        list_per_minute: int = 100,
        page_cap: int = 300,
        url_ttl: float = 300.0,
        minute: float = 60.0,
    ):
        super().__init__(_Handler)
        self.per_minute = per_minute
        self.list_per_minute = list_per_minute
        self.page_cap = page_cap
        self.url_ttl = url_ttl
        self.minute = minute  # the budget's window; shorter to measure a long sync quickly
        self.state = State()
        self.ids = itertools.count(5001)
        self.spent: list[tuple[float, int, bool]] = []  # (when, credits, a ticket list)
        self.me = self.add_agent("Mia Agent", "agent@shop.example")
        self.start()

    # -- seeding, as Freshdesk's own UI or a colleague would ---------------------------------

    def add_agent(self, name: str, email: str, available: bool = True) -> int:
        aid = next(self.ids)
        now = iso(time.time())
        self.state.agents[aid] = {
            "id": aid, "available": available, "occasional": False, "ticket_scope": 1,
            "created_at": now, "updated_at": now, "group_ids": [], "signature": None,
            "contact": {"name": name, "email": email, "active": True, "phone": None,
                        "mobile": None, "language": "en", "time_zone": "UTC"},
        }  # fmt: skip
        return aid

    def add_group(self, name: str, agents: list[int] = ()) -> int:
        gid = next(self.ids)
        now = iso(time.time())
        self.state.groups[gid] = {
            "id": gid, "name": name, "description": None, "agent_ids": list(agents),
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        for a in agents:
            self.state.agents[a]["group_ids"].append(gid)
        return gid

    def add_contact(self, name: str, email: str | None, phone: str | None = None) -> int:
        cid = next(self.ids)
        self.state.contacts[cid] = {
            "id": cid,
            "name": name,
            "email": email,
            "phone": phone,
            "mobile": None,
        }
        return cid

    def add_canned(self, folder: str, title: str, content: str) -> None:
        existing = next((f for f in self.state.folders if f["name"] == folder), None)
        if existing is None:
            existing = {"id": next(self.ids), "name": folder, "personal": False,
                        "responses_count": 0}  # fmt: skip
            self.state.folders.append(existing)
            self.state.canned[existing["id"]] = []
        now = iso(time.time())
        self.state.canned[existing["id"]].append({
            "id": next(self.ids), "title": title, "folder_id": existing["id"],
            "content": content, "content_html": f"<div>{content}</div>", "attachments": [],
            "created_at": now, "updated_at": now,
        })  # fmt: skip
        existing["responses_count"] += 1

    def create_ticket(
        self,
        subject: str,
        body: str,
        requester: int,
        source: int = 1,
        attachment: tuple[str, bytes] | None = None,
        at: float | None = None,
    ) -> int:
        with self.lock:
            tid = next(self.ids)
            stamp = iso(time.time() if at is None else at)
            self.state.tickets[tid] = {
                "id": tid, "subject": subject, "description": f"<div>{body}</div>",
                "description_text": body, "status": 2, "priority": 1, "source": source,
                "requester_id": requester, "responder_id": None, "group_id": None,
                "tags": [], "created_at": stamp, "updated_at": stamp,
                "fr_due_by": iso(epoch(stamp) + 3600), "due_by": iso(epoch(stamp) + 86400),
                "is_escalated": False, "fr_escalated": False, "spam": False, "type": None,
                "cc_emails": [], "fwd_emails": [], "reply_cc_emails": [], "to_emails": None,
                "company_id": None, "email_config_id": None, "product_id": None,
                "custom_fields": {}, "deleted": False,
                "attachments": [self._attachment(*attachment)] if attachment else [],
            }  # fmt: skip
            self.state.conversations[tid] = []
            return tid

    def customer_replies(self, tid: int, body: str) -> int:
        """The requester writes again (reopening a pending or resolved ticket)."""
        with self.lock:
            t = self.state.tickets[tid]
            if t["status"] in (3, 4):
                t["status"] = 2
            return self._conversation(tid, t["requester_id"], body, incoming=True)

    def colleague_note(self, tid: int, agent: int, body: str) -> int:
        with self.lock:
            return self._conversation(tid, agent, body, private=True, source=2)

    def colleague_update(self, tid: int, **fields) -> None:
        with self.lock:
            self.state.tickets[tid].update(fields)
            self._touch(tid)

    def delete_ticket(self, tid: int) -> None:
        with self.lock:
            self.state.tickets[tid]["deleted"] = True
            self._touch(tid)

    def rate(self, tid: int, answer: int) -> None:
        """The customer answers the satisfaction survey (103 extremely happy ... -103)."""
        with self.lock:
            t = self.state.tickets[tid]
            now = iso(time.time())
            self.state.ratings.append({
                "id": next(self.ids), "survey_id": 1, "user_id": t["requester_id"],
                "agent_id": t["responder_id"], "group_id": t["group_id"], "ticket_id": tid,
                "feedback": None, "ratings": {"default_question": answer},
                "created_at": now, "updated_at": now,
            })  # fmt: skip

    def conversations_of(self, tid: int) -> list[dict]:
        return list(self.state.conversations[tid])

    # -- the platform's behaviour ------------------------------------------------------------

    def _touch(self, tid: int) -> None:
        self.state.tickets[tid]["updated_at"] = iso(time.time())

    def _attachment(self, name: str, content: bytes) -> dict:
        aid = next(self.ids)
        self.state.files[aid] = content
        now = iso(time.time())
        return {"id": aid, "name": name, "content_type": "application/octet-stream",
                "size": len(content), "attachment_url": "", "created_at": now,
                "updated_at": now}  # fmt: skip

    def _conversation(self, tid, user, body, *, incoming=False, private=False, source=0) -> int:
        cid = next(self.ids)
        now = iso(time.time())
        self.state.conversations[tid].append({
            "id": cid, "body": f"<div>{body}</div>", "body_text": body, "incoming": incoming,
            "private": private, "user_id": user, "support_email": None, "source": source,
            "ticket_id": tid, "created_at": now, "updated_at": now, "attachments": [],
            "to_emails": [], "from_email": None, "cc_emails": [], "bcc_emails": [],
        })  # fmt: skip
        self._touch(tid)
        return cid

    def signed(self, item: dict) -> dict:
        """An attachment with a fresh signed address, good for `url_ttl` seconds."""
        until = time.time() + self.url_ttl
        return {**item, "attachment_url": f"{self.url}/files/{item['id']}?expires={until:.3f}"}

    def ticket_out(self, t: dict, include: set[str]) -> dict:
        out = {k: v for k, v in t.items() if k not in ("description", "description_text",
                                                         "attachments")}  # fmt: skip
        if "description" in include:
            out["description"], out["description_text"] = t["description"], t["description_text"]
        if "requester" in include:
            c = self.state.contacts[t["requester_id"]]
            out["requester"] = {k: c[k] for k in ("id", "name", "email", "mobile", "phone")}
        return out

    def spend(self, credits: int, listing: bool) -> tuple[int | None, dict]:
        """Credits taken from this minute's budget; a wait in seconds once it is spent."""
        now = time.time()
        self.spent = [s for s in self.spent if now - s[0] < self.minute]
        used = sum(c for _at, c, _l in self.spent)
        listed = sum(c for _at, c, lst in self.spent if lst)
        over = used + credits > self.per_minute or (
            listing and listed + credits > self.list_per_minute
        )
        headers = {"X-RateLimit-Total": str(self.per_minute),
                   "X-RateLimit-Used-CurrentRequest": str(credits)}  # fmt: skip
        if over:
            left = self.minute - (now - self.spent[0][0]) if self.spent else self.minute
            wait = max(1, round(left + 0.5))
            headers["X-RateLimit-Remaining"] = str(max(self.per_minute - used, 0))
            headers["Retry-After"] = str(wait)
            return wait, headers
        self.spent.append((now, credits, listing))
        headers["X-RateLimit-Remaining"] = str(self.per_minute - used - credits)
        return None, headers

    def list_tickets(self, params: dict) -> tuple[int, object, dict]:
        page, per_page = int(params.get("page", 1)), int(params.get("per_page", 30))
        if page > self.page_cap:
            return 400, {"description": "Validation failed", "errors": [{
                "field": "page", "code": "invalid_value",
                "message": f"It should be a Positive Integer less than or equal to {self.page_cap}",
            }]}, {}  # fmt: skip
        deleted = params.get("filter") == "deleted"
        found = [t for t in self.state.tickets.values() if t["deleted"] == deleted]
        if "updated_since" in params:
            found = [t for t in found if t["updated_at"] >= params["updated_since"]]
        else:  # Freshdesk: the last 30 days only
            found = [t for t in found if epoch(t["created_at"]) >= time.time() - 30 * 86400]
        key = params.get("order_by", "created_at")
        found.sort(key=lambda t: (t[key], t["id"]), reverse=params.get("order_type") != "asc")
        chunk = found[(page - 1) * per_page : page * per_page]
        include = set(filter(None, params.get("include", "").split(",")))
        headers = {}
        if page * per_page < len(found) and page < self.page_cap:
            query = urlencode({**params, "page": page + 1})
            headers["Link"] = f'<{self.url}/api/v2/tickets?{query}>; rel="next"'
        return 200, [self.ticket_out(t, include) for t in chunk], headers

    def linked(self, items: list, params: dict, path: str) -> tuple[int, object, dict]:
        """A list in pages, the next one in a Link header."""
        page, per_page = int(params.get("page", 1)), int(params.get("per_page", 30))
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(items):
            query = urlencode({**params, "page": page + 1})
            headers["Link"] = f'<{self.url}{path}?{query}>; rel="next"'
        return 200, chunk, headers


def _invalid(field_name: str, message: str) -> tuple[int, dict, dict]:
    return 400, {"description": "Validation failed", "errors": [
        {"field": field_name, "message": message, "code": "invalid_value"}]}, {}  # fmt: skip


class _Handler(FakeHandler):
    fake: FakeFreshdesk

    def serve(self, method, path, query, params, multi, raw) -> None:
        if path.startswith("/files/"):
            return self._file(path, params)
        status, body, headers = self._answer(method, path, params, raw)
        data = b"" if body is None else json.dumps(body).encode()
        problems = freshdesk_schema.check(method, path, query, raw, status, data)
        self.fake.violations.extend(problems)
        if data:
            headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        self.answer(status, data, headers)

    def _file(self, path: str, params: dict) -> None:
        aid = int(path.split("/")[2])
        if float(params.get("expires", 0)) < time.time() or aid not in self.fake.state.files:
            # A signed file address past its time: the file store refuses it.
            data, status = b"<Error><Code>AccessDenied</Code></Error>", 403
        else:
            data, status = self.fake.state.files[aid], 200
        self.answer(status, data, {})

    def _authorised(self) -> bool:
        header = self.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        key, _sep, _x = base64.b64decode(header[6:]).decode().partition(":")
        return key == API_KEY

    def _answer(self, method, path, params, raw) -> tuple[int, object, dict]:
        fake = self.fake
        if not self._authorised():
            return 401, {"code": "invalid_credentials",
                         "message": "You have to be logged in to perform this action."}, {}  # fmt: skip
        listing = method == "GET" and path == "/api/v2/tickets"
        include = [i for i in params.get("include", "").split(",") if i]
        with fake.lock:
            wait, limits = fake.spend(1 + 2 * len(include), listing)
        if wait is not None:
            return 429, None, limits
        fault = fake.take_fault(method, path)
        if fault is not None and not fault.after_commit:
            return self._fault(fault, limits)
        with fake.lock:
            status, body, headers = self._route(method, path, params, raw)
        if fault is not None:
            return self._fault(fault, limits)
        return status, body, {**limits, **headers}

    @staticmethod
    def _fault(fault: Fault, limits: dict) -> tuple[int, object, dict]:
        headers = dict(limits)
        if fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        if fault.status == 429:
            return 429, None, headers
        return (
            fault.status,
            {"code": "internal_error", "message": f"injected {fault.status}"},
            headers,
        )

    def _route(self, method, path, params, raw) -> tuple[int, object, dict]:
        fake, s = self.fake, self.fake.state
        if method == "GET":
            if path == "/api/v2/agents/me":
                return 200, s.agents[fake.me], {}
            if path == "/api/v2/agents":
                return fake.linked(list(s.agents.values()), params, path)
            if path == "/api/v2/groups":
                return fake.linked(list(s.groups.values()), params, path)
            if path == "/api/v2/ticket_fields":
                now = iso(time.time())
                choices = {str(k): [v, v] for k, v in STATUSES.items()}
                return 200, [{"id": 1, "name": "status", "label": "Status", "type": "default_status",
                              "position": 1, "default": True, "created_at": now,
                              "updated_at": now, "choices": choices}], {}  # fmt: skip
            if path == "/api/v2/canned_response_folders":
                return 200, s.folders, {}
            m = re.fullmatch(r"/api/v2/canned_response_folders/(\d+)/responses", path)
            if m:
                return fake.linked(s.canned.get(int(m.group(1)), []), params, path)
            if path == "/api/v2/surveys/satisfaction_ratings":
                since = params.get("created_since", "")
                rated = [r for r in s.ratings if r["created_at"] >= since]
                return fake.linked(rated, params, path)
            if path == "/api/v2/tickets":
                return fake.list_tickets(params)
        m = re.fullmatch(r"/api/v2/tickets/(\d+)(/conversations|/reply|/notes)?", path)
        if not m or int(m.group(1)) not in s.tickets:
            return 404, None, {}
        tid, what = int(m.group(1)), m.group(2)
        t = s.tickets[tid]
        if method == "GET" and what is None:
            out = fake.ticket_out(t, {"description"})
            out["attachments"] = [fake.signed(a) for a in t["attachments"]]
            out["deleted"] = t["deleted"]
            return 200, out, {}
        if method == "GET" and what == "/conversations":
            signed = [{**c, "attachments": [fake.signed(a) for a in c["attachments"]]}
                      for c in s.conversations[tid]]  # fmt: skip
            return fake.linked(signed, params, path)
        if t["deleted"]:
            return 404, None, {}
        body = json.loads(raw) if raw else {}
        if method == "POST" and what == "/reply":
            cid = fake._conversation(tid, fake.me, _text(body["body"]))
            c = s.conversations[tid][-1]
            c["body"] = body["body"]
            return 201, {k: c[k] for k in ("id", "body", "body_text", "user_id", "ticket_id",
                                          "created_at", "updated_at", "attachments",
                                          "cc_emails", "bcc_emails")} | {"id": cid}, {}  # fmt: skip
        if method == "POST" and what == "/notes":
            private = body.get("private", True)
            fake._conversation(tid, fake.me, _text(body["body"]), private=private, source=2)
            c = s.conversations[tid][-1]
            c["body"] = body["body"]
            return 201, {k: c[k] for k in ("id", "body", "body_text", "user_id", "ticket_id",
                                          "private", "incoming", "created_at", "updated_at",
                                          "attachments", "support_email")}, {}  # fmt: skip
        if method == "PUT" and what is None:
            if "status" in body and body["status"] not in STATUSES:
                return _invalid("status", "It should be one of these values: '2,3,4,5,6'")
            if body.get("group_id") is not None and body["group_id"] not in s.groups:
                return _invalid("group_id", "There is no group matching the given group_id")
            if body.get("responder_id") is not None and body["responder_id"] not in s.agents:
                return _invalid("responder_id", "There is no agent matching the given responder_id")
            t.update(body)
            fake._touch(tid)
            return 200, fake.ticket_out(t, set()), {}
        return 404, None, {}


def _text(html_body: str) -> str:
    """Freshdesk's body_text for an HTML body: line breaks kept, tags and entities gone."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", "\n", html_body)))
