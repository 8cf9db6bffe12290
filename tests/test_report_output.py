"""`agentdesk report` as a supervisor reads it: a table that fits the terminal, TSV when
piped, CSV with the period and its units, a day-by-day trend, periods said in words."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zoneinfo

import pytest
from kpi_fixture import T0, WEEK_END, build
from test_metrics import report

from agentdesk.cli.report_output import print_table, to_tsv
from agentdesk.kpi.labels import sparkline
from agentdesk.kpi.period import PeriodError, parse_period
from agentdesk.options import SchemaError, parse_duration

WEEK = ("--since", "2026-11-16", "--until", "2026-11-23")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def history(tmp_path):
    return build(tmp_path)


def test_piped_report_is_tab_separated_with_every_figure_in_full(history):
    out = report(history, *WEEK, "--by", "agent")
    assert out.returncode == 0, out.stderr
    header, *lines = out.stdout.splitlines()
    columns = header.split("\t")
    assert columns[:3] == ["period_start", "period_end", "group"]
    assert "first_response_median_seconds" in columns and "resolution_rate" in columns
    rows = [dict(zip(columns, line.split("\t"), strict=True)) for line in lines]
    assert [r["group"] for r in rows] == ["(unassigned)", "ann", "bob"]
    bob = rows[2]
    assert bob["handled"] == "3" and bob["first_response_median_seconds"] == "2300.0"
    assert bob["period_start"] == "2026-11-16T00:00:00+00:00"
    assert rows[0]["first_response_median_seconds"] == ""  # no value: an empty field


def test_tsv_never_cuts_a_long_name_and_keeps_its_fields_apart():
    name = "A very long team name that no terminal column would hold\twith a tab"
    row = {"group": name, "handled": 1}
    text = to_tsv([row], T0, WEEK_END, dt.UTC)
    line = text.splitlines()[1]
    assert "A very long team name that no terminal column would hold with a tab" in line
    assert len(line.split("\t")) == 4


@pytest.mark.parametrize("width", [80, 120])
def test_the_table_fits_the_terminal_with_headers_whole(history, width):
    out = report(history, *WEEK, "--by", "agent", "--format", "table", columns=width)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert max(len(line) for line in lines) <= width, out.stdout
    assert "…" not in out.stdout
    heading = next(line for line in lines if "ann" in line)
    assert heading.split() == ["(unassigned)", "ann", "bob"]
    # One figure per line, so each reads across: bob's first reply median is 38m20s.
    first = next(line for line in lines if line.startswith("First reply, median"))
    assert first.split()[-3:] == ["—", "1m00s", "38m20s"]
    assert "SLA met: resolution" in out.stdout and "Pre-sales conversion" in out.stdout


def test_many_groups_go_on_in_a_further_table_rather_than_off_the_edge(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    rows = [{**_row(f"agent number {n:02d}"), "handled": n} for n in range(12)]
    print_table(rows, T0, WEEK_END, dt.UTC, "agent")
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert all(f"agent number {n:02d}" in out for n in range(12))
    assert out.count("Handled") > 1


def test_by_day_gives_a_row_per_day_and_a_trend(history):
    out = report(history, *WEEK, "--by", "day", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["rows"]
    assert [r["group"] for r in rows] == [
        "2026-11-16 Mon",
        "2026-11-17 Tue",
        "2026-11-18 Wed",
        "2026-11-19 Thu",
        "2026-11-20 Fri",
        "2026-11-21 Sat",
        "2026-11-22 Sun",
    ]
    # Monday: T1, T2 and T5 answered (first replies 60 and 600), T1 and T2 created and solved
    # the same day, T2 reopened; Tuesday: T3's late first reply; Wednesday: T4, pre-sales,
    # whose customer ordered.
    assert [r["handled"] for r in rows] == [3, 1, 0, 0, 0, 0, 0]
    assert [r["first_response_median"] for r in rows][:3] == [330.0, 4000.0, None]
    assert [r["resolution_rate"] for r in rows][:4] == [1.0, 0.0, 0.0, None]
    assert rows[0]["reopen_rate"] == 0.5 and rows[2]["presales_conversion"] == 1.0
    assert all(r["backlog"] is None for r in rows)  # a figure of now, not of a past day

    table = report(history, *WEEK, "--by", "day", "--format", "table", columns=120)
    lines = table.stdout.splitlines()
    assert max(len(line) for line in lines) <= 120
    handled = next(line for line in lines if line.startswith("Handled"))
    assert handled.split()[1] == sparkline([3, 1, 0, 0, 0, 0, 0]) and "█" in handled
    assert "11-16 Mon" in table.stdout and "Backlog" not in table.stdout


def test_csv_carries_the_period_and_its_units(history):
    out = report(history, *WEEK, "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(out.stdout)))
    assert row["period_start"] == "2026-11-16T00:00:00+00:00"
    assert row["period_end"] == "2026-11-23T00:00:00+00:00"
    assert row["resolution_median_seconds"] == "4600.0" and row["resolution_p90_seconds"] == "7200"
    assert "resolution_median" not in row


def test_json_flag_is_the_json_format(history):
    flag = report(history, *WEEK, "--json")
    option = report(history, *WEEK, "--format", "json")
    assert flag.returncode == 0 and json.loads(flag.stdout) == json.loads(option.stdout)


def test_since_takes_words_and_compound_durations():
    # Wednesday 2026-12-02 15:00 in Shanghai.
    now = dt.datetime(2026, 12, 2, 15, 0, tzinfo=SHANGHAI).timestamp()

    def period(since, until=None):
        start, end = parse_period(since, until, SHANGHAI, now)
        local = lambda ts: dt.datetime.fromtimestamp(ts, SHANGHAI).strftime("%m-%d %H:%M")  # noqa: E731
        return local(start), local(end)

    assert period("today") == ("12-02 00:00", "12-02 15:00")
    assert period("yesterday") == period("昨天") == ("12-01 00:00", "12-02 00:00")
    assert period("this week") == period("本周") == ("11-30 00:00", "12-02 15:00")
    assert period("last week") == period("上周") == ("11-23 00:00", "11-30 00:00")
    assert period("Last  Week") == ("11-23 00:00", "11-30 00:00")
    assert period("last month") == period("上个月") == ("11-01 00:00", "12-01 00:00")
    assert period("this month") == ("12-01 00:00", "12-02 15:00")
    assert period("last week", "now") == ("11-23 00:00", "12-02 15:00")
    assert period("1d12h") == ("12-01 03:00", "12-02 15:00")
    assert period("2026-11-01", "2026-11-02") == ("11-01 00:00", "11-02 00:00")
    with pytest.raises(PeriodError, match="--since"):
        parse_period("last tuesday", None, SHANGHAI, now)
    with pytest.raises(PeriodError, match="after"):
        parse_period("today", "yesterday", SHANGHAI, now)


def test_last_month_in_january_is_december():
    now = dt.datetime(2027, 1, 10, 12, tzinfo=dt.UTC).timestamp()
    start, end = parse_period("last month", None, dt.UTC, now)
    assert dt.datetime.fromtimestamp(start, dt.UTC).date() == dt.date(2026, 12, 1)
    assert dt.datetime.fromtimestamp(end, dt.UTC).date() == dt.date(2027, 1, 1)


def test_compound_durations():
    assert parse_duration("1d12h", "x") == 36 * 3600
    assert parse_duration("1h 30m", "x") == 5400
    assert parse_duration("90s", "x") == 90
    for bad in ("1d12", "h", "1x", "-1h", ""):
        with pytest.raises(SchemaError):
            parse_duration(bad, "x")


def test_sparkline_follows_the_values():
    assert sparkline([0, 4, 8]) == "▁▅█"
    assert sparkline([None, 2, 2]) == " ▄▄"
    assert sparkline([None]) == " "


def _row(group: str) -> dict:
    from agentdesk.kpi.metrics import Figures

    return {**Figures(group).as_dict(), "backlog": 0}
