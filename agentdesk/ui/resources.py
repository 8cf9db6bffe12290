"""Files that ship inside the package (stylesheets, built-in themes), found with
importlib.resources, so a wheel installed anywhere finds them as a source checkout does."""

from __future__ import annotations

import atexit
import contextlib
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

_extracted = contextlib.ExitStack()  # zipped installs: files extracted for the process's life
atexit.register(_extracted.close)


def resource(package: str, *parts: str) -> Traversable:
    return files(package).joinpath(*parts)


def resource_path(package: str, *parts: str) -> Path:
    """A real file path for a packaged file, as Textual's CSS_PATH needs one."""
    ref = resource(package, *parts)
    if isinstance(ref, Path):
        return ref
    return _extracted.enter_context(as_file(ref))


def stylesheet(package: str, name: str) -> Path:
    return resource_path(package, name)
