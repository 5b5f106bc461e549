"""The transcript's "Jump to latest": a small round arrow that floats at the bottom of
the view while the end of the conversation is out of sight.

It goes in the margin beside the text column when the margin has room for it, so it
never covers a word; in a narrower view it floats over the column's bottom right
corner (a line's end is more often blank than its start), and what it covers there
comes clear with a little scrolling: it goes once the view is at the end, where the
last answer's row of actions keeps the last line above its place. As a pill with words
("↓  Jump to latest") in the middle of the view it covered the bottom lines being read,
and a third of the view's width at 24 pt.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFocusEvent, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from app.ui.icons import icon

MIN_SIDE = 32  # pixels: the button's side at the normal text size and below
MAX_SIDE = 44  # and at large text: it grows a little, not with the text's full size
EDGE = 12  # pixels between it and the view's bottom edge (and the column beside it)

_RESTYLED = (QEvent.Type.FontChange, QEvent.Type.PaletteChange, QEvent.Type.StyleChange)


class JumpToLatest(QToolButton):
    """The round arrow, with a tooltip and an accessible name for its words; ``place``
    puts it. A click leaves the keyboard where it was (the message field, mostly):
    typing goes on there. Tab reaches it, and Space presses it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jumpToLatest")
        self.setToolTip("Jump to latest")
        self.setAccessibleName("Jump to the latest message")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        # A click on a button that takes no click focus gives the keyboard to the first
        # parent that does: the conversation view (its focus frame came on, and typing
        # went nowhere). Taking it here instead, the button hands it straight back.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._accent: QColor | None = None  # the colour its arrow was drawn in
        self._fit()

    def side(self) -> int:
        """The button's width and height, from its text size, within MIN/MAX_SIDE."""
        height = QFontMetrics(self.font()).height()
        return max(MIN_SIDE, min(MAX_SIDE, round(height * 1.6)))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.side(), self.side())

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        if event.reason() is Qt.FocusReason.MouseFocusReason:
            # Who had the keyboard is told right after this, by focusChanged.
            application = QApplication.instance()
            assert isinstance(application, QApplication)
            application.focusChanged.connect(
                self._give_back, Qt.ConnectionType.SingleShotConnection
            )

    def _give_back(self, before: QWidget | None, now: QWidget | None) -> None:
        if now is not self or before is None or not shiboken6.isValid(before):
            return
        if before.isVisible() and before.isEnabled():
            before.setFocus(Qt.FocusReason.OtherFocusReason)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in _RESTYLED:
            self._fit()

    def _fit(self) -> None:
        side = self.side()
        self.setFixedSize(side, side)
        self.setIconSize(QSize(side // 2, side // 2))
        # The accent, as the outline the style sheet draws (the icon's own default is
        # the text's colour: lost among the words around it).
        accent = self.palette().color(QPalette.ColorRole.Link)
        if accent != self._accent:
            self._accent = accent
            self.setIcon(icon("arrow-down", accent))
        radius = f"#jumpToLatest {{ border-radius: {side // 2}px; padding: 0; }}"
        if self.styleSheet() != radius:
            self.setStyleSheet(radius)

    def fits_beside(self, column: QRect, viewport: QRect) -> bool:
        """Whether the margin right of the text column holds the button."""
        return viewport.right() - column.right() >= self.side() + 2 * EDGE

    def place(self, column: QRect, viewport: QRect) -> None:
        """Put it at the bottom of ``viewport``: beside ``column`` when the margin holds
        it, else over the column's right end. Both rectangles are in the coordinates
        of the button's parent."""
        side = self.side()
        if self.fits_beside(column, viewport):
            x = column.right() + EDGE
        else:
            x = min(column.right() - side, viewport.right() - side - EDGE // 2)
        self.setGeometry(x, viewport.bottom() - side - EDGE, side, side)
        self.raise_()
