"""Chinese names and titles found by pinyin, full or initials, mixed with Chinese: the
matcher itself, the canned picker's index, and the transfer dialog as an agent uses it."""

from __future__ import annotations

from ui_support import ready, wait_until

from agentdesk.canned.library import CannedEntry
from agentdesk.canned.search import CannedIndex
from agentdesk.pinyin_match import name_keys, phrase_keys, query_forms, score


def found(query: str, keys) -> float | None:
    return score(query_forms(query), keys)


def test_full_pinyin_initials_and_mixed_input():
    refund = phrase_keys("退款进度查询")
    assert found("tuikuan", refund) == 95 and found("tk", refund) == 95  # the start
    assert found("tuikuanjinduchaxun", refund) == 100  # the whole of it
    assert found("jindu", refund) == 80  # within it
    assert found("refund", refund) is None and found("x", refund) is None
    zhang = name_keys("张伟")
    assert found("zw", zhang) == 100 and found("zhangw", zhang) == 95
    assert found("张w", zhang) == 100  # Chinese and pinyin mixed
    assert found("shouhou", name_keys("售后 After-sales")) == 95
    assert found("after", name_keys("售后 After-sales")) == 80
    assert phrase_keys("Refund policy") == phrase_keys("")  # no Chinese: no pinyin keys


def test_polyphonic_surnames_match_either_reading():
    for name, readings in (("曾凡", ("zengfan", "cengfan")), ("单丽", ("shanli", "danli"))):
        keys = name_keys(name)
        for typed in readings:
            assert found(typed, keys) == 100, (name, typed)


def test_the_canned_picker_finds_chinese_titles_by_pinyin_exact_first():
    entries = [
        CannedEntry("a", "shared", "退款进度查询", "您的退款正在处理。"),
        CannedEntry("b", "shared", "物流查询", "您的包裹已发出。"),
        CannedEntry("c", "shared", "Refund timing", "Refunds take 3-5 days.", shortcode="rt"),
        CannedEntry("d", "shared", "退款", "退款已原路返回。"),
    ]
    index = CannedIndex(entries)
    assert [h.entry.key for h in index.filter("tuikuan")][:2] == ["d", "a"]  # exact first
    assert [h.entry.key for h in index.filter("tk")][:2] == ["d", "a"]
    assert index.filter("wl")[0].entry.key == "b"
    assert index.filter("rt")[0].entry.key == "c"  # a shortcode still wins


async def test_the_transfer_dialog_finds_a_colleague_by_pinyin_initials(filled, filled_store):
    from agentdesk.ui.app import AgentDeskApp
    from agentdesk.ui.modals.transfer import TransferDialog

    agents = filled_store.query(
        "SELECT id, name FROM agents WHERE email != ?", (filled.agent.email,)
    )
    chinese = [a for a in agents if name_keys(a["name"]).fulls]
    assert chinese, "the demo team has Chinese names"
    colleague = chinese[0]
    typed = name_keys(colleague["name"]).fulls[0]  # e.g. zhangwei
    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        await pilot.press("t")
        await wait_until(pilot, lambda: isinstance(app.screen, TransferDialog))
        dialog = app.screen
        await pilot.press(*typed)
        await wait_until(
            pilot, lambda: dialog.shown and dialog.shown[0].id == colleague["id"], what=typed
        )


def test_assignee_and_team_filters_take_pinyin(filled, filled_store):
    from agentdesk.query import parse
    from agentdesk.store import reads
    from agentdesk.store.filters import compile_query

    def count(text: str) -> int:
        return reads.count(filled_store, compile_query(parse(text), filled.agent.email))

    teams = [r["name"] for r in filled_store.query("SELECT name FROM teams")]
    team = next(t for t in teams if name_keys(t).fulls)  # e.g. "Returns 退换货"
    chinese = "".join(ch for ch in team if "\u4e00" <= ch <= "\u9fff")
    typed = name_keys(chinese).fulls[0]  # tuihuanhuo
    by_id = filled_store.one("SELECT id FROM teams WHERE name = ?", (team,))[0]
    expected = filled_store.one("SELECT count(*) FROM tickets WHERE team_id = ?", (by_id,))[0]
    assert expected > 0 and count(f"team:{typed}") == expected

    agent, mine = next(
        (r, n)
        for r in filled_store.query("SELECT id, name FROM agents")
        if name_keys(r["name"]).fulls
        and (
            n := filled_store.one("SELECT count(*) FROM tickets WHERE assignee_id = ?", (r["id"],))[
                0
            ]
        )
    )  # a colleague with a Chinese name and tickets of their own
    initials = name_keys(agent["name"]).initials[0]  # e.g. zw
    assert count(f"assignee:{initials}") >= mine  # initials may fit more than one colleague
    assert count(f"assignee:{name_keys(agent['name']).fulls[0]}") == mine


