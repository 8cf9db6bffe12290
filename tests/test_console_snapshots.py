"""Snapshots of the main screen, the picker, the transfer dialog and help at 120x40, on a
fixed workspace with the clock frozen (pytest-textual-snapshot; update with
`pytest --snapshot-update` after a deliberate change, and review the SVGs)."""

from __future__ import annotations

import pytest
from snapshot_workspace import FROZEN, build, snapshot_settings
from ui_support import wait_until

from agentdesk.ui.app import AgentDeskApp


@pytest.fixture
def snap_app(settings):
    s = snapshot_settings(settings)
    build(s)
    return AgentDeskApp(s, clock=lambda: FROZEN)


async def _settled(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: getattr(app.screen, "data", None) is not None)
    await wait_until(pilot, lambda: "online" in str(app.screen.query_one("#status").render()))
    await pilot.pause(0.2)


def _no_blink(app) -> None:
    from textual.widgets import Input, TextArea

    for w in app.screen.query(Input):
        w.cursor_blink = False
    for w in app.screen.query(TextArea):
        w.cursor_blink = False


def test_main_screen(snap_compare, snap_app):
    async def run_before(pilot):
        await _settled(pilot)
        await pilot.press("j")
        await pilot.pause(0.2)

    assert snap_compare(snap_app, terminal_size=(120, 40), run_before=run_before)


def test_canned_picker(snap_compare, snap_app):
    async def run_before(pilot):
        await _settled(pilot)
        await pilot.press("c", *"wismo")
        await pilot.pause(0.2)
        _no_blink(pilot.app)

    assert snap_compare(snap_app, terminal_size=(120, 40), run_before=run_before)


def test_transfer_dialog(snap_compare, snap_app):
    async def run_before(pilot):
        await _settled(pilot)
        await pilot.press("t")
        await pilot.pause(0.2)
        _no_blink(pilot.app)

    assert snap_compare(snap_app, terminal_size=(120, 40), run_before=run_before)


def test_help(snap_compare, snap_app):
    async def run_before(pilot):
        await _settled(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.2)

    assert snap_compare(snap_app, terminal_size=(120, 40), run_before=run_before)
