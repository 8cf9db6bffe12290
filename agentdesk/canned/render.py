"""Canned-reply placeholders: `{{customer.first_name|there}}` filled for one ticket. Pure logic.

A placeholder is a dotted name and an optional fallback after `|`. An unknown name, or a
known one with no value and no fallback, is reported with its position so the picker can
highlight it and refuse to insert until the agent fixes or confirms it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from agentdesk.i18n import _, n_
from agentdesk.words import PRIORITY, STATUS, word

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*(?:\|([^}]*))?\}\}")

KNOWN = (
    "customer.name",
    "customer.first_name",
    "customer.email",
    "customer.phone",
    "order.number",
    "order.status",
    "order.tracking_number",
    "order.carrier",
    "order.amount",
    "agent.name",
    "shop.name",
    "ticket.id",
    "ticket.subject",
)
FIELD_PREFIX = "fields."  # custom fields of the ticket, e.g. {{fields.claim_at}}


@dataclass(frozen=True)
class Problem:
    name: str
    kind: str  # "unknown" or "missing"
    start: int  # position in the template
    end: int

    @property
    def message(self) -> str:
        if self.kind == "unknown":
            return _("unknown placeholder {{{{{name}}}}}").format(name=self.name)
        return _("no value for {{{{{name}}}}} and no fallback (write {{{{{name}|…}}}})").format(
            name=self.name
        )


@dataclass
class Rendered:
    text: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def first_name(full_name: str | None) -> str | None:
    """The name to greet with: the first word of a Western name; a Chinese or Japanese
    name written without spaces is used whole, as shops address those customers."""
    if not full_name or not full_name.strip():
        return None
    return full_name.split()[0]


def render(template: str, values: Mapping[str, str | None]) -> Rendered:
    """Fill every placeholder; problems are listed, and the placeholder is left as written."""
    problems: list[Problem] = []

    def fill(m: re.Match) -> str:
        name, fallback = m.group(1), m.group(2)
        known = name in KNOWN or name.startswith(FIELD_PREFIX)
        value = values.get(name)
        if value not in (None, ""):
            return str(value)
        if not known:
            problems.append(Problem(name, "unknown", m.start(), m.end()))
            return m.group(0)
        if fallback is not None:
            return fallback.strip()
        problems.append(Problem(name, "missing", m.start(), m.end()))
        return m.group(0)

    return Rendered(PLACEHOLDER.sub(fill, template), problems)


# A canned reply's effect -> the op kind (agentdesk/ops.py) that carries it.
MACRO_KINDS = {"status": "status", "priority": "priority", "tags": "tags", "team": "transfer"}


def macro_effects(actions: Mapping) -> list[str]:
    """What applying a canned reply will also do, in words, for the picker's preview."""
    out = []
    if actions.get("status"):
        out.append(_("sets the status to {status}").format(status=word(STATUS, actions["status"])))
    if actions.get("priority"):
        out.append(
            _("sets the priority to {priority}").format(
                priority=word(PRIORITY, actions["priority"])
            )
        )
    if actions.get("tags"):
        tags = actions["tags"]
        out.append(
            n_("adds the tag {tags}", "adds the tags {tags}", len(tags)).format(
                tags=", ".join(tags)
            )
        )
    if actions.get("team"):
        out.append(_("transfers it to the team {team}").format(team=actions["team"]))
    return out


# An order's state in the words of a reply written in Chinese (the reply's language, not
# the interface's: a Chinese reply reads 已发货 for an English-speaking agent too).
ORDER_STATUS_ZH = {
    "paid": "已付款",
    "shipped": "已发货",
    "in transit": "运输中",
    "delivered": "已签收",
    "returned": "已退货",
    "refunded": "已退款",
    "cancelled": "已取消",
}


def in_language(values: dict[str, str | None], lang: str) -> dict[str, str | None]:
    """Values as a reply in `lang` says them (order states in Chinese for a zh reply)."""
    status = values.get("order.status")
    if lang.startswith("zh") and status in ORDER_STATUS_ZH:
        return {**values, "order.status": ORDER_STATUS_ZH[status]}
    return values


def ticket_values(
    ticket: Mapping,
    customer: Mapping | None,
    orders: list[dict],
    fields: Mapping[str, object],
    agent_name: str,
    shop_name: str,
) -> dict[str, str | None]:
    """Placeholder values for one ticket: its own order if it names one, else the newest."""
    order = next((o for o in orders if o["id"] == ticket["order_id"]), None)
    if order is None and orders:
        order = orders[0]
    values: dict[str, str | None] = {
        "customer.name": customer["name"] if customer else None,
        "customer.first_name": first_name(customer["name"]) if customer else None,
        "customer.email": customer["email"] if customer else None,
        "customer.phone": customer["phone"] if customer else None,
        "agent.name": agent_name or None,
        "shop.name": shop_name or None,
        "ticket.id": str(ticket["remote_id"]),
        "ticket.subject": ticket["subject"],
    }
    if order:
        values.update(
            {
                "order.number": order["number"],
                "order.status": order["status"].replace("_", " "),
                "order.tracking_number": order["tracking_number"],
                "order.carrier": order["carrier"],
                "order.amount": f"{order['amount_cents'] / 100:.2f} {order['currency']}",
            }
        )
    for name, value in fields.items():
        if value not in (None, ""):
            values[FIELD_PREFIX + name] = str(value)
    return values
