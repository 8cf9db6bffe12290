"""Render only the lines a partial update paints.

For a partial update (a `j`: two rows of the inbox) Textual's compositor asks every widget
that overlaps the changed area for all of its lines, then keeps the changed ones: thirteen
widgets and some 300 lines from their caches for two rows, about a third of a `j`'s time.
Here each widget is asked for the lines inside the changed area only. The picture is the
same (a test compares both over random updates); full repaints go through unchanged.

Installed over `Compositor._get_renders` (used by Textual only to gather what to paint),
after checking the shape it relies on: a Textual that has changed it keeps its own.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

from textual.geometry import Region
from textual.strip import Strip

from agentdesk.ui.textual_patch import install_over, installed

_Render = tuple[Region, Region, list[Strip]]


def cropped_renders(visible_widgets, crop: Region, screen_width: int) -> Iterator[_Render]:
    """(region, clip, lines) for each widget overlapping `crop`, front to back, its clip
    narrowed to the crop's rows and its lines only those (the compositor pairs them by
    that clip).

    Narrowed in height only: the compositor cuts a line where widgets start and end, so a
    clip's left edge must stay a widget's edge."""
    rows = Region(0, crop.y, screen_width, crop.height)
    for widget, (region, clip) in visible_widgets.items():
        if not crop.overlaps(clip):
            continue
        clip = clip.intersection(rows)
        x, y, width, height = region.intersection(clip)
        if width and height:
            lines = widget.render_lines(Region(x - region.x, y - region.y, width, height))
            yield region, clip, lines


def install() -> bool:
    """True when partial updates render cropped (now or already)."""
    try:
        from textual._compositor import Compositor
    except ImportError:
        return False
    if installed(Compositor, "_get_renders"):
        return True
    original = Compositor._get_renders
    if list(inspect.signature(original).parameters) != ["self", "crop"] or not isinstance(
        getattr(Compositor, "visible_widgets", None), property
    ):
        return False

    def _get_renders(self, crop: Region | None = None):
        if crop is None or crop.contains_region(self.size.region):
            return original(self, crop)
        return cropped_renders(self.visible_widgets, crop, self.size.width)

    install_over(Compositor, "_get_renders", _get_renders)
    return True
