"""Where the quick window appears and how tall it is: on the screen with the mouse or
where it was left, within its screen, as tall as what it shows, and the room the "/"
template list took under an answer given back when the list closes.

Part of QuickWindow, as a mixin: it works on the window's parts (declared below for
the type checker; the window defines them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QLabel, QListWidget, QWidget

if TYPE_CHECKING:
    from app.state import UiState
    from app.ui.transcript.view import TranscriptView

    _Window = QWidget
else:
    _Window = object

WIDTH = 680
GEOMETRY_KEY = "quick.geometry"


class PlaceAndSize(_Window):
    # The window's; declared for the type checker.
    transcript: TranscriptView
    completions: QListWidget
    notice: QLabel
    _state: UiState
    # Under an answer, the template list grows the window: its height before, and the
    # height it grew to (its room is given back when the list closes).
    _list_room: tuple[int, int] | None

    # -- place --------------------------------------------------------------------------

    def _place(self) -> None:
        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        saved = self._state.get(GEOMETRY_KEY)
        if isinstance(saved, list) and len(saved) == 4:
            rect = QRect(*[int(v) for v in saved])
            if area.contains(rect.center()):
                # Where it was and as wide, but as high as a fresh prompt needs: the
                # height an earlier answer grew it to left an empty window.
                self.setGeometry(rect.x(), rect.y(), rect.width(), self.height())
                self._keep_on_screen()
                return
        size = QSize(min(WIDTH, area.width() - 40), self.height())
        self.resize(size)
        self.move(
            QPoint(area.x() + (area.width() - size.width()) // 2, area.y() + area.height() // 4)
        )

    def _keep_on_screen(self) -> None:
        """Move the window back within its screen where it sticks out (larger text grew
        it past the edge it stood by)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        x = max(area.left(), min(frame.left(), area.right() + 1 - frame.width()))
        y = max(area.top(), min(frame.top(), area.bottom() + 1 - frame.height()))
        if (x, y) != (frame.left(), frame.top()):
            self.move(self.pos() + QPoint(x - frame.left(), y - frame.top()))

    def _remember_place(self) -> None:
        rect = self.geometry()
        self._state.set(GEOMETRY_KEY, [rect.x(), rect.y(), rect.width(), rect.height()])

    # -- height -------------------------------------------------------------------------

    def _shrink_to_prompt(self) -> None:
        """Back to the height of a fresh prompt. Hidden, the window's layouts do not
        update the sizes the answer gave them: forget those and measure again."""
        self._measure_afresh()
        self.setMinimumSize(0, 0)
        self.resize(self.width(), self.minimumSizeHint().height())

    def _measure_afresh(self) -> None:
        """Forget the sizes the window's layouts remember: the card's own layout hears of
        a widget shown or hidden in it only at its next event, so the window's minimum
        height would be the one before."""
        widget: QWidget | None = self.transcript.parentWidget()
        while widget is not None:
            layout = widget.layout()
            if layout is not None:
                layout.invalidate()
            widget.updateGeometry()
            widget = None if widget is self else widget.parentWidget()

    def _fit_height(self) -> None:
        """Tall enough for what shows; with no answer shown, no taller (the template
        list or a notice that went left empty space under the footer). Under an answer,
        the room the template list took is given back when it closes."""
        self._measure_afresh()
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the window's minimum height follows at once, not later
        if self.transcript.isVisible():
            if self._list_room is not None and not self.completions.isVisible():
                self._give_back_list_room(*self._list_room)
                return
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))
            if self._list_room is not None:
                self._list_room = (self._list_room[0], self.height())
        elif self.completions.isVisible() or self.notice.isVisible():
            self.resize(self.width(), self.sizeHint().height())
        else:
            self.resize(self.width(), self.minimumSizeHint().height())
        if not self.completions.isVisible():
            self._list_room = None

    def _give_back_list_room(self, before: int, grown: int) -> None:
        """The height the answer had before the template list opened, with what else
        changed it since (the user's drag): never under what the window now needs (a
        template's chip, a larger text size), nor past the bottom of its screen."""
        self._list_room = None
        wanted = before + self.height() - grown
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().bottom() + 1 - self.frameGeometry().top()
        needed = max(self.minimumSizeHint().height(), self.minimumHeight())
        self.resize(self.width(), max(needed, min(wanted, room)))
        self._keep_on_screen()
