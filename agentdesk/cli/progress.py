"""Progress of long work on the CLI (a demo fill, a first sync, a long report): a count and
the time left, drawn by rich on stderr, and only when both stdout and stderr are a
terminal and the output is not JSON: a pipe or a script sees nothing of it."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from agentdesk.i18n import _

SyncProgress = Callable[[str, int | None, int | None], None]


def wanted(as_json: bool = False) -> bool:
    return not as_json and sys.stdout.isatty() and sys.stderr.isatty()


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("·"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )


@contextlib.contextmanager
def first_sync(enabled: bool) -> Iterator[SyncProgress | None]:
    """A callback for the engine's first-sync progress (SyncEngine.progress), or None."""
    if not enabled:
        yield None
        return
    with _progress() as bar:
        tasks: dict[str, int] = {}

        def told(name: str, done: int | None, total: int | None) -> None:
            if done is None:  # finished
                if name in tasks:
                    task = bar.tasks[tasks[name]]
                    bar.update(tasks[name], completed=task.total or task.completed)
                return
            if name not in tasks:
                label = _("{name}: first sync").format(name=name)
                tasks[name] = bar.add_task(label, total=total)
            bar.update(tasks[name], completed=done, total=total)

        yield told


@contextlib.contextmanager
def counting(enabled: bool) -> Iterator[Callable[[str, int], None] | None]:
    """A callback for work counted as it goes, stage by stage, with no known end."""
    if not enabled:
        yield None
        return
    with _progress() as bar:
        tasks: dict[str, int] = {}

        def told(stage: str, done: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=None)
            bar.update(tasks[stage], completed=done)

        yield told
