"""A vendor's OpenAPI spec, loaded once per test run, and a check of one HTTP exchange
against it (openapi-core). The specs are not the project's to copy: they are found through
an environment variable or beside the project (../shared/specs), where CI has them.

Known defects of the published specs are patched here, in one reviewed list, at load."""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WHERE = {
    "zendesk": ("AGENTDESK_ZENDESK_SPEC", "zendesk-support.yaml"),
    "chatwoot": ("AGENTDESK_CHATWOOT_SPEC", "chatwoot-application.json"),
}
DOWNLOAD = {
    "zendesk": "Zendesk publishes it at developer.zendesk.com (the Support API's OpenAPI file)",
    "chatwoot": "it is swagger/tag_groups/application_swagger.json in the chatwoot/chatwoot"
    " repository",
}


def spec_path(vendor: str) -> Path | None:
    env, name = WHERE[vendor]
    for candidate in (os.environ.get(env), ROOT.parent / "shared" / "specs" / name):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def _yaml(path: Path) -> dict:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    # YAML 1.1's "value" tag turns a bare `=` into something no JSON schema knows: a string.
    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:value"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=Loader)  # noqa: S506 - a safe loader, one tag fewer


def _drop_unused_path_parameters(spec: dict) -> None:
    """Zendesk: eleven operations declare path parameters their path does not have."""
    shared = spec.get("components", {}).get("parameters", {})

    def resolved(p: dict) -> dict:
        ref = p.get("$ref")
        return shared[ref.rsplit("/", 1)[1]] if ref else p

    for path, item in spec["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for holder in [item, *(v for v in item.values() if isinstance(v, dict))]:
            if "parameters" in holder:
                holder["parameters"] = [
                    p
                    for p in holder["parameters"]
                    if not (
                        resolved(p).get("in") == "path" and resolved(p).get("name") not in names
                    )
                ]


def _ticket_fields_may_be_null(spec: dict) -> None:
    """Zendesk sends null for a ticket's unset assignee, group, priority, organization,
    rating and so on, where the spec says integer or string; and its export lists deleted
    tickets with a status the spec does not name."""
    # The incremental export also lists deleted tickets, with the status "deleted".
    status = spec["components"]["schemas"]["TicketObject"]["properties"]["status"]
    status["enum"] = [*status["enum"], "deleted"]
    for name in ("TicketObject",):
        for prop in spec["components"]["schemas"][name]["properties"].values():
            if "$ref" in prop:
                continue
            prop["nullable"] = True
            if "enum" in prop and None not in prop["enum"]:
                prop["enum"] = [*prop["enum"], None]


def _unassigning_is_null(spec: dict) -> None:
    """An update unassigns a ticket with `assignee_id: null` (and leaves a group with
    `group_id: null`), as Zendesk documents; the spec's integer allows no null."""
    props = spec["components"]["schemas"]["TicketUpdateInput"]["properties"]
    for key in ("assignee_id", "group_id"):
        props[key]["nullable"] = True


def _export_cursor_needs_no_start_time(spec: dict) -> None:
    """The cursor export takes `start_time` on the first request and `cursor` after; the
    spec makes `start_time` required on every request."""
    item = spec["paths"]["/api/v2/incremental/tickets/cursor"]
    shared = spec["components"]["parameters"]
    for holder in (item, item["get"]):
        params = []
        for p in holder.get("parameters", []):
            ref = p.get("$ref", "")
            if ref.endswith("/IncrementalUnixTime"):
                p = {**shared[ref.rsplit("/", 1)[1]], "required": False}
            params.append(p)
        if params:
            holder["parameters"] = params


def _chatwoot_sends_what_its_spec_leaves_out(spec: dict) -> None:
    """What Chatwoot's application API does that its spec does not say (read in Chatwoot's
    own code): a conversation may be `snoozed`, and `toggle_status` snoozes one with
    `status: snoozed` and `snoozed_until` in epoch seconds (ConversationsController#
    set_conversation_status); a message's `sender_type` is the model's
    name (`User`, `Contact`, `AgentBot`); message type 3 is a template and content types
    include `input_csat` and `incoming_email`; unset fields (priority, assignee, snooze
    time, a contact's e-mail or phone) are null."""
    schemas = spec["components"]["schemas"]
    conversation = schemas["conversation"]["properties"]
    conversation["status"]["enum"] = [*conversation["status"]["enum"], "snoozed"]
    for key in ("priority", "snoozed_until", "first_reply_created_at", "waiting_since",
                "sla_policy_id", "last_non_activity_message"):  # fmt: skip
        conversation[key]["nullable"] = True
    toggled = schemas["conversation_status_toggle"]["properties"]["payload"]["properties"]
    toggled["current_status"]["enum"] = ["open", "resolved", "pending", "snoozed"]
    toggle = spec["paths"][
        "/api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_status"
    ]
    asked = toggle["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
    asked["status"]["enum"] = [*asked["status"]["enum"], "snoozed"]
    asked["snoozed_until"] = {"type": "integer", "description": "epoch seconds"}
    message = schemas["message"]["properties"]
    message["source_id"]["nullable"] = True  # a message written in Chatwoot itself has none
    # Activity messages ("Kim resolved the conversation") and surveys have no sender.
    message["sender_type"]["nullable"] = True
    message["sender_type"]["enum"] = [*message["sender_type"]["enum"], None]
    message["sender_id"]["nullable"] = True
    message["sender_type"]["enum"] = [*message["sender_type"]["enum"], "User", "Contact",
                                      "AgentBot"]  # fmt: skip
    message["message_type"]["enum"] = [0, 1, 2, 3]
    message["content_type"]["enum"] = [*message["content_type"]["enum"], "input_csat",
                                       "incoming_email"]  # fmt: skip
    listed = schemas["conversation_list"]["properties"]["data"]["properties"]["payload"]
    meta = listed["items"]["allOf"][2]["properties"]["meta"]["properties"]
    meta["assignee"] = {**copy.deepcopy(schemas["user"]), "nullable": True}
    for prop in meta["sender"]["properties"].values():
        prop["nullable"] = True
    # An agent's availability is online, busy or offline (Chatwoot's User model); the
    # spec says "available" where Chatwoot says "online".
    agent = schemas["agent"]["properties"]["availability_status"]
    agent["enum"] = [*agent["enum"], "online"]


def _chatwoot_query_parameters(spec: dict) -> None:
    """Parameters Chatwoot takes that its spec does not list: `updated_within` (seconds)
    on the conversation list, `after` and `before` (message ids) on a conversation's
    messages."""
    paths = spec["paths"]
    listing = paths["/api/v1/accounts/{account_id}/conversations"]["get"]
    listing["parameters"].append(
        {"name": "updated_within", "in": "query", "schema": {"type": "integer", "minimum": 1}}
    )
    messages = paths["/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages"]
    for name in ("after", "before"):
        messages["get"].setdefault("parameters", []).append(
            {"name": name, "in": "query", "schema": {"type": "integer", "minimum": 0}}
        )


def _chatwoot_unassigns_with_null(spec: dict) -> None:
    """`assignments` with `assignee_id: null` unassigns the conversation (Chatwoot's code);
    the spec's number allows no null, and the answer is then empty."""
    path = "/api/v1/accounts/{account_id}/conversations/{conversation_id}/assignments"
    post = spec["paths"][path]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    body["properties"]["assignee_id"]["nullable"] = True
    user = spec["components"]["schemas"]["user"]
    post["responses"]["200"]["content"]["application/json"]["schema"] = {
        **copy.deepcopy(user),
        "nullable": True,
    }


PATCHES = {
    "zendesk": [
        _drop_unused_path_parameters,
        _ticket_fields_may_be_null,
        _unassigning_is_null,
        _export_cursor_needs_no_start_time,
    ],
    "chatwoot": [
        _chatwoot_sends_what_its_spec_leaves_out,
        _chatwoot_query_parameters,
        _chatwoot_unassigns_with_null,
    ],
}


@functools.cache
def load(vendor: str):
    from openapi_core import OpenAPI

    path = spec_path(vendor)
    if path is None:
        return None
    spec = _yaml(path) if path.suffix in (".yaml", ".yml") else json.loads(path.read_text())
    for patch in PATCHES.get(vendor, []):
        patch(spec)
    server = spec["servers"][0]
    base = server["url"]
    for name, var in (server.get("variables") or {}).items():
        base = base.replace("{" + name + "}", var["default"])
    return OpenAPI.from_dict(spec), base.rstrip("/")


def check(vendor: str, method: str, path: str, query: str, headers: dict, body: bytes,
          status: int, response_headers: dict, response_body: bytes) -> list[str]:  # fmt: skip
    """What the spec says is wrong with this request and its response (empty: nothing)."""
    from openapi_core.testing import MockRequest, MockResponse

    api, base = load(vendor)
    from urllib.parse import parse_qs

    args = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(query).items()}
    content_type = headers.get("content-type", "application/json").split(";")[0]
    request = MockRequest(
        base, method.lower(), path, args=args, headers=headers, data=body or None,
        content_type=content_type,
    )  # fmt: skip
    problems = []
    try:
        api.validate_request(request)
    except Exception as e:  # openapi-core says why in its exception
        problems.append(f"request {method} {path}: {_why(e)}")
    if status == 204 or not response_body:
        response_body = b""
    response = MockResponse(
        response_body,
        status_code=status,
        content_type=response_headers.get("content-type", "application/json").split(";")[0],
        headers=response_headers,
    )
    try:
        api.validate_response(request, response)
    except Exception as e:
        # The spec describes successes; an error status it does not list is checked by
        # the tests that cause it (the platform's documented error body), not here.
        undocumented = "Unknown response http status" in str(e)
        if not (undocumented and status >= 400):
            problems.append(f"response {status} to {method} {path}: {_why(e)}")
    return problems


def _why(e: Exception) -> str:
    inner = getattr(e, "schema_errors", None) or getattr(e, "__cause__", None)
    if isinstance(inner, list | tuple):
        return f"{e}: " + "; ".join(str(getattr(x, "message", x))[:200] for x in inner[:3])
    return f"{e}: {str(inner)[:300]}" if inner else str(e)
