"""A real Request Tracker 5 (Debian's package) on a free 127.0.0.1 port, SQLite underneath.

The database is made once per test session (rt-setup-database plus a seed of users,
queues and rights) and copied for each server, so every test starts from the same RT.
The server runs in its own process group and is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from servers.net import free_port, wait_for_port

SETUP = "/usr/sbin/rt-setup-database-5"
SERVER = "/usr/share/request-tracker5/libexec/rt-server"
ROOT_PASSWORD = "password"  # RT's initial root password
AGENT_PASSWORD = "agent-secret"

_SEED = r"""
use strict;
use lib '/usr/share/request-tracker5/lib';
use RT;
RT::LoadConfig();
RT::Init();
my $sys = RT->SystemUser;
sub user {
    my ($name, $real, $privileged, $password) = @_;
    my $u = RT::User->new($sys);
    my ($ok, $msg) = $u->Create(
        Name => $name, RealName => $real, EmailAddress => "$name\@shop.example",
        Privileged => $privileged, ($password ? (Password => $password) : ()));
    die "user $name: $msg" unless $ok;
    return $u;
}
user('agent1', 'Mia Agent', 1, $ENV{AGENT_PASSWORD});
user('agent2', 'Bo Colleague', 1, $ENV{AGENT_PASSWORD});
user('outsider', 'Not Staff', 0, undef);
# The shop's web form: an unprivileged account that files tickets for customers.
user('webform', 'Web Form', 0, $ENV{AGENT_PASSWORD});
my $q = RT::Queue->new($sys);
my ($ok, $msg) = $q->Create(Name => 'Returns', Description => 'Returns and exchanges');
die "queue: $msg" unless $ok;
my $staff = RT::Group->new($sys);
$staff->LoadSystemInternalGroup('Privileged');
my $form = RT::User->new($sys);
$form->Load('webform');
for my $right (qw(SeeQueue CreateTicket ReplyToTicket ShowTicket)) {
    my ($ok, $msg) = $form->PrincipalObj->GrantRight(Right => $right, Object => RT->System);
    die "right $right: $msg" unless $ok;
}
for my $right (qw(SeeQueue ShowTicket ShowTicketComments CreateTicket ReplyToTicket
                  CommentOnTicket OwnTicket TakeTicket StealTicket ModifyTicket
                  SeeGroup ShowOutgoingEmail)) {
    my ($ok, $msg) = $staff->PrincipalObj->GrantRight(Right => $right, Object => RT->System);
    die "right $right: $msg" unless $ok;
}
"""


def available() -> bool:
    return os.path.exists(SETUP) and os.path.exists(SERVER)


def _site_config(root: Path, port: int) -> Path:
    etc = root / "etc"
    (etc / "d").mkdir(parents=True, exist_ok=True)
    (etc / "RT_SiteConfig.pm").write_text(
        f"""
Set($rtname, 'shop');
Set($Organization, 'shop.example');
Set($WebDomain, '127.0.0.1');
Set($WebPort, {port});
Set($WebPath, '');
Set($WebBaseURL, 'http://127.0.0.1:{port}');
Set($DatabaseType, 'SQLite');
Set($DatabaseName, '{root}/rt.sqlite');
Set($CorrespondAddress, 'support\\@shop.example');
Set($CommentAddress, 'support-comment\\@shop.example');
Set($LogToSTDERR, 'warning');
Set($LogToSyslog, undef);
Set($MailCommand, 'testfile');
Set($Timezone, 'UTC');
Set($RestrictReferrer, 0);
1;
"""
    )
    return etc


def _env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RT_SITE_CONFIG": str(root / "etc" / "RT_SiteConfig.pm"),
        "RT_SITE_CONFIG_DIR": str(root / "etc" / "d"),
        "AGENT_PASSWORD": AGENT_PASSWORD,
    }


def make_template(root: Path) -> Path:
    """A seeded RT database file, made once and copied for every server."""
    root.mkdir(parents=True, exist_ok=True)
    _site_config(root, 80)
    env = _env(root)
    subprocess.run(
        [SETUP, "--action", "init", "--skip-create"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    (root / "seed.pl").write_text(_SEED)
    subprocess.run(["perl", str(root / "seed.pl")], env=env, check=True, stderr=subprocess.DEVNULL)
    return root / "rt.sqlite"


@dataclass
class RTServer:
    root: Path
    port: int
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.root / "rt.log", "ab")  # noqa: SIM115 - the server's lifetime
        self.proc = subprocess.Popen(
            [SERVER, "--listen", f"127.0.0.1:{self.port}", "--max-workers", "3"],
            env=_env(self.root),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        wait_for_port(self.port, timeout=60)
        # The port opens before the workers are ready: wait for a real answer.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/REST/2.0/", timeout=5).status_code in (200, 401):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError("RT did not answer")

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def close(self) -> None:
        """Stop for good and remove its files."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    @contextmanager
    def root_client(
        self, user: str = "root", password: str = ROOT_PASSWORD
    ) -> Iterator[httpx.Client]:
        """RT as its administrator sees it, for setting up and checking what agentdesk did.
        A web session, as basic auth would cost a password hash check per request."""
        with httpx.Client(base_url=f"{self.url}/REST/2.0", timeout=30) as client:
            client.post(f"{self.url}/NoAuth/Login.html", data={"user": user, "pass": password})
            yield client

    def form_client(self) -> contextlib.AbstractContextManager[httpx.Client]:
        """The shop's web form, filing tickets for customers as an unprivileged account."""
        return self.root_client("webform", AGENT_PASSWORD)


def start(template: Path) -> RTServer:
    root = Path(tempfile.mkdtemp(prefix="agentdesk-rt-"))
    port = free_port()
    _site_config(root, port)
    shutil.copy(template, root / "rt.sqlite")
    server = RTServer(root, port)
    server.start()
    return server
