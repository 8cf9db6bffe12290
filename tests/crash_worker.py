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


def with_a_rule(settings):
    """The platform double as a configured connector, and one rule that notes every new
    ticket (nothing else automated), for test_crash.py's rules case."""
    import dataclasses

    from agentdesk.config.settings import ConnectorSettings
    from agentdesk.ops import ALL_KINDS
    from agentdesk.rules.bot import BotSettings
    from agentdesk.rules.model import parse_rules

    plat = ConnectorSettings(
        "demo", "plat", False, None, {}, 0, platform="the test platform", ops=ALL_KINDS
    )
    rule = {"name": "Acknowledge", "trigger": "created", "note": "Seen by the rule."}
    return dataclasses.replace(
        settings,
        connectors=(plat,),
        rules=parse_rules([rule]),
        team_assignment=(),
        bot=BotSettings(),
    )


def main() -> None:
    mode, data_dir = sys.argv[1], Path(sys.argv[2])
    if mode == "demo-once":
        run_once(make_settings(data_dir, tickets=int(sys.argv[3]), seed=5))
        return
    platform = FilePlatform(Path(sys.argv[3]))
    settings = make_settings(data_dir)
    if mode.startswith("rules-"):
        settings = with_a_rule(settings)
    with Store.open_dir(data_dir) as store:
        connector = PlatformConnector(platform_context("plat", data_dir), platform)
        engine = SyncEngine(settings, store, [connector])
        if mode in ("push-forever", "rules-forever"):
            asyncio.run(engine.run())
        else:
            asyncio.run(engine.run_once())


if __name__ == "__main__":
    main()
