"""The transcript's viewport paints its own background, so Qt paints it alone.

The style sheet gives the transcript a background and a rounded focus ring, and Qt's
style sheet style then turns its viewport's own background off (the scroll area's
shows through). Every paint of the conversation, each frame of a streaming answer
among them, then painted the window, the splitter, the pane and the scroll area
beneath it first (benchmark 3's opening, painted: 15.8 ms, 14.6 without them, the
medians of 16 pairs; a repaint of the whole window 3.5 ms, 1.3). Filled with the
colour the style sheet gives the transcript (its palette's window colour, which the
viewport inherits), the viewport is opaque, and the window looks the same to the
pixel.

Not while the transcript has the keyboard: its focus ring's rounded bottom corners
reach into the viewport, and an opaque viewport cut them off.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractScrollArea

# Handled by the scroll area: the style sheet style turns the viewport's background
# off while it polishes the scroll area (first shown, and again after each change of
# the style sheet: a theme, a text size), and the focus ring shows or goes.
_AFTER = frozenset(
    {QEvent.Type.Polish, QEvent.Type.StyleChange, QEvent.Type.FocusIn, QEvent.Type.FocusOut}
)


class OwnBackground:
    """Keeps ``area``'s viewport opaque, in the colour the style sheet gives ``area``,
    while its focus ring does not show. ``area`` tells it each event it handled."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        self._area = area
        area.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self._fit()

    def handled(self, event: QEvent) -> None:
        """``area`` has just handled ``event``."""
        if event.type() in _AFTER:
            self._fit()

    def _fit(self) -> None:
        viewport = self._area.viewport()
        opaque = not self._area.hasFocus()
        if viewport.autoFillBackground() != opaque:
            viewport.setAutoFillBackground(opaque)
