"""The automation part of the config: the demo's rules, routing and bot, the check that an
out-of-hours rule names a policy, and the rules folder (`<config dir>/rules/*.toml`).
Kept apart from settings.py, which finds files and builds the rest."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from agentdesk.i18n import _
from agentdesk.options import Key, SchemaError, check_value
from agentdesk.rules.model import Rule, parse_rules
from agentdesk.sla.policy import SLAPolicy

# The demo's automation: config.example.toml's, but for the out-of-hours rule (the demo's
# clocks run round the clock, so it would never fire).
DEFAULT_AUTOMATION: dict[str, Any] = {
    "rules": [
        {
            "name": "VIP first",
            "trigger": "created",
            "when": "tag:vip",
            "priority": "high",
            "note": "VIP customer: answer within the hour.",
        }
    ],
    "teams": [
        {"name": "After-sales 售后", "assignment": "round_robin", "return_after": "30m"},
        {"name": "Pre-sales 售前", "assignment": "least_loaded"},
    ],
    "agents": [
        {"name": "Emma Walsh", "languages": ["en"]},
        {"name": "佐藤由纪 Yuki Sato", "languages": ["zh", "en"]},
    ],
    "bot": {
        "enabled": True,
        "channels": ["chat", "wechat", "weibo", "sms", "webform"],
        "recent_days": 30,
        "intents": [
            {
                "name": "where is my order",
                "canned": "wismo",
                "phrases": [
                    "where is my order",
                    "where is my parcel",
                    "where's my order",
                    "tracking",
                    "not received",
                    "hasn't arrived",
                    "has not arrived",
                    "我的快递",
                    "到哪了",
                    "物流",
                    "还没收到",
                    "没收到",
                    "发货了吗",
                ],
            },
            {
                "name": "invoice",
                "canned": "invoice",
                "phrases": ["invoice", "receipt", "发票", "开票"],
            },
        ],
    },
}


class RuleFileError(Exception):
    """A file in the rules folder that cannot be used: the loader words it as its own."""

    def __init__(self, path: Path, message: str, key: str | None = None, text: str | None = None):
        super().__init__(message)
        self.path, self.message, self.key, self.text = path, message, key, text


def checked_rules(tables: list[Any], policies: list[SLAPolicy]) -> tuple[Rule, ...]:
    """`[[rules]]` checked; an out-of-hours rule must name an SLA policy whose business
    hours it follows."""
    rules = parse_rules(tables)
    names = [p.name for p in policies]
    for i, r in enumerate(rules):
        if r.outside_hours and r.outside_hours not in names:
            raise SchemaError(
                f"rules[{i}].outside_hours",
                _("no SLA policy named {name!r} (policies: {known})").format(
                    name=r.outside_hours, known=", ".join(names) or "—"
                ),
            )
    return rules


def rule_files(folder: Path, before: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """Rules from each `*.toml` in the rules folder (`[[rules]]` tables), by file name; a
    problem (RuleFileError) names the file, the key and the line, as the config's own do."""
    if not folder.is_dir():
        return ()
    out: list[Rule] = []
    names = {r.name for r in before}
    for path in sorted(folder.glob("*.toml")):
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            raw = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as e:
            raise RuleFileError(path, _("not valid TOML") + f": {e}") from None
        try:
            unknown = set(raw) - {"rules"}
            if unknown:
                raise SchemaError(
                    sorted(unknown)[0],
                    _("unknown key (expected one of: {keys})").format(keys="rules"),
                )
            rules = parse_rules(check_value(Key("tables"), raw.get("rules", []), "rules"))
            for i, r in enumerate(rules):
                if r.name in names:
                    raise SchemaError(
                        f"rules[{i}].name", _('two rules are named "{name}"').format(name=r.name)
                    )
                names.add(r.name)
        except SchemaError as e:
            raise RuleFileError(path, e.message, e.path, text) from None
        out.extend(rules)
    return tuple(out)
