"""The shape of config.toml: every key, its type, its default. Pure data plus a checker.

Kept apart from config.py (which finds files and builds settings) so the accepted keys can
be read in one place and mirrored in config.example.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agentdesk.i18n import _

CONNECTOR_TYPES = ("demo", "email", "rt", "chatwoot", "zendesk", "freshdesk")
SECURITY_MODES = ("tls", "starttls", "none")
SORT_ORDERS = ("sla", "updated", "created")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class SchemaError(Exception):
    """A value that does not fit the schema; `path` is the dotted key path."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Key:
    kind: str  # str, int, float, bool, duration, list[str], table, choice
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None


def parse_duration(value: Any, path: str) -> int:
    """Seconds from an int (seconds) or a string like "15m", "8h", "7d"."""
    if isinstance(value, bool):
        raise SchemaError(path, _('expected a duration such as "15m", "8h" or "7d"'))
    if isinstance(value, int):
        if value < 0:
            raise SchemaError(path, _("expected a duration that is not negative"))
        return value
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m:
            return int(float(m.group(1)) * _DURATION_UNITS[m.group(2)])
    raise SchemaError(
        path,
        _('expected a duration such as "15m", "8h" or "7d", got {value!r}').format(value=value),
    )


_TYPE_NAMES = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "list[str]": "a list of strings",
    "table": "a table",
    "tables": "an array of tables ([[...]])",
}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def check_value(key: Key, value: Any, path: str) -> Any:
    """Return the value converted to the key's kind, or raise SchemaError."""
    kind = key.kind
    if kind == "duration":
        return parse_duration(value, path)
    if kind == "choice":
        if not isinstance(value, str) or value not in key.choices:
            raise SchemaError(
                path,
                _("expected one of: {choices}, got {value!r}").format(
                    choices=", ".join(key.choices), value=value
                ),
            )
        return value
    ok = {
        "str": lambda v: isinstance(v, str),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "list[str]": lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
        "table": lambda v: isinstance(v, dict),
        "tables": lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v),
    }[kind](value)
    if not ok:
        raise SchemaError(
            path,
            _("expected {expected}, got {actual}").format(
                expected=_TYPE_NAMES[kind], actual=_type_name(value)
            ),
        )
    if key.minimum is not None and value < key.minimum:
        raise SchemaError(
            path,
            _("expected at least {minimum}, got {value}").format(minimum=key.minimum, value=value),
        )
    return float(value) if kind == "float" else value


def check_table(spec: dict[str, Key], table: Any, path: str) -> dict[str, Any]:
    """Validate a table against a spec: unknown keys, missing required keys, types."""
    if not isinstance(table, dict):
        raise SchemaError(
            path, _("expected a table, got {actual}").format(actual=_type_name(table))
        )
    out: dict[str, Any] = {}
    for name, value in table.items():
        sub = f"{path}.{name}" if path else name
        if name not in spec:
            raise SchemaError(
                sub,
                _("unknown key (expected one of: {keys})").format(keys=", ".join(spec)),
            )
        out[name] = check_value(spec[name], value, sub)
    for name, key in spec.items():
        if name in out:
            continue
        if key.required:
            sub = f"{path}.{name}" if path else name
            raise SchemaError(sub, _("missing required key"))
        default = key.default
        out[name] = list(default) if isinstance(default, list) else default
    return out


AGENT = {
    "name": Key("str", "Demo Agent"),
    "email": Key("str", "agent@shop.example"),
    "timezone": Key("str", ""),  # empty: the system's zone
    "idle_away_minutes": Key("int", 10, minimum=0),
}

SYNC = {
    "pull_interval": Key("duration", 5),
    "directory_interval": Key("duration", 300),
    "outbox_poll": Key("duration", 1),
    "request_timeout": Key("duration", 30),
    "backoff_max": Key("duration", 300),
}

UI = {
    "theme": Key("str", "agentdesk-dark"),
    "sort": Key("choice", "sla", choices=SORT_ORDERS),
    "sla_warning": Key("duration", 1800),
}

VIEW = {
    "name": Key("str", required=True),
    "query": Key("str", required=True),
}

SLA_POLICY = {
    "name": Key("str", required=True),
    "channels": Key("list[str]", []),
    "teams": Key("list[str]", []),
    "priorities": Key("list[str]", []),
    "tags": Key("list[str]", []),
    "first_response": Key("duration"),
    "next_response": Key("duration"),
    "resolution": Key("duration"),
    "pause_when_pending": Key("bool", True),
    # from: the due time counts from the ticket's creation, or from a custom field such as
    # claim_at (Amazon A-to-z claims are due within 7 days of the claim).
    "clock_starts": Key("str", "created"),
    # Targets count working time only: ["Mon-Fri 09:00-18:00", "Sat 10:00-16:00"] in
    # `timezone` (empty: the agent's), minus `holidays` (dates). Empty: round the clock.
    "business_hours": Key("list[str]", []),
    "holidays": Key("list[str]", []),
    "timezone": Key("str", ""),
    "warning": Key("duration"),
}

CONNECTOR_COMMON = {
    "type": Key("choice", required=True, choices=CONNECTOR_TYPES),
    "name": Key("str", required=True),
    "enabled": Key("bool", True),
    "pull_interval": Key("duration"),
}

CONNECTOR_KEYS: dict[str, dict[str, Key]] = {
    "demo": {
        "seed": Key("int", 1),
        "tickets": Key("int", 400, minimum=0),
        "rate": Key("float", 6.0, minimum=0),  # new customer messages per minute
        "reply_delay": Key("duration", 20),  # how long a customer takes to answer
        "shop_name": Key("str", "Lumen & Loom"),
    },
    "email": {
        "address": Key("str", required=True),
        "username": Key("str", required=True),
        "imap_host": Key("str", required=True),
        "imap_port": Key("int", 993),
        "imap_security": Key("choice", "tls", choices=SECURITY_MODES),
        "smtp_host": Key("str", required=True),
        "smtp_port": Key("int", 465),
        "smtp_security": Key("choice", "tls", choices=SECURITY_MODES),
        "folders": Key("list[str]", ["INBOX"]),
        "sent_folder": Key("str", "Sent"),
        # The first read of a folder takes mail received in the last N days (0: all of it),
        # so years of old mail do not arrive as new tickets.
        "history_days": Key("int", 30, minimum=0),
    },
    "rt": {
        "url": Key("str", required=True),
        "username": Key("str", required=True),
        "queues": Key("list[str]", []),
    },
    "chatwoot": {
        "url": Key("str", required=True),
        "account_id": Key("int", required=True),
        "inbox_ids": Key("list[str]", []),
    },
    "zendesk": {
        "url": Key("str", required=True),
        "email": Key("str", required=True),
    },
    "freshdesk": {
        "url": Key("str", required=True),
    },
}

# The shop's name as customers know it, for the {{shop.name}} placeholder of canned replies.
for _keys in CONNECTOR_KEYS.values():
    _keys.setdefault("shop_name", Key("str", ""))

TOP_LEVEL = {
    "data_dir": Key("str", ""),
    "agent": Key("table", {}),
    "sync": Key("table", {}),
    "ui": Key("table", {}),
    "keymap": Key("table", {}),
    "views": Key("tables", []),
    "sla": Key("table", {}),
    "connectors": Key("tables", []),
    "kpi": Key("table", {}),
}

KPI = {
    # A ticket is pre-sales when its team's name or id contains one of these words.
    "presales_teams": Key("list[str]", ["pre-sales", "presales", "售前"]),
}

SLA_SECTION = {
    "policies": Key("tables", []),
}
