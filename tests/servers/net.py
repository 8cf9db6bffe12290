"""Ports for test servers: a free one on 127.0.0.1, and a wait until something listens."""

from __future__ import annotations

import socket
import time

_GIVEN: set[int] = set()


def free_port() -> int:
    """A port nothing listens on, never the same twice in one test run (two servers asking
    in a row could otherwise be told the same port, as the probe socket is closed)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _GIVEN:
            _GIVEN.add(port)
            return port


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")
