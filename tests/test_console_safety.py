"""Hostile remote text through the whole flow: what the screen shows and what bytes reach
the terminal. Escape sequences (CSI, OSC 52 clipboard, OSC 8 links), C1 controls, bidi
overrides and Rich markup arrive in a subject, a customer name, a message and an
attachment name; none may reach the terminal as anything but plain, visible text."""

from __future__ import annotations

import time

from ui_support import ready, screen_text, wait_until

from agentdesk.cli.pty_session import quiet_console
from agentdesk.model import Agent, Attachment, Customer, Directory, Message, PullBatch, Ticket
from agentdesk.store.db import Store
from agentdesk.store.directory import apply_directory
from agentdesk.store.ingest import apply_batch
from agentdesk.ui.app import AgentDeskApp

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"
OSC8 = "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07"
CSI = "\x1b[2J\x1b[31m"
C1 = "\x9b31m\x9d0;title\x9c"
BIDI = "\u202egnp.exe"
MARKUP = "[bold red]x[/]"


def hostile_workspace(settings) -> None:
    now = int(time.time())
    with Store.open_dir(settings.data_dir) as store:
        apply_directory(
            store,
            "hostile",
            Directory(agents=[Agent("me", "Demo Agent", settings.agent.email, "online")], teams=[]),
        )
        batch = PullBatch(
            cursor="1",
            customers=[Customer("c1", f"Mallory{OSC52}{MARKUP}", created_at=now)],
            tickets=[
                Ticket(
                    "t1",
                    "email",
                    f"Refund{CSI} now {MARKUP}{OSC8}{BIDI}",
                    "open",
                    "c1",
                    now - 60,
                    now - 60,
                    assignee_remote_id="me",
                )
            ],
            messages=[
                Message(
                    "m1",
                    "t1",
                    "customer",
                    f"Mallory{C1}",
                    f"Hello {OSC52}agent{CSI}\n{OSC8}\n{MARKUP} and {BIDI}",
                    now - 60,
                    attachments=[Attachment(f"invoice{CSI}{MARKUP}.pdf", "application/pdf", 2048)],
                )
            ],
        )
        apply_batch(store, "hostile", batch, settings.sla_policies)


async def test_screen_shows_hostile_text_as_plain_text(tmp_path, settings):
    hostile_workspace(settings)
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await wait_until(
            pilot, lambda: "Mallory" in screen_text(app) and "Hello" in screen_text(app)
        )
        shown = screen_text(app)
        for bad in ("\x1b", "\x9b", "\x9d", "\x07", "\u202e"):
            assert bad not in shown
        assert MARKUP in shown, "markup is shown literally, never interpreted"
        assert "invoice" in shown and "2.0 KB" in shown


def test_no_escape_from_remote_text_reaches_the_terminal(settings):
    hostile_workspace(settings)
    with quiet_console(settings.data_dir) as session:
        session.read_until(lambda b: b"Hello" in b and b"invoice" in b)
        session.send(b"j")
        session.read_burst()
    out = bytes(session.output)
    assert b"\x1b]52" not in out, "no clipboard write"
    assert b"\x1b]8;" not in out, "no hyperlink"
    assert b"click" in out  # the link's text is shown, inert
    assert b"\x1b]0;title" not in out and b"\xc2\x9d" not in out and b"\xc2\x9b" not in out
    assert "\u202e".encode() not in out, "no bidi override"
    assert b"\x1b[2J" not in out, "no screen clear"
    assert MARKUP.encode() in out
