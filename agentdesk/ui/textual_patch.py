"""Putting one of ours in place of a method of Textual's, once, keeping the original.

terminal_output and cropped_render each replace one piece of Textual's compositor after
checking its shape; this is the part they share: marking ours, so a second app in the
same process does not wrap it again, and keeping Textual's as `__wrapped__` (the tests
compare the two)."""

from __future__ import annotations

from collections.abc import Callable


def installed(owner: type, name: str) -> bool:
    return getattr(getattr(owner, name), "__agentdesk__", False)


def install_over(owner: type, name: str, ours: Callable) -> None:
    ours.__agentdesk__ = True  # type: ignore[attr-defined]
    ours.__wrapped__ = getattr(owner, name)  # type: ignore[attr-defined]
    setattr(owner, name, ours)
