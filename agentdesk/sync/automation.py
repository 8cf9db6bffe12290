"""The rules' side of the sync engine: one pass after every pull that brought something,
and one at least every AUTOMATION_INTERVAL for the timed triggers (idle, SLA due). Only
the engine that holds the cache's lock runs them, so a rule fires once however many
consoles are open."""

from __future__ import annotations

import logging
import time

from agentdesk.canned.library import CannedEntry, from_files, merge
from agentdesk.config.settings import Settings
from agentdesk.store.actions import ActionContext
from agentdesk.store.assignment import auto_assign
from agentdesk.store.automation import run_rules
from agentdesk.store.bot import run_bot
from agentdesk.store.canned import synced_canned
from agentdesk.store.db import Store
from agentdesk.store.firings import Firing

log = logging.getLogger(__name__)

AUTOMATION_INTERVAL = 15.0  # seconds between passes when nothing was pulled
_CANNED_FRESH = 30.0  # seconds a read of the canned replies is used before reading again


class Automation:
    def __init__(self, settings: Settings, store: Store):
        self.settings = settings
        self.store = store
        self.ctx = ActionContext.from_settings(settings)
        self._canned: dict[str, CannedEntry] = {}
        self._canned_at = -_CANNED_FRESH
        self.shop_names = {
            c.name: c.options.get("shop_name", "") for c in settings.connectors if c.options
        }

    @property
    def active(self) -> bool:
        return (
            any(r.enabled for r in self.settings.rules)
            or any(t.mode != "manual" for t in self.settings.team_assignment)
            or self.settings.bot.enabled
        )

    def _lookup(self, shortcode: str) -> CannedEntry | None:
        if time.monotonic() - self._canned_at > _CANNED_FRESH:
            local, _problems = from_files(self.settings.config_dir)
            entries = merge(local, synced_canned(self.store))
            self._canned = {e.shortcode: e for e in entries if e.shortcode}
            self._canned_at = time.monotonic()
        return self._canned.get(shortcode)

    def run_pass(self) -> list[Firing]:
        if not self.active:
            return []
        # Rules first (one may put a ticket in a team), then each team's auto-assignment.
        fired = run_rules(
            self.store,
            self.ctx,
            self.settings.rules,
            self._lookup,
            shop_names=self.shop_names,
        )
        # The bot answers before a new ticket is handed out; auto-assignment last.
        fired = (
            run_bot(
                self.store, self.ctx, self.settings.bot, self._lookup, shop_names=self.shop_names
            )
            + fired
        )
        fired += auto_assign(
            self.store, self.ctx, self.settings.team_assignment, self.settings.agent_languages
        )
        for f in fired:
            if f.outcome == "queued":
                log.info("rule %s: ticket %s: %s", f.rule, f.ticket, "; ".join(f.actions))
        return fired
