"""The words people read for the values the cache stores (statuses, priorities, presence,
delivery states, event kinds, order states). The stored values stay English identifiers;
each is shown through the catalogue. An unknown value (a platform's own) is shown as it is."""

from __future__ import annotations

from agentdesk.i18n import N_, _

STATUS = {
    "new": N_("new"),
    "open": N_("open"),
    "pending": N_("pending"),
    "on_hold": N_("on hold"),
    "solved": N_("solved"),
    "closed": N_("closed"),
}

PRIORITY = {
    "low": N_("low"),
    "normal": N_("normal"),
    "high": N_("high"),
    "urgent": N_("urgent"),
}

PRESENCE = {
    "online": N_("online"),
    "away": N_("away"),
    "offline": N_("offline"),
}

# A connector's state in the status line and the monitor.
CONNECTOR_STATE = {
    "ok": N_("ok"),
    "syncing": N_("syncing"),
    "idle": N_("idle"),
    "offline": N_("offline"),
    "error": N_("error"),
}

# A message of ours on its way out.
DELIVERY = {
    "queued": N_("queued"),
    "sending": N_("sending"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "discarded": N_("discarded"),
}

# What happened to a ticket, where no sentence of its own says it better.
EVENT = {
    "status": N_("changed the status"),
    "solved": N_("solved it"),
    "reopened": N_("reopened it"),
    "replied": N_("replied"),
    "noted": N_("added a note"),
}

# Order states as shops and the demo report them.
ORDER_STATUS = {
    "paid": N_("paid"),
    "shipped": N_("shipped"),
    "in_transit": N_("in transit"),
    "delivered": N_("delivered"),
    "returned": N_("returned"),
    "refunded": N_("refunded"),
    "cancelled": N_("cancelled"),
}

# The kinds of an agent's message, and of ops named in messages.
OP_KIND = {
    "reply": N_("reply"),
    "note": N_("note"),
    "status": N_("status change"),
    "priority": N_("priority change"),
    "assign": N_("assignment"),
    "transfer": N_("transfer"),
    "tags": N_("tag change"),
    "snooze": N_("snooze"),
}


# How auto-assignment chose an agent (the automation name its assignments are made under).
ASSIGNMENT_MODE = {
    "round robin": N_("round robin"),
    "least loaded": N_("least loaded"),
}


# The automations that are not the config's own rules, by the name they act under.
AUTOMATION = {
    "order-status bot": N_("order-status bot"),
    "back to the queue": N_("back to the queue"),
    **ASSIGNMENT_MODE,
}


def word(table: dict[str, str], value: str | None) -> str:
    """The reader's word for a stored value; an unknown one as it is (underscores as spaces)."""
    if value is None:
        return ""
    known = table.get(value)
    return _(known) if known else value.replace("_", " ")
