"""The notifications' words, grouping and rate limit, the terminal's own signals, who a
note's `@` calls, and the CLI's progress: on a terminal only, never in --json or a pipe."""

from __future__ import annotations

import subprocess
import sys

from cli_support import clean_env

from agentdesk.cli.pty_session import PtySession
from agentdesk.mention_names import Colleague, mentioned
from agentdesk.notices import Batcher, Notice, signals, summary, through_tmux


def n(kind, tid=1, subject="Where is my order?", detail=""):
    return Notice(kind, tid, f"#DEMO-{tid}", subject, detail)


def test_one_notice_names_the_ticket_and_several_are_counted():
    assert summary([n("assigned")]) == "Assigned to you: #DEMO-1 Where is my order?"
    ten = [n("assigned", tid=i) for i in range(10)]
    assert summary(ten) == "10 tickets assigned to you"
    # Two answers on one ticket are one ticket; kinds keep their own lines.
    mixed = [n("customer_replied", 4), n("customer_replied", 4), n("mention", 5, detail="Emma")]
    assert summary(mixed).splitlines() == [
        "Customer answered: #DEMO-4 Where is my order?",
        "Emma mentioned you: #DEMO-5 Where is my order?",
    ]
    back = n("snoozed", 6, detail="call back about the refund")
    assert summary([back]).endswith("· call back about the refund")


def test_a_long_subject_is_cut_and_never_carries_a_control():
    text = summary([n("assigned", subject="\x1b[2J\x07" + "很长的主题" * 30)])
    assert "\x1b" not in text and "\x07" not in text
    assert text.endswith("…") and len(text) < 80


def test_the_batcher_sends_at_most_one_per_interval_and_keeps_the_rest():
    b = Batcher(min_interval=10)
    assert b.add([n("assigned", 1)], at=100) == "Assigned to you: #DEMO-1 Where is my order?"
    assert b.add([n("assigned", 2)], at=103) is None
    assert b.add([n("assigned", 3)], at=105) is None
    assert b.due(109.9) is None
    assert b.due(110) == "2 tickets assigned to you"
    assert b.due(200) is None, "nothing left"
    b.add([n("assigned", 4)], at=201)
    b.drop()
    assert b.due(300) is None


def test_signals_only_as_asked_and_only_our_escapes():
    text = "Assigned to you: #DEMO-1 \x1b]0;evil\x07 ; done"
    assert signals(text, bell=False, desktop="off", in_tmux=False) == ""
    assert signals(text, bell=True, desktop="off", in_tmux=False) == "\a"
    osc9 = signals(text, bell=False, desktop="osc9", in_tmux=False)
    assert osc9.startswith("\x1b]9;agentdesk: Assigned to you") and osc9.endswith("\a")
    assert osc9.count("\x1b") == 1 and osc9.count("\a") == 1 and "evil" not in osc9
    osc777 = signals(text, bell=False, desktop="osc777", in_tmux=False)
    # notify;title;body: a ; in the text would start a field of its own.
    assert osc777.startswith("\x1b]777;notify;agentdesk;") and osc777.count(";") == 3
    wrapped = signals("x", bell=True, desktop="osc9", in_tmux=True)
    assert wrapped == "\a" + through_tmux("\x1b]9;agentdesk: x\a")
    assert through_tmux("\x1b]9;x\a") == "\x1bPtmux;\x1b\x1b]9;x\a\x1b\\"


PEOPLE = [
    Colleague(1, "Emma Walsh", "emma@shop.example"),
    Colleague(2, "Emma Stone", "es@shop.example"),
    Colleague(3, "陈静 Chen Jing", "chen@shop.example"),
    Colleague(4, "Noah Kim", "noah@shop.example"),
]


def test_who_a_note_calls():
    assert mentioned("@Emma Walsh please look", PEOPLE) == {1}
    assert mentioned("@Emma please", PEOPLE) == set(), "two Emmas: nobody by the first name"
    assert mentioned("thanks @noah!", PEOPLE) == {4}
    assert mentioned("@Noahx", PEOPLE) == set()
    assert mentioned("@陈静请看一下", PEOPLE) == {3}
    assert mentioned("@chen jing and @es", PEOPLE) == {2, 3}
    assert mentioned("write to help@noah.example", PEOPLE) == set()
    assert mentioned("no at sign", PEOPLE) == set()


def _demo(tmp_path, *args):
    return [sys.executable, "-m", "agentdesk", "--data-dir", str(tmp_path / "d"), *args]


def test_progress_on_a_terminal_and_not_in_a_pipe(tmp_path):
    fill = ["demo", "--no-console", "--tickets", "3000", "--seed", "2"]
    env = clean_env(HOME=str(tmp_path))
    session = PtySession(_demo(tmp_path, *fill), env=env)
    try:
        shown = session.read_until(lambda b: b"Demo workspace" in b, timeout=120)
    finally:
        session.close(quit_keys=b"")
    assert b"demo: first sync" in shown
    assert b"/3,000" in shown or b"/3000" in shown
    # The same in a pipe: the summary line only.
    piped = subprocess.run(
        _demo(tmp_path / "p", *fill), env=env, capture_output=True, text=True, timeout=120
    )
    assert piped.returncode == 0, piped.stderr
    assert "first sync" not in piped.stderr + piped.stdout
    # --json never carries it, even on a terminal.
    report = PtySession(_demo(tmp_path, "report", "--since", "30d", "--json"), env=env)
    try:
        out = report.read_until(lambda b: b"}" in b and b"]" in b, timeout=60)
    finally:
        report.close(quit_keys=b"")
    assert b"read" not in out and b"\x1b[" not in out
