"""No ghost agents: a console ended by a hang-up or SIGTERM says goodbye as `q` does (offline,
viewing mark cleared, the open draft kept), and one killed outright shows its agent offline
once its heartbeat is stale, in the transfer dialog and on the wallboard alike."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest
from cli_support import clean_env

from agentdesk.cli.pty_session import PtySession
from agentdesk.store.db import Store
from agentdesk.store.drafts import load_draft
from agentdesk.store.presence import VIEWING_FRESH, set_presence, set_viewing, transfer_targets
from agentdesk.store.wallboard import read_wallboard


def me(store, email="agent@shop.example"):
    return store.one(
        "SELECT presence, viewing_ticket_id FROM agents WHERE email = ? AND connector = 'demo'",
        (email,),
    )


def wait_for(cond, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_hang_up_or_sigterm_ends_the_console_cleanly(filled, sig):
    d = filled.data_dir
    env = {k: v for k, v in clean_env().items() if k.startswith(("PATH", "HOME", "LANG"))}
    session = PtySession([sys.executable, "-m", "agentdesk", "--data-dir", str(d)], env=env)
    try:
        session.read_until(lambda b: b"outbox" in b, timeout=60)
        with Store.open_dir(d) as store:
            wait_for(lambda: me(store)["presence"] == "online", "online")
        session.send(b"r")
        # In the same instant as the `r`, as a terminal may deliver them: the words still
        # land in the composer, in order (ui/type_ahead.py).
        session.send(b"a draft typed just before the line dropped")
        time.sleep(0.3)  # the draft is saved 0.4 s after the last key
        os.kill(session.proc.pid, sig)
        deadline = time.monotonic() + 20
        while session.proc.poll() is None:  # read on: a full terminal would block its writes
            assert time.monotonic() < deadline, "the console did not end"
            session.output += session._read(0.05)
        with Store.open_dir(d) as store:
            row = me(store)
            assert row["presence"] == "offline" and row["viewing_ticket_id"] is None
            drafts = store.query("SELECT ticket_id FROM drafts")
            assert drafts
            body = load_draft(store, drafts[0][0], "agent@shop.example").body
            assert body == "a draft typed just before the line dropped"
    finally:
        session.close()


def test_a_console_killed_outright_fades_to_offline(filled, filled_store):
    key = filled.agent.email
    set_presence(filled_store, key, "online")
    tid = filled_store.one("SELECT id FROM tickets LIMIT 1")[0]
    set_viewing(filled_store, key, tid)

    def shown() -> tuple[str, str]:
        agents, _teams = transfer_targets(filled_store)
        [dialog] = [a["presence"] for a in agents if a["email"] == key and a["connector"] == "demo"]
        [board] = [
            a.presence
            for a in read_wallboard(filled_store, filled, time.time()).agents
            if a.name == filled.agent.name
        ]
        return dialog, board

    assert shown() == ("online", "online"), "a live console's agent is online"
    # kill -9: nothing more is written; time passes beyond the heartbeat's freshness.
    stale = int(time.time()) - VIEWING_FRESH - 5
    with filled_store.write() as conn:
        conn.execute(
            "UPDATE agents SET presence_at = ?, viewing_at = ? WHERE email = ?", (stale, stale, key)
        )
    assert shown() == ("offline", "offline"), "no ghost: the stale console's agent is offline"
    # A colleague whose presence the platform reports (not a console here) is untouched.
    agents, _ = transfer_targets(filled_store)
    platform_side = [a for a in agents if a["email"] != key]
    assert any(a["presence"] == "online" for a in platform_side)
