"""Run in a process of its own (the language is chosen before the console's modules are
imported): the snapshot workspace's main screen, canned picker,
transfer dialog, help and monitor at 120x40, as text, one JSON object on stdout.

Used by tests/test_chinese_screens.py; `python tests/zh_screens.py DIR` by hand."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from agentdesk import i18n  # noqa: E402

# Before anything that makes labels at import time (conftest asks for English for itself).
i18n.use("zh_CN")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import make_settings  # noqa: E402
from snapshot_workspace import FROZEN, build, snapshot_settings  # noqa: E402
from ui_support import screen_text, wait_until  # noqa: E402

from agentdesk.ui.app import AgentDeskApp  # noqa: E402
from agentdesk.ui.monitor.app import MonitorApp  # noqa: E402

SIZE = (120, 40)


async def _settled(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: getattr(app.screen, "data", None) is not None)
    await wait_until(pilot, lambda: "在线" in str(app.screen.query_one("#status").render()))
    await pilot.pause(0.2)


async def _console(settings, keys: list[str]) -> str:
    app = AgentDeskApp(settings, clock=lambda: FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await _settled(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        return screen_text(app)


async def _monitor(settings) -> str:
    app = MonitorApp(settings, clock=lambda: FROZEN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.8)
        return screen_text(app)


async def main(data_dir: Path) -> dict[str, str]:
    settings = snapshot_settings(make_settings(data_dir))
    build(settings)
    return {
        "main": await _console(settings, ["j"]),
        "picker": await _console(settings, ["c", "t", "k"]),
        "transfer": await _console(settings, ["t", *"shouhou"]),
        "help": await _console(settings, ["question_mark"]),
        "monitor": await _monitor(settings),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(Path(sys.argv[1]))), ensure_ascii=False))
