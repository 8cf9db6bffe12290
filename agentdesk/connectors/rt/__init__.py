"""Request Tracker 5 through REST 2: queues are teams, owners agents, correspondence a
public reply and a comment an internal note. RT has no tags."""

from agentdesk.connectors.spec import ConnectorSpec
from agentdesk.i18n import N_, _
from agentdesk.ops import ALL_KINDS
from agentdesk.options import Key

SPEC = ConnectorSpec(
    type="rt",
    platform=_("Request Tracker"),
    connector="agentdesk.connectors.rt.connector:RTConnector",
    options={
        "url": Key("str", required=True, help=N_("RT's web address")),
        "username": Key("str", required=True, help=N_("the RT user agentdesk works as")),
        "queues": Key("list[str]", [], help=N_("only these queues; empty: every queue")),
    },
    ops=ALL_KINDS - {"tags", "snooze"},
    secret=_("the RT user's password, or an RT auth token"),
)
