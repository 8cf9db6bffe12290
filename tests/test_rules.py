"""Automation rules (agentdesk/rules, store/automation.py) on a real cache: found once per
occurrence, acted on through the outbox under the rule's name, never twice (a second pass,
a restart, a pass that re-reads what a crash left unread), never on their own changes,
stopped at max_per_hour; `rules test` changes nothing; bad rules are config errors."""

from __future__ import annotations

import dataclasses
import json

import pytest
from snapshot_workspace import FROZEN, build, snapshot_settings

from agentdesk.canned.library import CannedEntry
from agentdesk.config.settings import ConfigError, load_settings
from agentdesk.model import Message, PullBatch, Ticket
from agentdesk.rules.model import parse_rules
from agentdesk.store.actions import ActionContext
from agentdesk.store.automation import run_rules
from agentdesk.store.db import Store
from agentdesk.store.ingest import apply_batch

CANNED = {
    "ack": CannedEntry(
        "ack", "test", "Thanks", "Hi {{customer.first_name}}, we are on it.", "ack", "en"
    ),
    "track": CannedEntry(
        "track", "test", "Tracking", "Your parcel: {{order.tracking_number}}.", "track", "en"
    ),
}


@pytest.fixture
def workspace(settings):
    s = snapshot_settings(settings)
    build(s)
    return s


def _rules(*tables: dict):
    return parse_rules(list(tables))


def _pass(settings, store, rules, at=FROZEN, **kw):
    ctx = ActionContext.from_settings(settings)
    return run_rules(store, ctx, rules, CANNED.get, clock=lambda: at, **kw)


def _new_ticket(store, rid: str, subject: str, *, channel="chat", customer="c3", at=FROZEN):
    apply_batch(
        store,
        "shop",
        PullBatch(
            None,
            tickets=[Ticket(rid, channel, subject, "new", customer, at, at)],
            messages=[Message(f"{rid}-1", rid, "customer", "Lucas Meyer", subject, at)],
        ),
        (),
    )
    return store.one("SELECT id FROM tickets WHERE remote_id = ?", (rid,))[0]


def _ops(store, tid):
    return [
        (r["kind"], json.loads(r["payload"]), r["agent_key"])
        for r in store.query("SELECT * FROM outbox WHERE ticket_id = ? ORDER BY id", (tid,))
    ]


def test_a_created_rule_acts_once_through_the_outbox_under_its_name(workspace):
    rules = _rules(
        {
            "name": "Chat triage",
            "trigger": "created",
            "when": "channel:chat",
            "add_tags": ["triaged"],
            "priority": "high",
            "canned": "ack",
        }
    )
    with Store.open_dir(workspace.data_dir) as store:
        assert _pass(workspace, store, rules) == []  # the first pass starts from now
        before = list(store.query("SELECT name, value FROM rule_cursors"))
        tid = _new_ticket(store, "2001", "Is the lamp in stock?")
        other = _new_ticket(store, "2002", "Invoice please", channel="email")
        fired = _pass(workspace, store, rules)
        assert [(f.rule, f.ticket_id, f.outcome) for f in fired] == [("Chat triage", tid, "queued")]
        ops = _ops(store, tid)
        assert [k for k, _p, _a in ops] == ["reply", "tags", "priority"]
        assert {a for _k, _p, a in ops} == {"rule:Chat triage"}
        assert ops[0][1]["body"] == "Hi Lucas, we are on it."
        assert _ops(store, other) == []  # the condition held it back
        reply = store.one("SELECT author_name, automation FROM messages WHERE op_uuid IS NOT NULL")
        assert tuple(reply) == ("Chat triage", "Chat triage")
        assert _pass(workspace, store, rules) == []  # nothing new: nothing again
    with Store.open_dir(workspace.data_dir) as again:  # a restart
        assert _pass(workspace, again, rules) == []
        # A crash after the firing was written but before the cursor moved: the occurrence
        # is read again, and the firing's record (and the ops' identities) stop it.
        with again.write() as conn:
            conn.executemany(
                "UPDATE rule_cursors SET value = ? WHERE name = ?", [(v, n) for n, v in before]
            )
        assert _pass(workspace, again, rules) == []
        assert len(_ops(again, tid)) == 3


