"""The shape of config.toml: every section's keys, their kinds and defaults. Pure data.

Kept apart from settings.py (which finds files and builds settings) so the accepted keys
can be read in one place and mirrored in config.example.toml. A connector type's own keys
are declared by its package, not here.
"""

from __future__ import annotations

from agentdesk.i18n import CHOICES
from agentdesk.options import Key

SORT_ORDERS = ("sla", "updated", "created")

AGENT = {
    "name": Key("str", "Demo Agent"),
    "email": Key("str", "agent@shop.example"),
    "timezone": Key("str", ""),  # empty: the system's zone
    "idle_away_minutes": Key("int", 10, minimum=0, maximum=10080),
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
    # auto: from the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG); AGENTDESK_LANG and
    # --lang override it.
    "language": Key("choice", "auto", choices=CHOICES),
    "sort": Key("choice", "sla", choices=SORT_ORDERS),
    "sla_warning": Key("duration", 1800),
    # How long a solve, a transfer or a bulk action waits before it is sent, so `u` can take
    # it back; 0 sends at once.
    "undo_window": Key("duration", 10, minimum=0, maximum=600),
}

# What the console tells the agent about their own work (agentdesk/notify/).
NOTIFY = {
    "enabled": Key("bool", True),  # the console's own notifications
    "assigned": Key("bool", True),  # a ticket newly given to me by someone else
    "customer_replied": Key("bool", True),  # a customer's answer on a ticket of mine
    "sla_warning": Key("bool", True),  # a ticket of mine inside its policy's warning window
    "mentions": Key("bool", True),  # @me in a colleague's internal note
    "snoozed": Key("bool", True),  # a snoozed ticket back
    "bell": Key("bool", False),  # the terminal bell with each notification
    # A desktop notification through the terminal's own escape sequence (OSC 9: iTerm2,
    # kitty, WezTerm, Windows Terminal; OSC 777: VTE terminals, foot), through SSH and tmux.
    "desktop": Key("choice", "off", choices=("off", "osc9", "osc777")),
    # At most one notification this often; what comes in between is grouped into the next.
    "min_interval": Key("duration", 10, minimum=1, maximum=3600),
}

# The times `z` offers: the start of the working day and "this evening", in the agent's zone.
SNOOZE = {
    "day_starts": Key("str", "09:00"),
    "evening": Key("str", "18:00"),
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

# Keys every [[connectors]] table has; the rest are the type's own, declared by its package
# (agentdesk/connectors/<type>/__init__.py) and read through the connector registry.
CONNECTOR_COMMON = {
    "type": Key("str", required=True),
    "name": Key("str", required=True),
    "enabled": Key("bool", True),
    "pull_interval": Key("duration"),
}

TOP_LEVEL = {
    "data_dir": Key("str", ""),
    "agent": Key("table", {}),
    "sync": Key("table", {}),
    "ui": Key("table", {}),
    "notify": Key("table", {}),
    "snooze": Key("table", {}),
    "keymap": Key("table", {}),
    "views": Key("tables", []),
    "sla": Key("table", {}),
    "connectors": Key("tables", []),
    "kpi": Key("table", {}),
    "rules": Key("tables", []),  # automation (agentdesk/rules/model.py has their keys)
    "teams": Key("tables", []),  # auto-assignment per team (agentdesk/rules/assignment.py)
    "agents": Key("tables", []),  # the languages colleagues speak, for routing
    "bot": Key("table", {}),  # the order-status bot (agentdesk/rules/bot.py)
}

KPI = {
    # A ticket is pre-sales when its team's name or id contains one of these words.
    "presales_teams": Key("list[str]", ["pre-sales", "presales", "售前"]),
}

SLA_SECTION = {
    "policies": Key("tables", []),
}
