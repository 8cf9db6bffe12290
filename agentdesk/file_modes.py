"""One rule for every file agentdesk makes under its data dir, whoever makes it (the cache,
the sync lock, a connector's own state, salvaged work): the owner's alone (files 0600,
folders 0700); or, where the data dir is a setgid folder shared with a group (the README's
shared host), the group's as well (0660, and folders 2770). Never wider, whatever the
umask. Customer data lives in these files."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def shared_bits(folder: Path) -> int:
    """The group read/write bits a file in `folder` gets: those of a setgid folder, else none."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return 0
    return mode & 0o060 if mode & stat.S_ISGID else 0


def file_mode(folder: Path) -> int:
    return 0o600 | shared_bits(folder)


def private_dir(path: Path) -> None:
    """Make `path` and its missing parents, each by the rule of the folder it is made in."""
    missing = []
    p = Path(path)
    while not p.exists():
        missing.append(p)
        p = p.parent
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        try:
            parent = folder.parent.stat().st_mode
        except OSError:
            parent = 0
        shared = parent & stat.S_ISGID and parent & 0o070
        os.chmod(folder, 0o700 | (parent & 0o070 | stat.S_ISGID if shared else 0))


def create_private(path: Path, flags: int = os.O_WRONLY) -> int:
    """Open (creating if missing) a file with the rule's mode; returns the descriptor."""
    fd = os.open(path, flags | os.O_CREAT, 0o600)
    os.fchmod(fd, file_mode(Path(path).parent))
    return fd


def keep_private(path: Path) -> None:
    """An existing file: take away what the rule does not allow (never add)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return
    allowed = file_mode(Path(path).parent)
    if mode & ~allowed:
        os.chmod(path, mode & allowed)
