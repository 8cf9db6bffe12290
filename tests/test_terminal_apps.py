"""The full-screen apps need a terminal and say so; a crash inside one exits non-zero."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from cli_support import clean_env

from agentdesk.cli.pty_session import PtySession


@pytest.mark.parametrize("args", [("console",), ("monitor",), ("demo",)])
def test_without_a_terminal_they_refuse_in_one_line(filled, args):
    r = subprocess.run(
        [sys.executable, "-m", "agentdesk", "--data-dir", str(filled.data_dir), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=clean_env(),
        timeout=120,
    )
    assert r.returncode == 1
    assert r.stdout == "", "no escape codes poured into a pipe"
    assert "needs a terminal" in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["console", "monitor"])
def test_a_crash_inside_the_app_exits_non_zero(filled, command):
    """The app's first screen raises (as a bug would): the process's exit status says so."""
    script = textwrap.dedent(
        f"""
        import sys
        from agentdesk.ui.app import AgentDeskApp
        from agentdesk.ui.monitor.app import MonitorApp
        def broken(self):
            raise RuntimeError("a bug")
        AgentDeskApp.on_mount = broken
        MonitorApp.on_mount = broken
        from agentdesk.cli import main
        sys.argv = ["agentdesk", "--data-dir", {str(filled.data_dir)!r}, {command!r}]
        main()
        """
    )
    session = PtySession([sys.executable, "-c", script], env=clean_env())
    try:
        session.read_until(lambda b: b"a bug" in b, timeout=60)
        assert session.proc.wait(timeout=30) == 1
    finally:
        session.close()
