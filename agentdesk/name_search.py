"""Colleagues and teams found by what the agent types: fuzzy on the name as written, and by
pinyin, full or initials, for Chinese names (`zw` finds 张伟, `shouhou` 售后). Shared by the
transfer dialog and the note's `@` completion. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils

from agentdesk import pinyin_match


class NameIndex:
    """Names ranked for a query; their pinyin is read once, on the first query."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self._plain = [utils.default_process(n) for n in self.names]
        self._keys: list[pinyin_match.Keys] | None = None

    def rank(self, query: str, limit: int = 50) -> list[int]:
        """Positions of the names that fit, best first (ties: in the given order)."""
        q = utils.default_process(query)
        if not q:
            return list(range(len(self.names)))[:limit]
        found = process.extract(
            q, self._plain, scorer=fuzz.WRatio, processor=None, limit=limit, score_cutoff=50
        )
        scores = {i: s for _n, s, i in found}
        if self._keys is None:
            self._keys = [pinyin_match.name_keys(n) for n in self.names]
        forms = pinyin_match.query_forms(query)
        for i, keys in enumerate(self._keys):
            by_pinyin = pinyin_match.score(forms, keys) if keys.fulls else None
            if by_pinyin is not None:
                scores[i] = max(scores.get(i, 0.0), by_pinyin)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return [i for i, _s in ranked[:limit]]
