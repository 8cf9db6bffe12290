"""The package as users install it: a wheel, in a fresh virtual environment outside the
source tree, run from another directory. It must carry its stylesheets, themes and
connector packages: the console and the monitor start, their CSS and themes load."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

# Run by the installed interpreter with -I (no current directory, no PYTHONPATH, no user
# site), so the only agentdesk it can import is the wheel's.
_HEADLESS = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path

    import agentdesk
    from agentdesk.config.settings import load_settings
    from agentdesk.ui.app import AgentDeskApp
    from agentdesk.ui.monitor.app import MonitorApp

    assert "site-packages" in agentdesk.__file__, agentdesk.__file__
    data = Path(sys.argv[1])
    settings = load_settings(None, data, environ={})

    async def main():
        for app in (AgentDeskApp(settings), MonitorApp(settings)):
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause(0.5)
                assert app.theme == "agentdesk-dark", app.theme
                assert {"agentdesk-light", "agentdesk-contrast"} <= set(app.available_themes)
                ours = [path for path, _ in app.stylesheet.source if path.endswith(".tcss")]
                assert ours and all("site-packages" in p and Path(p).is_file() for p in ours), ours
                selectors = {r.selectors for r in app.stylesheet.rules}
                assert "#views" in selectors, "the console's own rules did not load"
                if isinstance(app, MonitorApp):
                    assert "#wall" in selectors, "the monitor's own rules did not load"
                print(type(app).__name__, "ok", app.theme, len(ours), "stylesheets")
                await pilot.press("q")

    asyncio.run(main())
    """
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of what a release holds, so nothing left in the working tree (a
    # stale build/ from another build, a file git does not track) can slip into the wheel.
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(
        ROOT / "agentdesk", source / "agentdesk", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        check=True,
        timeout=600,
    )
    [whl] = out.glob("agentdesk-*.whl")
    return whl


def test_the_wheel_carries_stylesheets_themes_and_every_connector_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "agentdesk/ui/app.tcss",
        "agentdesk/ui/monitor/monitor.tcss",
        "agentdesk/ui/themes/agentdesk-dark.toml",
        "agentdesk/ui/themes/agentdesk-light.toml",
        "agentdesk/ui/themes/agentdesk-contrast.toml",
        "agentdesk/connectors/demo/__init__.py",
        "agentdesk/connectors/email/__init__.py",
        "agentdesk/connectors/rt/__init__.py",
        "agentdesk/connectors/zendesk/__init__.py",
        "agentdesk/connectors/http/client.py",
        "agentdesk/store/__init__.py",
        "agentdesk/config/example.toml",
        "agentdesk/locale/zh_CN/LC_MESSAGES/agentdesk.mo",
    ):
        assert needed in names, f"the wheel leaves out {needed}"


def test_installed_wheel_runs_the_demo_the_console_and_the_monitor(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=900
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AGENTDESK_", "PYTHON", "VIRTUAL", "LC_", "LANGUAGE"))
    }
    env.update(HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "home" / "config"))
    env["LANG"] = "C.UTF-8"  # English, whatever this machine's locale

    def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            args, cwd=elsewhere, env=env, capture_output=True, text=True, timeout=timeout
        )

    agentdesk = str(env_dir / "bin" / "agentdesk")
    version = run(agentdesk, "--version")
    assert version.returncode == 0 and "agentdesk, version" in version.stdout, version.stderr
    starter = tmp_path / "starter.toml"
    init = run(agentdesk, "--config", str(starter), "config", "init")
    assert init.returncode == 0 and "[[connectors]]" in starter.read_text(), init.stderr
    data = tmp_path / "data"
    demo = run(agentdesk, "--data-dir", str(data), "demo", "--tickets", "60", "--no-console")
    assert demo.returncode == 0, demo.stderr
    assert "60 tickets" in demo.stdout
    # The catalogue comes with the wheel: the same command in Chinese.
    chinese = run(agentdesk, "--lang", "zh_CN", "--data-dir", str(data), "stats")
    assert chinese.returncode == 0 and "个工单" in chinese.stdout, chinese.stdout + chinese.stderr
    script = elsewhere / "headless.py"
    script.write_text(_HEADLESS)
    started = run(str(python), "-I", str(script), str(data))
    assert started.returncode == 0, started.stdout + started.stderr
    assert "AgentDeskApp ok agentdesk-dark" in started.stdout
    assert "MonitorApp ok agentdesk-dark" in started.stdout
