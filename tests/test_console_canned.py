"""The canned-reply picker: fuzzy filter, placeholders filled for the ticket, macro effects,
blocking on unknown placeholders, local files, suggestions, `/` in the composer, bulk."""

from __future__ import annotations

import json
import textwrap

from ui_support import ready, screen_text, wait_until

from agentdesk.canned.library import CannedEntry, from_files
from agentdesk.canned.search import CannedIndex
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.modals.canned_picker import CannedPicker
from agentdesk.ui.widgets.composer import Composer


def customer_of(store, tid):
    return store.one(
        "SELECT c.name FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?",
        (tid,),
    )[0]


def write_local_replies(settings, text: str) -> None:
    folder = settings.config_dir / "canned" / "personal"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.toml").write_text(textwrap.dedent(text), encoding="utf-8")


def with_config_dir(settings, tmp_path):
    import dataclasses

    cfg = tmp_path / "cfg" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("")
    return dataclasses.replace(settings, config_path=cfg)


async def test_picker_fills_placeholders_and_queues_macro_effects(filled, filled_store, tmp_path):
    settings = with_config_dir(filled, tmp_path)
    write_local_replies(
        settings,
        """
        [[replies]]
        shortcode = "dmg"
        title = "Damaged item: replacement"
        body = "Hi {{customer.first_name|there}}, a replacement for order {{order.number|your order}} is on its way. {{agent.name}}"
        tags = ["damaged"]
        priority = "high"
        status = "pending"
        """,
    )
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CannedPicker))
        await pilot.press(*"dmg")
        picker = app.screen
        await wait_until(pilot, lambda: picker.current and picker.current.entry.shortcode == "dmg")
        preview = screen_text(app)  # the preview pane, as the agent sees it
        first = customer_of(filled_store, tid).split()[0]
        assert f"Hi {first}," in preview and "Demo Agent" in preview
        effects = str(picker.query_one("#picker-effects").render())
        assert "damaged" in effects and "pending" in effects and "high" in effects
        await pilot.press("enter")
        composer = app.screen.query_one(Composer)
        await wait_until(pilot, lambda: composer.display)
        assert composer.body.startswith(f"Hi {first},")
        assert composer.macro == {"tags": ["damaged"], "priority": "high", "status": "pending"}
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: (
                [
                    r[0]
                    for r in filled_store.query(
                        "SELECT kind FROM outbox WHERE ticket_id = ? ORDER BY id", (tid,)
                    )
                ]
                == ["reply", "tags", "priority", "status"]
            ),
            what="reply then its effects",
        )
        t = filled_store.one("SELECT status, priority FROM tickets WHERE id = ?", (tid,))
        assert (t["status"], t["priority"]) == ("pending", "high")


async def test_unknown_placeholder_blocks_until_confirmed(filled, filled_store, tmp_path):
    settings = with_config_dir(filled, tmp_path)
    write_local_replies(
        settings,
        """
        [[replies]]
        shortcode = "oops"
        title = "Typo in a placeholder"
        body = "Dear {{custmer.name}}, your refund is {{fields.refund_ref}}."
        """,
    )
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press("c", *"oops")
        picker = app.screen
        await wait_until(pilot, lambda: picker.current and picker.current.entry.shortcode == "oops")
        await pilot.press("enter")
        status = str(picker.query_one("#picker-status").render())
        assert "unknown placeholder {{custmer.name}}" in status
        assert "fields.refund_ref" in status
        assert app.screen is picker, "not inserted on the first enter"
        await pilot.press("enter")
        composer = app.screen.query_one(Composer)
        await wait_until(pilot, lambda: composer.display)
        assert "{{custmer.name}}" in composer.body


async def test_slash_at_line_start_opens_the_picker_and_escape_keeps_the_slash(
    filled, filled_store
):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press("r", *"a/b ")
        composer = app.screen.query_one(Composer)
        assert composer.body == "a/b ", "a slash inside a line is just a slash"
        await pilot.press("enter", "slash")
        await wait_until(pilot, lambda: isinstance(app.screen, CannedPicker))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CannedPicker))
        assert composer.body == "a/b \n/"
        await pilot.press("enter", "slash", *"wismo")
        picker = app.screen
        await wait_until(pilot, lambda: picker.hits and picker.hits[0].entry.shortcode == "wismo")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, CannedPicker))
        assert composer.body.startswith("a/b \n/\n") and len(composer.body) > 20


