"""Command line: console (default), demo, serve, sync, monitor, search, stats, report, doctor,
login, bench, salvage, rebuild, rules.

Every expected failure ends in one clear line on stderr: exit 2 for configuration and
usage problems (a bad key, a missing secret), 1 for a cache or runtime problem.
"""

from __future__ import annotations

# Each module adds its commands to the group when imported.
from agentdesk.cli import (  # noqa: F401
    admin_commands,
    config_commands,
    console_commands,
    read_commands,
    repair_commands,
    rules_commands,
    serve_command,
    sync_commands,
)
from agentdesk.cli.app import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
