"""Everything the supervisor's wallboard shows, read in one go (reads only: the monitor's
connection cannot write, and none of this tries to)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from agentdesk.config.settings import Settings
from agentdesk.kpi import metrics
from agentdesk.store import reads
from agentdesk.store.db import Store
from agentdesk.store.filters import Filter
from agentdesk.store.kpi_window import KpiWindow
from agentdesk.store.presence import VIEWING_FRESH, live_presence, stale_before
from agentdesk.store.views import View, builtin_views

LIST_LIMIT = 8
_RANK = {"online": 0, "away": 1, "offline": 2}


@dataclass
class AgentLine:
    name: str
    presence: str
    viewing: str | None  # "#remote-id subject" of the ticket open on their screen
    viewing_ticket_id: int | None
    open_load: int
    capacity: int
    handled_today: int = 0
    first_reply_today: float | None = None
    assigned_today: int = 0  # tickets auto-assignment gave them today


@dataclass
class Wallboard:
    now: int
    views: list[View]
    queue_counts: dict[str, int]
    breached: list[sqlite3.Row]
    breached_total: int
    due_soon: list[sqlite3.Row]
    due_soon_total: int
    agents: list[AgentLine]
    today: dict
    week: dict
    hourly: list[int] = field(default_factory=list)  # new tickets per hour, oldest first


def supervisor_views(store: Store, settings: Settings) -> list[View]:
    """The queues a supervisor watches: every built-in view but "Mine", channels, teams."""
    views = builtin_views(store, "", settings.ui.sla_warning, settings.sla_policies)
    return [v for v in views if v.id != "mine"]


class WallboardReader:
    """The wallboard of a running monitor: the week's facts kept and brought up to date from
    the change log (kpi_window.py), today's figures computed on every read, the week's at
    most once every WEEK_EVERY seconds (a seven-day median does not move in a minute, and
    at a million tickets computing it is half a second). Queues, lists and agents are read
    each time."""

    WEEK_EVERY = 60.0

    def __init__(self, settings: Settings):
        self.settings = settings
        self.window = KpiWindow(7, settings.sla_policies, settings.presales_teams)
        self._week: dict | None = None
        self._week_at = 0.0

    def expire_week(self) -> None:
        """Forget the week's figures: the next read computes them again."""
        self._week = None

    def read(self, store: Store, now: float) -> Wallboard:
        settings = self.settings
        t = int(now)
        views = supervisor_views(store, settings)
        counts = reads.view_counts(store, {v.id: v.filter for v in views})
        breached_f = Filter().add("t.stage = 0").add("t.due_key < ?", t)
        at_risk = next(v for v in views if v.id == "at_risk")
        soon_f = Filter(list(at_risk.filter.clauses), list(at_risk.filter.params)).add(
            "t.due_key >= ?", t
        )
        today_start = metrics.day_start(now, settings.agent.zone)
        self.window.refresh(store, now)
        # Today is read out of the week: the tickets today touched, with their history.
        today_facts = self.window.facts(store, now, since=today_start)
        by_agent = {r["group"]: r for r in metrics.compute(today_facts, "agent")}
        if self._week is None or self.window.reloaded or now - self._week_at >= self.WEEK_EVERY:
            self._week, self._week_at = metrics.total(self.window.facts(store, now)), now
        return Wallboard(
            now=t,
            views=views,
            queue_counts=counts,
            breached=reads.page(store, breached_f, "sla", limit=LIST_LIMIT),
            breached_total=reads.count(store, breached_f),
            due_soon=reads.page(store, soon_f, "sla", limit=LIST_LIMIT),
            due_soon_total=reads.count(store, soon_f),
            agents=_agents(store, t, by_agent, today_start),
            today=metrics.total(today_facts),
            week=self._week,
            hourly=_hourly(store, t),
        )


def read_wallboard(store: Store, settings: Settings, now: float) -> Wallboard:
    """The wallboard read once, from nothing (a running monitor keeps a WallboardReader)."""
    return WallboardReader(settings).read(store, now)


def _agents(store: Store, now: int, by_agent: dict[str, dict], today_start: int) -> list[AgentLine]:
    lines: dict[str, AgentLine] = {}
    rows = store.query(
        f"SELECT a.name, {live_presence()} AS presence, a.capacity, a.viewing_ticket_id,"
        " a.viewing_at,"
        " (SELECT count(*) FROM tickets t WHERE t.assignee_id = a.id AND t.stage < 2) AS load,"
        " (SELECT count(*) FROM assignment_turns w WHERE w.agent_id = a.id AND w.at >= ?)"
        " AS assigned,"
        " v.remote_id AS v_remote, v.subject AS v_subject FROM agents a"
        " LEFT JOIN tickets v ON v.id = a.viewing_ticket_id",
        (stale_before(now), today_start),
    )
    for r in rows:
        fresh = r["viewing_at"] is not None and r["viewing_at"] >= now - VIEWING_FRESH
        viewing = f"#{r['v_remote']} {r['v_subject']}" if fresh and r["v_remote"] else None
        line = lines.get(r["name"])
        if line is None:
            lines[r["name"]] = AgentLine(
                r["name"],
                r["presence"],
                viewing,
                r["viewing_ticket_id"] if viewing else None,
                r["load"],
                r["capacity"],
                assigned_today=r["assigned"],
            )
            continue
        # The same person on several platforms: one line, the best presence, all the load.
        if _RANK[r["presence"]] < _RANK[line.presence]:
            line.presence = r["presence"]
        line.open_load += r["load"]
        line.assigned_today += r["assigned"]
        line.capacity = max(line.capacity, r["capacity"])
        if viewing and not line.viewing:
            line.viewing, line.viewing_ticket_id = viewing, r["viewing_ticket_id"]
    for name, line in lines.items():
        figures = by_agent.get(name)
        if figures:
            line.handled_today = figures["handled"]
            line.first_reply_today = figures["first_response_median"]
    return sorted(lines.values(), key=lambda a: (_RANK[a.presence], -a.open_load, a.name))


def _hourly(store: Store, now: int) -> list[int]:
    first_hour = now // 3600 - 23
    counts = dict(
        store.query(
            "SELECT at / 3600 AS h, count(*) FROM events WHERE kind = 'created' AND at >= ?"
            " GROUP BY h",
            (first_hour * 3600,),
        )
    )
    return [counts.get(h, 0) for h in range(first_hour, first_hour + 24)]
