"""Keys typed in one burst (a fast typist, or SSH delivering them in one read) go where the
key before them sent the focus: the words after `r` into the reply, the shortcode after `c`
into the picker, the query after `/` into the search, never to the inbox, where `s` would
solve and `a` take a ticket."""

from __future__ import annotations

from textual.widgets import Input
from ui_support import burst, ready, wait_until

from agentdesk.store.drafts import load_draft
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.modals.canned_picker import CannedPicker
from agentdesk.ui.modals.transfer import TransferDialog
from agentdesk.ui.widgets.composer import Composer


def outbox(store) -> list[tuple]:
    return [tuple(r) for r in store.query("SELECT kind, payload FROM outbox ORDER BY id")]


async def test_r_the_words_and_ctrl_s_in_one_burst_send_the_whole_reply(filled, filled_store):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        status = filled_store.one("SELECT status, assignee_id FROM tickets WHERE id = ?", (tid,))
        burst(app, "r", *"a quick answer, solved soon", "ctrl+s")
        composer = app.screen.query_one(Composer)
        await wait_until(pilot, lambda: len(outbox(filled_store)) == 1, what="sent")
        await wait_until(pilot, lambda: not composer.display)
        [(kind, payload)] = outbox(filled_store)
        assert kind == "reply" and '"a quick answer, solved soon"' in payload
        # Not one letter reached the inbox's keys (a: take, s: solve, o: reopen…).
        after = filled_store.one("SELECT status, assignee_id FROM tickets WHERE id = ?", (tid,))
        assert tuple(after)[1] == tuple(status)[1]


async def test_c_and_a_shortcode_in_one_burst_fill_the_picker(filled):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        burst(app, "c", *"wismo")
        await wait_until(pilot, lambda: isinstance(app.screen, CannedPicker))
        picker = app.screen
        await wait_until(pilot, lambda: picker.query_one(Input).value == "wismo")
        await wait_until(pilot, lambda: picker.hits and picker.hits[0].entry.shortcode == "wismo")


async def test_slash_a_query_and_enter_in_one_burst_search(filled):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        burst(app, "slash", *"refund", "enter")
        await wait_until(pilot, lambda: app.screen.search_view is not None)
        assert app.screen.search_view.query == "refund"


async def test_t_and_a_name_in_one_burst_fill_the_transfer_dialog(filled):
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        burst(app, "t", *"Omar")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferDialog))
        dialog = app.screen
        await wait_until(pilot, lambda: dialog.query_one("#transfer-query", Input).value == "Omar")


async def test_r_the_words_and_esc_in_one_burst_keep_the_draft(filled, filled_store):
    """esc comes before the draft's debounced save: leaving writes what was typed."""
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = await ready(pilot, app)
        tid = inbox.current_id()
        burst(app, "r", *"half an answer", "escape")
        composer = app.screen.query_one(Composer)
        await wait_until(pilot, lambda: not composer.display, what="left")
        await wait_until(
            pilot,
            lambda: load_draft(filled_store, tid, filled.agent.email) is not None,
            what="draft written",
        )
        assert load_draft(filled_store, tid, filled.agent.email).body == "half an answer"
        await pilot.press("r")
        await wait_until(pilot, lambda: composer.display)
        assert composer.body == "half an answer"