async def test_the_palette_finds_a_chinese_view_by_pinyin(filled):
    from textual.command import CommandPalette

    from agentdesk.ui.app import AgentDeskApp

    app = AgentDeskApp(filled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, app)
        views = {v.title: v.id for v in app.screen.views}
        title = next(t for t in views if name_keys(t).fulls)  # e.g. "Returns 退换货"
        chinese = "".join(ch for ch in title if "\u4e00" <= ch <= "\u9fff")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*phrase_keys(chinese).fulls[0])  # tuihuanhuo
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: getattr(app.screen, "selected", None) == views[title], what=title
        )


def test_the_key_blob_scores_as_score_does():
    """The picker's fast path (one string searched per keystroke) ranks as `score` does."""
    from agentdesk.pinyin_match import KeyBlob

    titles = [
        "退款进度查询",
        "退款",
        "物流查询",
        "售后 After-sales 服务",
        "银行行长",
        "曾凡",
        "单丽",
    ]
    keys = [(i, name_keys(t) if len(t) == 2 and t[0] in "曾单" else phrase_keys(t))
            for i, t in enumerate(titles)]  # fmt: skip
    blob = KeyBlob(keys)
    for typed in ("t", "tk", "tuikuan", "tuikuanjinduchaxun", "jindu", "wl", "cx", "after",
                  "shouhou", "zengfan", "cf", "danli", "x", "hang", "张w"):  # fmt: skip
        forms = query_forms(typed)
        expected = {i: s for i, k in keys if (s := score(forms, k)) is not None}
        assert blob.scores(forms) == expected, typed


def test_the_from_filter_finds_a_chinese_customer_by_pinyin(filled, filled_store):
    from agentdesk.query import parse
    from agentdesk.store import reads
    from agentdesk.store.filters import compile_query

    def count(text: str) -> int:
        return reads.count(filled_store, compile_query(parse(text), filled.agent.email))

    customer, theirs = next(
        (r, n)
        for r in filled_store.query("SELECT id, name FROM customers ORDER BY id")
        if name_keys(r["name"]).fulls
        and (
            n := filled_store.one("SELECT count(*) FROM tickets WHERE customer_id = ?", (r["id"],))[
                0
            ]
        )
    )  # e.g. 汪艳 and her tickets
    keys = name_keys(customer["name"])
    same_full = filled_store.one(
        "SELECT count(*) FROM tickets WHERE customer_id IN"
        " (SELECT id FROM customers WHERE name_pinyin LIKE ?)",
        (f"%{keys.fulls[0]}%",),
    )[0]
    assert count(f"from:{keys.fulls[0]}") == same_full >= theirs  # namesakes count too
    assert count(f"from:{keys.initials[0]}") >= theirs
    assert count(f"from:{customer['name']}") >= theirs  # the characters, as before
    # One letter is matched against names as written, never against pinyin (it would find
    # every 王 and 吴 as well).
    by_letter = filled_store.one(
        "SELECT count(*) FROM tickets WHERE customer_id IN"
        " (SELECT id FROM customers WHERE name LIKE '%w%')"
    )[0]
    assert count("from:w") == by_letter
    assert count("from:zzzzqqqq") == 0


def test_a_cache_from_before_the_pinyin_column_gains_it_on_opening(tmp_path):
    import sqlite3

    from agentdesk.store import schema
    from agentdesk.store.db import Store

    path = tmp_path / "agentdesk.db"
    old = sqlite3.connect(path)
    for step in schema.MIGRATIONS[:6]:
        old.executescript(step)
    old.execute("PRAGMA user_version = 6")
    old.execute(
        "INSERT INTO customers (connector, remote_id, name, created_at) VALUES"
        " ('shop', 'c1', '曾小单', 0), ('shop', 'c2', 'Ava Clark', 0)"
    )
    old.commit()
    old.close()
    with Store.open_dir(tmp_path) as store:
        keys = dict(store.query("SELECT remote_id, name_pinyin FROM customers"))
    assert keys["c2"] is None
    assert {"zengxiaoshan", "cengxiaodan", "zxs", "cxd"} <= set(keys["c1"].split())
