"""Zendesk Support through its REST API: groups are teams, agents and admins our agents,
public comments replies and private ones internal notes, active macros canned replies."""

from agentdesk.connectors.spec import ConnectorSpec
from agentdesk.i18n import N_, _
from agentdesk.ops import ALL_KINDS
from agentdesk.options import Key

SPEC = ConnectorSpec(
    type="zendesk",
    platform=_("Zendesk Support"),
    connector="agentdesk.connectors.zendesk.connector:ZendeskConnector",
    options={
        "url": Key(
            "str", required=True, help=N_("the account's address, https://yourshop.zendesk.com")
        ),
        "email": Key(
            "str",
            required=True,
            help=N_("the API user; `agentdesk login NAME` stores its API token"),
        ),
        "groups": Key(
            "list[str]", [], help=N_("only these groups' tickets (names or ids); empty: all")
        ),
    },
    ops=ALL_KINDS - {"snooze"},  # snoozed in the cache only (store/snooze.py)
    reply_status=None,
    secret=_("the API token of that user (Admin Center → Apps and integrations → Zendesk API)"),
)
