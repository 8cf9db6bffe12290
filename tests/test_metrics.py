"""KPIs against a history worked out by hand (kpi_fixture.py), and `agentdesk report`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from cli_support import clean_env
from kpi_fixture import EXPECTED_ALL, EXPECTED_BY_AGENT, T0, WEEK_END, build

from agentdesk.kpi import metrics
from agentdesk.store.db import Store
from agentdesk.store.kpi_facts import load_facts


@pytest.fixture
def history(tmp_path):
    return build(tmp_path)


def figures(settings, by=None):
    with Store.open_dir(settings.data_dir, readonly=True) as store:
        facts = load_facts(store, T0, WEEK_END, settings.sla_policies, settings.presales_teams)
    return metrics.compute(facts, by)


def test_kpis_match_the_hand_computed_history(history):
    [row] = figures(history)
    assert {k: row[k] for k in EXPECTED_ALL} == EXPECTED_ALL


def test_kpis_by_agent(history):
    rows = {r["group"]: r for r in figures(history, "agent")}
    for agent, expected in EXPECTED_BY_AGENT.items():
        assert {k: rows[agent][k] for k in expected} == expected
    assert rows["(unassigned)"]["backlog"] == 1  # T4, nobody's yet


def test_kpis_by_channel_and_team(history):
    channels = {r["group"]: r for r in figures(history, "channel")}
    assert channels["chat"]["first_response_median"] == 60.0
    assert channels["email"]["sla_attainment"] == 0.5
    teams = {r["group"]: r for r in figures(history, "team")}
    assert teams["Pre-sales"]["presales_conversion"] == 0.5
    assert teams["After-sales"]["presales_tickets"] == 0


def test_a_periods_tickets_and_events_are_found_by_index_not_a_walk(history):
    """At a million tickets a walk over every ticket or a row per event is seconds."""
    from agentdesk.store import kpi_facts

    with Store.open_dir(history.data_dir, readonly=True) as store:
        plan = store.query(
            "EXPLAIN QUERY PLAN " + kpi_facts._INVOLVED + "SELECT id FROM involved",
            {"start": T0, "end": WEEK_END},
        )
    steps = [r["detail"] for r in plan]
    assert not any(s.startswith("SCAN tickets") for s in steps), steps
    assert any("COVERING INDEX events_at_kind" in s for s in steps), steps
    assert any("INDEX tickets_created" in s for s in steps), steps


def test_percentiles():
    assert metrics.median([]) is None and metrics.p90([]) is None
    assert metrics.median([3, 1, 2]) == 2.0 and metrics.median([1, 2, 3, 4]) == 2.5
    assert metrics.p90(list(range(1, 11))) == 9 and metrics.p90([5]) == 5


def report(settings, *args: str, columns: int = 200) -> subprocess.CompletedProcess:
    env = clean_env()
    return subprocess.run(
        [sys.executable, "-m", "agentdesk", "--config", str(settings.config_path)]
        + ["--data-dir", str(settings.data_dir), "report", *args],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": str(columns)},
        timeout=120,
    )


def test_report_json_csv_and_table(history):
    out = report(history, "--since", "2026-11-16", "--until", "2026-11-23", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["start"] == "2026-11-16T00:00:00+00:00"
    [row] = data["rows"]
    assert {k: row[k] for k in EXPECTED_ALL} == EXPECTED_ALL

    week = ("--since", "2026-11-16", "--until", "2026-11-23")
    csv_out = report(history, *week, "--by", "agent", "--format", "csv")
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("period_start,period_end,group,handled,first_response_median")
    assert [line.split(",")[2] for line in lines[1:]] == ["(unassigned)", "ann", "bob"]

    table = report(history, *week, "--by", "channel", "--format", "table")
    assert table.returncode == 0 and "First reply" in table.stdout and "Email" in table.stdout

    bad = report(history, "--since", "last tuesday")
    assert bad.returncode == 2 and "--since" in bad.stderr
