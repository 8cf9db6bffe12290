from agentdesk.text import one_line, pad_cells, sanitize, truncate_cells


def test_sanitize_strips_escape_sequences_and_controls():
    hostile = "a\x1b[31mred\x1b[0m b\x1b]0;title\x07c\x1bP+q\x1b\\d\x9b2Je\x00f\u202eg\r\nh"
    assert sanitize(hostile) == "ared bcdefg\nh"
    assert sanitize(None) == ""
    assert one_line("two\n\tlines ") == "two lines"


def test_cell_width_for_cjk():
    assert truncate_cells("退款申请已经提交", 7) == "退款申…"
    assert pad_cells("退款", 6) == "退款  "
    assert pad_cells("abc", 2) == "a…"
