"""Notifications show platform text (team names, what a platform refused): it is shown as
text, sanitized, and never read as markup ("[/]" in a name must neither crash nor style)."""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from agentdesk.text import sanitize


class SafeNotify(App):
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        super().notify(
            sanitize(str(message)),
            title=sanitize(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )
