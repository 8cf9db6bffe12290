"""The README's shared host, for real: its set-up commands and its sshd_config blocks, run
as written (names and paths put in), a sync daemon as its own user, and people logging in
over SSH with `ssh -tt` and a key. Two agents land in their consoles, one replies, the
supervisor lands in the monitor and follows her, and a dropped connection keeps the draft.

Needs root (users, groups, sshd), Debian's openssh-server and a system Python of the same
minor version as the tests' (the agents' accounts cannot read a Python under /root).
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

import agentdesk
from agentdesk.cli.pty_session import PtySession
from agentdesk.config.settings import load_settings
from agentdesk.store.db import Store
from agentdesk.store.wallboard import read_wallboard

SSHD = "/usr/sbin/sshd"
SYSTEM_PYTHON = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
README = Path(__file__).resolve().parent.parent / "README.md"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root"),
    pytest.mark.skipif(not os.access(SSHD, os.X_OK), reason="needs openssh-server"),
    pytest.mark.skipif(shutil.which("ssh") is None, reason="needs an ssh client"),
    pytest.mark.skipif(not Path(SYSTEM_PYTHON).exists(), reason=f"needs {SYSTEM_PYTHON}"),
]

ANN_NAME, ANN_EMAIL = "Ann Agent", "ann@shop.example"
REPLY = "Parcel-ships-today-4711"
DRAFT = "Draft-kept-8123"


def readme_block(lang: str, containing: str) -> str:
    blocks = re.findall(r"```(\w+)\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return next(body for kind, body in blocks if kind == lang and containing in body)


def put_in(text: str, names: dict[str, str]) -> str:
    """The README's words with this test's names and paths put in (whole words only)."""
    for word, value in names.items():
        text = re.sub(rf"(?<![\w/.-]){re.escape(word)}(?![\w-])", value, text)
    return text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The administrator's commands (useradd, runuser, sshd) live in sbin, which a root shell
# has on its PATH and a test process may not.
ADMIN_ENV = {**os.environ, "PATH": "/usr/local/sbin:/usr/sbin:/sbin:" + os.environ["PATH"]}


def run(*argv: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, check=True, capture_output=True, text=True, timeout=60, env=ADMIN_ENV, **kw
    )


def install_for_everyone(base: Path) -> Path:
    """agentdesk and its libraries where every account can read them, run by the system's
    Python: what `pip install` into /usr/local would give, without touching /usr/local."""
    site = base / "site"
    shutil.copytree(
        sysconfig.get_paths()["purelib"],
        site,
        ignore=shutil.ignore_patterns("__pycache__", "*.pth", "__editable__*", "agentdesk*"),
    )
    shutil.copytree(Path(agentdesk.__file__).parent, site / "agentdesk")
    wrapper = base / "bin" / "agentdesk"
    wrapper.parent.mkdir()
    wrapper.write_text(
        "#!/bin/sh\n"
        f'exec {SYSTEM_PYTHON} -I -c \'import site, sys; site.addsitedir("{site}");'
        ' sys.argv[0] = "agentdesk"; from agentdesk.cli import main; main()\' "$@"\n'
    )
    wrapper.chmod(0o755)
    return wrapper


def connector_config(agent_name: str, agent_email: str) -> str:
    # The customers' answers wait a day, so nothing moves the agents' inboxes meanwhile.
    return (
        f'[agent]\nname = "{agent_name}"\nemail = "{agent_email}"\n\n'
        '[[connectors]]\ntype = "demo"\nname = "demo"\ntickets = 60\nseed = 4\nrate = 0\n'
        'reply_delay = "1d"\n'
    )


class Host:
    """A throwaway shared host: accounts, a data dir, a sync daemon and an sshd."""

    def __init__(self) -> None:
        tag = secrets.token_hex(2)
        self.group = f"ads{tag}"
        self.daemon, self.ann, self.bob, self.sue = (
            f"ad{tag}{who}" for who in ("sync", "ann", "bob", "sue")
        )
        self.base = Path(tempfile.mkdtemp(prefix="agentdesk-host-", dir="/tmp"))
        self.base.chmod(0o755)
        self.srv = self.base / "srv"
        self.users: list[str] = []
        self.procs: list[subprocess.Popen] = []

    def names(self) -> dict[str, str]:
        return {
            "/usr/local/bin/agentdesk": str(self.base / "bin" / "agentdesk"),
            "/srv/agentdesk": str(self.srv),
            "agentdesk": self.daemon,
            "support": self.group,
            "ann": self.ann,
            "bob": self.bob,
            "sue": self.sue,
        }

    def add_people(self) -> None:
        for user in (self.ann, self.bob, self.sue):
            home = self.base / "home" / user
            # '*': no password, and not locked (sshd refuses a locked account a key login).
            run("useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/sh",
                "--password", "*", user)  # fmt: skip
            self.users.append(user)
            settings = home / ".config" / "agentdesk"
            settings.mkdir(parents=True)
            who = (ANN_NAME, ANN_EMAIL) if user == self.ann else (user, f"{user}@shop.example")
            (settings / "config.toml").write_text(connector_config(*who))
            run("chown", "-R", f"{user}:{user}", str(home))

    def set_up_as_the_readme_says(self) -> None:
        self.srv.parent.mkdir(exist_ok=True)
        script = put_in(readme_block("sh", "groupadd"), self.names())
        self.users.append(self.daemon)
        subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script], check=True, timeout=60, env=ADMIN_ENV
        )

    def start_daemon(self, wrapper: Path) -> None:
        etc = self.base / "etc"
        etc.mkdir()
        # The daemon's identity is Ann's: the demo shop lists its own user as "me".
        (etc / "config.toml").write_text(connector_config(ANN_NAME, ANN_EMAIL))
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": pwd.getpwnam(self.daemon).pw_dir,  # what systemd gives a service
            "AGENTDESK_CONFIG": str(etc / "config.toml"),
            "AGENTDESK_DATA_DIR": str(self.srv),
        }
        self.procs.append(
            subprocess.Popen(
                [
                    "/usr/sbin/runuser",
                    "-u",
                    self.daemon,
                    "--",
                    "sh",
                    "-c",
                    f"umask 0007; exec {wrapper} sync",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(self.base / "sync.log", "wb"),  # noqa: SIM115 - closed with the process
            )
        )

    def start_sshd(self) -> int:
        ssh = self.base / "ssh"
        (ssh / "authorized").mkdir(parents=True)
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ssh / "host_key"))
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(ssh / "client_key"))
        public = (ssh / "client_key.pub").read_text()
        for user in (self.ann, self.bob, self.sue):
            (ssh / "authorized" / user).write_text(public)
        port = free_port()
        config = ssh / "sshd_config"
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {ssh / 'host_key'}\n"
            f"PidFile {ssh / 'sshd.pid'}\nAuthorizedKeysFile {ssh / 'authorized'}/%u\n"
            "PubkeyAuthentication yes\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nUsePAM no\nPermitRootLogin no\n"
            # /tmp is world-writable: sshd's ownership checks of the key path would refuse it.
            "StrictModes no\nPrintMotd no\nPrintLastLog no\nAcceptEnv LANG LC_*\n"
            f"AllowGroups {self.group}\n\n"
            + put_in(readme_block("text", "ForceCommand"), self.names())
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation
        run(SSHD, "-t", "-f", str(config))
        self.procs.append(
            subprocess.Popen(
                [SSHD, "-D", "-e", "-f", str(config)],
                stdout=subprocess.DEVNULL,
                stderr=open(self.base / "sshd.log", "wb"),  # noqa: SIM115
            )
        )
        self.port = port
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return port
            time.sleep(0.1)
        raise AssertionError("sshd did not listen: " + (self.base / "sshd.log").read_text())

    def login(self, user: str) -> PtySession:
        """`ssh -tt` with a key, as an agent at their own terminal would."""
        return PtySession(
            [
                "ssh",
                "-tt",
                "-F",
                "/dev/null",
                "-p",
                str(self.port),
                "-i",
                str(self.base / "ssh" / "client_key"),
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "LogLevel=ERROR",
                "-o",
                "SendEnv=LANG",
                f"{user}@127.0.0.1",
            ],  # fmt: skip
            cols=120,
            rows=40,
            env={"LANG": "C.UTF-8"},
        )

    def cache(self) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{self.srv / 'agentdesk.db'}?mode=ro", uri=True, timeout=10)

    def wait_for(self, what: str, check, timeout: float = 60.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                result = check()
            except sqlite3.Error:
                result = None
            if result:
                return result
            time.sleep(0.2)
        logs = "\n".join(
            f"{p.name}:\n{p.read_text(errors='replace')[-2000:]}" for p in self.base.glob("*.log")
        )
        raise AssertionError(f"{what} not reached\n{logs}")

    def tear_down(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for user in self.users:
            subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True, env=ADMIN_ENV)
            subprocess.run(["userdel", user], capture_output=True, env=ADMIN_ENV)
        subprocess.run(["groupdel", self.group], capture_output=True, env=ADMIN_ENV)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def host():
    h = Host()
    try:
        h.add_people()
        h.set_up_as_the_readme_says()
        wrapper = install_for_everyone(h.base)
        h.start_daemon(wrapper)
        h.wait_for(
            "the daemon's first sync",
            lambda: h.cache().execute("SELECT count(*) FROM tickets").fetchone()[0] >= 60,
        )
        h.start_sshd()
        yield h
    finally:
        h.tear_down()


def expect(session: PtySession, needle: bytes, timeout: float = 30.0) -> None:
    """Wait for `needle` on the terminal; on failure, show what the terminal last showed."""
    try:
        session.read_until(lambda b: needle in b, timeout=timeout)
    except TimeoutError:
        tail = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]", b"", session.output)
        raise AssertionError(
            f"{needle!r} never showed; last output:\n{tail[-3000:].decode(errors='replace')}"
        ) from None


def agent_processes(user: str) -> list[str]:
    r = subprocess.run(
        ["pgrep", "-u", user, "-a", "-f", "agentdesk"], capture_output=True, text=True
    )
    return r.stdout.splitlines()


def test_agents_and_the_supervisor_over_ssh(host):
    mode = (host.srv / "agentdesk.db").stat().st_mode & 0o777
    assert mode == 0o660, f"the shared cache is {oct(mode)}"

    ann = host.login(host.ann)
    bob = host.login(host.bob)
    sue = None
    try:
        for who, session in (("ann", ann), ("bob", bob)):
            expect(session, b"All open", 60)
            assert b"READ-ONLY" not in session.output, f"{who} landed in the console"
        # Ann answers the first open ticket and keeps it open (ctrl+o), so it stays on her
        # screen; Bob goes to the open tickets too.
        for session in (ann, bob):
            session.send(b"3")
            expect(session, b"#DEMO-", 20)
        ann.send(b"r")
        expect(ann, b"^o", 20)
        ann.send(REPLY.encode())
        time.sleep(0.5)
        ann.send(b"\x0f")  # ctrl+o: send and keep open
        host.wait_for(
            "the daemon delivering Ann's reply",
            lambda: (
                host.cache()
                .execute(
                    "SELECT count(*) FROM outbox o JOIN messages m ON m.op_uuid = o.uuid"
                    " WHERE m.body = ? AND o.state = 'sent'",
                    (REPLY,),
                )
                .fetchone()[0]
            ),
        )
        # The supervisor lands in the monitor and follows Ann: the ticket she has open is on
        # his screen, live (and her reply with it, when it is the one she answered).
        sue = host.login(host.sue)
        expect(sue, b"READ-ONLY", 60)
        settings = load_settings(None, host.srv, environ={})

        def anns_ticket() -> str | None:
            row = (
                host.cache()
                .execute(
                    "SELECT t.remote_id, t.id IN (SELECT ticket_id FROM messages WHERE body = ?)"
                    " FROM agents a JOIN tickets t ON t.id = a.viewing_ticket_id"
                    " WHERE a.email = ?",
                    (REPLY, ANN_EMAIL),
                )
                .fetchone()
            )
            return row

        number, answered = host.wait_for("Ann's viewing mark", anns_ticket)
        for _attempt in range(3):
            with Store.open_dir(host.srv, readonly=True) as store:
                names = [a.name for a in read_wallboard(store, settings, time.time()).agents]
            sue.send(b"f")
            time.sleep(1.0)
            sue.send(b"j" * names.index(ANN_NAME) + b"\r")
            try:
                expect(sue, f"#DEMO-{number.split('-')[-1]}".encode(), 15)
                break
            except AssertionError:
                sue.send(b"\x1b")  # the list moved under us: back, and again
        else:
            raise AssertionError("the supervisor never saw what Ann has open")
        if answered:
            expect(sue, REPLY.encode(), 15)

        # Bob starts a reply and his connection drops: the draft stays in the cache.
        bob.send(b"r")
        expect(bob, b"^o", 20)
        bob.send(DRAFT.encode())
        host.wait_for(
            "Bob's draft saved",
            lambda: (
                host.cache()
                .execute("SELECT count(*) FROM drafts WHERE body LIKE ?", (f"%{DRAFT}%",))
                .fetchone()[0]
            ),
        )
        os.kill(bob.proc.pid, signal.SIGKILL)  # the link is gone, not closed
        bob.proc.wait(timeout=10)
        host.wait_for("Bob's console ending", lambda: not agent_processes(host.bob), timeout=60)
        # He logs in again, opens the same ticket's composer, and finds his words.
        bob = host.login(host.bob)
        expect(bob, b"All open", 60)
        [(number,)] = (
            host.cache()
            .execute(
                "SELECT t.remote_id FROM drafts d JOIN tickets t ON t.id = d.ticket_id"
                " WHERE d.body LIKE ?",
                (f"%{DRAFT}%",),
            )
            .fetchall()
        )
        bob.send(b"/" + number.encode() + b"\r")  # he finds the ticket by its number
        expect(bob, f"#{number} ".encode(), 20)
        bob.send(b"r")
        expect(bob, DRAFT.encode(), 20)
    finally:
        for session in (ann, bob, sue):
            if session is not None:
                session.close(quit_keys=b"\x1bq")
