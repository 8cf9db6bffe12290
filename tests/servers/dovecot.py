"""A real Dovecot IMAP server on a free 127.0.0.1 port, with its own config in a temp dir.

Mail processes run as `nobody` when the tests run as root (Dovecot refuses root for
them, rightly); the mail folder is chowned to that user. Stopped by its PID.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from servers.net import free_port, wait_for_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


@dataclass
class Dovecot:
    root: Path
    port: int
    pid: int
    user: str
    password: str
    tls_port: int | None = None  # implicit TLS (imaps), when started with a certificate

    def maildir(self) -> Path:
        return self.root / "mail" / self.user / "Maildir"

    def halt(self) -> None:
        """Stop the server and keep its mail (restart() brings it back on the same port).
        Its processes go too: an imap process left serving an open connection would make
        the server seem up to the client holding it."""
        for child in _children(self.pid):
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.kill(self.pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                os.kill(self.pid, 0)
                time.sleep(0.02)
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def restart(self) -> None:
        (self.root / "run" / "master.pid").unlink(missing_ok=True)
        self.pid = _run(self.root, self.port, self.tls_port)

    def stop(self) -> None:
        """Stop for good and remove its files."""
        self.halt()
        shutil.rmtree(self.root, ignore_errors=True)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:  # the field after the state is the parent's pid
            out.append(int(stat.parent.name))
    return out


def available() -> bool:
    return os.path.exists(DOVECOT)


def start(
    user: str = "support@shop.example",
    password: str = "mail-secret",
    tls: tuple[Path, Path] | None = None,
) -> Dovecot:
    """With `tls` (cert, key): STARTTLS on the plain port and implicit TLS on `tls_port`."""
    # Not under pytest's tmp dir: that is 0700 to root, and `nobody` must reach the mail.
    root = Path(tempfile.mkdtemp(prefix="agentdesk-dovecot-"))
    root.chmod(0o755)
    port = free_port()
    tls_port = free_port() if tls else None
    if tls:
        ssl_conf = f"ssl = yes\nssl_cert = <{tls[0]}\nssl_key = <{tls[1]}"
        imaps = f"address = 127.0.0.1\n    port = {tls_port}\n    ssl = yes"
    else:
        ssl_conf, imaps = "ssl = no", "port = 0"
    if os.geteuid() == 0:
        mail_user = pwd.getpwnam("nobody")
        login_user, internal_user = "dovenull", "dovecot"
    else:
        mail_user = pwd.getpwuid(os.geteuid())
        login_user = internal_user = mail_user.pw_name
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    (root / "mail").chmod(0o755)
    os.chown(root / "mail", mail_user.pw_uid, mail_user.pw_gid)
    (root / "passwd").write_text(f"{user}:{{PLAIN}}{password}\n")
    (root / "dovecot.conf").write_text(
        f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl_conf}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 0
mail_location = maildir:{root}/mail/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    {imaps}
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""
    )
    return Dovecot(root, port, _run(root, port, tls_port), user, password, tls_port)


def _run(root: Path, port: int, tls_port: int | None) -> int:
    """Start Dovecot on its config; returns the master's PID once it listens."""
    subprocess.run([DOVECOT, "-c", str(root / "dovecot.conf")], check=True)
    wait_for_port(port)
    if tls_port:
        wait_for_port(tls_port)
    pid_file = root / "run" / "master.pid"
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text().strip():
        if time.monotonic() > deadline:
            raise TimeoutError("Dovecot wrote no master.pid")
        time.sleep(0.02)
    return int(pid_file.read_text().strip())
