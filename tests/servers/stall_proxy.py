"""A TCP proxy on 127.0.0.1 that can hold back a server's answers: what reaches the server
is processed (and committed) there, what comes back waits until released. With it a test
kills a client right after a platform accepted a request, before the client heard so.

Only the answers on a connection that carried a request with the armed pattern in it (say
b"/correspond") are held: logins and reads go on as usual."""

from __future__ import annotations

import asyncio
import contextlib
import threading

from servers.net import free_port, wait_for_port


class StallProxy:
    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._released: asyncio.Event | None = None
        self._pattern: bytes | None = None
        self._server: asyncio.AbstractServer | None = None
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(10)
        wait_for_port(self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._released = asyncio.Event()
        self._released.set()
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        ready.set()
        self._loop.run_forever()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter):
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.close()
            return

        marked = False  # this connection carried a request with the armed pattern

        async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter, answers: bool) -> None:
            nonlocal marked
            with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                while chunk := await r.read(65536):
                    if not answers and self._pattern and self._pattern in chunk:
                        marked = True
                    if answers and marked:
                        await self._released.wait()
                    w.write(chunk)
                    await w.drain()
            with contextlib.suppress(OSError):
                w.close()

        await asyncio.gather(pipe(client_r, server_w, False), pipe(server_r, client_w, True))

    def stall(self, on: bool = True, pattern: bytes = b"") -> None:
        """Hold the answers to requests carrying `pattern` from now (on), or release (off)."""

        def arm() -> None:
            if on:
                self._pattern = pattern
                self._released.clear()
            else:
                self._pattern = None
                self._released.set()

        self._loop.call_soon_threadsafe(arm)

    def close(self) -> None:
        def shut() -> None:
            self._released.set()
            self._server.close()
            self._loop.stop()

        self._loop.call_soon_threadsafe(shut)
        self._thread.join(10)
