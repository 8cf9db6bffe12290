"""Finding Chinese names and titles by pinyin, as Chinese agents type them without switching
their input method: `tuikuan` or `tk` finds 退款, `zw` finds 张伟, `shouhou` finds 售后, and
a query may mix Chinese and pinyin (`张w`). Pure; pypinyin does the reading.

Keys are computed once per entry, never per keystroke. A title is read as a phrase (one
reading, chosen by its context); a person's name character by character with every reading
(曾 is zeng or ceng, 单 shan or dan), up to a few combinations.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from dataclasses import dataclass


@functools.cache
def _pypinyin():
    """pypinyin, imported on first use, after the console's first paint (warm()).

    Its phrase dictionary is left out (PYPINYIN_NO_PHRASES): it cost 44 MB and 150 ms of
    the console's 65 MB and 190 ms for it, and a search needs no phrase-perfect reading:
    every reading of each character is a key (`phrase_keys`), so 还款 is found by both
    huankuan and haikuan. The characters' dictionary is used in place (no copy)."""
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    import pypinyin

    return pypinyin


def warm() -> None:
    """Load pypinyin now (the console calls this in a worker once the inbox is on screen)."""
    _pypinyin()


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_MAX_READINGS = 8  # combinations of a name's polyphonic characters kept


@dataclass(frozen=True, slots=True)
class Keys:
    """The ways an entry can be typed: full pinyin (`tuikuan`) and initials (`tk`), Latin
    words kept as they are (lowercased)."""

    fulls: tuple[str, ...]
    initials: tuple[str, ...]


NO_KEYS = Keys((), ())


def has_chinese(text: str) -> bool:
    return _CJK.search(text) is not None


def _parts(text: str, readings) -> list[tuple[bool, list[str]]]:
    """The text as positions: (a Chinese character?, its readings or the Latin word)."""
    out: list[tuple[bool, list[str]]] = []
    latin: list[str] = []

    def flush() -> None:
        out.extend((False, [w]) for w in _LATIN_WORD.findall("".join(latin)))
        latin.clear()

    for ch in text.lower():
        if _CJK.match(ch):
            flush()
            found = [r for r in readings(ch) if r]
            if found:
                out.append((True, found))
        else:
            latin.append(ch)
    flush()
    return out


def _keys(parts: list[tuple[bool, list[str]]]) -> Keys:
    """Full pinyin and initials of each combination of readings; a Latin word counts
    whole in the full form and by its first letter in the initials."""
    combos = itertools.islice(itertools.product(*(choices for _c, choices in parts)), _MAX_READINGS)
    fulls, initials = [], []
    for combo in combos:
        fulls.append("".join(combo))
        initials.append("".join(r[0] for r in combo))
    return Keys(tuple(dict.fromkeys(fulls)), tuple(dict.fromkeys(initials)))


@functools.lru_cache(maxsize=20_000)
def phrase_keys(text: str) -> Keys:
    """A title or label: each character's readings, most common first, in up to
    _MAX_READINGS combinations (so a polyphonic character is found by either reading).
    No Chinese in it: no keys (its letters are matched as they are). Characters' readings
    are kept for the process, so a library of 5,000 Chinese titles is read quickly again
    when the canned replies are reloaded."""
    if not has_chinese(text):
        return NO_KEYS
    return _keys(_parts(text, _readings))


@functools.lru_cache(maxsize=20_000)
def name_keys(text: str) -> Keys:
    """A person's or a team's name: every reading of each character, so a surname such as
    曾 (zeng, ceng) or 单 (shan, dan) matches either."""
    if not has_chinese(text):
        return NO_KEYS
    return _keys(_parts(text, _readings))


@functools.lru_cache(maxsize=8_000)
def _readings(ch: str) -> list[str]:
    """Every reading of one character; names share characters, so each is looked up once
    (a 100,000-ticket shop's 40,000 customers cost well under a second at ingest)."""
    py = _pypinyin()
    return py.pinyin(ch, style=py.Style.NORMAL, heteronym=True)[0]


def query_forms(query: str) -> tuple[str, str]:
    """What was typed, as full pinyin and as initials: Chinese in it is read (张w is
    zhangw, and zw); Latin letters are taken as typed in both."""
    py = _pypinyin()
    parts = _parts(query, lambda ch: py.lazy_pinyin(ch, style=py.Style.NORMAL))
    full = "".join(choices[0] for _c, choices in parts)
    initials = "".join(choices[0][0] if cjk else choices[0] for cjk, choices in parts)
    return full, initials


def score(forms: tuple[str, str], keys: Keys) -> float | None:
    """How well a query (its `query_forms`, computed once per keystroke) finds an entry by
    its pinyin: 100 the whole of it, 95 its start, 80 within it; None when it does not.
    Exact and prefix matches rank first."""
    full_q, initials_q = forms
    if not keys.fulls or not full_q:
        return None
    best: float | None = None
    for candidates, q in ((keys.fulls, full_q), (keys.initials, initials_q)):
        if len(q) < 2 and candidates is keys.fulls:
            continue  # one letter says too little against whole readings
        for key in candidates:
            if key == q:
                return 100.0
            if key.startswith(q):
                best = max(best or 0.0, 95.0)
            elif len(q) >= 2 and q in key:
                best = max(best or 0.0, 80.0)
    return best


class KeyBlob:
    """Many entries' keys searched at once: every key in one string, so a keystroke costs
    a few scans in C (str.find) instead of a Python call per entry. Same scores as
    `score`: 100 a whole key, 95 its start, 80 within it."""

    def __init__(self, keys: list[tuple[int, Keys]]):
        self._blobs = []
        for pick in (lambda k: k.fulls, lambda k: k.initials):
            starts, owners, parts, at = [], [], [], 0
            for entry, k in keys:
                for key in pick(k):
                    starts.append(at)
                    owners.append(entry)
                    parts.append(key)
                    at += len(key) + 1
            self._blobs.append(("\n".join(parts), starts, owners))

    def scores(self, forms: tuple[str, str]) -> dict[int, float]:
        import bisect

        out: dict[int, float] = {}
        for (blob, starts, owners), q in zip(self._blobs, forms, strict=True):
            if not q or "\n" in q or (len(q) < 2 and blob is self._blobs[0][0]):
                continue
            pos = blob.find(q)
            while pos != -1:
                k = bisect.bisect_right(starts, pos) - 1
                end = blob.find("\n", starts[k])
                end = len(blob) if end == -1 else end
                if pos == starts[k]:
                    found = 100.0 if pos + len(q) == end else 95.0
                else:
                    found = 80.0 if len(q) >= 2 else 0.0
                if found:
                    entry = owners[k]
                    out[entry] = max(out.get(entry, 0.0), found)
                pos = blob.find(q, pos + 1)
        return out
