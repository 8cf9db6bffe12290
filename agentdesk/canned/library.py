"""The canned replies an agent can pick from: synced from connectors (read by
store/canned.py), and local TOML files in the config dir (`canned/personal/` for the
agent's own, `canned/shared/` for a team's, typically a symlink to a folder it shares).

A broken file is skipped with a message naming it; it never stops the console.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentdesk.i18n import _
from agentdesk.model import PRIORITIES, STATUSES

FOLDERS = ("personal", "shared")
_ACTION_KEYS = ("status", "priority", "tags", "team")


@dataclass(frozen=True)
class CannedEntry:
    key: str  # unique across sources, e.g. "demo:ret-en" or "personal/returns.toml#2"
    source: str  # a connector name, "personal" or "shared"
    title: str
    body: str
    shortcode: str = ""
    lang: str = ""
    actions: dict[str, Any] = field(default_factory=dict)


def from_files(config_dir: Path) -> tuple[list[CannedEntry], list[str]]:
    """Every reply in `<config_dir>/canned/{personal,shared}/*.toml`, and the problems found."""
    entries: list[CannedEntry] = []
    problems: list[str] = []
    for folder in FOLDERS:
        base = config_dir / "canned" / folder
        if not base.is_dir():
            continue
        for path in sorted(base.glob("*.toml")):
            try:
                entries.extend(_read_file(path, folder))
            except ValueError as e:
                problems.append(str(e))
    return entries, problems


def _read_file(path: Path, folder: str) -> list[CannedEntry]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{path}: {e}") from None
    replies = data.get("replies")
    if not isinstance(replies, list):
        raise ValueError(_("{path}: expected [[replies]] tables").format(path=path))
    out = []
    for i, r in enumerate(replies):
        where = f"{path}: replies[{i}]"
        if not isinstance(r, dict):
            raise ValueError(_("{where}: expected a table").format(where=where))
        for key in ("title", "body"):
            if not isinstance(r.get(key), str) or not r[key].strip():
                raise ValueError(_("{where}.{key}: missing").format(where=where, key=key))
        actions = {k: r[k] for k in _ACTION_KEYS if k in r}
        if actions.get("status") not in (None, *STATUSES):
            raise ValueError(
                _("{where}.status: expected one of {choices}").format(
                    where=where, choices=", ".join(STATUSES)
                )
            )
        if actions.get("priority") not in (None, *PRIORITIES):
            raise ValueError(
                _("{where}.priority: expected one of {choices}").format(
                    where=where, choices=", ".join(PRIORITIES)
                )
            )
        tags = actions.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ValueError(_("{where}.tags: expected a list of strings").format(where=where))
        out.append(
            CannedEntry(
                f"{folder}/{path.name}#{i}",
                folder,
                r["title"],
                r["body"],
                str(r.get("shortcode", "")),
                str(r.get("lang", "")),
                actions,
            )
        )
    return out


def merge(local: list[CannedEntry], synced: list[CannedEntry]) -> list[CannedEntry]:
    """Local files first (an agent's own wording wins a shortcode tie), then synced ones."""
    return local + synced
