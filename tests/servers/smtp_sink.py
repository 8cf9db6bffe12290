"""An SMTP server (aiosmtpd) that keeps every message it accepts as a file, for the tests.

Run as its own process so the fixture can stop it by PID like the other servers:
    python smtp_sink.py PORT OUTDIR [USER PASSWORD [starttls|tls CERT KEY]]
With USER and PASSWORD it offers AUTH (over plain text, fine on 127.0.0.1) and requires it;
with starttls it requires STARTTLS first, with tls it speaks TLS from the first byte.
Each message is OUTDIR/<n>.eml, with OUTDIR/<n>.json holding the envelope. While the file
OUTDIR/.stall exists, an accepted message's "250" is held back.
"""

from __future__ import annotations

import asyncio
import json
import signal
import ssl
import sys
import threading
import warnings
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Keep:
    def __init__(self, out: Path):
        self.out = out
        self.count = len(list(out.glob("*.eml")))  # a restarted sink keeps counting

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.count += 1
        base = self.out / f"{self.count:05d}"
        base.with_suffix(".eml.part").write_bytes(envelope.original_content)
        base.with_suffix(".json").write_text(
            json.dumps({"from": envelope.mail_from, "to": envelope.rcpt_tos})
        )
        base.with_suffix(".eml.part").rename(base.with_suffix(".eml"))
        # Armed (OUTDIR/.stall exists): the message is kept, the answer waits. A client
        # killed now is a client that never learnt its message was accepted.
        while (self.out / ".stall").exists():
            await asyncio.sleep(0.05)
        return "250 OK"


def main() -> None:
    port, out = int(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    kwargs = {}
    if len(sys.argv) > 4:
        user, password = sys.argv[3].encode(), sys.argv[4].encode()

        def check(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (
                auth_data.login == user and auth_data.password == password
            )
            return AuthResult(success=ok)

        kwargs = {"authenticator": check, "auth_require_tls": False, "auth_required": True}
        warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
    if len(sys.argv) > 7:
        mode, cert, key = sys.argv[5:8]
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        if mode == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        else:
            kwargs.update(ssl_context=context)
    controller = Controller(Keep(out), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
