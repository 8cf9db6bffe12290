"""A stateful fake Chatwoot (application API) on 127.0.0.1, written from Chatwoot's
documentation and, where the spec is silent, its code.

It keeps agents (with their availability), teams and their members, inboxes with their
channel types, contacts, conversations with their messages, labels, assignee, team,
priority and status, canned responses and attachment files. What it reproduces:

- The `api_access_token` header (401 otherwise).
- The conversation list: `status` defaults to `open` (so a client that forgets
  `status=all` misses the rest), 25 a page by last activity, newest first; with
  `updated_within=<seconds>` every conversation changed within them, not paginated.
- A conversation's messages: the latest 20 by default, `after=<id>` up to 100 from that id
  on (the id itself included), `before=<id>` the 20 before it; all oldest first.
- New messages (outgoing, private), `toggle_status`, `toggle_priority`, `assignments`
  (an agent, a team, or `assignee_id: null`), labels that replace the list.
- No rate-limit headers; 404 for a deleted conversation; faults before or after commit.

Every request and every answer is checked against Chatwoot's spec (vendor_spec, with its
reviewed patch list); what the spec rejects is kept in `violations`.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass, field

from servers import vendor_spec
from servers.http_fake import FakeHandler, FakeServer, Fault

TOKEN = "cw-test-token-77d0"
ACCOUNT = 1
JSON_NULL = object()  # an answer whose body is the JSON `null` (Rails' `render json: nil`)


@dataclass
class State:
    agents: dict[int, dict] = field(default_factory=dict)
    teams: dict[int, dict] = field(default_factory=dict)
    members: dict[int, list[int]] = field(default_factory=dict)
    inboxes: dict[int, dict] = field(default_factory=dict)
    contacts: dict[int, dict] = field(default_factory=dict)
    conversations: dict[int, dict] = field(default_factory=dict)
    messages: dict[int, list[dict]] = field(default_factory=dict)
    canned: list[dict] = field(default_factory=list)
    files: dict[int, bytes] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)


class FakeChatwoot(FakeServer):
    def __init__(self, *, validate: bool = True):
        super().__init__(_Handler)
        self.validate = validate and vendor_spec.spec_path("chatwoot") is not None
        self.state = State()
        self.ids = itertools.count(7001)
        self.message_ids = itertools.count(1)
        self.me = self.add_agent("Mia Agent", "agent@shop.example")
        self.start()

    # -- seeding, as Chatwoot's own UI or a colleague would ----------------------------------

    def add_agent(self, name: str, email: str, availability: str = "online") -> int:
        aid = next(self.ids)
        self.state.agents[aid] = {
            "id": aid, "account_id": ACCOUNT, "name": name, "available_name": name,
            "email": email, "role": "agent", "confirmed": True, "auto_offline": True,
            "availability_status": availability, "thumbnail": "",
        }  # fmt: skip
        return aid

    def add_team(self, name: str, members: list[int] = ()) -> int:
        tid = next(self.ids)
        self.state.teams[tid] = {"id": tid, "name": name, "description": "",
                                 "allow_auto_assign": False, "account_id": ACCOUNT,
                                 "is_member": self.me in members}  # fmt: skip
        self.state.members[tid] = list(members)
        return tid

    def add_inbox(self, name: str, channel_type: str) -> int:
        iid = next(self.ids)
        self.state.inboxes[iid] = {"id": iid, "name": name, "channel_type": channel_type,
                                   "channel_id": iid, "enable_auto_assignment": False}  # fmt: skip
        return iid

    def add_contact(self, name: str, email: str | None = None, phone: str | None = None) -> int:
        cid = next(self.ids)
        self.state.contacts[cid] = {
            "id": cid, "name": name, "email": email, "phone_number": phone,
            "identifier": None, "thumbnail": "", "additional_attributes": {},
            "custom_attributes": {}, "created_at": int(time.time()),
        }  # fmt: skip
        return cid

    def add_canned(self, short_code: str, content: str) -> None:
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        self.state.canned.append({"id": next(self.ids), "account_id": ACCOUNT,
                                  "short_code": short_code, "content": content,
                                  "created_at": now, "updated_at": now})  # fmt: skip

    def open_conversation(
        self, inbox: int, contact: int, first: str, at: float | None = None,
        attachment: tuple[str, bytes] | None = None, subject: str | None = None,
    ) -> int:  # fmt: skip
        with self.lock:
            cid = next(self.ids)
            now = int(time.time() if at is None else at)
            self.state.conversations[cid] = {
                "id": cid, "account_id": ACCOUNT, "inbox_id": inbox, "status": "open",
                "contact_id": contact, "assignee_id": None, "team_id": None, "labels": [],
                "priority": None, "snoozed_until": None, "created_at": now,
                "last_activity_at": now, "updated_at": now,
                "additional_attributes": {"mail_subject": subject} if subject else {},
            }  # fmt: skip
            self.state.messages[cid] = []
            self.message(cid, first, incoming=True, at=now, attachment=attachment)
            return cid

    def message(
        self, cid: int, content: str, *, incoming: bool = False, private: bool = False,
        sender: int | None = None, at: float | None = None, kind: int | None = None,
        attachment: tuple[str, bytes] | None = None, content_type: str = "text",
        attributes: dict | None = None,
    ) -> dict:  # fmt: skip
        """Someone writes in the conversation: the contact (incoming), an agent (outgoing,
        `sender`, private for a note), or Chatwoot itself (an activity, kind 2)."""
        with self.lock:
            c = self.state.conversations[cid]
            now = int(time.time() if at is None else at)
            mid = next(self.message_ids)
            kind = kind if kind is not None else 0 if incoming else 1
            if kind == 0:
                who, who_type = self.state.contacts[c["contact_id"]], "Contact"
            elif kind == 1:
                who, who_type = self.state.agents[sender or self.me], "User"
            else:
                who, who_type = None, None
            files = []
            if attachment is not None:
                aid = next(self.ids)
                self.state.files[aid] = attachment[1]
                files.append({"id": aid, "message_id": mid, "file_type": "image",
                              "account_id": ACCOUNT, "extension": attachment[0].rsplit(".", 1)[-1],
                              "data_url": f"{self.url}/rails/active_storage/{aid}/{attachment[0]}",
                              "thumb_url": "", "file_size": len(attachment[1])})  # fmt: skip
            m = {
                "id": mid, "content": content, "account_id": ACCOUNT, "inbox_id": c["inbox_id"],
                "conversation_id": cid, "message_type": kind, "created_at": now,
                "updated_at": now, "private": private, "status": "sent", "source_id": None,
                "content_type": content_type, "content_attributes": attributes or {},
                "sender_type": who_type, "sender_id": who and who["id"],
                "external_source_ids": {}, "additional_attributes": {},
                "attachments": files,
                "sender": {k: who[k] for k in ("id", "name", "thumbnail")}
                | ({"available_name": who["name"], "type": "user"} if who_type == "User"
                   else {"type": "contact"}) if who else None,
            }  # fmt: skip
            if m["sender"] is None:
                del m["sender"]
            self.state.messages[cid].append(m)
            if incoming and c["status"] in ("resolved", "snoozed", "pending"):
                c["status"] = "open"
            c["last_activity_at"] = max(c["last_activity_at"], now)
            c["updated_at"] = now  # history seeded with `at` happened then
            return m

    def update(self, cid: int, at: float | None = None, **fields) -> None:
        """A colleague (or an automation) changes the conversation, now or at `at`."""
        with self.lock:
            self.state.conversations[cid].update(fields)
            self.state.conversations[cid]["updated_at"] = int(time.time() if at is None else at)

    def delete_conversation(self, cid: int) -> None:
        with self.lock:
            self.state.deleted.add(cid)

    # -- what Chatwoot answers -----------------------------------------------------------

    def conversation_out(self, c: dict) -> dict:
        s = self.state
        contact = s.contacts[c["contact_id"]]
        assignee = s.agents.get(c["assignee_id"]) if c["assignee_id"] else None
        team = s.teams.get(c["team_id"]) if c["team_id"] else None
        messages = s.messages[c["id"]]
        last = next((m for m in reversed(messages) if m["message_type"] != 2), None)
        return {
            "id": c["id"], "account_id": ACCOUNT, "inbox_id": c["inbox_id"],
            "status": c["status"], "labels": list(c["labels"]), "priority": c["priority"],
            "snoozed_until": c["snoozed_until"], "created_at": c["created_at"],
            "last_activity_at": c["last_activity_at"], "timestamp": str(c["last_activity_at"]),
            "updated_at": c["updated_at"], "unread_count": 0, "can_reply": True,
            "additional_attributes": c["additional_attributes"], "custom_attributes": {},
            "messages": [last] if last else [], "last_non_activity_message": last,
            "meta": {
                "sender": {k: contact[k] for k in ("id", "name", "email", "phone_number",
                                                   "identifier", "thumbnail")},
                "assignee": assignee and {"id": assignee["id"], "name": assignee["name"],
                                          "available_name": assignee["name"],
                                          "email": assignee["email"], "role": "agent"},
                "team": team and {"id": team["id"], "name": team["name"]},
                "channel": s.inboxes[c["inbox_id"]]["channel_type"], "hmac_verified": False,
            },
        }  # fmt: skip

    def list_conversations(self, params: dict) -> tuple[int, object, dict]:
        status = params.get("status", "open")  # Chatwoot's default: open ones only
        found = [
            c for cid, c in self.state.conversations.items()
            if cid not in self.state.deleted and (status == "all" or c["status"] == status)
            and ("inbox_id" not in params or c["inbox_id"] == int(params["inbox_id"]))
        ]  # fmt: skip
        found.sort(key=lambda c: (c["last_activity_at"], c["id"]), reverse=True)
        if "updated_within" in params:  # every one changed since, not paginated
            since = time.time() - int(params["updated_within"])
            chunk = [c for c in found if c["updated_at"] >= since]
        else:
            page = int(params.get("page", 1))
            chunk = found[(page - 1) * 25 : page * 25]
        counts = {"mine_count": 0, "unassigned_count": 0, "assigned_count": 0,
                  "all_count": len(found)}  # fmt: skip
        return 200, {"data": {"meta": counts,
                              "payload": [self.conversation_out(c) for c in chunk]}}, {}  # fmt: skip

    def list_messages(self, cid: int, params: dict) -> list[dict]:
        messages = self.state.messages[cid]
        if "after" in params:
            return [m for m in messages if m["id"] >= int(params["after"])][:100]
        if "before" in params:
            return [m for m in messages if m["id"] < int(params["before"])][-20:]
        return messages[-20:]


class _Handler(FakeHandler):
    fake: FakeChatwoot

    def serve(self, method, path, query, params, multi, raw) -> None:
        fake = self.fake
        if path.startswith("/rails/active_storage/"):
            aid = int(path.split("/")[3])
            return self.answer(200, fake.state.files[aid], {"Content-Type": "image/jpeg"})
        status, body, headers = self._answer(method, path, params, raw)
        data = b"null" if body is JSON_NULL else b"" if body is None else json.dumps(body).encode()
        if data:
            headers = {"Content-Type": "application/json; charset=utf-8", **headers}
        if fake.validate:
            fake.violations.extend(
                vendor_spec.check(
                    "chatwoot",
                    method,
                    path,
                    query,
                    {k.lower(): v for k, v in self.headers.items()},
                    raw,
                    status,
                    {k.lower(): v for k, v in headers.items()},
                    data,
                )  # fmt: skip
            )
        self.answer(status, data, headers)

    def _answer(self, method, path, params, raw) -> tuple[int, object, dict]:
        fake = self.fake
        if self.headers.get("api_access_token") != TOKEN:
            return 401, {"error": "You need to sign in or sign up before continuing."}, {}
        fault = fake.take_fault(method, path)
        if fault is not None and not fault.after_commit:
            return self._fault(fault)
        with fake.lock:
            answer = self._route(method, path, params, raw)
        return self._fault(fault) if fault is not None else answer

    @staticmethod
    def _fault(fault: Fault) -> tuple[int, object, dict]:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        return fault.status, {"error": f"injected {fault.status}"}, headers

    def _route(self, method, path, params, raw) -> tuple[int, object, dict]:
        fake, s = self.fake, self.fake.state
        body = json.loads(raw) if raw else {}
        if path == "/api/v1/profile":
            return 200, {**s.agents[fake.me], "account_id": ACCOUNT}, {}
        acct = f"/api/v1/accounts/{ACCOUNT}"
        if not path.startswith(acct + "/"):
            return 404, {"error": "Resource could not be found"}, {}
        rest = path[len(acct) :]
        if method == "GET":
            if rest == "/inboxes":
                return 200, {"payload": list(s.inboxes.values())}, {}
            if rest == "/agents":
                return 200, list(s.agents.values()), {}
            if rest == "/teams":
                return 200, list(s.teams.values()), {}
            m = re.fullmatch(r"/teams/(\d+)/team_members", rest)
            if m:
                return 200, [s.agents[a] for a in s.members.get(int(m.group(1)), [])], {}
            if rest == "/canned_responses":
                return 200, s.canned, {}
            if rest == "/conversations":
                return fake.list_conversations(params)
        m = re.fullmatch(r"/conversations/(\d+)(/\w+)?", rest)
        if not m or int(m.group(1)) not in s.conversations or int(m.group(1)) in s.deleted:
            return 404, {"error": "Resource could not be found"}, {}
        cid, what = int(m.group(1)), m.group(2)
        c = s.conversations[cid]
        if method == "GET" and what == "/messages":
            return 200, {"meta": {"labels": list(c["labels"])},
                         "payload": fake.list_messages(cid, params)}, {}  # fmt: skip
        if method == "POST" and what == "/messages":
            private = bool(body.get("private"))
            m = fake.message(cid, body["content"], private=private)
            return 200, m, {}
        if method == "POST" and what == "/toggle_status":
            c["status"] = body["status"]
            # Chatwoot keeps snoozed_until only while snoozed (Conversation#ensure_snooze_until_reset).
            c["snoozed_until"] = body.get("snoozed_until") if body["status"] == "snoozed" else None
            c["updated_at"] = int(time.time())
            return 200, {"meta": {}, "payload": {"success": True, "conversation_id": cid,
                                                 "current_status": body["status"]}}, {}  # fmt: skip
        if method == "POST" and what == "/toggle_priority":
            c["priority"] = None if body["priority"] == "none" else body["priority"]
            c["updated_at"] = int(time.time())
            return 200, None, {}
        if method == "POST" and what == "/assignments":
            if "assignee_id" in body:
                agent = body["assignee_id"]
                if agent is not None and int(agent) not in s.agents:
                    return 404, {"error": "Resource could not be found"}, {}
                c["assignee_id"] = int(agent) if agent is not None else None
                answer = s.agents[c["assignee_id"]] if c["assignee_id"] else JSON_NULL
            else:
                if int(body["team_id"]) not in s.teams:
                    return 404, {"error": "Resource could not be found"}, {}
                c["team_id"] = int(body["team_id"])
                answer = s.teams[c["team_id"]]
            c["updated_at"] = int(time.time())
            return 200, answer, {}
        if what == "/labels":
            if method == "POST":
                c["labels"] = list(dict.fromkeys(body["labels"]))  # the list is replaced
                c["updated_at"] = int(time.time())
            return 200, {"payload": list(c["labels"])}, {}
        return 404, {"error": "Resource could not be found"}, {}
