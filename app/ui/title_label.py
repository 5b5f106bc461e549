"""The conversation's title in the header."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QEnterEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy


class TitleLabel(QLabel):
    """The conversation's title: selectable with the mouse, shortened with "…" (the
    whole title in its tooltip) when the header is narrow, the first to give way.

    Made selectable when the mouse first comes over it: a selectable label loads Qt's
    whole text machinery, which the window does not need for its first paint.
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = ""
        # Titles come from imports and from the model: text, never markup ("<b>" and
        # "Use <div> or <span>?" lost words; an <img> would be loaded).
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Not its text's width: a long title must not push the model picker out.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.set_title(title)

    def _fit_minimum(self) -> None:
        # The first dozen characters stay: with large text the model picker took the
        # rest of the header, leaving "New c…" (the picker shortens its name instead).
        # A minimum width, not a hint: the layout ignores the hints of this policy.
        first = self._title if len(self._title) <= 12 else self._title[:12] + "…"
        self.setMinimumWidth(max(48, self._width_of(first)))

    def whole_width(self) -> int:
        """The width that shows the whole title."""
        return self._width_of(self._title)

    def _width_of(self, text: str) -> int:
        # Plus _elide's slack, rounding, and the label's own margins.
        frame = self.width() - self.contentsRect().width()
        return self.fontMetrics().horizontalAdvance(text) + 8 + frame

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        # The font the style sheet gives it (larger, bold) comes with its polish.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_minimum()
            self._elide()  # in the new font, even if the width stays

    def set_title(self, title: str) -> None:
        self._title = title
        self._fit_minimum()
        self._elide()

    def title(self) -> str:
        """The whole title (the text shown may be shortened)."""
        return self._title

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._title, Qt.TextElideMode.ElideRight, max(0, self.width() - 4)
        )
        if shown != self.text():
            self.setText(shown)
        self.setToolTip(self._title if shown != self._title else "")

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802 - Qt override
        if not self.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        super().enterEvent(event)
