from __future__ import annotations

import pytest

from agentdesk.query import QueryError, parse
from agentdesk.store import reads
from agentdesk.store.filters import compile_query
from agentdesk.store.fts import index_text, match_expression


def search(store, text, me="agent@shop.example", limit=500):
    f = compile_query(parse(text), me)
    return reads.search(store, f, limit), reads.count(store, f)


def test_index_text_makes_cjk_bigrams():
    assert index_text("申请退款").split() == ["申请", "请退", "退款", "款"]
    assert index_text("iPhone退款ok").split() == ["iPhone", "退款", "款", "ok"]
    assert match_expression(["退款"]) == '("退款")'
    assert match_expression(["退"]) == '("退"*)'


def test_two_chinese_characters_find_refund_tickets(filled_store):
    rows, total = search(filled_store, "退款")
    assert total > 5
    for r in rows:
        doc = filled_store.one(
            "SELECT group_concat(body, ' ') FROM messages WHERE ticket_id = ?", (r["id"],)
        )[0]
        assert "退款" in r["subject"] + doc


def test_english_word_with_stemming(filled_store):
    rows, total = search(filled_store, "refund")
    assert total > 5
    stemmed, _ = search(filled_store, "refunded")
    assert stemmed  # porter: refunded -> refund
    for r in rows[:20]:
        doc = filled_store.one(
            "SELECT group_concat(body, ' ') FROM messages WHERE ticket_id = ?", (r["id"],)
        )[0]
        assert "refund" in (r["subject"] + doc).lower()


def test_one_character_and_phrases(filled_store):
    _, one = search(filled_store, "款")
    _, two = search(filled_store, "退款")
    assert one >= two > 0
    _, nothing = search(filled_store, '"退款 never"')
    assert nothing == 0


def test_text_and_filters_combine(filled_store):
    rows, total = search(filled_store, "refund status:solved,closed channel:email")
    assert total > 0
    assert all(r["status"] in ("solved", "closed") and r["channel"] == "email" for r in rows)
    rows, _ = search(filled_store, "tag:refund assignee:none")
    assert all(r["assignee_name"] is None for r in rows)
    rows, _ = search(filled_store, "assignee:me status:unsolved")
    assert rows and all(r["assignee_name"] == "Demo Agent" for r in rows)
    rows, _ = search(filled_store, "team:VIP")
    assert all(r["team_name"] == "VIP" for r in rows)


def test_search_by_customer_and_order(filled_store):
    row = filled_store.one(
        "SELECT t.id, c.name, o.number FROM tickets t JOIN customers c ON c.id = t.customer_id JOIN orders o ON o.id = t.order_id LIMIT 1"
    )
    rows, _ = search(filled_store, f"order:{row['number']}")
    assert row["id"] in [r["id"] for r in rows]
    rows, _ = search(filled_store, f"from:{row['name']}")
    assert row["id"] in [r["id"] for r in rows]


def test_dates(filled_store):
    newest = filled_store.one("SELECT max(created_at) FROM tickets")[0]
    import datetime as dt

    day = dt.datetime.fromtimestamp(newest).date().isoformat()
    rows, _ = search(filled_store, f"after:{day}")
    assert rows and all(
        r["created_at"] >= int(dt.datetime.fromisoformat(day).timestamp()) for r in rows
    )
    _, none = search(filled_store, "before:1990-01-01")
    assert none == 0


@pytest.mark.parametrize(
    "text, message",
    [
        ("stauts:open", "unknown filter stauts:"),
        ("status:opened", "status: unknown status 'opened'"),
        ("channel:fax", "channel: unknown channel 'fax'"),
        ("priority:asap", "priority: unknown priority 'asap'"),
        ("before:yesterday", "before: expected a date like 2026-11-01"),
        ('"unbalanced', "unbalanced quotes"),
    ],
)
def test_bad_queries_say_why(text, message):
    with pytest.raises(QueryError, match=message):
        parse(text)


def test_search_pages_newest_first_through_every_match(filled_store):
    f = compile_query(parse("退款"), "agent@shop.example")
    total = reads.count(filled_store, f)
    seen, after = [], None
    while True:
        rows = reads.page(filled_store, f, "newest", after=after, limit=7)
        if not rows:
            break
        seen += [r["id"] for r in rows]
        after = reads.sort_key(rows[-1], "newest")
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == total


def ids(store, text) -> list[int]:
    return [r["id"] for r in search(store, text)[0]]


