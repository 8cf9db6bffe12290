"""`agentdesk doctor`: check each thing agentdesk depends on and say what to do about it."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from agentdesk.config.settings import ConfigError, load_settings
from agentdesk.i18n import N_, _
from agentdesk.text import one_line


@dataclass
class Finding:
    status: str  # "ok", "warn" or "fail"
    check: str
    detail: str


# Four cells each, in every language.
_MARKS = {"ok": (N_("ok"), "green"), "fail": (N_("FAIL"), "red"), "warn": (N_("warn"), "yellow")}


def print_findings(console: Console, findings: list[Finding]) -> None:
    for f in findings:
        mark, style = _MARKS[f.status]
        mark = _(mark)
        # What a platform said is remote text: one line, no escapes, never markup.
        console.print(
            Text.assemble(
                (" " * max(0, 4 - cell_len(mark)) + mark + " ", style),
                (one_line(f.check), "bold"),
                f"  {one_line(f.detail)}",
            )
        )


def findings_json(findings: list[Finding]) -> dict:
    return {
        "healthy": healthy(findings),
        "checks": [{"check": f.check, "status": f.status, "detail": f.detail} for f in findings],
    }


def healthy(findings: list[Finding]) -> bool:
    return not any(f.status == "fail" for f in findings)


def run_doctor(config: str | None, data_dir: str | None) -> list[Finding]:
    """One finding per check, in the order a person would fix them."""
    out: list[Finding] = []
    add = lambda status, check, detail: out.append(Finding(status, check, detail))  # noqa: E731
    try:
        settings = load_settings(config, data_dir)
    except ConfigError as e:
        add("fail", _("config"), str(e))
        return out
    where = (
        str(settings.config_path)
        if settings.config_path
        else _("no config file: the built-in demo workspace")
    )
    add("ok", _("config"), where)
    zone = settings.agent.zone_name
    add(
        "ok",
        _("time zone"),
        zone + ("" if settings.agent.timezone else _(" (the system's; [agent] timezone sets one)")),
    )
    _check_cache(settings, add)
    _check_keyring(settings, add)
    _check_connectors(settings, add)
    return out


def _check_cache(settings, add) -> None:
    from agentdesk.store import damage
    from agentdesk.store.db import Store, StoreError, data_dir_exposure

    try:
        with Store.open_dir(settings.data_dir) as store:
            n = store.one("SELECT count(*) FROM tickets")[0]
            problem = damage.check(store.conn, quick=False)  # every page, every index
        add(
            "ok",
            _("data dir"),
            _("{dir} (writable, cache has {n:,} tickets)").format(dir=settings.data_dir, n=n),
        )
        if problem is None:
            add("ok", _("cache"), _("every page checked"))
        else:
            add("fail", _("cache"), str(damage.mark(settings.data_dir, problem)))
    except (StoreError, damage.CacheDamaged) as e:
        add("fail", _("data dir"), str(e))
    except sqlite3.DatabaseError as e:
        if not damage.is_damage(e):
            raise
        add("fail", _("cache"), str(damage.mark(settings.data_dir, str(e))))
    exposure = data_dir_exposure(settings.data_dir)
    if exposure:
        add("warn", _("data dir"), exposure)


def _check_keyring(settings, add) -> None:
    from agentdesk.connectors.registry import spec_for
    from agentdesk.secrets import keyring_backend, plaintext_warning

    info = keyring_backend()
    needs = [c for c in settings.connectors if c.enabled and spec_for(c.type).needs_secret]
    if info.plaintext:
        add("warn", _("keyring"), plaintext_warning(info))
    elif info.usable:
        add("ok", _("keyring"), info.name)
    else:
        from_env = all(os.environ.get(_env(c.name)) for c in needs)
        add(
            "fail" if needs and not from_env else "warn",
            _("keyring"),
            _("no keyring backend ({backend}); use AGENTDESK_SECRET_<NAME> variables").format(
                backend=info.name
            ),
        )


def _check_connectors(settings, add) -> None:
    from agentdesk.connectors.base import AuthRefused
    from agentdesk.connectors.registry import make_connector
    from agentdesk.secrets import SecretMissing
    from agentdesk.sync.engine import context_for

    for cs in settings.connectors:
        label = _("connector {name} ({type})").format(name=cs.name, type=cs.type)
        if not cs.enabled:
            add("warn", label, _("disabled in the config"))
            continue
        try:
            connector = make_connector(cs.type, context_for(settings, cs))
            add("ok", label, asyncio.run(_check(connector, settings.sync.request_timeout)))
        except (SecretMissing, AuthRefused) as e:
            add("fail", label, str(e))
        except Exception as e:  # any failure to reach the platform is a finding, not a crash
            add("fail", label, _("unreachable: {err}").format(err=str(e) or type(e).__name__))


def _env(name: str) -> str:
    from agentdesk.secrets import env_var_name

    return env_var_name(name)


async def _check(connector, timeout: float) -> str:
    try:
        return await asyncio.wait_for(connector.check(), timeout)
    finally:
        await connector.close()
