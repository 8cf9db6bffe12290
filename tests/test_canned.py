from agentdesk.canned.render import first_name, macro_effects, render
from agentdesk.connectors.demo.canned import canned_replies

VALUES = {
    "customer.name": "Olivia Smith",
    "customer.first_name": "Olivia",
    "order.number": "LL0000121",
    "order.status": "shipped",
    "order.tracking_number": None,
    "agent.name": "Ana",
    "shop.name": "Lumen & Loom",
    "fields.claim_at": "2026-11-02",
}


def test_fills_values_and_fallbacks():
    r = render(
        "Hi {{customer.first_name|there}}, order {{ order.number }} is {{order.status}}; tracking {{order.tracking_number|soon}}.",
        VALUES,
    )
    assert r.ok
    assert r.text == "Hi Olivia, order LL0000121 is shipped; tracking soon."
    assert render("Hi {{customer.first_name|there}}", {}).text == "Hi there"
    assert render("claim {{fields.claim_at}}", VALUES).text == "claim 2026-11-02"


def test_unknown_and_missing_are_reported_where_they_are():
    template = "Dear {{customer.nmae}}, your parcel {{order.tracking_number}} ships."
    r = render(template, VALUES)
    assert [(p.name, p.kind) for p in r.problems] == [
        ("customer.nmae", "unknown"),
        ("order.tracking_number", "missing"),
    ]
    assert template[r.problems[0].start : r.problems[0].end] == "{{customer.nmae}}"
    assert "{{order.tracking_number}}" in r.text  # left as written, for the agent to see
    assert (
        "no fallback" in r.problems[1].message
        and "unknown placeholder {{customer.nmae}}" == r.problems[0].message
    )


def test_first_name():
    assert first_name("Olivia Smith") == "Olivia"
    assert first_name("王芳") == "王芳"
    assert first_name("  ") is None


def test_every_demo_reply_renders_with_a_full_context():
    full = {
        **VALUES,
        "order.tracking_number": "SF123",
        "order.carrier": "SF Express",
        "customer.email": "o@example.com",
    }
    for reply in canned_replies():
        r = render(reply.body, full)
        assert r.ok, (reply.remote_id, r.problems)
        assert "{{" not in r.text


def test_macro_effects_in_words():
    assert macro_effects({"status": "solved", "tags": ["refund"], "team": "returns"}) == [
        "sets the status to solved",
        "adds the tag refund",
        "transfers it to the team returns",
    ]
    assert macro_effects({"tags": ["refund", "vip"]}) == ["adds the tags refund, vip"]
    assert macro_effects({}) == []
