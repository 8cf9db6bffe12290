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


def _shared_bits(data_dir: Path) -> int:
    """The group's read/write bits of the cache: on a shared host (a group-shared cache)
    the agents of that group can open what the daemon saved; otherwise the owner alone."""
    try:
        return (data_dir / "agentdesk.db").stat().st_mode & 0o060
    except OSError:
        return 0


def write_attachment(
    data_dir: Path, connector: str, ticket: str, name: str, content: bytes
) -> Path:
    group = _shared_bits(data_dir)
    folder = data_dir / "attachments" / safe_name(connector) / safe_name(ticket)
    folder.mkdir(parents=True, exist_ok=True)
    for part in (data_dir / "attachments", folder.parent, folder):
        part.chmod(0o700 | (0o050 if group else 0))
    base = safe_name(name)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    path = folder / base
    n = 1
    while True:
        try:
            # O_EXCL: a file of the same name (another attachment, or the user's) stays.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 | (group & 0o040))
            break
        except FileExistsError:
            n += 1
            path = folder / (f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})")
    with os.fdopen(fd, "wb") as f:
        f.write(content)
    path.chmod(0o600 | (group & 0o040))  # the umask must not widen or narrow it
    return path
