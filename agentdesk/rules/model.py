"""Automation rules as the config declares them: a trigger, a condition in the search
language, and actions. Pure: parsing and checking only; the store runs them
(agentdesk/store/automation.py) and the sync engine decides when.

```toml
[[rules]]
name = "VIP first"
trigger = "created"            # created | customer_replied | idle | sla_due_within | solved | assigned
when = "tag:vip"               # optional: the search language
priority = "high"
assign_team = "VIP"
note = "A VIP customer: answer within the hour."
```
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agentdesk.i18n import _
from agentdesk.model import PRIORITIES, STATUSES
from agentdesk.options import Key, SchemaError, check_table
from agentdesk.query import QueryError, parse

TRIGGERS = ("created", "customer_replied", "idle", "sla_due_within", "solved", "assigned")
# Triggers that need a duration (`after`): how long idle, how close the due time.
TIMED = ("idle", "sla_due_within")

RULE = {
    "name": Key("str", required=True),
    "enabled": Key("bool", True),
    "trigger": Key("choice", required=True, choices=TRIGGERS),
    "after": Key("duration"),  # idle: without activity this long; sla_due_within: the window
    "when": Key("str", ""),
    "assign_team": Key("str", ""),
    "assign_agent": Key("str", ""),  # a name or an e-mail address
    "add_tags": Key("list[str]", []),
    "remove_tags": Key("list[str]", []),
    "priority": Key("choice", "", choices=PRIORITIES),  # empty (the default): unchanged
    "status": Key("choice", "", choices=STATUSES),
    "canned": Key("str", ""),  # a canned reply's shortcode
    "note": Key("str", ""),
    # Out-of-hours: only while this SLA policy's business hours are closed, and once per
    # ticket per closed period (an acknowledgement, not one per message).
    "outside_hours": Key("str", ""),
    # A rule that would act on one ticket more often than this in an hour stops there and
    # logs a warning (two rules undoing each other's changes would otherwise loop).
    "max_per_hour": Key("int", 3, minimum=1, maximum=100),
}


@dataclass(frozen=True)
class Rule:
    name: str
    trigger: str
    after: int | None = None
    when: str = ""
    assign_team: str = ""
    assign_agent: str = ""
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    priority: str = ""
    status: str = ""
    canned: str = ""
    note: str = ""
    max_per_hour: int = 3
    enabled: bool = True
    outside_hours: str = ""  # an SLA policy's name

    @property
    def actor_key(self) -> str:
        """The key its ops are queued under (outbox.agent_key), never an agent's e-mail."""
        return ACTOR_PREFIX + self.name

    def describe(self) -> list[str]:
        """What it does, in a person's words (for `rules test` and the log)."""
        out = []
        if self.assign_team:
            out.append(_("transfer to {team}").format(team=self.assign_team))
        if self.assign_agent:
            out.append(_("assign to {agent}").format(agent=self.assign_agent))
        if self.add_tags:
            out.append(_("add tags {tags}").format(tags=", ".join(self.add_tags)))
        if self.remove_tags:
            out.append(_("remove tags {tags}").format(tags=", ".join(self.remove_tags)))
        if self.priority:
            out.append(_("priority {priority}").format(priority=self.priority))
        if self.status:
            out.append(_("status {status}").format(status=self.status))
        if self.canned:
            out.append(_("canned reply /{code}").format(code=self.canned))
        if self.note:
            out.append(_("internal note"))
        return out


ACTOR_PREFIX = "rule:"


def rule_name(actor_key: str | None) -> str | None:
    """The rule behind an op's or an event's actor key, if a rule made it."""
    if actor_key and actor_key.startswith(ACTOR_PREFIX):
        return actor_key[len(ACTOR_PREFIX) :]
    return None


def parse_rules(tables: list[Any], path: str = "rules") -> tuple[Rule, ...]:
    """Check `[[rules]]` tables; a problem is a SchemaError naming the rule's key."""
    out: list[Rule] = []
    seen: set[str] = set()
    for i, table in enumerate(tables):
        where = f"{path}[{i}]"
        c = check_table(RULE, table, where)
        if c["name"] in seen:
            raise SchemaError(
                f"{where}.name", _('two rules are named "{name}"').format(name=c["name"])
            )
        seen.add(c["name"])
        if c["trigger"] in TIMED and not c["after"]:
            raise SchemaError(
                f"{where}.after",
                _('the "{trigger}" trigger needs a duration, such as after = "4h"').format(
                    trigger=c["trigger"]
                ),
            )
        if c["when"]:
            try:
                parse(c["when"])
            except QueryError as e:
                raise SchemaError(f"{where}.when", str(e)) from None
        rule = Rule(
            name=c["name"],
            trigger=c["trigger"],
            after=c["after"],
            when=c["when"],
            assign_team=c["assign_team"],
            assign_agent=c["assign_agent"],
            add_tags=tuple(c["add_tags"]),
            remove_tags=tuple(c["remove_tags"]),
            priority=c["priority"],
            status=c["status"],
            canned=c["canned"],
            note=c["note"],
            max_per_hour=c["max_per_hour"],
            enabled=c["enabled"],
            outside_hours=c["outside_hours"],
        )
        if not rule.describe():
            raise SchemaError(
                where,
                _(
                    "a rule needs an action: assign_team, assign_agent, add_tags, remove_tags,"
                    " priority, status, canned or note"
                ),
            )
        out.append(rule)
    return tuple(out)