def test_a_ticket_number_typed_bare_or_as_shown(filled_store):
    t = filled_store.one("SELECT id, remote_id FROM tickets WHERE remote_id = 'DEMO-288'")
    assert t["id"] in ids(filled_store, "288"), "bare: the number or the text"
    assert ids(filled_store, "#DEMO-288") == [t["id"]], "as the console shows it: only that"
    assert ids(filled_store, "#288") == [t["id"]]
    assert t["id"] in ids(filled_store, "DEMO-288") and t["id"] in ids(filled_store, "demo-288")
    other = filled_store.one("SELECT id FROM tickets WHERE remote_id = 'DEMO-289'")[0]
    assert sorted(ids(filled_store, "number:288,289")) == sorted([t["id"], other])
    assert ids(filled_store, "#288 #289") == [], "two numbers as terms: both must match"


def test_a_tracking_number_finds_the_customers_tickets(filled_store):
    """The tracking number of any of the customer's orders, not only the ticket's own."""
    row = filled_store.one(
        "SELECT t.id, o.number, o.tracking_number FROM tickets t"
        " JOIN orders o ON o.customer_id = t.customer_id"
        " WHERE o.tracking_number IS NOT NULL AND (t.order_id IS NULL OR t.order_id != o.id)"
        " LIMIT 1"
    )
    for text in (row["tracking_number"], f"order:{row['tracking_number']}", row["number"]):
        assert row["id"] in ids(filled_store, text), text


def test_a_phone_number_or_an_email_typed_bare(filled_store):
    row = filled_store.one(
        "SELECT t.id, c.phone, c.email FROM tickets t JOIN customers c ON c.id = t.customer_id"
        " WHERE c.phone GLOB '1[0-9]*' AND length(c.phone) = 11 AND c.email IS NOT NULL LIMIT 1"
    )
    p = row["phone"]
    for text in (p, f"+86 {p[:3]} {p[3:7]} {p[7:]}", f"{p[:3]}-{p[3:7]}-{p[7:]}", row["email"]):
        assert row["id"] in ids(filled_store, text), text
    assert row["id"] in ids(filled_store, row["email"].upper())
    assert row["id"] in ids(filled_store, f"from:+86-{p[:3]}-{p[3:7]}-{p[7:]}")


def test_identifiers_are_told_from_words():
    q = parse("refund SF773432959305 +86 138 0013 8000 #DEMO-1 li@example.cn 退款 iphone-15")
    assert q.terms == ["refund", "退款"]
    assert q.identifiers == ["SF773432959305", "+8613800138000", "li@example.cn", "iphone-15"]
    assert q.numbers == [["DEMO-1"]]
    assert parse("refund 2 288").identifiers == ["2", "288"], "short numbers are not a phone"
    with pytest.raises(QueryError, match="number: expected a ticket number"):
        parse("number:abc")


def test_a_bad_status_lists_each_status_once():
    with pytest.raises(QueryError) as e:
        parse("status:opened")
    known = str(e.value).split("expected one of: ")[1].rstrip(")").split(", ")
    assert len(known) == len(set(known)) and "unsolved" in known


def test_a_words_only_count_is_the_joined_count(filled_store):
    """Words alone are counted by the search index itself; the count is the same as the
    tickets the words find."""
    from agentdesk.query import parse
    from agentdesk.store import reads
    from agentdesk.store.filters import compile_query

    for words in ("refund", "退款", "where order", "nothing-matches-this"):
        f = compile_query(parse(words), "agent@shop.example")
        assert f.fts and not f.clauses
        joined = filled_store.one(
            "SELECT count(*) FROM ticket_fts JOIN tickets t ON t.id = ticket_fts.rowid"
            " WHERE ticket_fts MATCH ?",
            (f.fts,),
        )[0]
        assert reads.count(filled_store, f) == joined == len(reads.ticket_ids(filled_store, f))
    assert reads.count(filled_store, compile_query(parse("refund"), "x")) > 0


def test_a_rows_position_in_a_search_is_its_place_in_the_results(filled_store):
    """The inbox finds where its cursor's ticket is by counting what sorts before it; for
    a search, FTS5 counts by its own rowid (words alone, and with other terms)."""
    for text in ("退款", "refund", "refund status:solved", "退款 channel:wechat"):
        f = compile_query(parse(text), "agent@shop.example")
        for order in ("newest", "sla", "updated"):
            rows = reads.page(filled_store, f, order, limit=500)
            assert len(rows) > 3, text
            for i in (0, 1, len(rows) // 2, len(rows) - 1):
                key = reads.sort_key(rows[i], order)
                assert reads.position(filled_store, f, order, key) == i, (text, order, i)
