"""Connector types, found as the packages under agentdesk/connectors/ that declare a SPEC.

Adding a platform is adding its package: nothing here, in the config loader or the engine
names a type.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from agentdesk import connectors
from agentdesk.connectors.base import Connector, ConnectorContext
from agentdesk.connectors.spec import ConnectorSpec
from agentdesk.i18n import _


class UnknownConnectorType(Exception):
    """A type no package declares; the message lists the ones there are."""


@functools.cache
def specs() -> dict[str, ConnectorSpec]:
    """Every connector type of this agentdesk, by name."""
    found: dict[str, ConnectorSpec] = {}
    for info in pkgutil.iter_modules(connectors.__path__):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{connectors.__name__}.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, ConnectorSpec):
            if spec.type != info.name:
                raise RuntimeError(f"connectors/{info.name} declares type {spec.type!r}")
            found[spec.type] = spec
    return dict(sorted(found.items()))


def spec_for(type_name: str) -> ConnectorSpec:
    try:
        return specs()[type_name]
    except KeyError:
        raise UnknownConnectorType(
            _('unknown connector type "{type}" (this agentdesk has: {types})').format(
                type=type_name, types=", ".join(specs())
            )
        ) from None


def make_connector(type_name: str, ctx: ConnectorContext) -> Connector:
    return spec_for(type_name).load()(ctx)
