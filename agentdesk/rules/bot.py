"""The order-status bot as the config declares it, and its judgement. Pure: which question
a customer asked (intents are phrases per language) and which order it is about; the
store answers (store/bot.py).

```toml
[bot]
enabled = true
channels = ["chat", "wechat", "weibo", "sms", "webform"]   # never e-mail unless listed
recent_days = 30

[[bot.intents]]
name = "where is my order"
canned = "wismo"            # a canned reply's shortcode; `wismo.zh` answers Chinese
phrases = ["where is my order", "tracking", "我的快递", "到哪了", "物流"]
```
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agentdesk.i18n import _
from agentdesk.model import CHANNELS
from agentdesk.options import Key, SchemaError, check_table

BOT = {
    "enabled": Key("bool", False),
    # Off for e-mail by default (long, mixed questions); never on A-to-z claims.
    "channels": Key("list[str]", ["chat", "wechat", "weibo", "sms", "webform", "amazon"]),
    "recent_days": Key("int", 30, minimum=1, maximum=365),
    "intents": Key("tables", []),
}

INTENT = {
    "name": Key("str", required=True),
    "canned": Key("str", required=True),
    "phrases": Key("list[str]", required=True),
}

BOT_NAME = "order-status bot"  # the automation name its changes are made under

_ON_THE_WAY = frozenset({"paid", "processing", "shipped", "in_transit"})
_ORDER_NUMBER = re.compile(r"\b[A-Z]{2,4}-?\d{5,}\b")


@dataclass(frozen=True)
class Intent:
    name: str
    canned: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class BotSettings:
    enabled: bool = False
    channels: tuple[str, ...] = ()
    recent_days: int = 30
    intents: tuple[Intent, ...] = ()


def parse_bot(table: Any) -> BotSettings:
    c = check_table(BOT, table, "bot")
    for i, ch in enumerate(c["channels"]):
        if ch not in CHANNELS:
            raise SchemaError(
                f"bot.channels[{i}]",
                _("expected one of: {choices}, got {value!r}").format(
                    choices=", ".join(CHANNELS), value=ch
                ),
            )
    intents = []
    for i, t in enumerate(c["intents"]):
        it = check_table(INTENT, t, f"bot.intents[{i}]")
        if not it["phrases"]:
            raise SchemaError(f"bot.intents[{i}].phrases", _("an intent needs phrases"))
        intents.append(Intent(it["name"], it["canned"], tuple(p.lower() for p in it["phrases"])))
    if c["enabled"] and not intents:
        raise SchemaError("bot.intents", _("the bot needs at least one intent"))
    return BotSettings(c["enabled"], tuple(c["channels"]), c["recent_days"], tuple(intents))


def intents_in(text: str, intents: Sequence[Intent]) -> list[Intent]:
    """The intents whose phrases the text contains (case-insensitive)."""
    low = text.lower()
    return [i for i in intents if any(p in low for p in i.phrases)]


def order_asked_about(
    text: str, orders: Sequence[Mapping], since: int, linked: Mapping | None = None
) -> tuple[Mapping | None, str]:
    """The order a question is about: the one the platform linked the ticket to, the one it
    names, else the customer's only order
    since `since`, else the only one of those still on its way; None and why when that is
    not clear."""
    if linked is not None:
        return linked, ""  # the platform linked the ticket to its order
    named = {m.group().replace("-", "") for m in _ORDER_NUMBER.finditer(text.upper())}
    if named:
        found = [o for o in orders if o["number"].replace("-", "").upper() in named]
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, _("the order named ({numbers}) is not this customer's").format(
                numbers=", ".join(sorted(named))
            )
    recent = [o for o in orders if o["created_at"] >= since]
    if len(recent) == 1:
        return recent[0], ""
    # Of several, the only one still on its way is the one a customer asks about.
    on_the_way = [o for o in recent if o["status"] in _ON_THE_WAY]
    if len(on_the_way) == 1:
        return on_the_way[0], ""
    if not recent:
        return None, _("the customer has no recent order")
    return None, _("the customer has {n} recent orders: {numbers}").format(
        n=len(recent), numbers=", ".join(o["number"] for o in recent[:5])
    )
