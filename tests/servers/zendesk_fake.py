"""A stateful fake Zendesk Support on 127.0.0.1, written from Zendesk's API documentation.

It keeps users with their identities, groups and memberships, active macros, tickets with
their comments, audits (with an update's metadata) and tags, and attachment files. What it
reproduces:

- HTTP basic auth as `email/token:TOKEN` (401 otherwise); agents and admins, and an admin
  flag that decides whether the incremental export is allowed (403 for an agent).
- The cursor-based incremental ticket export: tickets in the order of their last change,
  `after_cursor` and `end_of_stream`, `per_page`, a change made within the last
  `export_lag` seconds (Zendesk: a minute) not yet exported, and its own rate limit
  (`export_per_minute`, Zendesk: 10) answered with 429 and Retry-After; a first export
  that finds nothing has no `after_cursor`; a cursor it cannot read is a 400.
- Side-loads: `comment_count` on the export, `identities` on `users/show_many`.
- Cursor pagination (`page[size]`, `page[after]`, `meta.has_more`) for comments and lists;
  comments sorted by `sort=-created_at` newest first.
- Updates through `PUT /api/v2/tickets/{id}`: a comment's `public` flag, status, priority,
  assignee and group, an audit with its events and the update's metadata (as
  `metadata.custom`); tags added and removed through the tags endpoints.
- Faults: the next matching request answered with a status (429 with or without
  Retry-After, 500, 503), before or after the change it asked for is committed.

Every request and every response is checked against Zendesk's OpenAPI spec (vendor_spec);
what the spec rejects is kept in `violations`, and the tests fail on any.
"""

from __future__ import annotations

import base64
import calendar
import itertools
import json
import re
import time
from dataclasses import dataclass, field

from servers import vendor_spec
from servers.http_fake import FakeHandler, FakeServer, Fault

TOKEN = "zd-test-token-4c1f"


def iso(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))


@dataclass
class State:
    users: dict[int, dict] = field(default_factory=dict)
    groups: dict[int, dict] = field(default_factory=dict)
    memberships: list[dict] = field(default_factory=list)
    macros: list[dict] = field(default_factory=list)
    identities: dict[int, list[dict]] = field(default_factory=dict)  # user -> identities
    tickets: dict[int, dict] = field(default_factory=dict)
    comments: dict[int, list[dict]] = field(default_factory=dict)
    audits: dict[int, list[dict]] = field(default_factory=dict)
    files: dict[int, tuple[str, bytes]] = field(default_factory=dict)
    changed: dict[int, int] = field(default_factory=dict)  # ticket -> sequence of its last change
    changed_at: dict[int, float] = field(default_factory=dict)


