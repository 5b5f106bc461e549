"""A short notice at the bottom of a window ("Deleted “Trip” [Undo]") that hides itself.

Non-modal and never takes the keyboard focus: typing goes on where it was. The action
button is reachable with Tab; the text is announced to screen readers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QEnterEvent, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_MS = 8000
MARGIN = 16  # from the parent's bottom and sides
_MOVED = (QEvent.Type.Move, QEvent.Type.Resize)


@runtime_checkable
class ToastHost(Protocol):
    """A parent that says where its notices go: their bottom (the main window: above
    the message field, which a notice at the window's bottom would cover) and the
    widget in it whose width they are centred in and kept within (the message field: a
    long notice stretched across the sidebar). They follow that widget as it moves."""

    def toast_bottom(self) -> int: ...

    def toast_area(self) -> QWidget: ...


@runtime_checkable
class ToastWatcher(Protocol):
    """A parent told where its notice is (its geometry; None once it closed): the main
    window keeps the end of the conversation out from under it."""

    def toast_placed(self, geometry: QRect | None) -> None: ...


class Toast(QFrame):
    """One notice over ``parent``; a new notice on the same parent replaces it.

    The countdown pauses while the pointer is over the notice, so there is time to
    reach the button.

    Signals:
        action_triggered(): the action button was pressed (the notice then closes).
        dismissed(): the notice closed (timed out, action, or replaced).
    """

    action_triggered = Signal()
    dismissed = Signal()

    def __init__(
        self,
        parent: QWidget,
        text: str,
        *,
        action_text: str | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("toast")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(text)
        self.setAccessibleDescription("Notification")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Inverted colours stand out on light and dark palettes alike.
        self.setStyleSheet(
            "QFrame#toast { background: palette(window-text); border-radius: 8px; }"
            " QFrame#toast QLabel { color: palette(window); }"
        )
        self._label = QLabel(text, self)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setWordWrap(True)
        self._button: QPushButton | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 8)
        layout.setSpacing(12)
        layout.addWidget(self._label, 1)
        if action_text:
            self._button = QPushButton(action_text, self)
            self._button.setAccessibleName(action_text)
            self._button.setAccessibleDescription(text)
            self._button.setCursor(Qt.CursorShape.PointingHandCursor)
            # Reached with Tab, not taken by a click: clicked, it kept the keyboard, and
            # once the notice closed Qt gave it to the window's first control ("New
            # chat"), so what the person typed next went nowhere and Space made a chat.
            self._button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self._button.clicked.connect(self._on_action)
            layout.addWidget(self._button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(0, timeout_ms))
        self._timer.timeout.connect(self.dismiss)
        self._closed = False
        self._callback: Callable[[], object] | None = None
        self._area: QWidget | None = None  # a host's (see ToastHost), followed
        parent.installEventFilter(self)

    @classmethod
    def show_message(
        cls,
        parent: QWidget,
        text: str,
        action_text: str | None = None,
        on_action: Callable[[], object] | None = None,
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ) -> Toast:
        """Show ``text`` at the bottom of ``parent`` for ``timeout_ms``; return the toast.

        ``on_action`` is called when the ``action_text`` button is pressed.
        """
        for old in parent.findChildren(Toast, options=Qt.FindChildOption.FindDirectChildrenOnly):
            old.dismiss()
        toast = cls(parent, text, action_text=action_text, timeout_ms=timeout_ms)
        # Kept as an attribute and dropped on dismiss, not connected: a connection lives
        # until the toast is destroyed, and a callback holding the last reference to a
        # top-level widget would then destroy that widget from inside the toast's own
        # destruction (a double delete; seen under valgrind).
        toast._callback = on_action
        toast.popup()
        return toast

    @property
    def text(self) -> str:
        return self._label.text()

    @property
    def action_button(self) -> QPushButton | None:
        return self._button

    @property
    def is_open(self) -> bool:
        return not self._closed

    def popup(self) -> None:
        """Place, raise and show the notice, announce it, and start the countdown."""
        self.place()
        self.show()
        self.raise_()
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self, self.text))
        self._timer.start()

    def dismiss(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._callback = None
        self._timer.stop()
        parent = self.parentWidget()
        if parent is not None:
            parent.removeEventFilter(self)
        self._follow(None)
        self.hide()
        self._tell_watcher(parent, None)
        self.dismissed.emit()
        self.deleteLater()

    def _on_action(self) -> None:
        callback = self._callback
        self.action_triggered.emit()
        self.dismiss()
        if callback is not None:
            callback()

    def place(self) -> None:
        """Place the notice at its parent's bottom (a host's: see ToastHost); again
        when what it must not cover moved (the host calls it then)."""
        parent = self.parentWidget()
        if parent is None:
            return
        bottom = parent.height() - MARGIN
        start, end = 0, parent.width()
        if isinstance(parent, ToastHost):
            bottom = min(bottom, parent.toast_bottom())
            area = parent.toast_area()
            self._follow(area)
            start = area.mapTo(parent, QPoint(0, 0)).x()
            end = start + area.width()
        width = min(max(self._natural_width(), 240), max(120, end - start - 2 * MARGIN))
        height = self.heightForWidth(width) if self.hasHeightForWidth() else -1
        height = max(height, self.sizeHint().height())
        middle = (start + end) // 2
        left = max(start + MARGIN, min(middle - width // 2, end - width - MARGIN))
        self.setGeometry(left, bottom - height, width, height)
        if not self._closed:
            self._tell_watcher(parent, self.geometry())

    @staticmethod
    def _tell_watcher(parent: object, geometry: QRect | None) -> None:
        if isinstance(parent, ToastWatcher):
            parent.toast_placed(geometry)

    def _natural_width(self) -> int:
        """The width showing the text on one line (a word-wrapped label's size hint
        would wrap even a short notice)."""
        margins = self.contentsMargins()
        inner = self.layout()
        width = self._label.fontMetrics().horizontalAdvance(self.text) + 8
        if inner is not None:
            layout_margins = inner.contentsMargins()
            width += layout_margins.left() + layout_margins.right()
            if self._button is not None:
                width += inner.spacing() + self._button.sizeHint().width()
        return width + margins.left() + margins.right()

    def _follow(self, area: QWidget | None) -> None:
        """Place the notice again whenever ``area`` moves or is resized (the message
        field moves once the window's layouts follow a resize, after the window's own
        resize event: the sidebar hidden in a narrow window, say)."""
        if area is self._area:
            return
        if self._area is not None:
            self._area.removeEventFilter(self)
        self._area = area
        if area is not None:
            area.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (watched is self.parentWidget() and event.type() == QEvent.Type.Resize) or (
            watched is self._area and event.type() in _MOVED
        ):
            self.place()
        return False

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802 - Qt override
        self._timer.stop()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if not self._closed:
            self._timer.start()
        super().leaveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
            return
        super().keyPressEvent(event)
