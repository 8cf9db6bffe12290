"""What every fake platform on 127.0.0.1 has in common: a threaded HTTP server on a free
port that can go away and come back (cutting the connections clients keep alive, as a
real outage does), faults injected into the next matching request, before or after its
change is committed, and a record of every request."""

from __future__ import annotations

import re
import socket
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from servers.net import free_port, wait_for_port


@dataclass
class Fault:
    method: str
    pattern: re.Pattern
    status: int
    retry_after: int | None = None
    after_commit: bool = False  # the change is made, then the answer fails


class FakeHandler(BaseHTTPRequestHandler):
    """Dispatches every method to `serve(method, path, params, multi, raw)`."""

    fake: FakeServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

    def log_message(self, *args) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        self.fake.connections.add(self.connection)

    def finish(self) -> None:
        self.fake.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def do_GET(self) -> None:
        self._read("GET")

    def do_PUT(self) -> None:
        self._read("PUT")

    def do_POST(self) -> None:
        self._read("POST")

    def do_DELETE(self) -> None:
        self._read("DELETE")

    def _read(self, method: str) -> None:
        parts = urlsplit(self.path)
        path = self.normal_path(parts.path)
        multi = parse_qs(parts.query)
        params = {k: v[-1] for k, v in multi.items()}
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        self.fake.requests.append((method, path))
        self.fake.queries.append((path, params))
        self.serve(method, path, parts.query, params, multi, raw)

    def normal_path(self, path: str) -> str:
        """The path as the platform routes it (Zendesk takes `.json` or not alike)."""
        return path

    def serve(self, method, path, query, params, multi, raw) -> None:
        raise NotImplementedError

    def answer(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that went away
            super().handle_error(request, client_address)


class FakeServer:
    def __init__(self, handler: type[FakeHandler]) -> None:
        self.handler = handler  # the platform's own FakeHandler: its routes
        self.lock = threading.RLock()
        self.faults: list[Fault] = []
        self.violations: list[str] = []  # what the vendor's spec rejected
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request
        self.queries: list[tuple[str, dict]] = []  # (path, query parameters) of every request
        self.connections: set[socket.socket] = set()
        self.port = free_port()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        handler = type("Handler", (self.handler,), {"fake": self})
        self.server = _Server(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        wait_for_port(self.port)

    def stop(self) -> None:
        """The platform goes away: no new connection, and the open ones cut (a client's
        kept-alive connection must not outlive the server)."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        for sock in list(self.connections):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.connections.clear()

    def close(self) -> None:
        self.stop()

    def fail_next(self, method: str, path: str, status: int, retry_after: int | None = None,
                  after_commit: bool = False) -> None:  # fmt: skip
        self.faults.append(Fault(method, re.compile(path), status, retry_after, after_commit))

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The fault waiting for this request, if any (each answers one request)."""
        with self.lock:
            fault = next(
                (f for f in self.faults if f.method == method and f.pattern.search(path)), None
            )
            if fault is not None:
                self.faults.remove(fault)
            return fault
