"""Where the main window's notices (toasts) go, and the room kept for them: above the
message field and the context gauge's line over it, and under the conversation's end.

A notice at the message field's top covered the gauge's red "too long" line, and one
over the conversation's bottom the last answer's buttons (Copy, Retry, Continue).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget

from app.ui.chat_pane import ChatPane

GAP = 8  # between a notice and what it must not cover
_GAUGE_MOVES = (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.Move, QEvent.Type.Resize)


class NoticeRoom(QObject):
    """The main window's side of ``app.ui.toast.ToastHost`` and ``ToastWatcher``.

    Args:
        window: the notices' parent.
        pane: the conversation's side: its message field, gauge and transcript.
    """

    def __init__(self, window: QWidget, pane: ChatPane) -> None:
        super().__init__(window)
        self._window = window
        self._pane = pane
        # The gauge's line comes and goes without the message field moving: the notice
        # shown then is placed again.
        pane.context_gauge.installEventFilter(self)

    def bottom(self) -> int:
        """Where notices end: above the gauge's line when it shows, else above the
        message field (the window's bottom with neither)."""
        covered = [w for w in (self._pane.context_gauge, self._pane.composer) if w.isVisible()]
        if not covered:
            return self._window.height() - 16
        return min(w.mapTo(self._window, QPoint(0, 0)).y() for w in covered) - GAP

    def area(self) -> QWidget:
        """The widget notices are centred over: the message field, else the pane."""
        composer = self._pane.composer
        return composer if composer.isVisible() else self._pane

    def placed(self, geometry: QRect | None) -> None:
        """A notice is at ``geometry`` (None: it closed): the conversation keeps room
        under its end for it, so its last answer's buttons can show above it."""
        transcript = self._pane.transcript
        room = 0
        if geometry is not None and transcript.isVisible():
            bottom = transcript.mapTo(self._window, QPoint(0, transcript.height())).y()
            room = max(0, bottom - geometry.top() + GAP)
        transcript.keep_room_below(room)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._pane.context_gauge and event.type() in _GAUGE_MOVES:
            from app.ui.toast import Toast  # not at start-up

            for toast in self._window.findChildren(
                Toast, options=Qt.FindChildOption.FindDirectChildrenOnly
            ):
                if toast.is_open:
                    toast.place()
        return False
