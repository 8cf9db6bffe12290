"""The SMTP sink as a process on a free 127.0.0.1 port, stopped by its PID."""

from __future__ import annotations

import email
import subprocess
import sys
from dataclasses import dataclass
from email.message import Message
from email.policy import default
from pathlib import Path

from servers.net import free_port, wait_for_port


@dataclass
class SmtpSink:
    port: int
    out: Path
    proc: subprocess.Popen
    args: list[str] | None = None

    def messages(self) -> list[Message]:
        return [
            email.message_from_bytes(p.read_bytes(), policy=default)
            for p in sorted(self.out.glob("*.eml"))
        ]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def stall(self, on: bool = True) -> None:
        """Keep each accepted message but hold back the server's answer (see smtp_sink)."""
        flag = self.out / ".stall"
        if on:
            flag.touch()
        else:
            flag.unlink(missing_ok=True)

    def restart(self) -> None:
        """Start again on the same port with the messages kept (after stop())."""
        self.proc = subprocess.Popen(self.args)
        wait_for_port(self.port)


def start(
    out: Path,
    user: str | None = None,
    password: str | None = None,
    tls: tuple[str, Path, Path] | None = None,
) -> SmtpSink:
    """`tls`: ("starttls" or "tls", cert, key)."""
    port = free_port()
    args = [sys.executable, str(Path(__file__).with_name("smtp_sink.py")), str(port), str(out)]
    if user and password:
        args += [user, password]
        if tls:
            args += [tls[0], str(tls[1]), str(tls[2])]
    proc = subprocess.Popen(args)
    wait_for_port(port)
    return SmtpSink(port, out, proc, args)
