"""The command line: the console, the demo, sync, monitor, search, stats, report, doctor,
login, bench, config init, salvage and rebuild."""

from __future__ import annotations

import sys


def main() -> None:
    from agentdesk import startup_gc

    startup_gc.hold()
    # The language first: key hints, column titles and click's help texts are made when
    # their modules are imported.
    from agentdesk.cli.language import choose

    choose(sys.argv[1:])
    from agentdesk.cli.main import main as commands

    commands()


__all__ = ["main"]
