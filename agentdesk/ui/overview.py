"""What the first screen shows, read in one go off the UI thread: views with counts, the
first page of the selected view, connector states and outbox counts."""

from __future__ import annotations

from dataclasses import dataclass

from agentdesk.config import Settings
from agentdesk.store import reads
from agentdesk.store.db import Store
from agentdesk.store.outbox import outbox_counts
from agentdesk.store.views import View, builtin_views, saved_views


@dataclass
class Overview:
    views: list[View]
    counts: dict[str, int]
    selected: str
    rows: list
    connectors: list
    outbox: dict[str, int]
    presence: str | None


def read_overview(store: Store, settings: Settings, selected: str, limit: int = 60) -> Overview:
    me = settings.agent.email
    views = builtin_views(store, me, settings.ui.sla_warning) + saved_views(
        settings.views, me, settings.agent.zone
    )
    counts = reads.view_counts(store, {v.id: v.filter for v in views})
    view = next((v for v in views if v.id == selected), views[0])
    rows = reads.page(store, view.filter, settings.ui.sort, limit=limit)
    row = store.one("SELECT presence FROM agents WHERE email = ? COLLATE NOCASE LIMIT 1", (me,))
    return Overview(
        views,
        counts,
        view.id,
        rows,
        reads.connector_states(store),
        outbox_counts(store),
        row[0] if row else None,
    )
