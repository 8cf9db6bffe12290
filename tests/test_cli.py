"""The issue's 'done means', through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from agentdesk import __version__


def cli(*args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [sys.executable, "-m", "agentdesk", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli") / "D"
    r = cli("--data-dir", str(d), "demo", "--tickets", "2000", "--seed", "7", "--no-console")
    assert "2,000 tickets" in r.stdout
    return d


def test_version():
    assert cli("--version").stdout.strip().endswith(__version__)


def test_stats_show_channels_languages_and_linked_orders(demo_dir):
    s = json.loads(cli("--data-dir", str(demo_dir), "stats", "--json").stdout)
    assert s["tickets"]["total"] == 2000
    assert len(s["tickets"]["by_channel"]) >= 8
    assert s["tickets"]["by_language"]["zh"] > 100 and s["tickets"]["by_language"]["en"] > 100
    assert s["orders"]["linked_to_customers"] == s["orders"]["total"] > 0
    assert s["orders"]["linked_to_tickets"] > 0
    assert s["messages"]["total"] > 15000
    assert s["agents"] >= 12 and s["teams"] >= 5 and s["canned_replies"] >= 60
    assert s["connectors"]["demo"]["state"] == "ok"
    assert set(s["outbox"]) == {"queued", "sending", "sent", "failed", "discarded"}


@pytest.mark.parametrize("query", ["退款", "refund"])
def test_search_finds_refund_tickets(demo_dir, query):
    out = json.loads(
        cli("--data-dir", str(demo_dir), "search", query, "--json", "--limit", "10").stdout
    )
    assert out["total"] > 10 and len(out["results"]) == 10
    text = cli("--data-dir", str(demo_dir), "search", query).stdout
    assert "matching tickets" in text


def test_search_rejects_a_bad_filter(demo_dir):
    r = cli("--data-dir", str(demo_dir), "search", "stauts:open", check=False)
    assert r.returncode == 2 and r.stderr.startswith("agentdesk: unknown filter stauts:")


def test_sync_once_moves_the_cursor_and_delivers_queued_ops(tmp_path):
    from conftest import make_settings

    from agentdesk.store import actions
    from agentdesk.store.db import Store

    d = tmp_path / "D"
    cli(
        "--data-dir",
        str(d),
        "demo",
        "--tickets",
        "50",
        "--seed",
        "2",
        "--rate",
        "0",
        "--no-console",
    )
    settings = make_settings(d, tickets=50, seed=2)
    with Store.open_dir(d) as s:
        cursor_before = s.one("SELECT cursor FROM connector_state WHERE connector = 'demo'")[0]
        tid = s.one("SELECT id FROM tickets WHERE status = 'open' LIMIT 1")[0]
        ctx = actions.ActionContext.from_settings(settings)
        actions.send_message(s, ctx, tid, "Your parcel is on its way.")
        actions.set_status(s, ctx, [tid], "solved")
    r = cli("--data-dir", str(d), "sync", "--once")
    assert "pushed 2 ops" in r.stdout
    r = cli("--data-dir", str(d), "sync", "--once")  # the platform's echo arrives
    with Store.open_dir(d) as s:
        sent = [r[0] for r in s.query("SELECT uuid, agent_key FROM outbox WHERE state = 'sent'")]
        mine = {
            r[0]
            for r in s.query("SELECT uuid FROM outbox WHERE agent_key = ?", (settings.agent.email,))
        }
        # The demo's automation may act in a pass too (its rules watch the clock): a rule's
        # ops are sent beside the agent's two, each once.
        rules = {r[0] for r in s.query("SELECT uuid FROM outbox WHERE agent_key LIKE 'rule:%'")}
        assert len(mine) == 2 and set(sent) == mine | rules
        assert s.one("SELECT cursor FROM connector_state")[0] != cursor_before
        assert s.one("SELECT status FROM tickets WHERE id = ?", (tid,))[0] == "solved"
        # The echo of our reply is linked to the local message, not added twice.
        assert (
            s.one("SELECT count(*) FROM messages WHERE body = 'Your parcel is on its way.'")[0] == 1
        )
    shop = json.loads((d / "connectors/demo/shop.json").read_text())
    assert len(shop["applied"]) == len(sent), "each op applied once by the shop"


def test_sync_refuses_a_second_engine(tmp_path):
    from agentdesk.sync.lock import EngineLock

    d = tmp_path / "D"
    lock = EngineLock(d)
    assert lock.acquire()
    try:
        r = cli("--data-dir", str(d), "sync", "--once", check=False)
        assert r.returncode == 1 and "already running" in r.stderr
    finally:
        lock.release()


def test_demo_refuses_to_mix_shops(demo_dir):
    r = cli("--data-dir", str(demo_dir), "demo", "--seed", "8", "--no-console", check=False)
    assert r.returncode == 2 and "--reset" in r.stderr


def test_doctor_on_the_demo(demo_dir):
    r = cli(
        "--data-dir",
        str(demo_dir),
        "doctor",
        env={"AGENTDESK_CONFIG": "", "XDG_CONFIG_HOME": str(demo_dir / "nocfg")},
    )
    assert "connector demo (demo)" in r.stdout and "FAIL" not in r.stdout


def test_doctor_json_names_the_zone_in_use(demo_dir):
    """No zone in the config: the system's, named (here set as the OS would, with TZ)."""
    env = {"AGENTDESK_CONFIG": "", "XDG_CONFIG_HOME": str(demo_dir / "nocfg")}
    r = cli("--data-dir", str(demo_dir), "doctor", "--json", env={**env, "TZ": "Asia/Shanghai"})
    out = json.loads(r.stdout)
    assert out["healthy"] is True
    checks = {c["check"]: c for c in out["checks"]}
    assert checks["time zone"]["detail"].startswith("Asia/Shanghai (the system's")
    assert checks["connector demo (demo)"]["status"] == "ok"


