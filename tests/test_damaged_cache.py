"""A damaged cache is found, named and never written to; what only it holds is saved and
taken back by a rebuilt cache, and nothing is sent twice."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys

from cli_support import clean_env
from conftest import make_settings

from agentdesk.store import actions
from agentdesk.store.actions import ActionContext
from agentdesk.store.db import Store
from agentdesk.store.drafts import save_draft


def cli(data, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "agentdesk", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=300,
    )


def damage_the_middle(db) -> None:
    """4 KiB in the middle of the file overwritten, as a failing disk or a bad copy would:
    the page that holds the root of the messages table, so the damage is one that matters."""
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'messages'").fetchone()[0]
    conn.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(random.Random(4).randbytes(4096))


def test_a_damaged_cache_is_named_refused_salvaged_and_rebuilt(tmp_path, _filled_template):
    data = tmp_path / "data"
    shutil.copytree(_filled_template, data)
    settings = make_settings(data, tickets=400, seed=7)
    with Store.open_dir(data) as store:
        tid = store.one("SELECT id FROM tickets WHERE status = 'open' ORDER BY id LIMIT 1")[0]
        remote = store.one("SELECT remote_id FROM tickets WHERE id = ?", (tid,))[0]
        [reply] = actions.send_message(
            store, ActionContext.from_settings(settings), tid, "Saved from the wreck"
        ).op_uuids
        save_draft(store, tid, settings.agent.email, "reply", "half a thought", {})
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage_the_middle(data / "agentdesk.db")
    before = (data / "agentdesk.db").read_bytes()

    doctor = cli(data, "doctor")
    assert doctor.returncode == 1 and "the cache is damaged" in doctor.stdout
    for args in (("stats",), ("report",), ("search", "refund"), ("sync", "--once")):
        r = cli(data, *args)
        assert r.returncode == 1, (args, r.stdout, r.stderr)
        assert "the cache is damaged" in r.stderr and "agentdesk salvage" in r.stderr
        assert "Traceback" not in r.stderr
    assert (data / "agentdesk.db").read_bytes() == before, "nothing was written to it"

    saved = cli(data, "salvage")
    assert saved.returncode == 0, saved.stderr
    assert "Saved 1 unsent changes and 1 drafts" in saved.stdout
    [path] = data.glob("salvage-*.json")
    assert json.loads(path.read_text())["ops"][0]["uuid"] == reply

    rebuilt = cli(data, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Moved the old cache aside" in rebuilt.stdout
    assert "1 changes delivered now" in rebuilt.stdout and "1 drafts" in rebuilt.stdout
    assert not list(data.glob("salvage-*.json")), "everything went back"
    with Store.open_dir(data) as store:
        t = store.one("SELECT id FROM tickets WHERE remote_id = ?", (remote,))[0]
        assert store.one("SELECT body FROM drafts WHERE ticket_id = ?", (t,))[0] == "half a thought"
        op = store.one("SELECT state FROM outbox WHERE uuid = ?", (reply,))
        assert op is not None
    cli(data, "sync", "--once")
    with Store.open_dir(data) as store:
        assert store.one("SELECT state FROM outbox WHERE uuid = ?", (reply,))[0] == "sent"
    shop = json.loads((data / "connectors" / "demo" / "shop.json").read_text())
    assert [d["uuid"] for d in shop["delivered"]].count(reply) == 1, "delivered once"
    assert list(data.glob("agentdesk.db.damaged-*")), "the damaged file is kept, aside"


async def test_a_console_told_of_damage_says_so_and_keeps_the_agents_words(filled):
    """Another process (the daemon) found the damage: the running console says so in its
    status line, writes nothing more, and the reply being typed stays in the composer."""
    from ui_support import ready, screen_text, wait_until

    from agentdesk.store import damage
    from agentdesk.ui.app import AgentDeskApp
    from agentdesk.ui.widgets.composer import Composer

    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press("r", *"kept words")
        composer = app.screen.query_one(Composer)
        damage.mark(filled.data_dir, "database disk image is malformed")
        await wait_until(pilot, lambda: "CACHE DAMAGED" in screen_text(app), what="said")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not composer.sending, what="refused")
        await pilot.pause(0.3)
        assert composer.display and composer.body == "kept words"
        tid = composer.ticket_id
    with Store.open_dir(filled.data_dir, readonly=True) as store:
        assert store.one("SELECT count(*) FROM outbox")[0] == 0
        remote = store.one("SELECT remote_id FROM tickets WHERE id = ?", (tid,))[0]
    # The words were set aside, not lost: a rebuilt cache has them as the ticket's draft.
    [aside] = filled.data_dir.glob("salvage-console-*.json")
    assert [d["body"] for d in json.loads(aside.read_text())["drafts"]] == ["kept words"]
    rebuilt = cli(filled.data_dir, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    with Store.open_dir(filled.data_dir, readonly=True) as store:
        t = store.one("SELECT id FROM tickets WHERE remote_id = ?", (remote,))[0]
        assert store.one("SELECT body FROM drafts WHERE ticket_id = ?", (t,))[0] == "kept words"


def test_a_cache_damaged_where_its_schema_is_kept_is_rebuilt(filled):
    """The first page (SQLite's own table of tables) overwritten: nothing can be read, so
    salvage says so and points to rebuild, which keeps the file aside and starts anew."""
    data = filled.data_dir
    with open(data / "agentdesk.db", "r+b") as f:
        f.seek(100)
        f.write(random.Random(3).randbytes(3900))
    for args in (("sync", "--once"), ("stats",)):
        r = cli(data, *args)
        assert r.returncode == 1 and "the cache is damaged" in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr
    saved = cli(data, "salvage")
    assert saved.returncode == 1 and "`agentdesk rebuild` makes a new one" in saved.stderr
    rebuilt = cli(data, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Nothing could be read from the damaged cache" in rebuilt.stderr
    assert list(data.glob("agentdesk.db.damaged-*"))
    with Store.open_dir(data, readonly=True) as store:
        assert store.one("SELECT count(*) FROM tickets")[0] >= 400
