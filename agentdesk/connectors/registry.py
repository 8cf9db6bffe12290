"""Connector type -> class. Types named in the config but not built yet say so clearly."""

from __future__ import annotations

from agentdesk.connectors.base import Connector, ConnectorContext
from agentdesk.i18n import _


class ConnectorUnavailable(Exception):
    pass


def connector_class(type_name: str) -> type[Connector]:
    if type_name == "demo":
        from agentdesk.connectors.demo import DemoConnector

        return DemoConnector
    if type_name == "email":
        from agentdesk.connectors.mail import MailConnector

        return MailConnector
    if type_name == "rt":
        from agentdesk.connectors.rt import RTConnector

        return RTConnector
    raise ConnectorUnavailable(
        _('connector type "{type}" is not available in this version of agentdesk').format(
            type=type_name
        )
    )


def needs_secret(type_name: str) -> bool:
    return type_name != "demo"


def make_connector(type_name: str, ctx: ConnectorContext) -> Connector:
    return connector_class(type_name)(ctx)
