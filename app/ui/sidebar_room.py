"""The room the sidebar takes in the main window: shown or hidden by the user (Ctrl+B)
or stepping aside for a narrow window, its width as the user left it (grown with the
text), the conversation's least width beside it, and the window grown to hold both
and given back its width when the sidebar goes again.

Part of MainWindow, as a mixin: it works on the window's parts (declared below for the
type checker; the window defines them). Light: on the way to the window's first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter

from app.ui.text_scale import font_scale, room_scale
from app.ui.theme import keep_on_screen, screen_room

if TYPE_CHECKING:
    from app.ui.chat_pane import ChatPane
    from app.ui.sidebar import Sidebar

    _Window = QMainWindow
else:
    _Window = object

NARROW_WINDOW = 720  # below this width (at the normal text size) the sidebar goes
SIDEBAR_WIDTH = 270  # the sidebar's width at first (at the normal text size)
SIDEBAR_MIN_WIDTH = 200
# The conversation's least width (at the normal text size, grown as the sidebar's):
# the message field keeps room to type in beside its Send button. At 24 pt a shown
# sidebar left it a sliver.
CHAT_MIN_WIDTH = 400
WINDOW_MIN_WIDTH = 640


class SidebarRoom(_Window):
    # The window's, declared for the type checker.
    sidebar: Sidebar
    pane: ChatPane
    splitter: QSplitter
    sidebar_width: int  # as the user left it, at the normal text size
    _sidebar_scale: float
    _sidebar_auto_hidden: bool
    _sidebar_kept: bool
    _shown_to_search: bool
    _before_growth: tuple[QRect, int] | None

    if TYPE_CHECKING:
        place_changed = Signal()

    def toggle_sidebar(self) -> None:
        """The user shows or hides the sidebar (Ctrl+B, the header's button)."""
        showing = self.sidebar.isHidden()
        self._sidebar_auto_hidden = False
        self._shown_to_search = False
        # Shown in a narrow window: it stays, until the window is wide again.
        self._sidebar_kept = showing and self._narrow()
        self._show_sidebar(showing)

    @property
    def sidebar_wanted(self) -> bool:
        """Whether the user keeps the sidebar (hidden only for a narrow window, it is)."""
        return not self.sidebar.isHidden() or self._sidebar_auto_hidden

    def _show_sidebar(self, shown: bool) -> None:
        if shown == (not self.sidebar.isHidden()):
            return
        if shown:
            before = self.geometry()
            self.sidebar.show()  # its least width may widen the window at once
            width = self.fit_sidebar_width()
            placed = self._sized_by_window_manager()
            self._before_growth = (before, width) if width > before.width() and not placed else None
        else:
            # Not remembered here: a narrowing window has squeezed it to its minimum
            # by now, and the user's width is the one a drag of the handle left.
            focused = QApplication.focusWidget()
            had_keyboard = focused is not None and self.sidebar.isAncestorOf(focused)
            self.sidebar.hide()
            if had_keyboard:
                # Left to Qt, the keyboard went on to the next field, the model picker,
                # where the Down meant for the search results changed the model.
                self.pane.composer.edit.setFocus()
            self._fit_room()
            self._shrink_back()
        self.pane.sidebar_button.setVisible(self.sidebar.isHidden())
        self.place_changed.emit()

    def fit_sidebar_width(self) -> int:
        """Give the sidebar its width: as the user left it, grown with the text (a width
        chosen at 10 pt showed "Table of pl…" at 22 pt) but less than it (grown as much,
        it took 420 of 1,180 px at 16 pt: the list's titles shorten instead), never more
        than two fifths of the window, nor so wide that the conversation is left less
        than its least width (see _fit_room). Returns the window's width."""
        scale = room_scale(self)
        self.sidebar.setMinimumWidth(round(SIDEBAR_MIN_WIDTH * scale))
        window = self._fit_room()
        fitted = round(self.sidebar_width * scale)
        beside = window - self.pane.minimumWidth() - self.splitter.handleWidth()
        width = max(self.sidebar.minimumWidth(), min(fitted, window * 2 // 5, beside))
        self.splitter.setSizes([width, max(1, window - width)])
        self._sidebar_scale = scale
        return window

    def _fit_room(self) -> int:
        """Give the conversation its least width, the shown sidebar's beside it: the
        window's least width rises to hold both, and a narrower window grows to it (moved
        to stay on its screen). A window that cannot grow (maximized, full screen, or a
        screen too narrow for both) keeps its width: the sidebar gets its least width
        and the conversation the rest. Returns the window's width (as asked for: the
        window system may report it later)."""
        chat = round(CHAT_MIN_WIDTH * room_scale(self))
        sidebar = 0
        if not self.sidebar.isHidden():
            sidebar = self.sidebar.minimumWidth() + self.splitter.handleWidth()
        # Sized by the window manager: a minimum past its width would make Qt resize it
        # (setMinimumWidth does, before any check here could stop it).
        placed = self._sized_by_window_manager()
        if placed:
            room = self.width()
        else:
            room = screen_room(self).width() if self.isVisible() else chat + sidebar
        least = max(WINDOW_MIN_WIDTH, min(chat + sidebar, room))
        if placed:
            least = min(least, self.width())
        before = self.geometry()
        self.pane.setMinimumWidth(max(0, min(chat, least - sidebar)))
        self.setMinimumWidth(least)  # which itself may widen a narrower window
        width = self.width()
        if not placed and width < least:
            self.resize(least, self.height())
            width = least
        if not placed and width > before.width():
            keep_on_screen(self)
        return width

    def _sized_by_window_manager(self) -> bool:
        """Maximized or full screen: its width is the window manager's, not ours."""
        return self.isMaximized() or self.isFullScreen()

    def _shrink_back(self) -> None:
        """The sidebar hidden again: a window grown to hold it (and not resized since)
        goes back to where it was; it stayed 300 px wider than the person had it."""
        before, self._before_growth = self._before_growth, None
        if before is None or self._sized_by_window_manager():
            return
        place, grown = before
        if self.width() == grown and place.width() >= self.minimumWidth():
            self.setGeometry(place)

    def remember_sidebar_width(self) -> None:
        """Keep the shown sidebar's width (at the reference text size) for next time."""
        if not self.sidebar.isHidden() and self.splitter.sizes()[0]:
            self.sidebar_width = round(self.splitter.sizes()[0] / self._sidebar_scale)

    def _narrow(self, width: int | None = None) -> bool:
        """Whether the window (or one ``width`` wide) is too narrow for the sidebar."""
        # With larger text the threshold grows, but not past 16 pt's: at 22 pt the
        # sidebar otherwise stepped aside in any window narrower than 1,584 px.
        width = self.width() if width is None else width
        return width < NARROW_WINDOW * min(font_scale(self), 1.6)

    def _sidebar_over_narrow(self) -> bool:
        """Whether the sidebar shows in a narrow window: narrow still, or grown from a
        narrow width to hold it (and not resized since)."""
        grown = self._before_growth
        if grown is not None and self.width() == grown[1]:
            return self._narrow(grown[0].width())
        return self._narrow()

    def fit_sidebar(self) -> None:
        """A narrow window gives the conversation the room: the sidebar goes, and comes
        back once the window is wide again (250 px of list starved a 700 px window)."""
        if self._narrow():
            if not self.sidebar.isHidden() and not self._sidebar_kept:
                self._show_sidebar(False)
                self._sidebar_auto_hidden = True
        else:
            self._sidebar_kept = False
            self._shown_to_search = False  # a wide window keeps it (as Ctrl+K there)
            if self._sidebar_auto_hidden:
                self._sidebar_auto_hidden = False
                self._show_sidebar(True)
