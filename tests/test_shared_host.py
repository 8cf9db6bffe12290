"""The shared host: one `agentdesk sync` daemon, three agents' consoles (each its own
process, in a terminal) and a supervisor's monitor, all on one cache."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from cli_support import clean_env
from ui_support import screen_text, wait_until

from agentdesk.cli.pty_session import PtySession
from agentdesk.config.settings import load_settings
from agentdesk.store.db import Store
from agentdesk.sync.lock import EngineLock
from agentdesk.ui.monitor.app import MonitorApp
from agentdesk.ui.monitor.wallboard_screen import WallboardScreen

AGENTS = [
    ("林晓雯 Lin Xiaowen", "lin@shop.example"),
    ("Emma Walsh", "emma@shop.example"),
    ("王磊 Wang Lei", "wang@shop.example"),
]
SHOP = """
[[connectors]]
type = "demo"
name = "demo"
seed = 5
tickets = 150
rate = 0.0
reply_delay = "1h"
"""


def config(root: Path, name: str, email: str) -> Path:
    path = root / f"{email.split('@')[0]}.toml"
    path.write_text(f'[agent]\nname = "{name}"\nemail = "{email}"\n' + SHOP, encoding="utf-8")
    return path


def agentdesk(cfg: Path, data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "agentdesk", "--config", str(cfg), "--data-dir", str(data), *args]


def _until(cond, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


async def test_one_daemon_three_consoles_and_a_monitor(tmp_path):
    data = tmp_path / "shared"
    daemon_cfg = config(tmp_path, "Sync Daemon", "sync@shop.example")
    subprocess.run(
        agentdesk(daemon_cfg, data, "sync", "--once"), check=True, env=clean_env(), timeout=120
    )
    emails = [email for _name, email in AGENTS]
    with Store.open_dir(data, readonly=True) as s:
        known = {r[0] for r in s.query("SELECT email FROM agents")}
    assert set(emails) <= known, "the demo shop's colleagues are the three agents"

    daemon = subprocess.Popen(
        agentdesk(daemon_cfg, data, "sync"),
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    consoles: list[PtySession] = []
    try:
        lock = EngineLock(data)
        await asyncio.to_thread(
            lambda: _until(lambda: lock.holder_pid() == daemon.pid, "the daemon holds the lock")
        )
        for name, email in AGENTS:
            consoles.append(
                PtySession(agentdesk(config(tmp_path, name, email), data), env=clean_env())
            )
        for c in consoles:
            await asyncio.to_thread(c.read_until, lambda out: b"daemon" in out, 60)

        settings = load_settings(config(tmp_path, "Sue Supervisor", "sue@shop.example"), data)
        monitor = MonitorApp(settings)
        async with monitor.run_test(size=(160, 50)) as pilot:
            await wait_until(
                pilot,
                lambda: isinstance(monitor.screen, WallboardScreen) and monitor.screen.board,
                timeout=30,
                what="the wallboard",
            )

            def online() -> set[str]:
                board = monitor.screen.board
                return {a.name for a in board.agents if a.presence == "online" and a.viewing}

            # Each agent opens a different ticket of "All open" and replies to it.
            for i, c in enumerate(consoles):
                c.send(b"3" + b"j" * (2 * i + 1))
            names = {name for name, _email in AGENTS}
            await wait_until(
                pilot, lambda: names <= online(), timeout=30, what="presence and open tickets"
            )
            for i, c in enumerate(consoles):
                await asyncio.sleep(0.3)
                c.send(b"r")
                await asyncio.sleep(0.5)
                c.send(f"Reply {i} from console {i}".encode())
                await asyncio.sleep(0.3)
                c.send(b"\x13")  # ctrl+s

            def sent() -> list:
                with Store.open_dir(data, readonly=True) as s:
                    return s.query("SELECT uuid, agent_key, state FROM outbox ORDER BY id")

            await wait_until(
                pilot,
                lambda: len(sent()) == 3 and all(r["state"] == "sent" for r in sent()),
                timeout=60,
                what="three replies delivered by the daemon",
            )
            assert sorted(r["agent_key"] for r in sent()) == sorted(emails)
            await wait_until(
                pilot,
                lambda: (
                    sum(a.handled_today for a in monitor.screen.board.agents if a.name in names)
                    >= 3
                ),
                timeout=30,
                what="the monitor counting the replies",
            )
            for name, _email in AGENTS:
                assert name.split(" ")[0] in screen_text(monitor)
    finally:
        for c in consoles:
            c.close()
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(20)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()

    assert daemon.returncode == 0, daemon.stderr.read().decode()[-2000:]
    shop = json.loads((data / "connectors" / "demo" / "shop.json").read_text())
    uuids = [r["uuid"] for r in sent()]
    assert all(u in shop["applied"] for u in uuids), "each op reached the platform"
    with Store.open_dir(data, readonly=True) as s:
        for u in uuids:
            assert s.one("SELECT count(*) FROM messages WHERE op_uuid = ?", (u,))[0] == 1
        gone = s.query(
            "SELECT email, presence, viewing_ticket_id FROM agents WHERE email IN (?, ?, ?)",
            tuple(emails),
        )
    assert {(r[0], r[1], r[2]) for r in gone} == {(e, "offline", None) for e in emails}
