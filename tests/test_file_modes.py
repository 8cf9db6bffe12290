"""Every file agentdesk makes holds the cache's mode: the owner's alone, or a shared host's
group's too; never what the umask allows. Tested with file modes enforced where it matters:
the reader is a process without root's powers (a user namespace, `unshare --user`)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import clean_env

from agentdesk.cli.pty_session import PtySession
from agentdesk.connectors.email.index import MailIndex


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def cli(*args, env=None, prefix=()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "agentdesk", *map(str, args)],
        capture_output=True,
        text=True,
        env=env or clean_env(),
        timeout=120,
    )


def _unshare_works() -> bool:
    try:
        return subprocess.run(["unshare", "--user", "true"], timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


WITHOUT_ROOT = ("unshare", "--user")  # the same uid, without the power to ignore file modes
needs_unshare = pytest.mark.skipif(
    not _unshare_works(), reason="no user namespaces here (unshare --user) to drop root's powers"
)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_private_data_dir_gets_private_files_whatever_the_umask(tmp_path, umask_022):
    data = tmp_path / "data"
    r = cli("--data-dir", data, "demo", "--tickets", "20", "--rate", "0", "--no-console")
    assert r.returncode == 0, r.stderr
    for path in (data / "agentdesk.db", data / "sync.lock", data / "connectors/demo/shop.json"):
        assert mode(path) == 0o600, (path, oct(mode(path)))
    assert mode(data / "connectors" / "demo") == 0o700
    index = MailIndex(data / "connectors" / "shop-mail" / "mail-index.sqlite3")
    index.close()
    assert mode(data / "connectors" / "shop-mail" / "mail-index.sqlite3") == 0o600  # was 0644
    assert mode(data / "connectors" / "shop-mail") == 0o700


def test_a_shared_setgid_data_dir_gives_its_group_every_file(tmp_path, umask_022):
    data = tmp_path / "shared"
    data.mkdir()
    os.chmod(data, 0o2770)
    r = cli("--data-dir", data, "demo", "--tickets", "20", "--rate", "0", "--no-console")
    assert r.returncode == 0, r.stderr
    for path in (data / "agentdesk.db", data / "sync.lock", data / "connectors/demo/shop.json"):
        assert mode(path) == 0o660, (path, oct(mode(path)))  # the lock was 0640: a PermissionError
    assert mode(data / "connectors" / "demo") == 0o2770
    index = MailIndex(data / "connectors" / "shop-mail" / "mail-index.sqlite3")
    index.close()
    assert mode(data / "connectors" / "shop-mail" / "mail-index.sqlite3") == 0o660


def test_a_data_dir_open_to_everyone_is_closed_and_a_group_one_is_named(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o755)
    r = cli("--data-dir", data, "demo", "--tickets", "10", "--rate", "0", "--no-console")
    assert r.returncode == 0, r.stderr
    assert mode(data) == 0o750, "every user's access is gone"
    doctor = cli("--data-dir", data, "doctor")
    assert "the group of" in doctor.stdout and "not a shared setup" in doctor.stdout


@needs_unshare
def test_a_console_that_may_not_use_the_lock_runs_without_syncing_and_says_so(tmp_path):
    data = tmp_path / "data"
    cli("--data-dir", data, "demo", "--tickets", "10", "--rate", "0", "--no-console")
    os.chmod(data / "sync.lock", 0o444)
    probe = subprocess.run(
        [
            *WITHOUT_ROOT,
            sys.executable,
            "-c",
            "import sys; from agentdesk.sync.lock import EngineLock; "
            f"l = EngineLock({str(data)!r}); print(l.acquire(), l.problem)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout.startswith("False") and "Permission denied" in probe.stdout, probe
    session = PtySession(
        [*WITHOUT_ROOT, sys.executable, "-m", "agentdesk", "--data-dir", str(data)]
    )
    try:
        out = session.read_until(lambda b: b"sync stopped since" in b, timeout=60)
        assert b"cannot sync" in out and b"Traceback" not in out
    finally:
        session.close()


@needs_unshare
def test_a_supervisor_reads_a_read_only_copy_of_the_cache(tmp_path):
    """A copy, 0444 in a 0555 folder, no -wal or -shm, read by someone who may not write
    there: stats, search, report and the monitor all work, and the monitor says it is a
    frozen copy."""
    src = tmp_path / "src"
    cli("--data-dir", src, "demo", "--tickets", "30", "--rate", "0", "--no-console")
    conn = sqlite3.connect(src / "agentdesk.db")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(src / "agentdesk.db", copy / "agentdesk.db")
    os.chmod(copy / "agentdesk.db", 0o444)
    os.chmod(copy, 0o555)
    before = (copy / "agentdesk.db").read_bytes()
    try:
        for args in (("stats",), ("search", "refund"), ("report", "--since", "30d")):
            r = cli("--data-dir", copy, *args, prefix=WITHOUT_ROOT)
            assert r.returncode == 0, (args, r.stderr)
        session = PtySession(
            [*WITHOUT_ROOT, sys.executable, "-m", "agentdesk", "--data-dir", str(copy), "monitor"]
        )
        try:
            out = session.read_until(lambda b: b"frozen copy" in b, timeout=60)
            assert b"READ-ONLY" in out
        finally:
            session.close()
        assert sorted(p.name for p in copy.iterdir()) == ["agentdesk.db"]
        assert (copy / "agentdesk.db").read_bytes() == before
    finally:
        os.chmod(copy, 0o755)