def test_a_rule_never_triggers_on_its_own_change_and_stops_at_max_per_hour(workspace):
    from agentdesk.store.outbox import claim_next, mark_sent

    # Two rules that undo each other: each assignment triggers the other.
    rules = _rules(
        {"name": "To Lin", "trigger": "assigned", "assign_agent": "林晓雯 Lin Xiaowen"},
        {"name": "To Zhou", "trigger": "assigned", "assign_agent": "zhou@shop.example"},
        {"name": "Assign new", "trigger": "created", "assign_agent": "Demo Agent"},
    )
    with Store.open_dir(workspace.data_dir) as store:
        _pass(workspace, store, rules)
        tid = _new_ticket(store, "2101", "Where is my parcel?")
        fired_total = []
        for minute in range(12):
            fired = _pass(workspace, store, rules, at=FROZEN + 60 * minute)
            fired_total += fired
            while (op := claim_next(store, "shop")) is not None:
                mark_sent(store, op, None)  # delivered: the events each rule reacts to
        by_rule: dict = {}
        for f in fired_total:
            by_rule.setdefault((f.rule, f.outcome), 0)
            by_rule[(f.rule, f.outcome)] += 1
        assert by_rule[("Assign new", "queued")] == 1
        # Each assigning rule acts at most 3 times an hour on the ticket, then stops.
        assert by_rule[("To Lin", "queued")] == 3 and by_rule[("To Zhou", "queued")] == 3
        assert by_rule[("To Lin", "limited")] == 1 and by_rule[("To Zhou", "limited")] == 1
        # No rule ever fired on an event it made itself.
        for e in store.query("SELECT id, automation FROM events WHERE ticket_id = ?", (tid,)):
            own = store.one(
                "SELECT count(*) FROM rule_firings WHERE occurrence = ? AND rule = ?",
                (f"e{e['id']}", e["automation"] or ""),
            )[0]
            assert own == 0


def test_a_canned_reply_with_a_placeholder_it_cannot_fill_is_not_sent(workspace):
    rules = _rules({"name": "Tracking", "trigger": "created", "canned": "track"})
    with Store.open_dir(workspace.data_dir) as store:
        _pass(workspace, store, rules)
        tid = _new_ticket(store, "2201", "Where is it?")  # c3 has no order
        [f] = _pass(workspace, store, rules)
        assert f.outcome == "skipped" and "order.tracking_number" in f.detail
        assert _ops(store, tid) == []
        assert _pass(workspace, store, rules) == []  # logged once, not retried every pass


def test_idle_and_customer_replied_triggers(workspace):
    rules = _rules(
        {"name": "Nudge", "trigger": "idle", "after": "2h", "when": "status:new", "note": "idle"},
        {"name": "Back", "trigger": "customer_replied", "add_tags": ["answered"]},
    )
    with Store.open_dir(workspace.data_dir) as store:
        _pass(workspace, store, rules)
        tid = _new_ticket(store, "2301", "Hello?")
        assert [f.rule for f in _pass(workspace, store, rules)] == []  # not idle yet, new
        later = FROZEN + 3 * 3600
        assert [f.rule for f in _pass(workspace, store, rules, at=later) if f.ticket_id == tid] == [
            "Nudge"
        ]
        assert _pass(workspace, store, rules, at=later + 600) == []  # once per idle period
        apply_batch(
            store,
            "shop",
            PullBatch(
                None,
                messages=[Message("2301-2", "2301", "customer", "Lucas", "Still there?", later)],
            ),
            (),
        )
        fired = _pass(workspace, store, rules, at=later + 700)
        assert [(f.rule, f.ticket_id) for f in fired] == [("Back", tid)]


def test_rules_test_changes_nothing(workspace):
    rules = _rules({"name": "Tag all", "trigger": "created", "add_tags": ["x"]})
    with Store.open_dir(workspace.data_dir) as store:
        before = store.one("SELECT total_changes()")[0]
        tids = [r[0] for r in store.query("SELECT id FROM tickets")]
        fired = _pass(workspace, store, rules, dry_run=True, only=tids)
        assert fired and {f.outcome for f in fired} == {"would"}
        assert store.one("SELECT count(*) FROM outbox")[0] == 0
        assert store.one("SELECT count(*) FROM rule_firings")[0] == 0
        assert store.one("SELECT count(*) FROM rule_cursors")[0] == 0
        assert store.one("SELECT total_changes()")[0] == before


