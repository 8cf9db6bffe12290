"""Finding a canned reply: fuzzy filtering as the agent types, and suggestions for a ticket.

Filtering (rapidfuzz): a shortcode that starts with the query wins outright; otherwise the
best of the title's and the body's partial-ratio scores, the body weighted lower so a
title hit ranks first. Chinese works because rapidfuzz compares characters, not words, and
a Chinese title is found by its pinyin too (`tk`, `tuikuan` for 退款).

Suggestions rank replies by the words they share with the customer's last message,
each shared word weighted by its rarity across the library (IDF), title words double:
"refund" in a short library of refund replies says little, "customs" says a lot.
Chinese is compared in overlapping two-character pieces, as the search index does.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from agentdesk import pinyin_match
from agentdesk.canned.library import CannedEntry

_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
_WORD = re.compile(r"[^\W\d_]{3,}|\d{3,}", re.UNICODE)
_PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}")
_BODY_CHARS = 400  # enough of a body to recognise it; keeps 5,000 replies fast to filter
_STOP = frozenset(
    "the and for you your are was were with this that have has had not but our can will "
    "from they them what when where which there their here hello thanks thank please would "
    "could should about just been into also than then its it's dear regards best hi".split()
)


def terms(text: str) -> list[str]:
    """Words (3+ letters, lowercased, minus common ones) and CJK character pairs."""
    out = []
    for m in _CJK_RUN.finditer(text):
        run = m.group()
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    latin = _CJK_RUN.sub(" ", text).lower()
    out.extend(w for w in _WORD.findall(latin) if w not in _STOP)
    return out


@dataclass(frozen=True)
class Hit:
    entry: CannedEntry
    score: float
    suggested: bool = False


class CannedIndex:
    """The library prepared for filtering and suggesting; build once, query per keystroke."""

    def __init__(self, entries: Sequence[CannedEntry]):
        self.entries = list(entries)
        self._codes = [e.shortcode.lower() for e in self.entries]
        self._titles = [utils.default_process(e.title) for e in self.entries]
        self._bodies = [
            utils.default_process(_PLACEHOLDER.sub(" ", e.body[:_BODY_CHARS])) for e in self.entries
        ]
        # Read here, once per title in the process, never on a keystroke; only the Chinese
        # titles are kept (the others are matched by their own letters).
        self._title_keys = pinyin_match.KeyBlob(
            [
                (i, keys)
                for i, keys in enumerate(pinyin_match.phrase_keys(e.title) for e in self.entries)
                if keys.fulls
            ]
        )
        self._terms: list[Counter] = []
        df: Counter = Counter()
        for e in self.entries:
            bag = Counter(terms(_PLACEHOLDER.sub(" ", e.body)))
            for t in terms(e.title):
                bag[t] += 2
            self._terms.append(bag)
            df.update(bag.keys())
        n = max(1, len(self.entries))
        self._idf = {t: math.log(1 + n / c) for t, c in df.items()}

    def filter(self, query: str, limit: int = 50) -> list[Hit]:
        """Entries matching what the agent typed, best first; everything for an empty query."""
        q = query.strip()
        if not q:
            return [Hit(e, 0.0) for e in self.entries[:limit]]
        lowered = q.lower().lstrip("/")
        scores: dict[int, float] = {}
        for i, code in enumerate(self._codes):
            if code and code.startswith(lowered):
                scores[i] = 200.0 - len(code)  # the shortest matching shortcode first
        processed = utils.default_process(q)
        if 0 < len(processed) <= 2:
            # One or two characters (a Chinese word is often two) say too little for fuzzy
            # matching to rank well; plain containment is both better and faster.
            for i, (title, body) in enumerate(zip(self._titles, self._bodies, strict=True)):
                if processed in title:
                    scores[i] = max(scores.get(i, 0.0), 90.0)
                elif processed in body:
                    scores[i] = max(scores.get(i, 0.0), 70.0)
        elif processed:
            for _, score, i in process.extract(
                processed,
                self._titles,
                scorer=fuzz.partial_ratio,
                processor=None,
                limit=limit,
                score_cutoff=60,
            ):
                scores[i] = max(scores.get(i, 0.0), score)
            for _, score, i in process.extract(
                processed,
                self._bodies,
                scorer=fuzz.partial_ratio,
                processor=None,
                limit=limit,
                score_cutoff=75,
            ):
                scores[i] = max(scores.get(i, 0.0), score * 0.85)
        self._by_pinyin(q, scores)
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [Hit(self.entries[i], s) for i, s in best]

    def _by_pinyin(self, query: str, scores: dict[int, float]) -> None:
        """Chinese titles found by what a Chinese agent types without switching the input
        method: `tk` or `tuikuan` for 退款 (pinyin_match)."""
        forms = pinyin_match.query_forms(query)
        if not forms[0]:
            return
        for i, found in self._title_keys.scores(forms).items():
            scores[i] = max(scores.get(i, 0.0), found)

    def suggest(self, customer_text: str, n: int = 3) -> list[Hit]:
        """The `n` replies sharing the most (rarity-weighted) words with the customer's text."""
        wanted = set(terms(customer_text))
        if not wanted:
            return []
        scored = []
        for i, bag in enumerate(self._terms):
            score = sum(self._idf[t] * min(bag[t], 2) for t in wanted if t in bag)
            if score > 0:
                scored.append((score, i))
        scored.sort(key=lambda si: (-si[0], si[1]))
        return [Hit(self.entries[i], s, suggested=True) for s, i in scored[:n]]

    def picker_list(self, query: str, customer_text: str, limit: int = 50) -> list[Hit]:
        """What the picker shows: with no query, the suggestions first, then the rest."""
        if query.strip():
            return self.filter(query, limit)
        top = self.suggest(customer_text)
        seen = {h.entry.key for h in top}
        rest = [Hit(e, 0.0) for e in self.entries if e.key not in seen]
        return (top + rest)[:limit]
