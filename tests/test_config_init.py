"""`agentdesk config init`: the example config, where agentdesk will read it, never over a
file that is there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli_support import clean_env

from agentdesk.config.settings import load_settings

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"


def agentdesk(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "agentdesk", *args],
        capture_output=True,
        text=True,
        env=clean_env(**env),
        timeout=60,
    )


def test_init_writes_the_example_to_the_config_path(tmp_path):
    home = tmp_path / "home"
    r = agentdesk("config", "init", XDG_CONFIG_HOME=str(home))
    assert r.returncode == 0, r.stderr
    written = home / "agentdesk" / "config.toml"
    assert str(written) in r.stdout and "agentdesk login" in r.stdout
    assert written.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")
    assert "config init" in written.read_text(encoding="utf-8")  # its header says how it came
    assert os.stat(written).st_mode & 0o777 == 0o600
    # What it wrote is a config agentdesk reads as it is.
    settings = load_settings(written, tmp_path / "data", environ={})
    assert settings.agent.name and settings.connectors


def test_init_follows_config_and_the_environment(tmp_path):
    flag = tmp_path / "a" / "b" / "flag.toml"
    assert agentdesk("--config", str(flag), "config", "init").returncode == 0
    assert flag.exists()
    env_path = tmp_path / "env.toml"
    assert agentdesk("config", "init", AGENTDESK_CONFIG=str(env_path)).returncode == 0
    assert env_path.exists()


def test_init_never_overwrites(tmp_path):
    mine = tmp_path / "config.toml"
    mine.write_text('[agent]\nname = "Mine"\n')
    r = agentdesk("--config", str(mine), "config", "init")
    assert r.returncode == 2 and "already there" in r.stderr and str(mine) in r.stderr
    assert mine.read_text() == '[agent]\nname = "Mine"\n'
    # Not through a link either, even one that leads nowhere yet.
    link = tmp_path / "link.toml"
    link.symlink_to(tmp_path / "elsewhere.toml")
    r = agentdesk("--config", str(link), "config", "init")
    assert r.returncode == 2 and not (tmp_path / "elsewhere.toml").exists()


def test_init_says_why_it_cannot_write(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    r = agentdesk("--config", str(blocked / "config.toml"), "config", "init")
    assert r.returncode == 1 and str(blocked) in r.stderr and "Traceback" not in r.stderr
