"""`agentdesk doctor`: check each thing agentdesk depends on and say what to do about it."""

from __future__ import annotations

import asyncio
import os
import sqlite3

from rich.console import Console
from rich.text import Text

from agentdesk.config.settings import ConfigError, load_settings
from agentdesk.i18n import _
from agentdesk.text import one_line


def _line(console: Console, ok: bool | None, what: str, detail: str) -> None:
    mark = {True: ("ok", "green"), False: ("FAIL", "red"), None: ("warn", "yellow")}[ok]
    # What a platform said is remote text: one line, no escapes, never markup.
    console.print(
        Text.assemble(
            (f"{mark[0]:>4} ", mark[1]), (one_line(what), "bold"), f"  {one_line(detail)}"
        )
    )


def run_doctor(config: str | None, data_dir: str | None) -> bool:
    """Print one line per check; returns False if anything failed."""
    console = Console(soft_wrap=True)
    healthy = True
    try:
        settings = load_settings(config, data_dir)
    except ConfigError as e:
        _line(console, False, _("config"), str(e))
        return False
    where = (
        str(settings.config_path)
        if settings.config_path
        else _("no config file: the built-in demo workspace")
    )
    _line(console, True, _("config"), where)

    from agentdesk.store import damage
    from agentdesk.store.db import Store, StoreError, data_dir_exposure

    try:
        with Store.open_dir(settings.data_dir) as store:
            n = store.one("SELECT count(*) FROM tickets")[0]
            problem = damage.check(store.conn, quick=False)  # every page, every index
        _line(
            console,
            True,
            _("data dir"),
            _("{dir} (writable, cache has {n:,} tickets)").format(dir=settings.data_dir, n=n),
        )
        if problem is None:
            _line(console, True, _("cache"), _("every page checked"))
        else:
            _line(console, False, _("cache"), str(damage.mark(settings.data_dir, problem)))
            healthy = False
    except (StoreError, damage.CacheDamaged) as e:
        _line(console, False, _("data dir"), str(e))
        healthy = False
    except sqlite3.DatabaseError as e:
        if not damage.is_damage(e):
            raise
        _line(console, False, _("cache"), str(damage.mark(settings.data_dir, str(e))))
        healthy = False
    exposure = data_dir_exposure(settings.data_dir)
    if exposure:
        _line(console, None, _("data dir"), exposure)

    from agentdesk.secrets import keyring_backend

    usable, backend = keyring_backend()
    from agentdesk.connectors.registry import spec_for

    needs = [c for c in settings.connectors if c.enabled and spec_for(c.type).needs_secret]
    detail = (
        backend
        if usable
        else _("no keyring backend ({backend}); use AGENTDESK_SECRET_<NAME> variables").format(
            backend=backend
        )
    )
    _line(console, True if usable else (False if needs else None), _("keyring"), detail)
    healthy &= usable or not needs or all(os.environ.get(_env(c.name)) for c in needs)

    from agentdesk.connectors.registry import make_connector
    from agentdesk.secrets import SecretMissing
    from agentdesk.sync.engine import context_for

    for cs in settings.connectors:
        label = _("connector {name} ({type})").format(name=cs.name, type=cs.type)
        if not cs.enabled:
            _line(console, None, label, _("disabled in the config"))
            continue
        try:
            connector = make_connector(cs.type, context_for(settings, cs))
            result = asyncio.run(_check(connector, settings.sync.request_timeout))
            _line(console, True, label, result)
        except SecretMissing as e:
            _line(console, False, label, str(e))
            healthy = False
        except Exception as e:  # any failure to reach the platform is a finding, not a crash
            _line(
                console,
                False,
                label,
                _("unreachable: {err}").format(err=str(e) or type(e).__name__),
            )
            healthy = False
    return healthy


def _env(name: str) -> str:
    from agentdesk.secrets import env_var_name

    return env_var_name(name)


async def _check(connector, timeout: float) -> str:
    try:
        return await asyncio.wait_for(connector.check(), timeout)
    finally:
        await connector.close()
