"""Auto-assignment as the config declares it: each team's mode, and the languages agents
speak. Pure: parsing and the choice of an agent from candidates; the store finds the
candidates and queues the assignment (store/assignment.py).

```toml
[[teams]]
name = "After-sales 售后"      # the team as the platform names it
assignment = "round_robin"     # manual (default) | round_robin | least_loaded

[[agents]]
name = "刘芳 Liu Fang"          # a name or an e-mail address, as the directory has it
languages = ["zh", "en"]
```
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agentdesk.i18n import _
from agentdesk.options import Key, SchemaError, check_table

MODES = ("manual", "round_robin", "least_loaded")
# The automation names assignments are made under (stored, and shown translated).
MODE_NAMES = {"round_robin": "round robin", "least_loaded": "least loaded"}
RETURN_NAME = "back to the queue"  # the automation name tickets are given back under

TEAM = {
    "name": Key("str", required=True),
    "assignment": Key("choice", "manual", choices=MODES),
    # An agent away or offline this long gives back their unanswered new and open tickets
    # of this team to its queue (and auto-assignment hands them out again). Empty: never.
    "return_after": Key("duration"),
}

AGENT = {
    "name": Key("str", required=True),  # or the e-mail address
    "languages": Key("list[str]", []),  # empty: any
}


@dataclass(frozen=True)
class TeamAssignment:
    name: str
    mode: str
    return_after: int | None = None


@dataclass(frozen=True)
class AgentLanguages:
    name: str
    languages: tuple[str, ...]


def parse_teams(tables: list[Any]) -> tuple[TeamAssignment, ...]:
    out = []
    for i, t in enumerate(tables):
        c = check_table(TEAM, t, f"teams[{i}]")
        out.append(TeamAssignment(c["name"], c["assignment"], c["return_after"]))
    return tuple(out)


def parse_agents(tables: list[Any]) -> tuple[AgentLanguages, ...]:
    out = []
    for i, t in enumerate(tables):
        c = check_table(AGENT, t, f"agents[{i}]")
        for j, lang in enumerate(c["languages"]):
            if not lang.isalpha() or len(lang) > 8:
                raise SchemaError(
                    f"agents[{i}].languages[{j}]",
                    _('expected a language code such as "zh" or "en", got {value!r}').format(
                        value=lang
                    ),
                )
        out.append(AgentLanguages(c["name"], tuple(x.lower() for x in c["languages"])))
    return tuple(out)


@dataclass(frozen=True)
class Candidate:
    agent_id: int
    name: str
    load: int
    capacity: int
    last_turn: int  # the team's last turn that gave this agent a ticket, in order (0: never)


def choose(mode: str, candidates: Sequence[Candidate]) -> Candidate | None:
    """Round robin: whoever has waited longest for a ticket from this team; least loaded:
    the fewest open tickets, then whoever has waited longest. Full agents are not
    candidates (the store leaves them out); ties go by id, so the choice is stable."""
    if not candidates:
        return None
    if mode == "least_loaded":
        return min(candidates, key=lambda c: (c.load, c.last_turn, c.agent_id))
    return min(candidates, key=lambda c: (c.last_turn, c.agent_id))


def ticket_language(text: str) -> str:
    """The language a customer wrote in, as far as routing needs it: zh when there is
    Chinese in it, else en."""
    from agentdesk.pinyin_match import has_chinese

    return "zh" if has_chinese(text) else "en"
