"""Who an internal note calls with `@`: `@Emma`, `@Emma Wilson`, `@陈静`, `@chen.jing`
(an e-mail's local part). Pure: the colleagues are passed in.

The longest name that fits after an `@` wins, so `@Emma Wilson` is Emma Wilson even beside
an Emma Stone; a first name alone counts only when one colleague has it. A Latin name must
end at a word boundary (`@Emmanuel` is not Emma); a Chinese one needs none (`@陈静请看`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Colleague:
    id: int
    name: str
    email: str | None = None


def _handles(people: Iterable[Colleague]) -> dict[str, int]:
    """Every way a colleague may be written after `@`, lower-cased, to their id; a handle
    two colleagues share is dropped (ambiguous, so nobody is called by it)."""
    seen: dict[str, set[int]] = {}
    for p in people:
        forms = {p.name, *p.name.split()[:1]}
        # "陈静 Chen Jing": each script's part alone too, and the Latin part's first name.
        forms.update(part for part in p.name.split() if not part.isascii())
        latin = [part for part in p.name.split() if part.isascii()]
        if latin and len(latin) < len(p.name.split()):
            forms.update({" ".join(latin), latin[0]})
        if p.email:
            forms.add(p.email.split("@", 1)[0])
        for form in forms:
            if form.strip():
                seen.setdefault(form.strip().lower(), set()).add(p.id)
    return {h: next(iter(ids)) for h, ids in seen.items() if len(ids) == 1}


def _ends_word(text: str, at: int, handle: str) -> bool:
    if at >= len(text) or not handle[-1].isascii():
        return True
    nxt = text[at]
    return not (nxt.isascii() and (nxt.isalnum() or nxt in "_-"))


def mentioned(body: str, people: Iterable[Colleague]) -> set[int]:
    """The ids of the colleagues `body` mentions."""
    if "@" not in body:
        return set()
    handles = _handles(people)
    by_length = sorted(handles, key=len, reverse=True)
    lowered = body.lower()
    found: set[int] = set()
    start = lowered.find("@")
    while start != -1:
        if start == 0 or not (body[start - 1].isascii() and body[start - 1].isalnum()):
            rest = lowered[start + 1 :]
            for handle in by_length:
                if rest.startswith(handle) and _ends_word(rest, len(handle), handle):
                    found.add(handles[handle])
                    break
        start = lowered.find("@", start + 1)
    return found
