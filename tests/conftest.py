"""Shared fixtures: real settings, a real SQLite cache in a temp dir, a filled demo shop."""

from __future__ import annotations

import os

# The tests read English words; the machine's locale must not choose another language, for
# this process or the commands it starts (tests/test_translations.py runs the Chinese ones).
os.environ["AGENTDESK_LANG"] = "en"

import dataclasses  # noqa: E402
import shutil
from pathlib import Path

import pytest

from agentdesk.config.settings import Settings, load_settings
from agentdesk.store.db import Store
from agentdesk.sync.runner import run_once

ROOT = Path(__file__).resolve().parent.parent


def make_settings(
    data_dir: Path,
    *,
    tickets: int = 120,
    seed: int = 3,
    rate: float = 0.0,
    config: Path | None = None,
    undo_window: int = 0,
) -> Settings:
    """Settings as `agentdesk --data-dir D` builds them with no config file: the demo shop.
    Actions are sent at once unless a test asks for an undo window (the product's is 10 s)."""
    base = load_settings(config, data_dir, environ={})
    demo = base.connectors[0]
    opts = {**demo.options, "tickets": tickets, "seed": seed, "rate": rate}
    return dataclasses.replace(
        base,
        connectors=(dataclasses.replace(demo, options=opts),),
        ui=dataclasses.replace(base.ui, undo_window=undo_window),
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return make_settings(data_dir)


@pytest.fixture
def store(settings: Settings):
    s = Store.open_dir(settings.data_dir)
    yield s
    s.close()


@pytest.fixture(scope="session")
def _filled_template(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("filled") / "data"
    run_once(make_settings(d, tickets=400, seed=7))
    return d


@pytest.fixture
def filled(tmp_path: Path, _filled_template: Path) -> Settings:
    """A demo workspace with 400 tickets, copied fresh for each test."""
    d = tmp_path / "filled"
    shutil.copytree(_filled_template, d)
    return make_settings(d, tickets=400, seed=7)


@pytest.fixture
def filled_store(filled: Settings):
    s = Store.open_dir(filled.data_dir)
    yield s
    s.close()
