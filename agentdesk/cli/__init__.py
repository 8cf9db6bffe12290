"""The command line: the console, the demo, sync, monitor, search, stats, report, doctor,
login, bench, config init, salvage and rebuild."""

from agentdesk.cli.main import main

__all__ = ["main"]
