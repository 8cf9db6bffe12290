"""The console and the monitor in Simplified Chinese at 120x40: the main screen, the canned
picker found by `tk`, the transfer dialog found by `shouhou`, help and the monitor, as text
snapshots (tests/zh_snapshots/*.txt, apart from the SVG snapshots, whose plugin counts
any other file there as unused; `pytest --snapshot-update` rewrites them after a deliberate
change: review the diff). The language is chosen before the console's modules
are imported, so the screens are taken in a process of their own (tests/zh_screens.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SNAPSHOTS = HERE / "zh_snapshots"
SCREENS = ("main", "picker", "transfer", "help", "monitor")

# Words that may stay in Latin letters on a Chinese screen: the product's and platforms'
# names, SLA and KPI as the trade says them, key names and config ids (help), the search
# language's own words.
ALLOWED = re.compile(
    r"agentdesk|SLA|KPI|p90|AMZ|ctrl|esc|enter|down|up|home|end|PgDn|PgUp|keymap|"
    r"[a-z]+(?:_[a-z0-9]+)+|next_ticket|reply|note|canned|transfer|take|solve|pending|reopen|"
    r"mark|undo|tag|copy|search|retry|discard|presence|help|quit"
)


@pytest.fixture(scope="module")
def screens(tmp_path_factory) -> dict[str, str]:
    data = tmp_path_factory.mktemp("zh") / "data"
    done = subprocess.run(
        [sys.executable, str(HERE / "zh_screens.py"), str(data)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", SCREENS)
def test_chinese_screen(name, screens, request):
    path = SNAPSHOTS / f"{name}.txt"
    text = screens[name]
    if request.config.getoption("--snapshot-update", default=False) or not path.exists():
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from {path}"


def _chrome(name: str, text: str) -> list[str]:
    """The lines our own words fill: the status line and the footer; on the main screen also
    the views (down to the teams, which are the shop's data) and the inbox's headings."""
    lines = text.split("\n")
    if name != "main":
        return lines[-3:]
    return [lines[1][:75], *(line[:16] for line in lines[:13]), *lines[-3:]]


def test_the_chrome_is_all_chinese(screens):
    english = []
    for name in ("main", "picker", "transfer", "help"):
        for line in _chrome(name, screens[name]):
            line = line.replace("shop:", "")  # the connector's name, from the config
            english += [w for w in re.findall(r"[A-Za-z]{3,}", line) if not ALLOWED.fullmatch(w)]
    assert not english, f"English words on a Chinese screen: {sorted(set(english))}"
    assert "退款已处理" in screens["picker"]  # `tk` found the 退款 replies
    assert "After-sales 售后" in screens["transfer"].split("shouhou", 1)[1]
    assert "看板" in screens["monitor"] and "只读" in screens["monitor"]
