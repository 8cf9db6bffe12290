"""Help, the command palette, remapped keys, themes, and the narrow (80x24) layout."""

from __future__ import annotations

import dataclasses

from textual.command import CommandPalette
from ui_support import ready, screen_text, wait_until

from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.modals.help import HelpScreen
from agentdesk.ui.widgets.composer import Composer


async def test_help_lists_keys_as_remapped_in_the_config(filled):
    settings = dataclasses.replace(filled, keymap={"reply": "f2", "next_ticket": "ctrl+n"})
    app = AgentDeskApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await wait_until(pilot, lambda: "next_ticket" in screen_text(app))
        text = screen_text(app)
        assert "f2 " in text and "ctrl+n" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, HelpScreen))
        first = inbox.current_id()
        await pilot.press("ctrl+n")
        assert inbox.current_id() != first, "the remapped key moves the cursor"
        await pilot.press("f2")
        assert app.screen.query_one(Composer).display


async def test_palette_reaches_views_and_canned_replies(filled):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"View: Pending")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: getattr(app.screen, "selected", None) == "pending",
            what="view from palette",
        )
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Canned: Where is my order")
        await pilot.pause(0.3)
        await pilot.press("enter")
        from agentdesk.ui.modals.canned_picker import CannedPicker

        await wait_until(pilot, lambda: isinstance(app.screen, CannedPicker))
        assert app.screen.current.entry.shortcode == "wismo"


async def test_three_builtin_themes_a_user_theme_and_a_broken_one(filled, tmp_path):
    cfg = tmp_path / "cfg" / "config.toml"
    (cfg.parent / "themes").mkdir(parents=True)
    cfg.write_text("")
    (cfg.parent / "themes" / "mine.toml").write_text(
        'name = "mine"\nprimary = "#ff8800"\nbackground = "#101010"\n'
    )
    (cfg.parent / "themes" / "broken.toml").write_text(
        'name = "broken"\nprimary = "not-a-colour"\n'
    )
    settings = dataclasses.replace(filled, config_path=cfg)
    app = AgentDeskApp(settings, theme="mine")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        assert app.theme == "mine"
        for name in ("agentdesk-dark", "agentdesk-light", "agentdesk-contrast"):
            assert name in app.available_themes
        assert any("broken.toml" in n.message for n in app._notifications)
    app = AgentDeskApp(settings, theme="no-such-theme")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        assert app.theme == "textual-dark"
        assert any("no-such-theme" in n.message for n in app._notifications)


async def test_narrow_terminal_puts_the_conversation_below(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(80, 24)) as pilot:
        inbox = await ready(pilot, app)
        assert app.screen.has_class("-narrow")
        right = app.screen.query_one("#right")
        assert right.region.y > inbox.region.y and right.region.width >= 78
        subject = filled_store.one(
            "SELECT subject FROM tickets WHERE id = ?", (inbox.current_id(),)
        )[0]
        await wait_until(pilot, lambda: subject[:8] in screen_text(app))
        await pilot.press("j", "r", *"ok")
        assert app.screen.query_one(Composer).body == "ok"