def test_bench_reports_every_query(demo_dir):
    out = json.loads(
        cli("--data-dir", str(demo_dir), "bench", "--runs", "3", "--idle", "2", "--json").stdout
    )
    names = [q["name"] for q in out["queries"]]
    assert "counts of all views" in names and "search: 退款" in names
    assert all(q["median_ms"] >= 0 for q in out["queries"])
    idle = out["console"]["idle"]  # a console left alone: its CPU and its bytes
    assert idle["seconds"] == 2 and idle["cpu_percent"] >= 0 and idle["bytes_per_minute"] >= 0


def test_corrupt_cache_message_and_exit_code(tmp_path):
    d = tmp_path / "D"
    d.mkdir()
    (d / "agentdesk.db").write_bytes(b"garbage" * 1000)
    r = cli("--data-dir", str(d), "stats", check=False)
    assert (
        r.returncode == 1
        and "not a usable agentdesk cache" in r.stderr
        and "Traceback" not in r.stderr
    )


def test_sync_daemon_serves_the_cache_until_sigterm(tmp_path):
    import signal
    import time

    from conftest import make_settings

    from agentdesk.store import actions
    from agentdesk.store.db import Store
    from agentdesk.sync.lock import EngineLock

    d = tmp_path / "D"
    cli(
        "--data-dir",
        str(d),
        "demo",
        "--tickets",
        "40",
        "--seed",
        "3",
        "--rate",
        "0",
        "--no-console",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "agentdesk", "--data-dir", str(d), "sync"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        settings = make_settings(d, tickets=40, seed=3)
        with Store.open_dir(d) as s:
            tid = s.one("SELECT id FROM tickets LIMIT 1")[0]
            actions.set_status(s, actions.ActionContext.from_settings(settings), [tid], "on_hold")
            deadline = time.monotonic() + 30
            while s.one("SELECT state FROM outbox")[0] != "sent":
                assert time.monotonic() < deadline, "the daemon did not deliver the op"
                time.sleep(0.1)
        assert not EngineLock(d).acquire(), "the daemon holds the engine lock"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    lock = EngineLock(d)
    assert lock.acquire(), "the lock is released on exit"
    lock.release()


def test_each_command_is_loaded_from_its_module_and_the_console_alone_up_front():
    """`agentdesk` (the console) imports only its own command module; every other command's
    module is imported when the command is asked for, and the table says which."""
    import importlib
    import pkgutil

    import agentdesk.cli
    from agentdesk.cli.main import main as group

    for info in pkgutil.iter_modules(agentdesk.cli.__path__):
        importlib.import_module(f"agentdesk.cli.{info.name}")
    for name, command in group.commands.items():
        module = command.callback.__module__.rsplit(".", 1)[1]
        if module == "console_commands":
            assert name not in group.lazy_commands
        else:
            assert group.lazy_commands.get(name) == module, name
    assert set(group.lazy_commands) <= set(group.commands)
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, agentdesk.cli.main;"
            " print(' '.join(sorted(m for m in sys.modules if m.endswith(('_commands', '_command')))))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert loaded == ["agentdesk.cli.console_commands", "agentdesk.cli.sync_commands"]
