"""The request and response shapes the Freshdesk connector uses, as JSON Schemas written from
Freshdesk's API documentation (developers.freshdesk.com/api, API v2). Freshdesk publishes no
machine-readable spec; these are the documented attributes and their types, with
`additionalProperties: false` on what we send so a field Freshdesk does not take fails.

`check()` validates one exchange (query, body, answer) and returns what is wrong, as
vendor_spec.check does for the vendors that publish a spec.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from jsonschema import Draft202012Validator

STAMP = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"}
ID = {"type": "integer", "minimum": 1}
OPTIONAL_ID = {"anyOf": [ID, {"type": "null"}]}
TEXT = {"type": "string"}
OPTIONAL_TEXT = {"type": ["string", "null"]}
EMAILS = {"type": ["array", "null"], "items": TEXT}
INT_TEXT = {"type": "string", "pattern": r"^[0-9]+$"}


def obj(required: dict, optional: dict | None = None, closed: bool = False) -> dict:
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": sorted(required),
        "additionalProperties": not closed,
    }


ATTACHMENT = obj(
    {"id": ID, "name": TEXT, "content_type": TEXT, "size": {"type": "integer"},
     "attachment_url": TEXT, "created_at": STAMP, "updated_at": STAMP},
    {"thumb_url": TEXT},
)  # fmt: skip
REQUESTER = obj(
    {"id": ID, "name": TEXT},
    {"email": OPTIONAL_TEXT, "mobile": OPTIONAL_TEXT, "phone": OPTIONAL_TEXT},
)
TICKET = obj(
    {
        "id": ID, "subject": TEXT, "status": {"type": "integer", "minimum": 2},
        "priority": {"enum": [1, 2, 3, 4]}, "source": {"type": "integer", "minimum": 1},
        "requester_id": ID, "responder_id": OPTIONAL_ID, "group_id": OPTIONAL_ID,
        "tags": {"type": "array", "items": TEXT}, "created_at": STAMP, "updated_at": STAMP,
        "fr_due_by": {"anyOf": [STAMP, {"type": "null"}]},
        "due_by": {"anyOf": [STAMP, {"type": "null"}]},
        "is_escalated": {"type": "boolean"}, "fr_escalated": {"type": "boolean"},
        "spam": {"type": "boolean"}, "type": OPTIONAL_TEXT,
        "cc_emails": EMAILS, "fwd_emails": EMAILS, "reply_cc_emails": EMAILS,
        "to_emails": EMAILS, "company_id": OPTIONAL_ID, "email_config_id": OPTIONAL_ID,
        "product_id": OPTIONAL_ID, "custom_fields": {"type": "object"},
    },
    {
        "description": TEXT, "description_text": TEXT, "requester": REQUESTER,
        "attachments": {"type": "array", "items": ATTACHMENT},
        "deleted": {"type": "boolean"}, "nr_due_by": {"anyOf": [STAMP, {"type": "null"}]},
        "stats": {"type": "object"},
    },
)  # fmt: skip
CONVERSATION = obj(
    {
        "id": ID, "body": TEXT, "body_text": TEXT, "incoming": {"type": "boolean"},
        "private": {"type": "boolean"}, "user_id": ID, "support_email": OPTIONAL_TEXT,
        "source": {"type": "integer"}, "ticket_id": ID, "created_at": STAMP,
        "updated_at": STAMP, "attachments": {"type": "array", "items": ATTACHMENT},
    },
    {"to_emails": EMAILS, "from_email": OPTIONAL_TEXT, "cc_emails": EMAILS,
     "bcc_emails": EMAILS},
)  # fmt: skip
REPLY_MADE = obj(
    {"id": ID, "body": TEXT, "body_text": TEXT, "user_id": ID, "ticket_id": ID,
     "created_at": STAMP, "updated_at": STAMP, "attachments": {"type": "array"}},
    {"from_email": OPTIONAL_TEXT, "cc_emails": EMAILS, "bcc_emails": EMAILS,
     "replied_to": EMAILS},
)  # fmt: skip
NOTE_MADE = obj(
    {"id": ID, "body": TEXT, "body_text": TEXT, "user_id": ID, "ticket_id": ID,
     "private": {"type": "boolean"}, "incoming": {"type": "boolean"},
     "created_at": STAMP, "updated_at": STAMP, "attachments": {"type": "array"}},
    {"support_email": OPTIONAL_TEXT, "notified_to": EMAILS},
)  # fmt: skip
AGENT = obj(
    {
        "id": ID, "available": {"type": "boolean"}, "occasional": {"type": "boolean"},
        "ticket_scope": {"enum": [1, 2, 3]}, "created_at": STAMP, "updated_at": STAMP,
        "contact": obj({"name": TEXT, "email": TEXT, "active": {"type": "boolean"}},
                       {"phone": OPTIONAL_TEXT, "mobile": OPTIONAL_TEXT,
                        "language": TEXT, "time_zone": TEXT}),
    },
    {"group_ids": {"type": "array", "items": ID}, "role_ids": {"type": "array"},
     "signature": OPTIONAL_TEXT, "type": TEXT},
)  # fmt: skip
GROUP = obj(
    {"id": ID, "name": TEXT, "created_at": STAMP, "updated_at": STAMP},
    {"description": OPTIONAL_TEXT, "agent_ids": {"type": "array", "items": ID},
     "escalate_to": OPTIONAL_ID, "unassigned_for": OPTIONAL_TEXT,
     "auto_ticket_assign": {"type": ["boolean", "integer"]}},
)  # fmt: skip
FOLDER = obj(
    {"id": ID, "name": TEXT, "personal": {"type": "boolean"},
     "responses_count": {"type": "integer"}},
    {"created_at": STAMP, "updated_at": STAMP},
)  # fmt: skip
CANNED = obj(
    {"id": ID, "title": TEXT, "folder_id": ID, "content": TEXT, "content_html": TEXT,
     "attachments": {"type": "array", "items": ATTACHMENT},
     "created_at": STAMP, "updated_at": STAMP},
)  # fmt: skip
TICKET_FIELD = obj(
    {"id": ID, "name": TEXT, "label": TEXT, "type": TEXT, "position": {"type": "integer"},
     "default": {"type": "boolean"}, "created_at": STAMP, "updated_at": STAMP},
    {"choices": {"anyOf": [
        {"type": "object", "additionalProperties": {"type": "array", "items": TEXT}},
        {"type": "array"}]}},
)  # fmt: skip
RATING = obj(
    {"id": ID, "survey_id": ID, "user_id": ID, "ticket_id": ID, "created_at": STAMP,
     "updated_at": STAMP,
     "ratings": {"type": "object", "additionalProperties": {"type": "integer"}}},
    {"agent_id": OPTIONAL_ID, "group_id": OPTIONAL_ID, "feedback": OPTIONAL_TEXT},
)  # fmt: skip
ERRORS = obj(
    {"description": TEXT,
     "errors": {"type": "array", "items": obj({"message": TEXT, "code": TEXT},
                                              {"field": TEXT})}},
)  # fmt: skip
REFUSED = obj({"code": TEXT, "message": TEXT})


def many(item: dict) -> dict:
    return {"type": "array", "items": item}


PAGING = {"per_page": {"type": "integer", "minimum": 1, "maximum": 100},
          "page": {"type": "integer", "minimum": 1}}  # fmt: skip
TICKET_INCLUDES = r"^(stats|requester|description)(,(stats|requester|description))*$"

# (method, path pattern): query schema, request body schema (None: no body), answers.
ROUTES: list[tuple[str, str, dict, dict | None, dict[int, dict | None]]] = [
    ("GET", r"/api/v2/agents/me", obj({}, closed=True), None, {200: AGENT}),
    ("GET", r"/api/v2/agents", obj({}, PAGING, closed=True), None, {200: many(AGENT)}),
    ("GET", r"/api/v2/groups", obj({}, PAGING, closed=True), None, {200: many(GROUP)}),
    (
        "GET",
        r"/api/v2/ticket_fields",
        obj({}, {"type": TEXT}, closed=True),
        None,
        {200: many(TICKET_FIELD)},
    ),
    ("GET", r"/api/v2/canned_response_folders", obj({}, closed=True), None, {200: many(FOLDER)}),
    (
        "GET",
        r"/api/v2/canned_response_folders/\d+/responses",
        obj({}, PAGING, closed=True),
        None,
        {200: many(CANNED)},
    ),
    (
        "GET",
        r"/api/v2/surveys/satisfaction_ratings",
        obj({}, {**PAGING, "created_since": STAMP, "user_id": ID}, closed=True),
        None,
        {200: many(RATING)},
    ),
    (
        "GET",
        r"/api/v2/tickets",
        obj(
            {},
            {
                **PAGING,
                "updated_since": STAMP,
                "order_by": {"enum": ["created_at", "due_by", "updated_at", "status"]},
                "order_type": {"enum": ["asc", "desc"]},
                "include": {"type": "string", "pattern": TICKET_INCLUDES},
                "filter": {"enum": ["new_and_my_open", "watching", "spam", "deleted"]},
                "requester_id": ID,
                "email": TEXT,
                "company_id": ID,
            },
            closed=True,
        ),
        None,
        {200: many(TICKET), 400: ERRORS},
    ),
    ("GET", r"/api/v2/tickets/\d+", obj({}, {"include": TEXT}, closed=True), None, {200: TICKET}),
    (
        "GET",
        r"/api/v2/tickets/\d+/conversations",
        obj({}, PAGING, closed=True),
        None,
        {200: many(CONVERSATION)},
    ),
    (
        "POST",
        r"/api/v2/tickets/\d+/reply",
        obj({}, closed=True),
        obj(
            {"body": {"type": "string", "minLength": 1}},
            {"from_email": TEXT, "user_id": ID, "cc_emails": EMAILS, "bcc_emails": EMAILS},
            closed=True,
        ),
        {201: REPLY_MADE, 400: ERRORS},
    ),
    (
        "POST",
        r"/api/v2/tickets/\d+/notes",
        obj({}, closed=True),
        obj(
            {"body": {"type": "string", "minLength": 1}},
            {
                "private": {"type": "boolean"},
                "incoming": {"type": "boolean"},
                "user_id": ID,
                "notify_emails": EMAILS,
            },
            closed=True,
        ),
        {201: NOTE_MADE, 400: ERRORS},
    ),
    (
        "PUT",
        r"/api/v2/tickets/\d+",
        obj({}, closed=True),
        {
            **obj(
                {},
                {
                    "status": {"type": "integer", "minimum": 2},
                    "priority": {"enum": [1, 2, 3, 4]},
                    "responder_id": OPTIONAL_ID,
                    "group_id": OPTIONAL_ID,
                    "tags": {"type": "array", "items": TEXT},
                    "subject": TEXT,
                    "type": OPTIONAL_TEXT,
                },
                closed=True,
            ),
            "minProperties": 1,
        },
        {200: TICKET, 400: ERRORS},
    ),
]
# Any endpoint may answer these (a 404 and a 429 with an empty body; a 5xx in any form).
COMMON = {401: REFUSED, 403: REFUSED, 404: None, 429: None, 500: None, 502: None, 503: None}


def _query(raw: str) -> dict:
    """Query values typed as Freshdesk reads them: digits as numbers."""
    out: dict = {}
    for key, values in parse_qs(raw, keep_blank_values=True).items():
        v = values[-1]
        out[key] = int(v) if v.isdigit() and key not in ("include", "email") else v
    return out


def _problems(schema: dict, value, where: str) -> list[str]:
    validator = Draft202012Validator(schema)
    return [
        f"{where}: {'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}"
        for e in validator.iter_errors(value)
    ][:5]


def check(method: str, path: str, query: str, body: bytes, status: int, answer: bytes) -> list[str]:
    """What the documented shapes reject in one exchange."""
    route = next((r for r in ROUTES if r[0] == method and re.fullmatch(r[1], path)), None)
    if route is None:
        return [f"{method} {path}: not an endpoint the connector is documented to use"]
    _m, _p, query_schema, body_schema, answers = route
    label = f"{method} {path}"
    problems = _problems(query_schema, _query(query), f"{label} query")
    if body_schema is None:
        if body:
            problems.append(f"{label}: a body where the documentation takes none")
    else:
        try:
            problems += _problems(body_schema, json.loads(body or b"null"), f"{label} body")
        except ValueError:
            problems.append(f"{label}: the body is not JSON")
    schema = answers.get(status, COMMON.get(status, "undocumented"))
    if schema == "undocumented":
        problems.append(f"{label}: answered {status}, which the documentation does not list")
    elif schema is not None:
        problems += _problems(schema, json.loads(answer or b"null"), f"{label} answer {status}")
    return problems
