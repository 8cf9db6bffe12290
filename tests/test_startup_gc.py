"""The cycle collector's start-up thresholds: held while a command starts, put back (and the
start-up objects frozen) after the console's first paint or before any other command runs."""

from __future__ import annotations

import gc
import subprocess
import sys

from cli_support import clean_env
from ui_support import ready, wait_until

from agentdesk import startup_gc
from agentdesk.ui.app import AgentDeskApp

_REPORT = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print('threshold', gc.get_threshold(),"
    " 'frozen', gc.get_freeze_count() > 0))\n"
    "sys.argv = ['agentdesk', *sys.argv[1:]]\n"
    "from agentdesk.cli import main\n"
    "main()\n"
)


def run_cli(*args: str) -> str:
    r = subprocess.run(
        [sys.executable, "-c", _REPORT, *args],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.strip().splitlines()[-1]


def test_hold_and_release_put_the_thresholds_back_once():
    before = gc.get_threshold()
    try:
        startup_gc.hold()
        startup_gc.hold()  # a second hold must not take the held thresholds as the usual
        assert gc.get_threshold()[0] >= 100_000
        startup_gc.release()
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() > 0
        startup_gc.release()
        assert gc.get_threshold() == before
    finally:
        startup_gc.release()
        gc.unfreeze()


def test_a_one_shot_command_keeps_the_start_up_pace_and_the_daemon_does_not(settings, store):
    default = str(gc.get_threshold())
    out = run_cli("--data-dir", str(settings.data_dir), "stats", "--json")
    assert out == "threshold (100000, 10, 10) frozen False"
    out = run_cli("--data-dir", str(settings.data_dir), "sync", "--help")
    assert out == f"threshold {default} frozen True"


async def test_the_console_releases_after_its_first_paint(filled):
    before = gc.get_threshold()
    startup_gc.hold()
    try:
        app = AgentDeskApp(filled)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot, app)
            await wait_until(pilot, lambda: gc.get_threshold() == before, what="release")
            assert gc.get_freeze_count() > 0
    finally:
        startup_gc.release()
        gc.unfreeze()
