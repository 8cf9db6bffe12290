"""The sync engine: a pull loop per connector and a push loop over each connector's outbox.

One engine per cache (see lock.py). A connector that raises or hangs is recorded in
connector_state and backed off; the other connectors carry on; its ops stay queued.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from agentdesk.config.settings import ConnectorSettings, Settings
from agentdesk.connectors.base import (
    AmbiguousError,
    AuthRefused,
    Connector,
    ConnectorContext,
    PermanentError,
    TransientError,
)
from agentdesk.connectors.registry import make_connector, spec_for
from agentdesk.i18n import _
from agentdesk.secrets import SecretMissing, get_secret
from agentdesk.store import attachment_saves, damage, outbox, salvage, sync_state
from agentdesk.store.damage import CacheDamaged
from agentdesk.store.db import Store, StoreError
from agentdesk.store.directory import apply_directory
from agentdesk.store.ingest import apply_batch
from agentdesk.sync.attachment_files import write_attachment
from agentdesk.sync.automation import AUTOMATION_INTERVAL, Automation
from agentdesk.sync.backoff import retry_delay

log = logging.getLogger("agentdesk.sync")

# A single --once pass stops after this many batches per connector, so a platform that
# keeps saying "more" cannot keep the command running forever.
ONCE_MAX_BATCHES = 10_000
CACHE_CHECK_AFTER = 10.0  # seconds after the engine starts
SECRET_POLL = 10.0  # seconds between looks for a new secret after a platform refused ours


@dataclass
class PassSummary:
    pulled_batches: dict[str, int] = field(default_factory=dict)
    pushed: int = 0
    failed: int = 0
    retrying: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def build_connectors(settings: Settings, store: Store) -> list[Connector]:
    """Instantiate every enabled connector; a broken one is recorded, not fatal."""
    out = []
    for cs in settings.connectors:
        if not cs.enabled:
            continue
        try:
            out.append(make_connector(cs.type, context_for(settings, cs)))
        except SecretMissing as e:
            sync_state.set_state(store, cs.name, "error", str(e))
    return out


def context_for(settings: Settings, cs: ConnectorSettings) -> ConnectorContext:
    secret = get_secret(cs.name) if spec_for(cs.type).needs_secret else None
    return ConnectorContext(
        name=cs.name,
        options=cs.options,
        agent_name=settings.agent.name,
        agent_email=settings.agent.email,
        state_dir=settings.data_dir / "connectors" / cs.name,
        request_timeout=settings.sync.request_timeout,
        secret=secret,
    )


def _describe(e: BaseException) -> str:
    if isinstance(e, asyncio.TimeoutError):
        return _("timed out")
    text = str(e) or type(e).__name__
    return text.splitlines()[0][:300]


class SyncEngine:
    def __init__(self, settings: Settings, store: Store, connectors: list[Connector]):
        self.settings = settings
        self.store = store
        self.connectors = connectors
        self.stop_event = asyncio.Event()
        self._states: dict[str, str] = {}
        self.damaged: CacheDamaged | None = None  # the cache failed: the engine stopped
        # Connectors whose platform refused their secret: name -> the secret it refused.
        self._refused: dict[str, str | None] = {}
        self.automation = Automation(settings, store)
        self._pulled = asyncio.Event()  # something arrived: the rules look at it
        # Told of a first sync's progress: (connector, tickets so far or None when done,
        # in all if known); the CLI draws it on stderr.
        self.progress: Callable[[str, int | None, int | None], None] | None = None

    def _set_state(self, name: str, state: str, error: str | None = None) -> None:
        # Only write when something changes: the status line reads this, not a log.
        if self._states.get(name) == state and state not in ("offline", "error"):
            return
        self._states[name] = state
        sync_state.set_state(self.store, name, state, error)

    def _interval(self, c: Connector) -> float:
        cs = next((s for s in self.settings.connectors if s.name == c.name), None)
        if cs is not None and cs.pull_interval is not None:
            return cs.pull_interval
        return self.settings.sync.pull_interval

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self.stop_event.wait(), timeout=max(0.0, seconds))
        except TimeoutError:
            pass

    # -- one step each; shared by the daemon loops and --once --------------------------

    async def pull_step(self, c: Connector) -> bool:
        """One pull and its commit; returns whether the platform has more right away."""
        timeout = self.settings.sync.request_timeout
        cursor = sync_state.get_cursor(self.store, c.name)
        first = sync_state.in_first_sync(self.store, c.name)
        batch = await asyncio.wait_for(c.pull(cursor), timeout=timeout * 4)
        apply_batch(self.store, c.name, batch, self.settings.sla_policies)
        self._pulled.set()
        if first:
            done = sync_state.first_sync_progress(
                self.store, c.name, len(batch.tickets), batch.total, batch.more
            )
            if self.progress is not None:
                self.progress(c.name, *(done or (None, None)))
        if not batch.more and any(self.settings.data_dir.glob(salvage.PATTERN)):
            # Work saved from a damaged cache goes back once its tickets are here again.
            back = salvage.take_back(self.store, self.settings.data_dir, self.settings.sla_policies)
            if back.ops or back.drafts:
                log.warning(
                    "took back %s ops and %s drafts saved from a damaged cache",
                    back.ops,
                    back.drafts,
                )
        return batch.more

    async def directory_step(self, c: Connector) -> None:
        d = await asyncio.wait_for(c.directory(), timeout=self.settings.sync.request_timeout)
        apply_directory(self.store, c.name, d)

    async def push_step(self, c: Connector, up_to_id: int | None = None) -> bool:
        """Deliver the next due op of a connector; returns False when none is due."""
        op = outbox.claim_next(self.store, c.name, up_to_id)
        if op is None:
            return False
        timeout = self.settings.sync.request_timeout
        cap = self.settings.sync.backoff_max
        result = None
        try:
            if op.ambiguous:
                # It may have landed before the crash or timeout: ask, never resend blindly.
                result = await asyncio.wait_for(c.find_landed(op), timeout=timeout)
            if result is None:
                result = await asyncio.wait_for(c.push(op), timeout=timeout)
        except AuthRefused as e:
            # Not the op's fault: it waits, queued, for the new secret the loops wait for.
            outbox.mark_retry(self.store, op, _describe(e), int(time.time()), ambiguous=False)
            self._refused.setdefault(c.name, c.ctx.secret)
        except PermanentError as e:
            outbox.mark_failed(self.store, op, _describe(e))
        except TransientError as e:
            delay = retry_delay(op.attempts, e.retry_after, cap)
            outbox.mark_retry(
                self.store, op, _describe(e), int(time.time() + delay), ambiguous=False
            )
        except (TimeoutError, AmbiguousError, Exception) as e:  # noqa: B014
            # Anything else may have happened after the request went out: treat as unknown.
            delay = retry_delay(op.attempts, None, cap)
            outbox.mark_retry(
                self.store, op, _describe(e), int(time.time() + delay), ambiguous=True
            )
            log.warning("push of %s to %s: %s", op.uuid, c.name, _describe(e))
        else:
            # Outside the try: a failure to record is the cache's, not the platform's, and
            # must not be mistaken for an unknown delivery.
            outbox.mark_sent(self.store, op, result.remote_id)
        return True

    async def save_step(self, c: Connector) -> bool:
        """Fetch one attachment an agent asked to save; returns False when none is waiting."""
        request = attachment_saves.next_save(self.store, c.name)
        if request is None:
            return False
        try:
            if not request.remote_ref:
                raise PermanentError(_("the platform gave no way to fetch this attachment"))
            name, content = await asyncio.wait_for(
                c.fetch_attachment(request.remote_ref), self.settings.sync.request_timeout * 4
            )
            path = await asyncio.to_thread(
                write_attachment,
                self.settings.data_dir,
                c.name,
                request.ticket_remote_id,
                request.name or name,
                content,
            )
        except Exception as e:  # shown next to the attachment; asking again retries
            attachment_saves.mark_save_failed(self.store, request.id, _describe(e))
        else:
            attachment_saves.mark_saved(self.store, request.id, str(path))
        return True

    # -- the daemon ---------------------------------------------------------------------

    async def _pull_loop(self, c: Connector) -> None:
        attempt = 0
        next_directory = 0.0
        # "syncing" is shown while a backlog comes in, not for every routine poll: each state
        # write wakes every console on the cache, and over SSH each wake-up is output.
        self._set_state(c.name, "syncing")
        while not self.stop_event.is_set():
            try:
                if time.monotonic() >= next_directory:
                    await self.directory_step(c)
                    next_directory = time.monotonic() + self.settings.sync.directory_interval
                more = await self.pull_step(c)
                self._set_state(c.name, "syncing" if more else "ok")
                attempt = 0
                if more:
                    continue
                waiter = asyncio.ensure_future(c.wait_for_changes(self._interval(c)))
                stopper = asyncio.ensure_future(self.stop_event.wait())
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                for f in (waiter, stopper):
                    f.cancel()
            except asyncio.CancelledError:
                raise
            except CacheDamaged as e:
                self._stop_damaged(e)
                return
            except AuthRefused as e:
                self._refused.setdefault(c.name, c.ctx.secret)
                log.warning("pull from %s: %s", c.name, _describe(e))
                await self._await_new_secret(c, _describe(e))
            except Exception as e:  # a connector must never take the engine down
                attempt += 1
                retry_after = e.retry_after if isinstance(e, TransientError) else None
                state = (
                    "offline"
                    if isinstance(e, (TransientError, asyncio.TimeoutError, OSError))
                    else "error"
                )
                self._set_state(c.name, state, _describe(e))
                log.warning("pull from %s failed (%s): %s", c.name, state, _describe(e))
                await self._sleep(retry_delay(attempt, retry_after, self.settings.sync.backoff_max))

    async def _push_loop(self, c: Connector) -> None:
        """The outbox first; attachments an agent asked for when no op is due."""
        while not self.stop_event.is_set():
            if c.name in self._refused:
                await self._await_new_secret(c, _("login refused"))
                continue
            try:
                busy = await self.push_step(c) or await self.save_step(c)
            except asyncio.CancelledError:
                raise
            except CacheDamaged as e:
                self._stop_damaged(e)
                return
            except Exception as e:  # the cache itself failed; try again shortly
                log.error("outbox for %s: %s", c.name, _describe(e))
                busy = False
            if not busy:
                await self._sleep(self.settings.sync.outbox_poll)

    async def _await_new_secret(self, c: Connector, why: str) -> None:
        """After AuthRefused: say so, ask nothing of the platform, and look for a new secret
        every SECRET_POLL seconds (the pull and push loops both wait here)."""
        self._set_state(
            c.name,
            "error",
            _("{why}: waiting for a new secret (agentdesk login {name})").format(
                why=why, name=c.name
            ),
        )
        while not self.stop_event.is_set() and c.name in self._refused:
            await self._sleep(SECRET_POLL)
            try:
                secret = get_secret(c.name)
            except SecretMissing:
                continue
            if secret != self._refused.get(c.name, secret):
                c.use_secret(secret)
                self._refused.pop(c.name, None)
                self._set_state(c.name, "syncing")
                log.warning("%s: a new secret; trying again", c.name)

    def _stop_damaged(self, e: CacheDamaged) -> None:
        """Nothing more is written to a damaged cache: the engine stops and says why."""
        if self.damaged is None:
            log.error("%s", e)
        self.damaged = e
        self.stop_event.set()

    async def _check_cache(self) -> None:
        """SQLite's check of every page, once, in a thread, a little after the start (it
        takes seconds on a large cache, and must not delay the first sync or paint)."""
        await self._sleep(CACHE_CHECK_AFTER)
        if self.stop_event.is_set():
            return
        try:
            problem = await asyncio.to_thread(Store.check_dir, self.settings.data_dir)
        except StoreError as e:  # not ours to judge here: every open already refuses it
            log.warning("%s", e)
            return
        if problem is not None:
            self._stop_damaged(damage.mark(self.settings.data_dir, problem))

    async def _automation_loop(self) -> None:
        while not self.stop_event.is_set():
            self._pulled.clear()
            try:
                self.automation.run_pass()
            except CacheDamaged as e:
                self._stop_damaged(e)
                return
            except Exception:  # a rule's failure must not stop syncing
                log.exception("automation pass failed")
            try:
                await asyncio.wait_for(self._pulled.wait(), timeout=AUTOMATION_INTERVAL)
            except TimeoutError:
                pass

    async def run(self) -> None:
        """Run until stop_event is set (or the cache is found damaged: see `damaged`)."""
        for c in self.connectors:
            await c.start()
        tasks = [asyncio.create_task(self._pull_loop(c)) for c in self.connectors]
        tasks += [asyncio.create_task(self._push_loop(c)) for c in self.connectors]
        tasks.append(asyncio.create_task(self._check_cache()))
        if self.automation.active:
            tasks.append(asyncio.create_task(self._automation_loop()))
        try:
            await self.stop_event.wait()
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for c in self.connectors:
                await c.close()

    async def run_once(self) -> PassSummary:
        """One full pass: directory, pull until drained, then every op that is due now."""
        summary = PassSummary()

        async def one(c: Connector) -> None:
            try:
                await c.start()
                self._set_state(c.name, "syncing")
                await self.directory_step(c)
                batches = 0
                while batches < ONCE_MAX_BATCHES:
                    batches += 1
                    if not await self.pull_step(c):
                        break
                summary.pulled_batches[c.name] = batches
                self._set_state(c.name, "ok")
            except CacheDamaged as e:
                self.damaged = e
                summary.errors[c.name] = str(e)
                await c.close()
                return
            except Exception as e:
                state = (
                    "offline"
                    if isinstance(e, (TransientError, asyncio.TimeoutError, OSError))
                    else "error"
                )
                self._set_state(c.name, state, _describe(e))
                summary.errors[c.name] = _describe(e)
            if self.automation.active and c.name not in summary.errors:
                self.automation.run_pass()  # its ops go out in this pass
            before = outbox.outbox_counts(self.store)
            last = outbox.last_op_id(self.store)  # ops queued during the pass wait for the next
            while await self.push_step(c, last):
                pass
            while await self.save_step(c):
                pass
            after = outbox.outbox_counts(self.store)
            summary.pushed += after["sent"] - before["sent"]
            summary.failed += after["failed"] - before["failed"]
            await c.close()

        await asyncio.gather(*(one(c) for c in self.connectors))
        summary.retrying = (
            outbox.outbox_counts(self.store)["queued"] + outbox.outbox_counts(self.store)["sending"]
        )
        return summary
