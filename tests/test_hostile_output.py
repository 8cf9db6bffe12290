"""Remote text reaches no terminal and no spreadsheet as anything but text: names, subjects,
bodies, tags and platform errors full of escape sequences, C1 controls, Rich markup and
spreadsheet formulas go through every CLI command in every format, the console, the
monitor, notifications and log lines; the bytes are scanned."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import subprocess
import sys

import pytest
from cli_support import clean_env
from ui_support import ready, screen_text, wait_until

from agentdesk.model import Agent, Customer, Directory, Message, PullBatch, Team, Ticket
from agentdesk.store import sync_state
from agentdesk.store.db import Store
from agentdesk.store.directory import apply_directory
from agentdesk.store.ingest import apply_batch

HOSTILE = [
    "\x1b]0;pwned title\x07",  # OSC 0: sets the terminal's title
    "\x1b]52;c;cm0gLXJmIH4=\x07",  # OSC 52: writes the clipboard
    "\x1b[31mred\x1b[0m",  # CSI
    "\x9b31m C1 CSI",  # 8-bit CSI
    "\x9d0;osc\x9c",  # 8-bit OSC
    "bell\x07",
    "[/]",  # closes a Rich tag that was never opened: MarkupError
    "[link=https://evil.example/pwn]click[/link]",  # an OSC 8 hyperlink through markup
    "=cmd|' /C calc'!A0",  # a spreadsheet formula
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\u202eevil",  # a right-to-left override
]
NAME = "Mallory " + "".join(HOSTILE[:6]) + " [/] [link=https://evil.example/pwn]x[/link]"
FORMULA_NAME = "=cmd|' /C calc'!A0"
BAD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def plant(store: Store, now: int) -> None:
    """Every place platform text lands: customer, subject, body, tag, agent, team, error."""
    apply_directory(
        store,
        "shop",
        Directory(
            agents=[
                Agent("me", "Demo Agent", "agent@shop.example", "online"),
                Agent("evil", NAME, "evil@shop.example", "online", team_remote_ids=["t1"]),
                Agent("formula", FORMULA_NAME, "f@shop.example", "online"),
            ],
            teams=[Team("t1", "Team " + HOSTILE[0] + HOSTILE[6]), Team("t2", "@SUM(1+1)")],
        ),
    )
    batch = PullBatch(cursor="1", customers=[Customer("c1", NAME, "c@example.cn")])
    for n, text in enumerate(HOSTILE, start=1):
        batch.tickets.append(
            Ticket(
                f"T{n}",
                "email",
                f"refund {text}",
                "open",
                "c1",
                now - 3600,
                now - 3600,
                assignee_remote_id="evil" if n % 2 else "formula",
                team_remote_id="t1" if n % 2 else "t2",
                tags=[f"tag{n}{text[:4]}"],
            )
        )
        batch.messages.append(
            Message(f"m{n}", f"T{n}", "customer", NAME, f"refund {text}", now - 3600)
        )
        batch.messages.append(
            Message(f"a{n}", f"T{n}", "agent", NAME, "ok", now - 1800, agent_remote_id="evil")
        )
    apply_batch(store, "shop", batch, [])
    sync_state.set_state(store, "shop", "error", "platform said: " + "".join(HOSTILE))


@pytest.fixture
def hostile_cache(tmp_path):
    import time

    data = tmp_path / "data"
    with Store.open_dir(data) as store:
        plant(store, int(time.time()))
    return data


def run(data, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "agentdesk", "--data-dir", str(data), *args],
        capture_output=True,
        env=clean_env(COLUMNS="200"),
        timeout=120,
    )


def clean(output: bytes, where: str) -> str:
    text = output.decode("utf-8")
    found = BAD.findall(text)
    assert not found, f"{where}: raw control characters {found!r} reached the output"
    return text


@pytest.mark.parametrize(
    "args",
    [
        ("search", "refund"),
        ("search", "refund", "--json"),
        ("stats",),
        ("stats", "--json"),
        ("report", "--since", "7d", "--by", "agent"),
        ("report", "--since", "7d", "--by", "team"),
        ("report", "--since", "7d", "--by", "channel"),
        ("report", "--since", "7d", "--by", "agent", "--format", "json"),
        ("report", "--since", "7d", "--by", "agent", "--format", "csv"),
        ("report", "--since", "7d", "--by", "agent", "--format", "table"),
    ],
    ids=" ".join,
)
def test_every_cli_output_is_clean(hostile_cache, args):
    r = run(hostile_cache, *args)
    assert r.returncode == 0, r.stderr.decode()
    out = clean(r.stdout, " ".join(args))
    clean(r.stderr, " ".join(args) + " (stderr)")
    if "--json" in args or "json" in args:
        json.loads(out)  # still valid JSON, C1 controls written as \u escapes
    if "csv" in args:
        for row in csv.reader(io.StringIO(out)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@")), f"formula cell {cell!r}"
        assert "'=cmd|' /C calc'!A0" in out, "the formula stays readable, as text"
    if args[0] == "report" and "table" in args:
        assert "Mallory" in out and "…" in out, "the name as text, cut to its column"
    elif args[0] == "report" and "--format" not in args and args[-1] == "agent":
        assert "[/]" in out and "[link=https://evil.example/pwn]" in out, "names shown as text"


def test_json_keeps_the_data_while_escaping_c1(hostile_cache):
    r = run(hostile_cache, "stats", "--json")
    data = json.loads(clean(r.stdout, "stats --json"))
    assert "\x9b" in json.dumps(data, ensure_ascii=False) or "\x9b" in str(data)


async def test_the_console_and_a_notification_show_only_text(hostile_cache, tmp_path):
    from conftest import make_settings

    from agentdesk.ui.app import AgentDeskApp

    settings = make_settings(hostile_cache)
    app = AgentDeskApp(settings)
    async with app.run_test(size=(160, 50)) as pilot:
        inbox = await ready(pilot, app)
        app.screen.select_view("open")
        await wait_until(pilot, lambda: app.screen._window_view == "open")
        for _ in range(len(HOSTILE)):
            clean(screen_text(app).encode(), "console")
            await pilot.press("j")
            await pilot.pause(0.15)
        assert inbox.window.total >= len(HOSTILE)
        app.notify("team " + NAME, title="[/]" + HOSTILE[0])  # must neither crash nor style
        await pilot.pause(0.2)
        [note] = list(app._notifications)
        clean((note.message + note.title).encode(), "notification")
        assert not note.markup, "shown as text: [/] and [link=…] are not markup"
        assert "[link=https://evil.example/pwn]" in note.message
        clean(screen_text(app).encode(), "console with the notification")


async def test_the_monitor_shows_only_text(hostile_cache):
    from conftest import make_settings

    from agentdesk.ui.monitor.app import MonitorApp
    from agentdesk.ui.monitor.wallboard_screen import WallboardScreen

    app = MonitorApp(make_settings(hostile_cache))
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(
            pilot, lambda: isinstance(app.screen, WallboardScreen) and app.screen.board
        )
        await pilot.pause(0.2)
        text = clean(screen_text(app).encode(), "monitor")
        assert "Mallory" in text


def test_log_lines_and_error_lines_are_clean(hostile_cache, capsys):
    from agentdesk.cli.sync_commands import SanitizingFormatter

    record = logging.LogRecord(
        "agentdesk.sync", logging.WARNING, __file__, 1, "pull failed: %s", ("".join(HOSTILE),), None
    )
    clean(SanitizingFormatter("%(message)s").format(record).encode(), "log line")
    r = run(hostile_cache, "search", "before:" + HOSTILE[0])  # an error that quotes the input
    clean(r.stderr, "error line")
