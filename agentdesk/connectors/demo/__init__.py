"""The demo shop: a simulated shop with live customer traffic, in Chinese and English,
across eight channels. Needs no account; its state lives in <data dir>/connectors/NAME/."""

from agentdesk.connectors.spec import ConnectorSpec
from agentdesk.i18n import N_, _
from agentdesk.ops import ALL_KINDS
from agentdesk.options import Key

MAX_TICKETS = 10_000_000  # a shop ten times the largest we bench; more is a typo
MAX_RATE = 10_000.0  # messages a minute

SPEC = ConnectorSpec(
    type="demo",
    platform=_("the demo shop"),
    connector="agentdesk.connectors.demo.connector:DemoConnector",
    options={
        "seed": Key("int", 1, help=N_("the same seed gives the same shop")),
        "tickets": Key(
            "int", 400, minimum=0, maximum=MAX_TICKETS, help=N_("tickets in the shop's history")
        ),
        "rate": Key(
            "float", 6.0, minimum=0, maximum=MAX_RATE, help=N_("new customer messages per minute")
        ),
        "reply_delay": Key("duration", 20, help=N_("how long customers take to answer")),
        "shop_name": Key("str", "Lumen & Loom", help=N_("the shop's name as customers know it")),
    },
    ops=ALL_KINDS - {"snooze"},  # snoozed in the cache only (store/snooze.py)
    needs_secret=False,
    reply_status="pending",
)
