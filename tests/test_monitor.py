"""The supervisor's monitor: read-only for real, the figures of the hand-computed history,
the same figures as `agentdesk report`, drill-down and following an agent."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import clean_env
from kpi_fixture import T0, WEEK_END, build
from ui_support import screen_text, wait_until

from agentdesk.kpi.labels import duration_label, share_label
from agentdesk.model import Directory, PullBatch
from agentdesk.ops import ALL_KINDS
from agentdesk.store import actions, attachment_saves, drafts, presence, saved_searches
from agentdesk.store.actions import ActionContext, Platform
from agentdesk.store.db import Store
from agentdesk.store.directory import apply_directory
from agentdesk.store.ingest import apply_batch
from agentdesk.store.outbox import Actor
from agentdesk.ui.monitor.app import MonitorApp
from agentdesk.ui.monitor.queue_screen import QueueScreen
from agentdesk.ui.monitor.ticket_screen import TicketScreen
from agentdesk.ui.monitor.wallboard_screen import WallboardScreen

# The end of the fixture's week: "last 7 days" on the wallboard is exactly that week.
LAST_SECOND = WEEK_END - 1


@pytest.fixture
def history(tmp_path):
    return build(tmp_path)


def digest(data_dir: Path) -> str:
    return hashlib.sha256((data_dir / "agentdesk.db").read_bytes()).hexdigest()


def tile_row(app, label: str) -> list[str]:
    """The [today, 7 days] cells of one KPI tile, read off the screen (the right column)."""
    for line in screen_text(app).splitlines():
        m = re.match(r"^\s*(.+?)\s{2,}(\S+)\s+(\S+)\s*$", line.rsplit("│", 1)[-1])
        if m and m.group(1) == label:
            return [m.group(2), m.group(3)]
    raise AssertionError(f"no tile {label!r}")


async def ready(pilot, app) -> None:
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, WallboardScreen) and app.screen.board is not None,
        what="the wallboard",
    )


async def test_wallboard_shows_the_hand_computed_figures(history):
    app = MonitorApp(history, clock=lambda: LAST_SECOND)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        text = screen_text(app)
        assert "READ-ONLY" in text
        week = {label: tile_row(app, label)[-1] for label in ("Handled", "First reply", "SLA met")}
        assert week == {"Handled": "4", "First reply": "10m00s", "SLA met": "67%"}
        assert tile_row(app, "First reply p90")[-1] == "1h06m"  # 4000 s
        assert tile_row(app, "Next reply")[-1] == "3m30s"  # 210 s
        assert tile_row(app, "Resolution")[-1] == "1h16m"  # 4600 s
        assert tile_row(app, "Resolved")[-1] == "50%"
        assert tile_row(app, "Solved in SLA")[-1] == "50%"
        assert tile_row(app, "Next in SLA")[-1] == "50%"
        assert tile_row(app, "Reopened")[-1] == "50%"
        assert tile_row(app, "CSAT")[-1] == "4.0"
        assert tile_row(app, "Pre-sales conv.")[-1] == "50%"
        assert tile_row(app, "Backlog")[-1] == "4"
        bob = next(x for x in text.splitlines() if " bob " in x)
        assert "3/20" in bob  # T2, T3, T5 open on bob


async def test_monitor_and_report_agree(history):
    env = clean_env()
    start = "2026-11-16T00:00:00+00:00"
    out = subprocess.run(
        [sys.executable, "-m", "agentdesk", "--config", str(history.config_path)]
        + ["--data-dir", str(history.data_dir), "report", "--since", start]
        + ["--until", "2026-11-23T00:00:00+00:00", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    [row] = json.loads(out.stdout)["rows"]
    app = MonitorApp(history, clock=lambda: LAST_SECOND)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        shown = {
            label: tile_row(app, label)[-1]
            for label in (
                "Handled",
                "First reply",
                "Next reply",
                "Resolution",
                "Resolved",
                "SLA met",
                "Backlog",
            )
        }
    assert shown == {
        "Handled": str(row["handled"]),
        "First reply": duration_label(row["first_response_median"]),
        "Next reply": duration_label(row["next_response_median"]),
        "Resolution": duration_label(row["resolution_median"]),
        "Resolved": share_label(row["resolution_rate"]),
        "SLA met": share_label(row["sla_attainment"]),
        "Backlog": str(row["backlog"]),
    }


async def test_reading_everything_changes_no_byte_of_a_0444_cache(history):
    data = history.data_dir
    with Store.open_dir(data) as s:  # fold the WAL in, as a quiet cache would be
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for name in ("agentdesk.db", "agentdesk.db-wal", "agentdesk.db-shm"):
        if (data / name).exists():
            (data / name).chmod(0o444)
    before = digest(data)
    app = MonitorApp(history, clock=lambda: LAST_SECOND)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press("2")  # All open
        await wait_until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.screen.rows)
        await pilot.press("j", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen))
        await wait_until(pilot, lambda: "Subject T" in screen_text(app), what="a conversation")
        await pilot.press("escape", "escape", "f", "enter")
        await wait_until(pilot, lambda: "following" in screen_text(app), what="following")
        await pilot.press("escape", "q")
    assert digest(data) == before
    assert oct((data / "agentdesk.db").stat().st_mode & 0o777) == "0o444"


def test_every_write_path_fails_on_the_monitors_connection(history):
    app = MonitorApp(history)
    store = app.store
    ctx = ActionContext(Actor("sue@shop.example", "Sue"), [], {"shop": Platform("shop", ALL_KINDS)})
    tid = store.one("SELECT id FROM tickets LIMIT 1")[0]
    agent = store.one("SELECT id FROM agents LIMIT 1")[0]
    team = store.one("SELECT id FROM teams LIMIT 1")[0]
    attempts = {
        "reply": lambda: actions.send_message(store, ctx, tid, "x"),
        "note": lambda: actions.send_message(store, ctx, tid, "x", internal=True),
        "status": lambda: actions.set_status(store, ctx, [tid], "solved"),
        "assign": lambda: actions.assign(store, ctx, [tid], agent),
        "transfer": lambda: actions.transfer(store, ctx, [tid], team_id=team),
        "tags": lambda: actions.change_tags(store, ctx, [tid], add=["x"]),
        "priority": lambda: actions.set_priority(store, ctx, [tid], "high"),
        "presence": lambda: presence.set_presence(store, "ann@shop.example", "away"),
        "viewing": lambda: presence.set_viewing(store, "ann@shop.example", tid),
        "draft": lambda: drafts.save_draft(store, tid, "sue", "reply", "x", {}),
        "saved search": lambda: saved_searches.save_search(store, "sue", "x", "refund"),
        "attachments": lambda: attachment_saves.request_saves(store, tid),
        "ingest": lambda: apply_batch(store, "shop", PullBatch("9"), []),
        "directory": lambda: apply_directory(store, "shop", Directory()),
        "raw SQL": lambda: store.conn.execute("DELETE FROM tickets"),
        "temp table": lambda: store.conn.execute("CREATE TEMP TABLE t (x)"),
    }
    refused = {}
    for name, attempt in attempts.items():
        try:
            attempt()
        except sqlite3.OperationalError as e:
            refused[name] = str(e)
    app.store.close()
    app.reader.close()
    assert set(refused) == set(attempts), f"not refused: {set(attempts) - set(refused)}"


def test_no_key_of_the_monitor_leads_to_a_write():
    from agentdesk.ui.monitor.pick import Pick

    allowed = {
        "open_queue",
        "pick_queue",
        "pick_agent",
        "app.quit",
        "app.pop_screen",
        "move",
        "open",
        "choose",
        "cancel",
    }
    for screen in (WallboardScreen, QueueScreen, TicketScreen, Pick):
        for binding in screen.BINDINGS:
            action = binding.action.split("(")[0]
            assert action in allowed, f"{screen.__name__}: {binding.key} -> {binding.action}"
    assert MonitorApp.ENABLE_COMMAND_PALETTE is False


async def test_follow_mirrors_the_ticket_an_agent_has_open(history):
    import time

    with Store.open_dir(history.data_dir) as s:
        t3 = s.one("SELECT id FROM tickets WHERE remote_id = 'T3'")[0]
        t1 = s.one("SELECT id FROM tickets WHERE remote_id = 'T1'")[0]
        presence.set_viewing(s, "bob@shop.example", t3)
    app = MonitorApp(history, follow="bob", clock=time.time)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TicketScreen))
        await wait_until(pilot, lambda: "Subject T3" in screen_text(app), what="bob's ticket")
        assert "following bob" in screen_text(app)
        with Store.open_dir(history.data_dir) as s:
            presence.set_viewing(s, "bob@shop.example", t1)
        await wait_until(pilot, lambda: "Subject T1" in screen_text(app), what="bob moved on")
    with Store.open_dir(history.data_dir, readonly=True) as s:
        # Reading it left no trace: only bob is marked on T1, nobody else.
        marks = s.query("SELECT name FROM agents WHERE viewing_ticket_id = ?", (t1,))
        assert [m[0] for m in marks] == ["bob"]
    assert T0 < LAST_SECOND
