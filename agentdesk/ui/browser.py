"""The console in a browser: textual-serve starts `command` for every browser session and
relays its screen and keys over a websocket (`agentdesk serve`, cli/serve_command.py)."""

from __future__ import annotations

from textual_serve.server import Server


def serve_sessions(command: str, host: str, port: int, public_url: str | None) -> None:
    """Serve until interrupted (SIGINT, SIGTERM)."""
    Server(command, host=host, port=port, title="agentdesk", public_url=public_url).serve()
