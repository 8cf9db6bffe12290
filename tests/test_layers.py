"""DESIGN.md's one rule between layers, enforced: Textual only in agentdesk/ui; the UI never
imports httpx or a connector; and the core works with no TUI installed."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "agentdesk"


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                found.add(".".join((*base, node.module or "")).rstrip("."))
            elif node.module:
                found.add(node.module)
    return found


def modules():
    return [p for p in PACKAGE.rglob("*.py")]


def test_textual_only_in_ui():
    offenders = [
        str(p)
        for p in modules()
        if "ui" not in p.relative_to(PACKAGE).parts[:1]
        and any(m.split(".")[0] == "textual" for m in imports(p))
    ]
    assert offenders == []


def test_ui_never_imports_httpx_or_connectors():
    offenders = []
    for p in (PACKAGE / "ui").rglob("*.py"):
        for m in imports(p):
            if m.split(".")[0] == "httpx" or m.startswith("agentdesk.connectors"):
                offenders.append(f"{p.name}: {m}")
    assert offenders == []


def test_the_checker_sees_a_violation(tmp_path):
    bad = PACKAGE / "ui" / "_layer_probe.py"
    bad.write_text("from agentdesk.connectors import demo\nimport httpx\n")
    try:
        assert "agentdesk.connectors" in imports(bad) and "httpx" in imports(bad)
    finally:
        bad.unlink()


def test_core_imports_without_textual():
    code = (
        "import sys; sys.modules['textual'] = None\n"
        "import agentdesk.cli, agentdesk.store.reads, agentdesk.sync.engine, agentdesk.connectors.demo, agentdesk.bench\n"
        "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules if sys.modules[m] is not None)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
