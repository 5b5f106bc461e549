"""The message field's Send button, which becomes Stop while an answer runs."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QPushButton

LABELS = ("Send", "Stop")


class SendButton(QPushButton):
    """As wide with either label: the message field beside it keeps its width as one
    becomes the other (it narrowed and widened by a few pixels at every answer's start
    and end, its lines wrapped anew each time). QPushButton's least size is its hint:
    the same."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        # The hint is the shown label's size, as QPushButton measures it, and the
        # style's room around it; in the button's font (the style sheet's once polished).
        metrics = self.fontMetrics()
        widest = max(metrics.size(0, label).width() for label in LABELS)
        return QSize(hint.width() + widest - metrics.size(0, self.text()).width(), hint.height())
