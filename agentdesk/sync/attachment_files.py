"""Where a fetched attachment goes on disk: <data dir>/attachments/<connector>/<ticket>/<name>.

The name comes from a stranger, so it is reduced to a plain file name (no folders, no
control characters, no leading dots) and never overwrites another file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\:*?\"<>|\u202a-\u202e\u2066-\u2069]")


def safe_name(name: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip().lstrip(".")
    return cleaned[:150] or "attachment"


def write_attachment(
    data_dir: Path, connector: str, ticket: str, name: str, content: bytes
) -> Path:
    folder = data_dir / "attachments" / safe_name(connector) / safe_name(ticket)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    base = safe_name(name)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    path = folder / base
    n = 1
    while True:
        try:
            # O_EXCL: a file of the same name (another attachment, or the user's) stays.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            n += 1
            path = folder / (f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})")
    with os.fdopen(fd, "wb") as f:
        f.write(content)
    return path
