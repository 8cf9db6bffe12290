"""`agentdesk demo`: settings for a workspace served by the demo shop alone, and its set-up."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

from agentdesk.config.settings import ConnectorSettings, Settings
from agentdesk.connectors.registry import spec_for
from agentdesk.i18n import _
from agentdesk.store.db import DB_NAME

DEMO_NAME = "demo"


class DemoMismatch(Exception):
    pass


def demo_settings(
    base: Settings, data_dir: Path, *, tickets: int | None, seed: int | None, rate: float | None
) -> Settings:
    """The config's agent, UI and SLA settings, with one demo connector and the demo's dir."""
    existing = next((c for c in base.connectors if c.type == "demo"), None)
    spec = spec_for("demo")
    options = {k: key.default for k, key in spec.all_options().items()}
    if existing is not None:
        options.update(existing.options)
    saved = _saved_shop(data_dir)
    if saved:  # reopening a workspace: keep its shop unless flags say otherwise
        options.update(seed=saved["seed"], tickets=saved["total"])
    for key, value in (("tickets", tickets), ("seed", seed), ("rate", rate)):
        if value is not None:
            options[key] = value
    connector = ConnectorSettings(
        "demo", DEMO_NAME, True, None, options, 0, platform=spec.platform, ops=spec.ops
    )
    return dataclasses.replace(base, data_dir=data_dir, connectors=(connector,))


def _shop_file(data_dir: Path) -> Path:
    return data_dir / "connectors" / DEMO_NAME / "shop.json"


def _saved_shop(data_dir: Path) -> dict | None:
    try:
        return json.loads(_shop_file(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def prepare(settings: Settings, *, reset: bool) -> None:
    """Refuse to mix two different shops in one cache; --reset starts afresh."""
    data_dir = settings.data_dir
    if reset:
        for suffix in ("", "-wal", "-shm"):
            (data_dir / (DB_NAME + suffix)).unlink(missing_ok=True)
        shutil.rmtree(data_dir / "connectors" / DEMO_NAME, ignore_errors=True)
        return
    saved = _saved_shop(data_dir)
    opts = settings.connectors[0].options
    if saved and (saved["seed"], saved["total"]) != (opts["seed"], opts["tickets"]):
        raise DemoMismatch(
            _(
                "{dir} holds a demo shop with seed {seed} and {total} tickets; add --reset to replace it, or use another --data-dir"
            ).format(dir=data_dir, seed=saved["seed"], total=saved["total"])
        )
