"""The slice of a view the inbox holds in memory: a few hundred rows around the cursor.

Rows are fetched by keyset (the sort key of the last row held), so moving through
100,000 tickets costs what moving through 100 does; a jump far away (G, a scrollbar drag)
reads one page at that position. A refresh re-reads the slice around the ticket under the
cursor, so new tickets arriving above it do not move the agent's place.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from agentdesk.store import reads
from agentdesk.store.db import Store
from agentdesk.store.filters import Filter

PAGE = 60
KEEP = 600  # rows held at most; the far end is dropped beyond this
_WALK = 3 * PAGE  # a gap this small is closed by keyset steps rather than a jump


@dataclass
class Slice:
    total: int
    start: int
    rows: list[sqlite3.Row]
    cursor: int  # the index the cursor should be at


def key_of(row: sqlite3.Row, order: str) -> tuple:
    return reads.sort_key(row, order)


def read_slice(
    store: Store,
    f: Filter,
    order: str,
    me: str,
    anchor_id: int | None,
    anchor_key: tuple | None,
    anchor_index: int = 0,
) -> Slice:
    """The rows around the ticket `anchor_id` (or where its old key sorts if it left the view)."""
    total = reads.count(store, f)
    if anchor_id is None or anchor_key is None or total == 0:
        rows = reads.page(store, f, order, limit=PAGE, me=me)
        return Slice(total, 0, rows, 0)
    current = reads.row(store, anchor_id, me) if reads.in_view(store, f, anchor_id) else None
    key = key_of(current, order) if current is not None else anchor_key
    pos = reads.position(store, f, order, key)
    before = reads.page(store, f, order, before=key, limit=PAGE // 2, me=me)
    after = reads.page(store, f, order, after=key, limit=PAGE, me=me)
    rows = [*before, *([current] if current is not None else []), *after]
    cursor = min(pos, max(0, total - 1))
    return Slice(total, pos - len(before), rows, cursor)


class InboxWindow:
    """Rows by absolute index, fetched on demand; used on the UI thread (reads are bounded)."""

    def __init__(self, store: Store, f: Filter, order: str, me: str):
        self.store = store
        self.filter = f
        self.order = order
        self.me = me
        self.total = 0
        self.start = 0
        self.rows: list[sqlite3.Row] = []

    def load(self, s: Slice) -> None:
        self.total, self.start, self.rows = s.total, s.start, list(s.rows)

    def index_of(self, ticket_id: int) -> int | None:
        for i, r in enumerate(self.rows):
            if r["id"] == ticket_id:
                return self.start + i
        return None

    def get(self, index: int) -> sqlite3.Row | None:
        if not 0 <= index < self.total:
            return None
        for _ in range(2 + _WALK // PAGE):
            offset = index - self.start
            if 0 <= offset < len(self.rows):
                return self.rows[offset]
            if not self.rows or not self._step_towards(index):
                self._jump(index)
        offset = index - self.start
        return self.rows[offset] if 0 <= offset < len(self.rows) else None

    def _step_towards(self, index: int) -> bool:
        """Extend by one keyset page towards `index` if it is near; False if it is far."""
        end = self.start + len(self.rows)
        if end <= index < end + _WALK:
            more = reads.page(
                self.store,
                self.filter,
                self.order,
                after=key_of(self.rows[-1], self.order),
                limit=PAGE,
                me=self.me,
            )
            if not more:
                return False
            self.rows.extend(more)
            if len(self.rows) > KEEP:
                drop = len(self.rows) - KEEP
                del self.rows[:drop]
                self.start += drop
            return True
        if self.start - _WALK <= index < self.start:
            more = reads.page(
                self.store,
                self.filter,
                self.order,
                before=key_of(self.rows[0], self.order),
                limit=PAGE,
                me=self.me,
            )
            if not more:
                return False
            self.rows[:0] = more
            self.start -= len(more)
            del self.rows[KEEP:]
            return True
        return False

    def _jump(self, index: int) -> None:
        if index >= self.total - PAGE:
            # The end of the view: read it backwards by key rather than skipping by offset.
            rows = reads.page(
                self.store, self.filter, self.order, last=True, limit=PAGE, me=self.me
            )
            self.rows, self.start = rows, max(0, self.total - len(rows))
        else:
            start = max(0, index - PAGE // 2)
            rows = reads.page_at(self.store, self.filter, self.order, start, PAGE, me=self.me)
            self.rows, self.start = rows, start
