"""The Simplified Chinese catalogue: every string the code marks has a translation that keeps
its placeholders, the shipped .mo is the .po compiled, no marked string hides where the
extractor cannot see it, and the language is chosen as the README says."""

from __future__ import annotations

import ast
import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from agentdesk import i18n

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "agentdesk"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "agentdesk.po"
MO = PO.with_suffix(".mo")
# The keywords scripts/translations extracts with.
KEYWORDS = {"_": None, "n_": (1, 2), "N_": None, "p_": ((1, "c"), 2)}


def _extracted() -> dict[tuple[str | None, str], tuple[str, ...]]:
    """(context, msgid) → the source's forms (singular, plural), as the extractor sees them."""
    found = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    ):
        forms = message if isinstance(message, tuple) else (message,)
        found[(context, forms[0])] = forms
    return found


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="zh_CN")


def _fields(text: str) -> list[str]:
    """The placeholders a string is formatted with: `{name}` fields and `%(name)s`."""
    names = [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]
    return sorted(names + re.findall(r"%\((\w+)\)", text))


def test_every_marked_string_has_a_chinese_translation():
    catalogue = _catalogue()
    missing = []
    for (context, msgid), _forms in _extracted().items():
        message = catalogue.get(msgid, context=context)
        strings = message.string if message is not None else None
        if isinstance(strings, tuple):
            strings = strings[0]
        if not strings:
            missing.append(f"{context + ' | ' if context else ''}{msgid}")
    assert not missing, "no zh_CN translation (run scripts/translations):\n" + "\n".join(missing)


def test_translations_keep_every_placeholder():
    wrong = []
    for message in _catalogue():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if _fields(text) != _fields(ids[-1]):
                wrong.append(f"{ids[0]!r} → {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_no_translation_is_left_for_a_string_the_code_no_longer_has():
    extracted = _extracted()
    stale = [m.id for m in _catalogue() if m.id and (m.context, _first(m.id)) not in extracted]
    assert not stale, f"obsolete entries (run scripts/translations): {stale}"


def _first(msgid):
    return msgid[0] if isinstance(msgid, (tuple, list)) else msgid


def _forms(text):
    return tuple(text) if isinstance(text, (tuple, list)) else (text,)


def test_the_shipped_mo_is_the_po_compiled():
    fresh = io.BytesIO()
    write_mo(fresh, _catalogue())
    fresh.seek(0)
    with MO.open("rb") as f:
        shipped = {(m.context, _first(m.id)): _forms(m.string) for m in read_mo(f) if m.id}
    compiled = {(m.context, _first(m.id)): _forms(m.string) for m in read_mo(fresh) if m.id}
    assert shipped == compiled, "agentdesk.mo is out of date: run scripts/translations"


def test_no_marked_string_hides_inside_an_f_string():
    # The extractor does not look inside f-strings: `f"{_('Team')}: …"` would never be
    # translated. A marker there must be written outside the f-string.
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in KEYWORDS
                    and inner.args
                    and isinstance(inner.args[0], ast.Constant)
                ):
                    hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not hidden, f"marked strings inside f-strings: {hidden}"


def test_the_catalogue_is_found_and_used():
    i18n.use("zh_CN")
    try:
        assert i18n._("Reply") == "回复"
        assert i18n.n_("{n} past ticket", "{n} past tickets", 3).format(n=3) == "3 个历史工单"
        assert i18n.p_("age", "{n}h").format(n=13) == "13小时"
    finally:
        i18n.use("en")
    assert i18n._("Reply") == "Reply"


@pytest.mark.parametrize(
    "flag, env, setting, expected",
    [
        (None, {"LANG": "zh_CN.UTF-8"}, None, "zh_CN"),
        (None, {"LANG": "zh_CN.UTF-8"}, "auto", "zh_CN"),
        (None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, None, "en"),
        (None, {"LC_MESSAGES": "zh_TW.UTF-8"}, None, "zh_CN"),
        (None, {"LANGUAGE": "fr:zh_CN", "LANG": "en_US.UTF-8"}, None, "zh_CN"),
        (None, {"LANG": "fr_FR.UTF-8"}, None, "en"),
        (None, {"LANG": "C.UTF-8"}, "zh_CN", "zh_CN"),
        (None, {"AGENTDESK_LANG": "en", "LANG": "zh_CN.UTF-8"}, "zh_CN", "en"),
        ("zh-CN", {"AGENTDESK_LANG": "en"}, "en", "zh_CN"),
        ("auto", {"LANG": "zh_CN.GB18030"}, "en", "zh_CN"),
        (None, {}, None, "en"),
    ],
)
def test_the_language_is_chosen_flag_first(flag, env, setting, expected):
    assert i18n.resolve(flag, env, setting) == expected


def test_an_unknown_language_asked_for_by_name_is_refused():
    with pytest.raises(i18n.UnknownLanguage, match="choose one of auto, en, zh_CN"):
        i18n.resolve("fr", {})
    with pytest.raises(i18n.UnknownLanguage):
        i18n.resolve(None, {"AGENTDESK_LANG": "klingon"})