async def test_suggestions_come_first_for_the_customers_last_message(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        # The first ticket whose customer last wrote more than thanks: "Thanks!" matches no
        # reply, and the demo's threads end in thanks as often as real ones do.
        for _ in range(10):
            await pilot.press("c")
            await wait_until(
                pilot, lambda: isinstance(app.screen, CannedPicker) and app.screen.hits
            )
            picker = app.screen
            expected = picker.index.suggest(picker.customer_text)
            if expected:
                break
            await pilot.press("escape", "j")
        # The customer's last message leads to up to three suggestions, first in the list.
        assert 1 <= len(expected) <= 3
        top = picker.hits[: len(expected)]
        assert all(h.suggested for h in top) and not picker.hits[len(expected)].suggested
        assert [h.entry.key for h in top] == [h.entry.key for h in expected]
        assert "★" in str(picker.query_one("#picker-list").render())
        assert inbox.current_id() is not None


async def test_bulk_canned_reply_goes_to_every_marked_ticket_filled_per_customer(
    filled, filled_store
):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("3")
        await wait_until(pilot, lambda: app.screen.selected == "open" and inbox.current_id())
        await pilot.press("x", "x")
        marked = sorted(inbox.marked)
        await pilot.press("c")
        picker = app.screen
        await wait_until(pilot, lambda: isinstance(picker, CannedPicker) and picker.hits)
        await pilot.press(*"wismo")
        await wait_until(
            pilot, lambda: picker.current and picker.current.entry.shortcode == "wismo"
        )
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: "Bulk canned reply" in str(app.screen.query_one("#dialog-title").render()),
        )
        await pilot.press("y")
        for tid in marked:
            await wait_until(
                pilot,
                lambda t=tid: (
                    filled_store.one(
                        "SELECT count(*) FROM outbox WHERE ticket_id = ? AND kind = 'reply'", (t,)
                    )[0]
                    == 1
                ),
            )
            body = json.loads(
                filled_store.one(
                    "SELECT payload FROM outbox WHERE ticket_id = ? AND kind = 'reply'", (tid,)
                )[0]
            )["body"]
            assert "{{" not in body


def test_local_reply_files_report_broken_ones_by_name(tmp_path):
    folder = tmp_path / "canned" / "shared"
    folder.mkdir(parents=True)
    (folder / "good.toml").write_text('[[replies]]\ntitle = "A"\nbody = "B"\nshortcode = "a"\n')
    (folder / "bad.toml").write_text('[[replies]]\ntitle = "A"\n')
    (folder / "worse.toml").write_text("not toml [")
    entries, problems = from_files(tmp_path)
    assert [e.title for e in entries] == ["A"] and entries[0].source == "shared"
    assert any("bad.toml" in p and "body" in p for p in problems)
    assert any("worse.toml" in p for p in problems)


def test_filter_ranks_shortcode_then_title_in_english_and_chinese():
    entries = [
        CannedEntry("1", "x", "Refund issued", "We refunded you.", "refund"),
        CannedEntry("2", "x", "Where is my order", "Your parcel ships today.", "wismo"),
        CannedEntry("3", "x", "退款已处理", "您的退款已原路退回。", "refund.zh"),
        CannedEntry("4", "x", "Return label", "Print the label to return it.", "ret"),
    ]
    index = CannedIndex(entries)
    assert [h.entry.key for h in index.filter("refund")][:2] == ["1", "3"]
    assert index.filter("退款")[0].entry.key == "3"
    assert index.filter("wher is my ordr")[0].entry.key == "2"
    assert index.filter("zzzz") == []
    top = index.suggest("My parcel never arrived, where is my order?")
    assert top[0].entry.key == "2"
