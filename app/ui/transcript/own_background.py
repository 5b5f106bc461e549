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

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractScrollArea

# Polish and StyleChange: the style sheet style has just turned the viewport's
# background off (first shown, and whenever the style sheet changes: a theme, a text
# size). The focus events come once the focus has moved.
_WATCHED = frozenset(
    {QEvent.Type.Polish, QEvent.Type.StyleChange, QEvent.Type.FocusIn, QEvent.Type.FocusOut}
)


class OwnBackground(QObject):
    """Keeps ``area``'s viewport opaque, in the colour the style sheet gives ``area``,
    while its focus ring does not show."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area)
        self._area = area
        area.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        area.installEventFilter(self)
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _WATCHED:
            self._fit()
        return False

    def _fit(self) -> None:
        viewport = self._area.viewport()
        opaque = not self._area.hasFocus()
        if viewport.autoFillBackground() != opaque:
            viewport.setAutoFillBackground(opaque)