class FakeZendesk(FakeServer):
    def __init__(
        self,
        *,
        export_lag: float = 60.0,
        export_per_minute: int = 10,
        validate: bool = True,
    ):
        super().__init__(_Handler)
        self.export_lag = export_lag
        self.export_per_minute = export_per_minute
        self.validate = validate and vendor_spec.spec_path("zendesk") is not None
        self.state = State()
        self.ids = itertools.count(1001)
        self.seq = itertools.count(1)
        self.exports: list[float] = []
        self.remaining = 650  # what X-Rate-Limit-Remaining says
        self.admin = self.add_user("Mia Agent", "agent@shop.example", "admin")
        self.start()

    # -- seeding, as Zendesk's own UI or a colleague would ---------------------------------

    def add_user(self, name: str, email: str | None, role: str = "end-user") -> int:
        uid = next(self.ids)
        now = time.time()
        self.state.users[uid] = {
            "id": uid, "name": name, "email": email, "role": role, "active": True,
            "created_at": iso(now), "updated_at": iso(now),
        }  # fmt: skip
        self.state.identities[uid] = []
        if email:
            self.add_identity(uid, "email", email, primary=True)
        return uid

    def add_identity(self, uid: int, kind: str, value: str, primary: bool = False) -> None:
        """Another way to reach the user (a second address, a phone, a Twitter handle);
        Zendesk keeps the user's `email` and `phone` as the primary ones."""
        now = iso(time.time())
        self.state.identities[uid].append({
            "id": next(self.ids), "user_id": uid, "type": kind, "value": value,
            "primary": primary, "verified": True, "created_at": now, "updated_at": now,
            "url": f"{self.url}/api/v2/users/{uid}/identities/{len(self.state.identities[uid])}.json",
        })  # fmt: skip
        if kind == "phone_number" and not self.state.users[uid].get("phone"):
            self.state.users[uid]["phone"] = value

    def add_group(self, name: str) -> int:
        gid = next(self.ids)
        self.state.groups[gid] = {"id": gid, "name": name, "deleted": False}
        return gid

    def add_membership(self, user_id: int, group_id: int) -> None:
        self.state.memberships.append(
            {"id": next(self.ids), "user_id": user_id, "group_id": group_id}
        )

    def add_macro(self, title: str, actions: list[dict]) -> None:
        self.state.macros.append(
            {"id": next(self.ids), "title": title, "actions": actions, "active": True}
        )

    def create_ticket(
        self,
        subject: str,
        body: str,
        requester: int,
        via: str = "email",
        attachment: tuple[str, bytes] | None = None,
    ) -> int:
        with self.lock:
            tid = next(self.ids)
            now = time.time()
            self.state.tickets[tid] = {
                "id": tid, "subject": subject, "raw_subject": subject, "description": body,
                "status": "new", "priority": None, "requester_id": requester,
                "submitter_id": requester, "assignee_id": None, "group_id": None, "tags": [],
                "via": {"channel": via}, "created_at": iso(now), "updated_at": iso(now),
                "satisfaction_rating": None,
            }  # fmt: skip
            self.state.comments[tid] = []
            self.state.audits[tid] = []
            self._comment(tid, requester, body, True, {}, attachment)
            return tid

    def add_comment(
        self, tid: int, author: int, body: str, public: bool = True, metadata: dict | None = None
    ) -> int:
        """Someone writes on the ticket (the customer answering reopens a solved one)."""
        with self.lock:
            t = self.state.tickets[tid]
            if author == t["requester_id"] and t["status"] in ("pending", "solved", "hold"):
                t["status"] = "open"
            return self._comment(tid, author, body, public, metadata or {}, None)

    def colleague_update(self, tid: int, author: int, **fields) -> None:
        with self.lock:
            self._update(tid, author, dict(fields), {})

    def delete_ticket(self, tid: int) -> None:
        """A colleague deletes the ticket: the export lists it as deleted, the rest is 404."""
        with self.lock:
            self.state.tickets[tid]["status"] = "deleted"
            self._touch(tid)

    def colleague_tags(self, tid: int, add: list[str]) -> None:
        with self.lock:
            t = self.state.tickets[tid]
            t["tags"] = sorted(set(t["tags"]) | set(add))
            self._touch(tid)

    # -- what the platform recorded ----------------------------------------------------

    def comments_of(self, tid: int) -> list[dict]:
        return list(self.state.comments[tid])

    def audits_of(self, tid: int) -> list[dict]:
        return list(self.state.audits[tid])

    # -- the platform's behaviour ------------------------------------------------------------

    def _touch(self, tid: int) -> None:
        now = time.time()
        self.state.tickets[tid]["updated_at"] = iso(now)
        self.state.changed[tid] = next(self.seq)
        self.state.changed_at[tid] = now

    def _comment(self, tid, author, body, public, metadata, attachment) -> int:
        cid = next(self.ids)
        now = time.time()
        files = []
        if attachment is not None:
            name, content = attachment
            aid = next(self.ids)
            self.state.files[aid] = (name, content)
            files.append({
                "id": aid, "file_name": name, "content_type": "image/png", "size": len(content),
                "content_url": f"{self.url}/attachments/token/{aid}/?name={name}",
            })  # fmt: skip
        comment = {
            "id": cid, "type": "Comment", "author_id": author, "body": body,
            "plain_body": body, "html_body": f"<p>{body}</p>", "public": public,
            "attachments": files, "created_at": iso(now),
            "metadata": {"system": {}, "custom": metadata},
        }  # fmt: skip
        self.state.comments[tid].append(comment)
        self._audit(tid, author, [{"id": cid, "type": "Comment", "body": body}], metadata)
        self._touch(tid)
        return cid

    def _audit(self, tid: int, author: int, events: list[dict], metadata: dict) -> dict:
        audit = {
            "id": next(self.ids), "ticket_id": tid, "author_id": author,
            "created_at": iso(time.time()), "events": events,
            "metadata": {"system": {}, "custom": metadata},
        }  # fmt: skip
        self.state.audits[tid].append(audit)
        return audit

    def _update(self, tid: int, author: int, update: dict, metadata: dict) -> dict:
        t = self.state.tickets[tid]
        events = []
        comment = update.pop("comment", None)
        for key in ("status", "priority", "assignee_id", "group_id", "subject"):
            if key in update and update[key] != t.get(key):
                t[key] = update[key]
                events.append({"id": next(self.ids), "type": "Change", "field_name": key,
                               "value": str(update[key])})  # fmt: skip
        if "tags" in update:  # the whole list, as Zendesk does
            t["tags"] = sorted(set(update["tags"]))
        audit = None
        if comment is not None:
            cid = self._comment(tid, author, comment["body"], comment.get("public", True),
                                metadata, None)  # fmt: skip
            audit = self.state.audits[tid][-1]
            audit["events"].extend(events)
            if t["status"] == "new":
                t["status"] = "open"
            del cid
        else:
            audit = self._audit(tid, author, events, metadata)
            self._touch(tid)
        return audit

    def search(self, params: dict) -> tuple[int, dict, dict]:
        """Search as Zendesk documents it for `type:ticket updated>=…`, sorted by update
        time: 100 a page, at most 1,000 results a query (a later page is refused)."""
        m = re.fullmatch(r"type:ticket updated>=(\S+)", params.get("query", "").strip())
        if not m:
            return 400, {"error": "unsupported query in the fake"}, {}
        since = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ"))
        page = int(params.get("page", "1"))
        if page > 10:
            return 422, {"error": "invalid", "description": "Search is limited to 1000 results"}, {}
        found = sorted(
            (t for t in self.state.tickets.values()
             if t["status"] != "deleted" and self.state.changed_at[t["id"]] >= since),
            key=lambda t: (self.state.changed[t["id"]]),
        )  # fmt: skip
        chunk = found[(page - 1) * 100 : page * 100]
        more = page * 100 < min(len(found), 1000)
        return 200, {
            "results": [{**t, "result_type": "ticket"} for t in chunk],
            "count": len(found),
            "next_page": f"{self.url}/api/v2/search.json?page={page + 1}" if more else None,
            "previous_page": None, "facets": None,
        }, {}  # fmt: skip

    def export(self, params: dict) -> tuple[int, dict, dict]:
        now = time.time()
        self.exports = [at for at in self.exports if now - at < 60]
        if len(self.exports) >= self.export_per_minute:
            wait = int(60 - (now - self.exports[0])) + 1
            return 429, {"error": "APIRateLimitExceeded"}, {"Retry-After": str(wait)}
        self.exports.append(now)
        if "cursor" in params:
            try:
                after = int(base64.urlsafe_b64decode(params["cursor"]).decode())
            except ValueError:
                return 400, {"error": "InvalidPaginationParameter",
                             "description": "cursor is invalid"}, {}  # fmt: skip
        else:
            start = int(params.get("start_time", "0"))
            if start > now - 60:
                return 422, {"error": "InvalidValue",
                             "description": "start_time is too recent"}, {}  # fmt: skip
            after = 0
            # A start time picks up the tickets changed since then.
            before = [seq for tid, seq in self.state.changed.items()
                      if self.state.changed_at[tid] < start]  # fmt: skip
            after = max(before, default=0)
        per_page = min(int(params.get("per_page", 1000)), 1000)
        ready = sorted(
            (seq, tid) for tid, seq in self.state.changed.items()
            if seq > after and self.state.changed_at[tid] <= now - self.export_lag
        )  # fmt: skip
        page = ready[:per_page]
        last = page[-1][0] if page else after
        cursor = base64.urlsafe_b64encode(str(last).encode()).decode()
        if not page and "cursor" not in params:
            # Zendesk: a first export that finds nothing has no cursor to go on from.
            cursor = None
        counted = "comment_count" in params.get("include", "").split(",")  # a side-load
        return 200, {
            "tickets": [
                {**self.state.tickets[tid], "comment_count": len(self.state.comments[tid])}
                if counted else self.state.tickets[tid]
                for _seq, tid in page
            ],
            "after_cursor": cursor,
            "after_url": cursor and f"{self.url}/api/v2/incremental/tickets/cursor.json?cursor={cursor}",
            "before_cursor": None, "before_url": None,
            "end_of_stream": len(ready) <= per_page,
        }, {}  # fmt: skip


