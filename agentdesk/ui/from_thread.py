"""Results of a worker or the writer thread, handed to the UI thread.

An app that has begun to close is taking its screens down: a read or a write that ends now
has nothing left to show itself in (and a callback looking for a widget already removed
would fail its worker), so what it brings is dropped."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App


def call_while_running(app: App, callback: Callable[..., object], *args: object) -> None:
    """`callback(*args)` on the UI thread, unless the app is closing by then."""

    def if_running() -> None:
        if app.is_running:
            callback(*args)

    app.call_from_thread(if_running)
