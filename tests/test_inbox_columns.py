"""The inbox's columns (agentdesk/ui/row_format.py): the subject gets the room, headings are
never cut, age and SLA never run together, Mine has no assignee column, double-width
characters count two cells and a cut never splits one; in English and in Chinese."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.style import Style

from agentdesk import i18n
from agentdesk.ui.row_format import column_labels, header, layout, render_row

NOW = 1_767_225_600
STYLES = {k: Style() for k in ("mark", "unread", "failed", "queued", "badge", "dim", "sla")}
STYLES |= {k: Style() for k in ("breached", "typing", "viewing", "unread_subject")}


@pytest.fixture(params=["en", "zh_CN"])
def language(request):
    i18n.use(request.param)
    yield request.param
    i18n.use("en")


def _row(**over):
    row = {
        "unread": 1,
        "pending_op": None,
        "channel": "wechat",
        "customer_name": "欧阳娜娜 Nana Ouyang",
        "subject": "退款进度查询：订单 LL0001001 的退款什么时候到账？",
        "preview": "",
        "last_message_at": NOW - 23 * 3600,
        "created_at": NOW - 30 * 3600,
        "due_key": NOW - 23 * 3600 - 59 * 60,
        "assignee_name": "林晓雯 Lin Xiaowen",
        "team_name": "After-sales 售后",
        "viewers": None,
    }
    return row | over


@pytest.mark.parametrize("width", [56, 70, 90, 120, 160])
@pytest.mark.parametrize("assignee", [True, False])
def test_every_row_fills_the_width_and_headings_are_whole(language, width, assignee):
    head = header(width, assignee).plain
    assert cell_len(head) <= width
    labels = column_labels()
    for key in ("customer", "subject", "age", "sla"):
        assert labels[key] in head, (key, head)
    assert (labels["assignee"] in head) is assignee
    line = render_row(_row(), width, NOW, STYLES, marked=False, assignee=assignee).plain
    assert cell_len(line) == cell_len(head) or cell_len(line) <= width
    assert "\ufffd" not in line


def test_the_subject_gets_the_room_at_120_columns(language):
    # The console's inbox pane at 120 columns is 56 cells wide.
    everyone = layout(56, assignee=True)
    mine = layout(56, assignee=False)
    assert everyone.subject >= 13 and mine.subject >= everyone.subject + 8
    assert mine.who == 0


def test_age_and_sla_are_apart_and_a_cut_never_splits_a_character(language):
    line = render_row(_row(), 56, NOW, STYLES, marked=False).plain
    age_then_sla = line.split("  ")
    assert not any("d-" in part or "天-" in part for part in age_then_sla), line
    # The subject is cut with an ellipsis on a character boundary: its cells add up.
    subject = layout(56).subject
    start = line.index("退款")
    shown = line[start:].split(" ")[0]
    assert shown.endswith("…") and cell_len(shown) <= subject


def test_a_colleague_viewing_shows_in_a_narrow_inbox_in_every_view(language):
    row = _row(viewers="王磊 Wang Lei:viewing")
    everyone = render_row(row, 56, NOW, STYLES, marked=False).plain
    assert "王磊" in everyone  # in the assignee's place while it lasts
    mine = render_row(row, 56, NOW, STYLES, marked=False, assignee=False).plain
    assert mine[3] == "◉"
    typing = render_row(_row(viewers="王磊 Wang Lei:typing"), 56, NOW, STYLES, marked=False,
                        assignee=False).plain  # fmt: skip
    assert typing[3] == "✎"
    wide = render_row(row, 120, NOW, STYLES, marked=False).plain
    assert "王磊" in wide and "林晓雯" in wide  # both, each in its column
