"""Run by test_crash.py in a child process that the test kills with SIGKILL."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from conftest import make_settings  # noqa: E402
from platform_double import FilePlatform, PlatformConnector, platform_context  # noqa: E402

from agentdesk.store.db import Store  # noqa: E402
from agentdesk.sync.engine import SyncEngine  # noqa: E402
from agentdesk.sync.runner import run_once  # noqa: E402


def main() -> None:
    mode, data_dir = sys.argv[1], Path(sys.argv[2])
    if mode == "demo-once":
        run_once(make_settings(data_dir, tickets=int(sys.argv[3]), seed=5))
        return
    platform = FilePlatform(Path(sys.argv[3]))
    settings = make_settings(data_dir)
    with Store.open_dir(data_dir) as store:
        connector = PlatformConnector(platform_context("plat", data_dir), platform)
        engine = SyncEngine(settings, store, [connector])
        if mode == "push-forever":
            asyncio.run(engine.run())
        else:
            asyncio.run(engine.run_once())


if __name__ == "__main__":
    main()
