"""Search text for SQLite FTS5, for English and Chinese alike.

FTS5's unicode61 tokenizer splits on spaces and punctuation, which Chinese does not use,
so a run of Han characters would be one token and 退款 would not match 申请退款. Before
indexing we rewrite each CJK run as overlapping bigrams plus its last character
("申请退款" -> "申请 请退 退款 款"), the scheme of Lucene's CJK analyzer. A query is
rewritten the same way and searched as a phrase; one character is a prefix query. Latin
words go through the porter stemmer, so `refund` also finds "refunded".

Compared with the trigram tokenizer this keeps two-character words (most Chinese words)
on the index instead of a table scan, and the index stays several times smaller.
"""

from __future__ import annotations

import re

# Han, Hiragana, Katakana, Hangul: the scripts written without spaces between words.
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
_WORD = re.compile(r"\w+", re.UNICODE)

TOKENIZER = "porter unicode61 remove_diacritics 2"


def _as_bigrams(m: re.Match) -> str:
    run = m.group()
    if len(run) == 1:
        return f" {run} "
    return " " + " ".join([run[i : i + 2] for i in range(len(run) - 1)]) + f" {run[-1]} "


def index_text(text: str) -> str:
    """The form of `text` that goes into the FTS table."""
    return _CJK_RUN.sub(_as_bigrams, text)


def _term_query(term: str) -> str | None:
    """One user term to an FTS5 expression: CJK as a bigram phrase, words as phrases."""
    pieces: list[str] = []
    pos = 0
    for m in _CJK_RUN.finditer(term):
        pieces.extend(_WORD.findall(term[pos : m.start()]))
        run = m.group()
        pieces.append(run)
        pos = m.end()
    pieces.extend(_WORD.findall(term[pos:]))
    exprs = []
    for piece in pieces:
        if _CJK_RUN.fullmatch(piece):
            if len(piece) == 1:
                exprs.append(f'"{piece}"*')
            else:
                grams = [piece[i : i + 2] for i in range(len(piece) - 1)]
                exprs.append('"' + " ".join(grams) + '"')
        else:
            exprs.append('"' + piece.replace('"', "") + '"')
    if not exprs:
        return None
    return " ".join(exprs)  # adjacent expressions: FTS5 ANDs them


def match_expression(terms: list[str]) -> str | None:
    """An FTS5 MATCH string requiring every term, or None when nothing is searchable."""
    exprs = [e for e in (_term_query(t) for t in terms) if e]
    if not exprs:
        return None
    return " AND ".join(f"({e})" for e in exprs)
