"""Keys typed in one burst (a fast typist, or SSH delivering them in one read) go where the
key before them sent the focus: the words after `r` into the reply, the shortcode after `c`
into the picker, the query after `/` into the search, never to the inbox, where `s` would
solve and `a` take a ticket."""

from __future__ import annotations

import asyncio

from textual.widgets import Input
from ui_support import burst, ready, wait_until

from agentdesk.store.drafts import load_draft
from agentdesk.ui.app import AgentDeskApp
from agentdesk.ui.modals.canned_picker import CannedPicker
from agentdesk.ui.modals.transfer import TransferDialog
from agentdesk.ui.widgets.composer import Composer
from agentdesk.ui.widgets.inbox import Inbox


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


async def test_keys_read_after_r_was_acted_on_land_behind_the_keys_before_them(filled, monkeypatch):
    """A terminal can deliver `r abc` in one read and `def` in the next, read once the `r`
    has opened the composer but while `abc`, handed to the inbox, are still on their way
    back to be passed on: `def` waits for them."""

    letters_go_on = asyncio.Event()

    async def busy(self, event) -> None:  # the inbox slow with the letters (a loaded host)
        if event.key != "r":
            await letters_go_on.wait()

    monkeypatch.setattr(Inbox, "on_key", busy, raising=False)
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        composer = app.screen.query_one(Composer)
        burst(app, "r", *"abc")
        for _ in range(500):  # not Pilot's pause: it would wait for the inbox's keys
            if composer.display:
                break
            await asyncio.sleep(0.01)
        assert composer.display and composer.body == ""  # a, b and c: still with the inbox
        burst(app, *"def")
        await asyncio.sleep(0.1)  # d, e and f read, and handed on at once if nothing held them
        letters_go_on.set()
        await wait_until(pilot, lambda: len(composer.body) == 6, what="six letters")
        assert composer.body == "abcdef"


async def test_a_key_whose_way_never_ends_holds_the_others_only_a_moment(filled, monkeypatch):
    """A widget removed with a key still queued never sends it on, nor its trailer: the
    keys behind it wait a moment (KEY_BOUND), not for ever."""

    def keep_x(self, event) -> None:
        if event.key == "x":
            event.stop()

    def lose_trailers(self, message) -> None:  # as if the inbox were gone with them
        message.stop()

    monkeypatch.setattr(Inbox, "on_key", keep_x, raising=False)
    monkeypatch.setattr(Inbox, "on_key_trailer", lose_trailers, raising=False)
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        composer = app.screen.query_one(Composer)
        burst(app, "x", "r", *"ok")
        await wait_until(pilot, lambda: composer.body == "ok", timeout=5, what="words landed")
