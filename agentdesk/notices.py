"""What the console tells an agent about their own work, in words, grouped and rate-limited,
and the terminal's own ways of saying it (the bell, OSC 9 and OSC 777 desktop
notifications). Pure: the store finds the notices (store/notices.py), the UI shows them.

Nothing remote reaches a terminal escape unsanitized: the text is our own words plus the
ticket's number and subject, stripped of every control character and cut short."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from agentdesk.i18n import _, n_
from agentdesk.text import one_line, sanitize, truncate_cells

KINDS = ("assigned", "customer_replied", "mention", "sla_warning", "snoozed")
SUBJECT_CELLS = 40  # a notification names the ticket; it does not quote it


@dataclass(frozen=True)
class Notice:
    kind: str  # one of KINDS
    ticket_id: int
    label: str  # "#DEMO-231"
    subject: str
    detail: str = ""  # a snooze's reminder note, who mentioned me


def _clean(text: str, cells: int) -> str:
    """One line of printable text, no escape, no control, no terminal-field separator."""
    flat = one_line(sanitize(text)).replace(";", ",")
    flat = "".join(ch for ch in flat if ch.isprintable())
    return truncate_cells(flat, cells)


def _one(n: Notice) -> str:
    what = {
        "assigned": _("Assigned to you"),
        "customer_replied": _("Customer answered"),
        "mention": _("{who} mentioned you").format(who=_clean(n.detail, 24)),
        "sla_warning": _("SLA due soon"),
        "snoozed": _("Snoozed ticket back"),
    }[n.kind]
    text = f"{what}: {_clean(n.label, 24)} {_clean(n.subject, SUBJECT_CELLS)}"
    if n.kind == "snoozed" and n.detail:
        text += f" · {_clean(n.detail, SUBJECT_CELLS)}"
    return text


def _many(kind: str, n: int) -> str:
    return {
        "assigned": n_("{n} ticket assigned to you", "{n} tickets assigned to you", n),
        "customer_replied": n_("{n} customer answered", "{n} customers answered", n),
        "mention": n_("{n} mention of you", "{n} mentions of you", n),
        "sla_warning": n_("{n} ticket due soon", "{n} tickets due soon", n),
        "snoozed": n_("{n} snoozed ticket back", "{n} snoozed tickets back", n),
    }[kind].format(n=n)


def summary(notices: Sequence[Notice]) -> str:
    """One notification for what came in together: one line per kind, the ticket named
    when it is one, counted when it is several (ten new tickets are one line)."""
    lines = []
    for kind in KINDS:
        of_kind = [n for n in notices if n.kind == kind]
        # The same ticket twice (two answers in a row) is still one ticket.
        tickets = {n.ticket_id: n for n in of_kind}
        if len(tickets) == 1:
            lines.append(_one(next(iter(tickets.values()))))
        elif tickets:
            lines.append(_many(kind, len(tickets)))
    return "\n".join(lines)


@dataclass
class Batcher:
    """At most one notification per `min_interval` seconds; what arrives in between waits
    and goes out with the next one, so a burst is one notification, never a storm."""

    min_interval: float
    pending: list[Notice] = field(default_factory=list)
    last_sent: float = float("-inf")

    def add(self, notices: Sequence[Notice], at: float) -> str | None:
        self.pending.extend(notices)
        return self.due(at)

    def due(self, at: float) -> str | None:
        if not self.pending or at - self.last_sent < self.min_interval:
            return None
        text = summary(self.pending)
        self.pending.clear()
        self.last_sent = at
        return text

    def drop(self) -> None:
        self.pending.clear()


# -- the terminal's own signals ------------------------------------------------------

BELL = "\a"


def osc9(text: str) -> str:
    """A desktop notification: iTerm2, kitty, WezTerm, Windows Terminal, Ghostty."""
    return f"\x1b]9;{_clean(text, 160)}\a"


def osc777(title: str, text: str) -> str:
    """A desktop notification: VTE terminals (GNOME Terminal, Tilix), foot, rxvt."""
    return f"\x1b]777;notify;{_clean(title, 40)};{_clean(text, 160)}\a"


def through_tmux(sequence: str) -> str:
    """tmux passes an escape to the outer terminal only wrapped as its own DCS (and with
    `set -g allow-passthrough on`); the bell it passes as is."""
    if sequence == BELL:
        return sequence
    return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"


def signals(text: str, *, bell: bool, desktop: str, in_tmux: bool) -> str:
    """The bytes to write to the terminal for one notification, as [notify] asks."""
    out = []
    if bell:
        out.append(BELL)
    title = "agentdesk"
    body = " · ".join(text.splitlines())
    if desktop == "osc9":
        out.append(osc9(f"{title}: {body}"))
    elif desktop == "osc777":
        out.append(osc777(title, body))
    if in_tmux:
        out = [through_tmux(s) for s in out]
    return "".join(out)
