"""The command line: the console, the demo, sync, monitor, search, stats, report, doctor,
login and bench."""

from agentdesk.cli.main import main

__all__ = ["main"]
