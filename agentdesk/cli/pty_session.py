"""Run a command in a pseudo-terminal and read what it writes, as a terminal would receive
it: for `agentdesk bench` (bytes and latency per key) and the end-to-end escape tests."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class PtySession:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 120,
        rows: int = 40,
        env: dict[str, str] | None = None,
    ):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(cols),
            "LINES": str(rows),
        }
        full_env.update(env or {})
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.fd = master
        self.output = bytearray()

    def _read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            return os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            return b""

    def read_until(self, done: Callable[[bytes], bool], timeout: float = 20.0) -> bytes:
        """Read until `done(everything read so far)` holds; raises TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while not done(bytes(self.output)):
            if time.monotonic() > deadline or self.proc.poll() is not None and not self._pending():
                raise TimeoutError("the expected output did not arrive")
            self.output += self._read(0.05)
        return bytes(self.output)

    def _pending(self) -> bool:
        ready, _, _ = select.select([self.fd], [], [], 0)
        return bool(ready)

    def read_burst(self, quiet: float = 0.1, timeout: float = 5.0) -> tuple[bytes, float]:
        """What arrives until the output goes quiet; and when its last byte came (seconds
        after the call), which is the latency of a key press sent just before."""
        start = time.monotonic()
        burst = bytearray()
        last = start
        while time.monotonic() - start < timeout:
            chunk = self._read(quiet if burst else timeout)
            if not chunk:
                break
            burst += chunk
            last = time.monotonic()
        self.output += burst
        return bytes(burst), last - start

    def read_for(self, seconds: float) -> bytes:
        """Everything that arrives in the next `seconds`, however quiet the output is."""
        deadline = time.monotonic() + seconds
        got = bytearray()
        while (left := deadline - time.monotonic()) > 0:
            got += self._read(left)
        self.output += got
        return bytes(got)

    def cpu_seconds(self) -> float | None:
        """The program's CPU time so far (user and system), from /proc; None elsewhere."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # utime and stime are the 14th and 15th fields; [0] here is the 3rd (the state).
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def close(self, quit_keys: bytes = b"q", timeout: float = 10.0) -> int | None:
        """Ask the program to quit with its own key, then make sure it is gone (by PID)."""
        try:
            if self.proc.poll() is None:
                self.send(quit_keys)
                deadline = time.monotonic() + timeout
                while self.proc.poll() is None and time.monotonic() < deadline:
                    self.output += self._read(0.05)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            os.close(self.fd)
        return self.proc.returncode


_QUIET_CONFIG = '[[connectors]]\ntype = "demo"\nname = "demo"\nenabled = false\n'


@contextmanager
def quiet_console(data_dir: Path, cols: int = 120, rows: int = 40) -> Iterator[PtySession]:
    """The console on `data_dir` with sync switched off (the cache as it is), in a pty;
    asked to quit and stopped by PID at the end."""
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "config.toml"
        cfg.write_text(_QUIET_CONFIG)
        argv = [
            sys.executable,
            "-m",
            "agentdesk",
            "--config",
            str(cfg),
            "--data-dir",
            str(data_dir),
        ]
        session = PtySession(
            argv, cols=cols, rows=rows, env={"AGENTDESK_CONFIG": "", "AGENTDESK_DATA_DIR": ""}
        )
        try:
            yield session
        finally:
            session.close()
