"""Command line: console (default), demo, serve, sync, monitor, search, stats, report, doctor,
login, bench, salvage, rebuild, rules.

Every expected failure ends in one clear line on stderr: exit 2 for configuration and
usage problems (a bad key, a missing secret), 1 for a cache or runtime problem.
"""

from __future__ import annotations

# The console's module adds its commands (console, demo, monitor) now: the console is what
# runs when no command is named, and its first paint should not wait for the others.
from agentdesk.cli import console_commands  # noqa: F401
from agentdesk.cli.app import main

# Every other command, by the module that adds it to the group when imported (at its first
# use, or for --help). tests/test_cli.py checks this table against the modules.
main.lazy_commands.update(
    {
        "bench": "admin_commands",
        "doctor": "admin_commands",
        "login": "admin_commands",
        "config": "config_commands",
        "report": "read_commands",
        "search": "read_commands",
        "stats": "read_commands",
        "rebuild": "repair_commands",
        "salvage": "repair_commands",
        "rules": "rules_commands",
        "serve": "serve_command",
        "sync": "sync_commands",
    }
)

__all__ = ["main"]

if __name__ == "__main__":
    main()
