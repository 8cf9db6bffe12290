"""kill -9 in the middle of a sync pass and of an outbox push: nothing lost, nothing twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from conftest import make_settings
from platform_double import FilePlatform, platform_actions

from agentdesk.store import actions
from agentdesk.store.db import Store

WORKER = Path(__file__).with_name("crash_worker.py")


def start(*args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(cond, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def counts(data_dir: Path) -> tuple:
    with Store.open_dir(data_dir) as s:
        return tuple(
            s.one(q)[0]
            for q in (
                "SELECT count(*) FROM tickets",
                "SELECT count(*) FROM messages",
                "SELECT count(*) FROM customers",
                "SELECT count(*) FROM orders",
                "SELECT count(*) FROM ticket_fts",
                "SELECT count(*) FROM events",
            )
        )


def test_kill_during_sync_pass_loses_and_duplicates_nothing(tmp_path):
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    subprocess.run(
        [sys.executable, str(WORKER), "demo-once", str(clean), "3000"], check=True, timeout=120
    )
    proc = start("demo-once", crashed, 3000)

    def some_tickets() -> bool:
        db = crashed / "agentdesk.db"
        if not db.exists():
            return False
        try:
            with Store.open_dir(crashed, readonly=True) as s:
                return s.one("SELECT count(*) FROM tickets")[0] > 0
        except Exception:
            return False

    wait_for(some_tickets)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = counts(crashed)[0]
    assert 0 < partial < 3000, "killed mid-pass"
    subprocess.run(
        [sys.executable, str(WORKER), "demo-once", str(crashed), "3000"], check=True, timeout=120
    )
    assert counts(crashed) == counts(clean)


def test_kill_during_push_delivers_exactly_once(tmp_path):
    data_dir = tmp_path / "data"
    platform = FilePlatform(tmp_path / "platform.json")
    platform.add_ticket("T1", "Where is my parcel", "It has been a week")
    subprocess.run(
        [sys.executable, str(WORKER), "push-once", str(data_dir), str(platform.path)],
        check=True,
        timeout=60,
    )
    settings = make_settings(data_dir)
    with Store.open_dir(data_dir) as s:
        tid = s.one("SELECT id FROM tickets WHERE remote_id = 'T1'")[0]
        actions.send_message(
            s, platform_actions(settings, "plat"), tid, "It is with the courier today."
        )
    platform.update(faults={"push": "sleep_after_send"})
    proc = start("push-forever", data_dir, platform.path)
    wait_for(lambda: len(platform.read()["deliveries"]) == 1)
    os.kill(proc.pid, signal.SIGKILL)  # the platform has it; our cache does not know yet
    proc.wait()
    with Store.open_dir(data_dir) as s:
        assert s.one("SELECT state FROM outbox")[0] == "sending"
    platform.update(faults={})
    subprocess.run(
        [sys.executable, str(WORKER), "push-once", str(data_dir), str(platform.path)],
        check=True,
        timeout=60,
    )
    with Store.open_dir(data_dir) as s:
        op = s.one("SELECT * FROM outbox")
        assert op["state"] == "sent"
        assert s.one("SELECT delivery FROM messages WHERE id = ?", (op["message_id"],))[0] == "sent"
    data = platform.read()
    assert len(data["deliveries"]) == 1, "never delivered twice"
    assert data["find_landed_calls"] == 1


def test_kill_during_rules_acts_on_each_new_ticket_exactly_once(tmp_path):
    data_dir = tmp_path / "data"
    platform = FilePlatform(tmp_path / "platform.json")
    platform.add_ticket("T0", "Before the rules", "There before they ran")
    subprocess.run(
        [sys.executable, str(WORKER), "rules-once", str(data_dir), str(platform.path)],
        check=True,
        timeout=60,
    )  # the first pass: rules start from here
    for round_ in range(4):
        for i in range(3):
            platform.add_ticket(f"T{round_}{i}x", f"New {round_}-{i}", "Hello")
        pulls = platform.read()["pulls"]
        proc = start("rules-forever", data_dir, platform.path)
        # Killed at a different point each round: before, during and after the rules act
        # and their notes are delivered.
        wait_for(lambda p=pulls: platform.read()["pulls"] > p, timeout=60)
        time.sleep((0.05, 0.3, 0.8, 1.5)[round_])
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    platform.update(faults={})
    for _ in range(3):
        subprocess.run(
            [sys.executable, str(WORKER), "rules-once", str(data_dir), str(platform.path)],
            check=True,
            timeout=60,
        )
    notes = [d for d in platform.read()["deliveries"] if "Seen by the rule." in json.dumps(d)]
    per_ticket = Counter(d.get("ticket") for d in notes)
    assert sorted(per_ticket) == sorted(f"T{r}{i}x" for r in range(4) for i in range(3))
    assert set(per_ticket.values()) == {1}, "each new ticket noted exactly once"
    with Store.open_dir(data_dir) as s:
        assert s.one("SELECT count(*) FROM rule_firings")[0] == 12
        assert s.one("SELECT count(*) FROM outbox WHERE state != 'sent'")[0] == 0
