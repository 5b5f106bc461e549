"""The app's icon files: their names and SVG text, in ``resources/icons``.

No Qt here: the style sheet writes tinted copies of some of them for the window's start
frame (app.ui.start_frame), before Qt's icon classes are worth loading; app.ui.icons
draws them.
"""

from __future__ import annotations

from functools import cache

from app.resources import resource_path

# Every icon the app draws; a test checks each file exists and renders.
ICON_NAMES = (
    "alert",
    "app",
    "arrow-down",
    "bookmark",
    "check",
    "chevron-down",
    "chevron-left",
    "chevron-right",
    "chevron-up",
    "copy",
    "edit",
    "external-link",
    "eye",
    "eye-off",
    "history",
    "info",
    "key",
    "keyboard",
    "link",
    "minus",
    "monitor",
    "moon",
    "more",
    "new-chat",
    "palette",
    "pin",
    "plus",
    "regenerate",
    "search",
    "send",
    "server",
    "settings",
    "sidebar",
    "sliders",
    "stop",
    "sun",
    "tool",
    "trash",
    "unpin",
    "x",
)

# Icons also drawn on a smaller pixel grid (resources/icons/<grid>/<name>.svg): the 24 px
# drawing shrunk to 16 px (the tray, title bars, the menu) was soft, no edge on a pixel.
SMALL_DRAWINGS = {"app": 16}


class UnknownIcon(KeyError):
    """No SVG of that name in ``resources/icons``."""


@cache
def svg_source(name: str, grid: int = 24) -> str:
    """The SVG text of ``name`` (still holding ``currentColor``), drawn on ``grid`` px."""
    if name not in ICON_NAMES or (grid != 24 and SMALL_DRAWINGS.get(name) != grid):
        raise UnknownIcon(name)
    if grid != 24:
        return resource_path("icons", str(grid), f"{name}.svg").read_text(encoding="utf-8")
    return resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")


def grid_for(name: str, pixels: float) -> int:
    """The drawing of ``name`` to render at ``pixels`` device pixels: the one whose grid
    is nearer (drawn at 16 px, a 16 px grid is crisp; 24 px shrunk is not)."""
    small = SMALL_DRAWINGS.get(name)
    return small if small is not None and pixels < (small + 24) / 2 else 24
