"""What a ticket's platform cannot carry reaches the agent before they try: the key is
dimmed in the footer, a press says why, help and the palette mark it, a bulk action names
the tickets it skipped. And a send that cannot be queued whole keeps the composer and the
draft, says why, and queues nothing."""

from __future__ import annotations

import dataclasses
import os
import textwrap

from ui_support import notices, ready, screen_text, wait_until

from agentdesk.connectors.registry import spec_for
from agentdesk.model import Customer, Message, PullBatch, Ticket
from agentdesk.store.drafts import load_draft
from agentdesk.store.ingest import apply_batch
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.modals.canned_picker import CannedPicker
from agentdesk.ui.modals.help import HelpScreen, keys_table
from agentdesk.ui.modals.prompt import Prompt
from agentdesk.ui.widgets.composer import Composer


def with_rt_tickets(settings, store, tmp_path):
    """The demo workspace, plus an RT connector (which has no tags) and two of its tickets."""
    rt = spec_for("rt")
    extra = dataclasses.replace(
        settings.connectors[0],
        type="rt",
        name="helpdesk",
        enabled=False,
        options={},
        platform=rt.platform,
        ops=rt.ops,
    )
    cfg = tmp_path / "cfg" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("")
    now = 1_795_000_000
    batch = PullBatch(cursor="1", customers=[Customer("c1", "Wang Fang", "w@example.cn")])
    for n in (1, 2):
        batch.tickets.append(Ticket(f"{n}", "helpdesk", f"RT question {n}", "open", "c1", now, now))
        batch.messages.append(Message(f"m{n}", f"{n}", "customer", "Wang Fang", "hello?", now))
    apply_batch(store, "helpdesk", batch, settings.sla_policies)
    return dataclasses.replace(settings, config_path=cfg, connectors=(*settings.connectors, extra))


def help_lines(unavailable: dict[str, str]) -> list[str]:
    from rich.console import Console

    console = Console(width=250, record=True, color_system=None, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(keys_table({}, unavailable))
    return [line.strip() for line in console.export_text().splitlines()]


def index_of(inbox, connector: str) -> int:
    return next(
        i for i in range(inbox.window.total) if inbox.window.get(i)["connector"] == connector
    )


async def test_a_key_the_platform_cannot_carry_is_dimmed_explained_and_marked(
    filled, filled_store, tmp_path
):
    settings = with_rt_tickets(filled, filled_store, tmp_path)
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        screen = app.screen
        screen.select_view("open")
        await wait_until(pilot, lambda: screen._window_view == "open", what="All open")
        inbox.move_to(index_of(inbox, "demo"))
        await pilot.pause(0.1)
        assert screen.check_action("tag", ()) is True
        inbox.move_to(index_of(inbox, "helpdesk"))
        await wait_until(pilot, lambda: inbox.current_row()["connector"] == "helpdesk")
        assert screen.check_action("tag", ()) is None, "disabled: shown dimmed, not run"
        assert screen.check_action("compose", ("reply",)) is True
        await pilot.press("number_sign")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, Prompt), "no tag prompt for a ticket without tags"
        assert "tags are not available on Request Tracker (connector helpdesk)" in notices(app)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        reason = "tags are not available on Request Tracker (connector helpdesk)"
        assert app.screen.unavailable == {"tag": reason}
        row = next(line for line in help_lines(app.screen.unavailable) if line.startswith("#"))
        assert "Add or remove tags" in row and f"not for this ticket: {reason}" in row
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.press(*"tags")
        await wait_until(
            pilot, lambda: "Add or remove tags (not for this ticket)" in screen_text(app)
        )
        await pilot.press("escape")


async def test_a_bulk_tag_over_two_platforms_names_the_tickets_it_skipped(
    filled, filled_store, tmp_path
):
    settings = with_rt_tickets(filled, filled_store, tmp_path)
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        screen = app.screen
        screen.select_view("open")
        await wait_until(pilot, lambda: screen._window_view == "open", what="All open")
        inbox.move_to(index_of(inbox, "helpdesk"))
        await pilot.pause(0.1)
        rt_tid = inbox.current_id()
        await pilot.press("x")
        assert screen.check_action("tag", ()) is None, "only an RT ticket marked"
        inbox.move_to(index_of(inbox, "demo"))
        await pilot.pause(0.1)
        demo_tid = inbox.current_id()
        await pilot.press("x")
        assert screen.check_action("tag", ()) is True, "one of the marked can take tags"
        await pilot.press("number_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, Prompt))
        await pilot.press(*"refund", "enter")
        await wait_until(
            pilot, lambda: "skipped 1: #1 (tags are not available on Request" in notices(app)
        )
        tagged = {
            r[0] for r in filled_store.query("SELECT ticket_id FROM outbox WHERE kind = 'tags'")
        }
        assert tagged == {demo_tid} and rt_tid not in tagged


async def test_a_send_that_cannot_be_queued_whole_keeps_the_composer_and_the_draft(
    filled, filled_store, tmp_path
):
    """A canned reply whose effect names a team that does not exist: nothing is queued, the
    composer stays open with the draft, the agent is told why; ctrl+r drops the effects."""
    settings = with_rt_tickets(filled, filled_store, tmp_path)
    folder = settings.config_dir / "canned" / "personal"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(
        textwrap.dedent(
            """
            [[replies]]
            shortcode = "fwd"
            title = "Passing this on"
            body = "I am passing this to our specialists."
            team = "Specialists"
            status = "pending"
            """
        ),
        encoding="utf-8",
    )
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        status_before = filled_store.one("SELECT status FROM tickets WHERE id = ?", (tid,))[0]
        ops_before = filled_store.one("SELECT count(*) FROM outbox")[0]
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CannedPicker))
        await pilot.press(*"fwd")
        picker = app.screen
        await wait_until(pilot, lambda: picker.current and picker.current.entry.shortcode == "fwd")
        await pilot.press("enter")
        composer = app.screen.query_one(Composer)
        await wait_until(pilot, lambda: composer.display)
        await wait_until(
            pilot,
            lambda: (
                (d := load_draft(filled_store, tid, settings.agent.email)) is not None
                and d.basis.get("macro", {}).get("team") == "Specialists"
            ),
            what="the draft with its effects",
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: 'no team named "Specialists" on demo' in notices(app))
        assert composer.display, "the composer stays open: nothing was sent"
        assert filled_store.one("SELECT count(*) FROM outbox")[0] == ops_before
        assert (
            filled_store.one("SELECT status FROM tickets WHERE id = ?", (tid,))[0] == status_before
        )
        assert load_draft(filled_store, tid, settings.agent.email) is not None
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: composer.macro == {})
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not composer.display, what="sent")
        kinds = [
            r[0]
            for r in filled_store.query(
                "SELECT kind FROM outbox WHERE ticket_id = ? ORDER BY id", (tid,)
            )
        ]
        assert kinds == ["reply"]
        await wait_until(pilot, lambda: load_draft(filled_store, tid, settings.agent.email) is None)
