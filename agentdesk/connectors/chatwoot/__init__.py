"""Chatwoot through its application API: inboxes are channels, teams teams, agents our
agents, conversations tickets, labels tags, private messages internal notes."""

from agentdesk.connectors.spec import ConnectorSpec
from agentdesk.i18n import N_, _
from agentdesk.ops import ALL_KINDS
from agentdesk.options import Key

SPEC = ConnectorSpec(
    type="chatwoot",
    platform=_("Chatwoot"),
    connector="agentdesk.connectors.chatwoot.connector:ChatwootConnector",
    options={
        "url": Key(
            "str", required=True, help=N_("the installation's address, https://chat.yourshop.com")
        ),
        "account_id": Key(
            "int", required=True, help=N_("the account's number (in Chatwoot's URLs)")
        ),
        "inboxes": Key(
            "list[int]", [], help=N_("only these inbox ids; empty: all the token can see")
        ),
    },
    ops=ALL_KINDS,
    reply_status=None,
    # Chatwoot snoozes a conversation until a time: there is no "on hold" without one, and
    # `z` (a Snooze op) is how a ticket is set aside there.
    statuses=frozenset({"new", "open", "pending", "solved", "closed"}),
    statuses_note=N_("Chatwoot snoozes until a time: press z to snooze"),
    secret=_("your access token (Chatwoot: Profile settings → Access token)"),
)
