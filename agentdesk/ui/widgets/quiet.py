"""Repaint a Static only when what it shows changed: every repaint is bytes on an SSH link,
and the screen's periodic refresh mostly finds nothing new."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def update_if_changed(widget: Static, text: Text) -> None:
    # Text compares its plain string and its style spans.
    if text != getattr(widget, "_agentdesk_shown", None):
        widget._agentdesk_shown = text
        widget.update(text)
