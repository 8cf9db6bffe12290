"""The layers of docs/architecture.md, enforced: import-linter checks the contracts in
pyproject.toml (Textual only in the UI; the store, the engine and the connectors never
import the UI; connectors never import the store; the UI never imports a connector or
httpx; the pure rules never import the store; no import cycles), and the core runs with
no TUI installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "agentdesk"

_LINT = (
    "from importlinter.cli import lint_imports\n"
    "raise SystemExit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))\n"
)


def lint() -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", _LINT], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_every_layer_contract_is_kept():
    result = lint()
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "6 kept, 0 broken" in result.stdout


def test_the_linter_sees_a_broken_layer():
    """A screen that imports a connector, and a cycle between two modules, are both caught."""
    probe = PACKAGE / "ui" / "_layer_probe.py"
    twin = PACKAGE / "ui" / "_layer_probe_twin.py"
    probe.write_text(
        "import agentdesk.connectors.rt.client\nimport agentdesk.ui._layer_probe_twin\n"
    )
    twin.write_text("import agentdesk.ui._layer_probe\n")
    try:
        result = lint()
    finally:
        probe.unlink()
        twin.unlink()
    assert result.returncode != 0
    assert "The UI never imports a connector or httpx BROKEN" in result.stdout
    assert "No import cycles between sibling modules or packages BROKEN" in result.stdout


def test_core_imports_without_textual():
    code = (
        "import sys; sys.modules['textual'] = None\n"
        "import agentdesk.cli, agentdesk.store.reads, agentdesk.store.actions, agentdesk.sync.engine\n"
        "import agentdesk.connectors.demo.connector, agentdesk.connectors.email.connector\n"
        "import agentdesk.connectors.rt.connector, agentdesk.cli.bench_queries\n"
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules if sys.modules[m] is not None)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
