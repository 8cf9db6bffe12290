"""The contract suite's platforms: one live server (or the demo shop) per connector type.

A new connector joins the suite by adding its harness here; the suite fails while any
connector type of agentdesk has none.
"""

from __future__ import annotations

import pytest
from servers import dovecot, rt, vendor_spec

from agentdesk.connectors import registry
from agentdesk.ops import ALL_KINDS
from contract.chatwoot_platform import ChatwootHarness
from contract.demo_platform import DemoHarness
from contract.email_platform import EmailHarness
from contract.freshdesk_platform import FreshdeskHarness
from contract.rt_platform import RTHarness
from contract.zendesk_platform import ZendeskHarness

HARNESSES = {
    "chatwoot": ChatwootHarness,
    "demo": DemoHarness,
    "email": EmailHarness,
    "freshdesk": FreshdeskHarness,
    "rt": RTHarness,
    "zendesk": ZendeskHarness,
}
_MISSING = {
    "email": (
        dovecot.available,
        "Dovecot is not installed (the README's test command installs it)",
    ),
    "rt": (
        rt.available,
        "Request Tracker is not installed (the README's test command installs it)",
    ),
    "chatwoot": (
        lambda: vendor_spec.spec_path("chatwoot") is not None,
        "Chatwoot's OpenAPI spec is neither at $AGENTDESK_CHATWOOT_SPEC nor at"
        " ../shared/specs/chatwoot-application.json: " + vendor_spec.DOWNLOAD["chatwoot"],
    ),
    "zendesk": (
        lambda: vendor_spec.spec_path("zendesk") is not None,
        "Zendesk's OpenAPI spec is neither at $AGENTDESK_ZENDESK_SPEC nor at"
        " ../shared/specs/zendesk-support.yaml: " + vendor_spec.DOWNLOAD["zendesk"],
    ),
}


@pytest.fixture(scope="session")
def rt_template(tmp_path_factory):
    return rt.make_template(tmp_path_factory.mktemp("rt-template"))


def pytest_generate_tests(metafunc):
    if "platform" not in metafunc.fixturenames:
        return
    if "unsupported_kind" in metafunc.fixturenames:
        pairs = [
            (t, kind)
            for t, spec in registry.specs().items()
            # A snooze the platform cannot carry is not refused: it stays in the cache
            # (test_a_snooze_stays_local_where_the_platform_has_none).
            for kind in sorted(ALL_KINDS - spec.ops - {"snooze"})
        ]
        metafunc.parametrize(
            ("platform", "unsupported_kind"),
            pairs,
            indirect=["platform"],
            ids=[f"{t}-{k}" for t, k in pairs],
        )
    else:
        metafunc.parametrize("platform", sorted(HARNESSES), indirect=True)


@pytest.fixture
def platform(request, tmp_path, monkeypatch):
    kind = request.param
    available, why = _MISSING.get(kind, (lambda: True, ""))
    if not available():
        pytest.skip(why)
    root = tmp_path / "platform"
    harness = (
        HARNESSES[kind](root, request.getfixturevalue("rt_template"))
        if kind == "rt"
        else HARNESSES[kind](root)
    )
    for key, value in harness.env().items():
        monkeypatch.setenv(key, value)
    yield harness
    harness.close()