@pytest.mark.parametrize(
    "rule, key",
    [
        ('name = "a"\ntrigger = "sometimes"\nnote = "x"', "rules[0].trigger"),
        ('name = "a"\ntrigger = "idle"\nnote = "x"', "rules[0].after"),
        ('name = "a"\ntrigger = "created"\nwhen = "status:maybe"\nnote = "x"', "rules[0].when"),
        ('name = "a"\ntrigger = "created"', "rules[0]"),
        ('name = "a"\ntrigger = "created"\npriority = "asap"', "rules[0].priority"),
    ],
)
def test_a_bad_rule_is_a_config_error_naming_the_key_and_the_line(tmp_path, rule, key):
    config = tmp_path / "config.toml"
    config.write_text('[agent]\nname = "Kim"\n\n[[rules]]\n' + rule + "\n")
    with pytest.raises(ConfigError) as e:
        load_settings(str(config), str(tmp_path / "data"), environ={})
    assert f"{key}:" in str(e.value) and "(line " in str(e.value)


def test_rules_also_come_from_the_rules_folder(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[agent]\nname = "Kim"\n\n[[rules]]\nname = "a"\ntrigger = "created"\nnote = "x"\n'
    )
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "vip.toml").write_text(
        '[[rules]]\nname = "b"\ntrigger = "solved"\nadd_tags = ["done"]\n'
    )
    s = load_settings(str(config), str(tmp_path / "data"), environ={})
    assert [r.name for r in s.rules] == ["a", "b"]
    (tmp_path / "rules" / "dup.toml").write_text(
        '[[rules]]\nname = "a"\ntrigger = "solved"\nadd_tags = ["done"]\n'
    )
    with pytest.raises(ConfigError) as e:
        load_settings(str(config), str(tmp_path / "data"), environ={})
    assert (
        "dup.toml" in str(e.value) and "rules[0].name" in str(e.value) and "line 2" in str(e.value)
    )


def test_settings_carry_the_rules(workspace):
    s = dataclasses.replace(
        workspace, rules=_rules({"name": "x", "trigger": "created", "note": "n"})
    )
    assert s.rules[0].actor_key == "rule:x"


def test_out_of_hours_acknowledges_once_per_ticket_per_closed_period(workspace):
    from agentdesk.sla.business_hours import parse_calendar
    from agentdesk.sla.policy import SLAPolicy

    hours = SLAPolicy(
        "Office",
        (),
        (),
        (),
        (),
        3600,
        None,
        None,
        True,
        "created",
        calendar=parse_calendar(["Mon-Fri 09:00-18:00"], [], "UTC"),
    )
    shop = dataclasses.replace(workspace, sla_policies=(hours,))
    rules = _rules(
        {
            "name": "Out of hours",
            "trigger": "customer_replied",
            "outside_hours": "Office",
            "canned": "ack",
        }
    )
    night = FROZEN + 3600  # Thursday 01:00 UTC: closed until 09:00
    with Store.open_dir(shop.data_dir) as store:
        _pass(shop, store, rules, at=night)
        tid = _new_ticket(store, "2401", "Hello", at=night)

        def customer_writes(n: int, at: int) -> None:
            apply_batch(
                store,
                "shop",
                PullBatch(
                    None, messages=[Message(f"2401-{n}", "2401", "customer", "Lucas", "?", at)]
                ),
                (),
            )

        customer_writes(2, night + 60)
        [f] = _pass(shop, store, rules, at=night + 120)
        assert f.ticket_id == tid and f.occurrence == f"closed{FROZEN + 9 * 3600}"
        customer_writes(3, night + 600)
        assert _pass(shop, store, rules, at=night + 700) == []  # same closed period: once
        morning = FROZEN + 10 * 3600  # open
        customer_writes(4, morning)
        assert _pass(shop, store, rules, at=morning + 60) == []
        evening = FROZEN + 19 * 3600  # closed again: a new period
        customer_writes(5, evening)
        assert [f.ticket_id for f in _pass(shop, store, rules, at=evening + 60)] == [tid]
        assert len([k for k, _p, _a in _ops(store, tid) if k == "reply"]) == 2


def test_an_out_of_hours_rule_names_a_policy_that_exists(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[agent]\nname = "Kim"\n\n[[rules]]\nname = "a"\ntrigger = "created"\n'
        'outside_hours = "Nights"\nnote = "x"\n'
    )
    with pytest.raises(ConfigError) as e:
        load_settings(str(config), str(tmp_path / "data"), environ={})
    assert "rules[0].outside_hours" in str(e.value) and "line 7" in str(e.value)
