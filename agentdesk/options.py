"""Typed keys of a TOML table: kind, default, whether required, a help line; and the
checker that turns a raw value into the key's kind or names what is wrong.

The config's sections and every connector's options are declared with `Key`, so a type's
keys live in one place and the loader checks them all the same way. Pure: no I/O.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from agentdesk.i18n import _

# One or more amounts with a unit, largest first or not: "15m", "1d12h", "1h 30m".
_DURATION = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class SchemaError(Exception):
    """A value that does not fit the schema; `path` is the dotted key path."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class Key:
    kind: str  # str, int, float, bool, duration, list[str], list[int], table, tables, choice
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""  # one line for people: what the key is for


# Longer than any interval, target or period anyone means (and than SQLite's integers hold).
MAX_DURATION = 3650 * 86400
_INT_LIMIT = 2**63 - 1  # what SQLite stores


def parse_duration(value: Any, path: str) -> int:
    """Seconds from an int (seconds) or a string like "15m", "8h", "7d", "1d12h"."""
    if isinstance(value, bool):
        raise SchemaError(path, _('expected a duration such as "15m", "8h" or "7d"'))
    seconds = None
    if isinstance(value, int):
        if value < 0:
            raise SchemaError(path, _("expected a duration that is not negative"))
        seconds = value
    elif isinstance(value, str):
        if _DURATION.match(value):
            seconds = sum(
                float(amount) * _DURATION_UNITS[unit]
                for amount, unit in _DURATION_PART.findall(value)
            )
    if seconds is not None:
        if seconds > MAX_DURATION:
            raise SchemaError(
                path, _("expected a duration of at most 3650d, got {value!r}").format(value=value)
            )
        return int(seconds)
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
    "list[int]": "a list of integers",
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
        "list[int]": lambda v: (
            isinstance(v, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in v)
        ),
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
    if kind == "float" and not math.isfinite(value):
        raise SchemaError(path, _("expected a number, got {value}").format(value=value))
    if key.minimum is not None and value < key.minimum:
        raise SchemaError(
            path,
            _("expected at least {minimum}, got {value}").format(minimum=key.minimum, value=value),
        )
    maximum = key.maximum if key.maximum is not None else _INT_LIMIT if kind == "int" else None
    if maximum is not None and value > maximum:
        raise SchemaError(
            path,
            _("expected at most {maximum}, got {value}").format(maximum=maximum, value=value),
        )
    if kind == "int" and value < -_INT_LIMIT:
        raise SchemaError(path, _("expected a smaller number, got {value}").format(value=value))
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
