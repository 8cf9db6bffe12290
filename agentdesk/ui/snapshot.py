"""What the main screen shows, read in one go off the UI thread on the reader connection:
views and their counts, the selected view's rows around the cursor, connector states,
outbox counts and the agent's presence."""

from __future__ import annotations

from dataclasses import dataclass

from agentdesk.config.settings import SavedView, Settings
from agentdesk.store import reads
from agentdesk.store.db import Store
from agentdesk.store.outbox import outbox_counts
from agentdesk.store.presence import my_presence
from agentdesk.store.saved_searches import saved_searches
from agentdesk.store.views import View, agent_views, builtin_views, saved_views
from agentdesk.ui.inbox_window import Slice, read_slice


@dataclass
class ScreenData:
    views: list[View]
    counts: dict[str, int]
    slice: Slice | None
    connectors: list
    outbox: dict[str, int]
    presence: str | None


def all_views(store: Store, settings: Settings) -> list[View]:
    """Built-in views, the config's saved views, then the agent's own saved searches."""
    me = settings.agent.email
    mine = [SavedView(r["name"], r["query"]) for r in saved_searches(store, me)]
    own = saved_views(mine, me, settings.agent.zone, by_name="search")
    return agent_views(
        [
            *builtin_views(store, me, settings.ui.sla_warning, settings.sla_policies),
            *saved_views(settings.views, me, settings.agent.zone),
            *own,
        ],
        me,
    )


def read_screen(
    store: Store,
    settings: Settings,
    view: View | None,
    anchor: tuple[int | None, tuple | None],
    extra: View | None = None,
) -> ScreenData:
    views = all_views(store, settings)
    if extra is not None:
        views.append(extra)
    counts = reads.view_counts(store, {v.id: v.filter for v in views})
    current = view or views[0]
    the_slice = read_slice(
        store, current.filter, current.order or settings.ui.sort, settings.agent.email, *anchor
    )
    return ScreenData(
        views,
        counts,
        the_slice,
        reads.connector_states(store),
        outbox_counts(store),
        my_presence(store, settings.agent.email),
    )