def _page(items: list[dict], key: str, params: dict, url: str) -> dict:
    """Zendesk's cursor pagination over a list."""
    size = min(int(params.get("page[size]", 100)), 100)
    start = int(params["page[after]"]) if params.get("page[after]") else 0
    chunk = items[start : start + size]
    more = start + size < len(items)
    after = str(start + size) if more else None
    return {
        key: chunk,
        "meta": {"has_more": more, "after_cursor": after, "before_cursor": None},
        "links": {"next": f"{url}?page[after]={after}" if more else None, "prev": None},
    }


class _Handler(FakeHandler):
    fake: FakeZendesk

    def normal_path(self, path: str) -> str:
        return path.removesuffix(".json")

    def serve(self, method, path, query, params, multi, raw) -> None:
        fake = self.fake
        if path.startswith("/attachments/"):
            return self._file(path)
        status, body, headers = self._answer(method, path, params, multi, raw)
        data = b"" if status == 204 else json.dumps(body).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "X-Rate-Limit": "700",
                   "X-Rate-Limit-Remaining": str(fake.remaining), **headers}  # fmt: skip
        if fake.validate and path.startswith("/api/"):
            problems = vendor_spec.check(
                "zendesk", method, path, query,
                {k.lower(): v for k, v in self.headers.items()}, raw, status,
                {k.lower(): v for k, v in headers.items()}, data,
            )  # fmt: skip
            fake.violations.extend(problems)
        self.answer(status, data, headers)

    def _file(self, path: str) -> None:
        aid = int(path.split("/")[3])
        _name, content = self.fake.state.files[aid]
        self.answer(200, content, {"Content-Type": "application/octet-stream"})

    def _authorised(self) -> bool:
        header = self.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
        return user.endswith("/token") and secret == TOKEN

    def _answer(self, method, path, params, multi, raw) -> tuple[int, dict, dict]:
        fake = self.fake
        if not self._authorised():
            return 401, {"error": "Couldn't authenticate you"}, {}
        fault = fake.take_fault(method, path)
        if fault is not None and not fault.after_commit:
            return self._fault(fault)
        with fake.lock:
            answer = self._route(method, path, params, multi, raw)
        return self._fault(fault) if fault is not None else answer

    @staticmethod
    def _fault(fault: Fault) -> tuple[int, dict, dict]:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        return fault.status, {"error": f"injected {fault.status}"}, headers

    def _route(self, method, path, params, multi, raw) -> tuple[int, dict, dict]:
        fake, s = self.fake, self.fake.state
        me = fake.admin
        if method == "GET" and path == "/api/v2/users/me":
            return 200, {"user": s.users[me]}, {}
        if method == "GET" and path == "/api/v2/users":
            roles = set(multi.get("role[]", [])) or {params.get("role")} - {None}
            users = [u for u in s.users.values() if not roles or u["role"] in roles]
            return 200, _page(users, "users", params, fake.url + path), {}
        if method == "GET" and path == "/api/v2/users/show_many":
            ids = {int(i) for i in params.get("ids", "").split(",") if i}
            found = {"users": [u for uid, u in s.users.items() if uid in ids]}
            if "identities" in params.get("include", "").split(","):  # a side-load
                found["identities"] = [i for uid in ids for i in s.identities.get(uid, [])]
            return 200, found, {}
        if method == "GET" and path == "/api/v2/groups":
            return 200, _page(list(s.groups.values()), "groups", params, fake.url + path), {}
        if method == "GET" and path == "/api/v2/group_memberships":
            return 200, _page(s.memberships, "group_memberships", params, fake.url + path), {}
        if method == "GET" and path == "/api/v2/macros/active":
            return 200, _page(s.macros, "macros", params, fake.url + path), {}
        if method == "GET" and path == "/api/v2/search":
            return fake.search(params)
        if method == "GET" and path == "/api/v2/incremental/tickets/cursor":
            if s.users[me]["role"] != "admin":
                return 403, {"error": "Forbidden", "description": "admins only"}, {}
            return fake.export(params)
        m = re.fullmatch(r"/api/v2/tickets/(\d+)(/comments|/audits|/tags)?", path)
        if not m:
            return 404, {"error": "InvalidEndpoint"}, {}
        tid, what = int(m.group(1)), m.group(2)
        if tid not in s.tickets or s.tickets[tid]["status"] == "deleted":
            return 404, {"error": "RecordNotFound", "description": "Not found"}, {}
        t = s.tickets[tid]
        body = json.loads(raw) if raw else {}
        if method == "GET" and what == "/comments":
            # Cursor pagination sorts by `sort`: created_at (oldest first) or -created_at.
            comments = (
                s.comments[tid][::-1] if params.get("sort") == "-created_at" else s.comments[tid]
            )
            return 200, _page(comments, "comments", params, fake.url + path), {}
        if method == "GET" and what == "/audits":
            audits = s.audits[tid]
            return 200, {"audits": audits, "count": len(audits), "next_page": None,
                         "previous_page": None}, {}  # fmt: skip
        if what == "/tags" and method in ("PUT", "DELETE"):
            tags = set(body.get("tags") or [])
            t["tags"] = sorted(set(t["tags"]) | tags if method == "PUT" else set(t["tags"]) - tags)
            fake._touch(tid)
            return (200, {"tags": t["tags"]}, {}) if method == "PUT" else (204, {}, {})
        if method == "PUT" and what is None:
            update = dict(body.get("ticket") or {})
            metadata = update.pop("metadata", None) or {}
            if update.get("status") and update["status"] not in (
                "new", "open", "pending", "hold", "solved", "closed"
            ):  # fmt: skip
                return 422, {"error": "RecordInvalid", "description": "Record validation errors",
                             "details": {"status": [{"description": "Status: is invalid"}]}}, {}  # fmt: skip
            if t["status"] == "closed":
                return 422, {"error": "RecordInvalid", "description": "Record validation errors",
                             "details": {"status": [{"description": "Status: closed prevents ticket update"}]}}, {}  # fmt: skip
            audit = fake._update(tid, me, update, metadata)
            return 200, {"ticket": t, "audit": audit}, {}
        return 404, {"error": "InvalidEndpoint"}, {}
