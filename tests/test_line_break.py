"""Line breaking by Chinese rules (agentdesk.line_break) and in the conversation pane."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text

from agentdesk.line_break import CLOSING, OPENING, wrap, wrap_spans
from agentdesk.ui.wrapped_text import broken_lines

REPLY = "您好，我们已经把新的发票发送到您的邮箱。请查收，如有问题请随时联系我们（客服热线：400-123-4567）。"


def _check(lines: list[str], width: int, original: str) -> None:
    assert all(cell_len(line) <= width for line in lines), lines
    assert all(line and line[0] not in CLOSING for line in lines[1:]), lines
    assert all(line[-1] not in OPENING for line in lines), lines
    # Nothing lost or doubled: only spaces at the breaks go.
    assert "".join(lines).replace(" ", "") == original.replace(" ", "")


@pytest.mark.parametrize("width", range(8, 60))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(width):
    _check(wrap(REPLY, width), width, REPLY)


def test_the_full_stop_that_would_begin_a_line_takes_the_character_before_it():
    # 19 characters fill 38 cells; the 。 would be the first on the next line.
    text = "我们已经把新的发票发送到您的邮箱里面了。谢谢"
    lines = wrap(text, 38)
    assert lines == ["我们已经把新的发票发送到您的邮箱里面", "了。谢谢"]


def test_an_opening_bracket_goes_down_with_what_it_opens():
    assert wrap("请联系我们（客服）", 12) == ["请联系我们", "（客服）"]


def test_latin_words_break_at_spaces_and_urls_at_their_separators():
    text = "请点击 https://shop.example.com/orders/LL0001001/tracking?carrier=sf 查看物流。"
    lines = wrap(text, 30)
    _check(lines, 30, text)
    assert lines[1].startswith("com/orders/") or lines[1].startswith("orders/")
    assert wrap("Hi Samuel, the parcel is at the sorting centre.", 20) == [
        "Hi Samuel, the",
        "parcel is at the",
        "sorting centre.",
    ]


def test_a_word_longer_than_the_line_is_cut_at_the_width():
    word = "x" * 25
    assert wrap(word, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_mixed_chinese_and_english_keep_their_spaces_inside_a_line():
    text = "订单 LL0001001 已经 shipped，预计明天 arrive。"
    lines = wrap(text, 16)
    _check(lines, 16, text)
    assert "订单 LL0001001" in lines[0]


def test_the_conversation_pane_indents_a_wrapped_body_line_like_its_first():
    line = Text("  ") + Text(REPLY, "bold")
    lines = broken_lines(line, 24).plain.split("\n")
    assert len(lines) > 3
    assert all(x.startswith("  ") and not x.startswith("   ") for x in lines)
    assert all(x[2] not in CLOSING for x in lines)
    note = broken_lines(Text("│ " + "note words " * 6), 20).plain.split("\n")
    assert all(x.startswith("│ ") for x in note)


def test_random_mixed_text_keeps_the_rules_at_every_width():
    import random

    rng = random.Random(16)
    # Chinese text with its marks in any order and Latin words between them (URLs and
    # half-width punctuation inside words are tested above).
    pieces = [*"我们已经把新的发票发送到您邮箱请查收", *"。，、；：！？）」』】》", *"（「『【《"]
    pieces += ["order", "LL0001001", "see it", "and then", "…"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(5, 60))).strip()
        for width in (6, 9, 14, 23, 40):
            spans = wrap_spans(text, width)
            lines = [text[a:b] for a, b in spans]
            assert all(cell_len(line) <= width for line in lines), (text, width, lines)
            assert "".join(lines).replace(" ", "") == text.replace(" ", ""), (text, width)
            for (a, _b), before in zip(spans[1:], lines, strict=False):
                # A mark begins a line only after a space, or when nothing could go down
                # with it (the line is one character and marks).
                marks = CLOSING | OPENING
                if text[a] in CLOSING:
                    assert text[a - 1] == " " or sum(c not in marks for c in before) <= 1 + any(
                        c.isdigit() for c in before
                    ), (
                        text,
                        width,
                        lines,
                    )


def test_a_short_aside_in_brackets_moves_down_whole():
    assert wrap("Mail RM781473172GB · 11月30日 16:13（22小时前）", 43) == [
        "Mail RM781473172GB · 11月30日 16:13",
        "（22小时前）",
    ]
    # A number keeps its unit: 12月31日 does not break between 31 and 日.
    lines = wrap("系统 把工单分配给了 Demo Agent · 12月31日 16:00", 39)
    assert not any(line.startswith("日") for line in lines), lines
