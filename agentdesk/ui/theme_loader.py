"""Themes from TOML files: the built-in ones (inside the package, agentdesk/ui/themes/) and
the user's (<config dir>/themes/), registered with Textual.

A broken theme file must not stop the console: it is skipped with a message, and a theme
that cannot be found falls back to the default.
"""

from __future__ import annotations

import tomllib
from importlib.resources.abc import Traversable
from pathlib import Path

from rich.terminal_theme import TerminalTheme
from textual.app import App
from textual.color import Color
from textual.reactive import Reactive
from textual.theme import Theme

from agentdesk.i18n import _
from agentdesk.ui.resources import resource

FALLBACK = "textual-dark"
_KEYS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)


def theme_files(config_dir: Path) -> list[Traversable]:
    """Every theme file: the built-in ones, then the user's own, which may override them."""
    builtin = resource("agentdesk.ui", "themes")
    user = config_dir / "themes"
    out = sorted((f for f in builtin.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    if user.is_dir():
        out += sorted(user.glob("*.toml"))
    return out


def load_theme(path: Traversable) -> Theme:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{path}: {e}") from None
    if not isinstance(data.get("name"), str) or not isinstance(data.get("primary"), str):
        raise ValueError(_("{path}: a theme needs a name and a primary colour").format(path=path))
    unknown = set(data) - {"name", "dark", *_KEYS}
    if unknown:
        raise ValueError(_("{path}: unknown key {key}").format(path=path, key=sorted(unknown)[0]))
    for key in _KEYS:
        if key in data:
            try:
                Color.parse(data[key])
            except Exception:
                raise ValueError(
                    _("{path}: {key}: not a colour: {value!r}").format(
                        path=path, key=key, value=data[key]
                    )
                ) from None
    try:
        return Theme(
            name=data["name"],
            dark=bool(data.get("dark", True)),
            **{k: data[k] for k in _KEYS if k in data},
        )
    except Exception as e:  # Textual rejects bad colours with its own errors
        raise ValueError(f"{path}: {e}") from None


# How named colours in our renderables ("yellow", "cyan") look. Textual's default light
# palette has a yellow and a cyan that read at about 2.5:1 on a near-white background, and
# its dark one a red under 4.5:1 on near-black; these are the same hues at 4.5:1 or better
# on the built-in themes' backgrounds (tests/test_themes.py).
READABLE_ON_DARK = TerminalTheme(
    (18, 18, 18),
    (228, 228, 228),
    [
        (38, 38, 38),
        (255, 95, 95),
        (135, 215, 95),
        (255, 215, 95),
        (110, 150, 255),
        (255, 110, 215),
        (95, 215, 235),
        (228, 228, 228),
    ],
    [
        (138, 138, 138),
        (255, 135, 135),
        (175, 235, 135),
        (255, 235, 135),
        (150, 180, 255),
        (255, 150, 230),
        (135, 235, 250),
        (255, 255, 255),
    ],
)
READABLE_ON_LIGHT = TerminalTheme(
    (250, 250, 250),
    (28, 28, 28),
    [
        (0, 0, 0),
        (175, 0, 0),
        (0, 115, 0),
        (125, 92, 0),
        (0, 70, 170),
        (135, 0, 135),
        (0, 105, 130),
        (250, 250, 250),
    ],
    [
        (90, 90, 90),
        (190, 0, 0),
        (0, 120, 0),
        (130, 96, 0),
        (0, 85, 190),
        (150, 0, 150),
        (0, 110, 136),
        (250, 250, 250),
    ],
)


class ThemedApp(App):
    """An app whose ANSI colours are mapped for reading from its first frame.

    Declared here rather than assigned on mount: each assignment makes Textual parse and
    apply the whole stylesheet again (a tenth of the console's start), and the theme's own
    switch in install_themes already does it once."""

    ansi_theme_dark = Reactive(READABLE_ON_DARK, init=False)
    ansi_theme_light = Reactive(READABLE_ON_LIGHT, init=False)


def install_themes(app: App, config_dir: Path, wanted: str) -> list[str]:
    """Register every theme found and switch to `wanted`; returns problems to show."""
    problems: list[str] = []
    for path in theme_files(config_dir):
        try:
            app.register_theme(load_theme(path))
        except ValueError as e:
            problems.append(str(e))
    if wanted in app.available_themes:
        app.theme = wanted
    else:
        problems.append(
            _('theme "{name}" not found; using {fallback}').format(name=wanted, fallback=FALLBACK)
        )
        app.theme = FALLBACK
    return problems
