"""Sizes that grow with the text: fixed sizes in the interface were made for one text
size, and scale by how much larger the text is."""

from __future__ import annotations

import math

from PySide6.QtWidgets import QWidget

REFERENCE_POINT_SIZE = 10.0  # the text size fixed sizes in the interface were made for


def font_scale(widget: QWidget) -> float:
    """How much larger than the reference size ``widget``'s text is (never below 1):
    windows and columns of a fixed size grow by it, so large text is not cut off."""
    size = widget.font().pointSizeF()
    return max(1.0, size / REFERENCE_POINT_SIZE) if size > 0 else 1.0


def room_scale(widget: QWidget) -> float:
    """How much larger than at the reference size the room around ``widget``'s text
    grows (a side panel, a window): with the text, but less (its square root), so
    that large text does not leave a panel half the window or a dialog the screen.
    Text inside wraps or shortens in the room."""
    return math.sqrt(font_scale(widget))


def icon_size(point_size: float, normal: int = 16) -> int:
    """An icon's side in pixels for text of ``point_size`` points (``normal`` at the
    reference size and below)."""
    return round(normal * max(1.0, point_size / REFERENCE_POINT_SIZE))
