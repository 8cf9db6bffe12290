"""Freshdesk through its REST API (v2): groups are teams, agents our agents, replies and
notes the conversation, canned responses (from their folders) canned replies."""

from agentdesk.connectors.spec import ConnectorSpec
from agentdesk.i18n import N_, _
from agentdesk.ops import ALL_KINDS
from agentdesk.options import Key

SPEC = ConnectorSpec(
    type="freshdesk",
    platform=_("Freshdesk"),
    connector="agentdesk.connectors.freshdesk.connector:FreshdeskConnector",
    options={
        "url": Key(
            "str", required=True, help=N_("the account's address, https://yourshop.freshdesk.com")
        ),
        "groups": Key(
            "list[str]", [], help=N_("only these groups' tickets (names or ids); empty: all")
        ),
    },
    ops=ALL_KINDS - {"snooze"},  # snoozed in the cache only (store/snooze.py)
    reply_status=None,
    secret=_("your API key (Freshdesk: your profile picture → Profile settings → API key)"),
)
