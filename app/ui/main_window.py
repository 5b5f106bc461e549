"""The main window: the sidebar beside the conversation, and the window-wide shortcuts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QRect, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QMoveEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QSplitter,
    QWidget,
)

from app.ui.qt_import import qt_namespace
from app.ui.sidebar_room import (
    CHAT_MIN_WIDTH,
    SIDEBAR_MIN_WIDTH,
    SIDEBAR_WIDTH,
    WINDOW_MIN_WIDTH,
    SidebarRoom,
)
from app.ui.text_scale import room_scale

if TYPE_CHECKING:
    # Not imported here: the window shows its frame before its parts load (see
    # app.ui.start_frame), and this module is on the way to that first paint.
    from app.ui.chat_pane import ChatPane
    from app.ui.notice_room import NoticeRoom
    from app.ui.sidebar import Sidebar
    from app.ui.start_frame import StartFrame

APP_NAME = "Maestrale"
ROW_SLACK = 8  # pixels between the middles of widgets on one row of the header


class MainWindow(SidebarRoom, QMainWindow):
    """Signals: closing() when the user closes the window (the app then shuts down);
    place_changed() when it moves, is resized, maximised or shows/hides the sidebar."""

    closing = Signal()
    place_changed = Signal()

    sidebar: Sidebar
    pane: ChatPane
    # Set on the class: Qt sends events (a font or an icon change) while __init__ runs.
    _frame: StartFrame | None = None

    def __init__(
        self,
        sidebar: Sidebar | None = None,
        pane: ChatPane | None = None,
        *,
        extra_handlers: Mapping[str, Callable[[], None]] | None = None,
        enter_sends: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        """The window with its ``sidebar`` and ``pane``; without them, its frame only
        (see app.ui.start_frame), until ``install`` gives them."""
        super().__init__(parent)
        # Asked when the window closes: True keeps the app running in the tray.
        self.close_hides: Callable[[], bool] | None = None
        self._quitting = False
        # Asked before closing for good: True when it waits for the person (an answer
        # not saved yet); ``quit_app(ask=False)`` then closes without asking.
        self.ask_before_quitting: Callable[[], bool] | None = None
        self._asked = False
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.resize(1180, 780)
        self.setMinimumSize(WINDOW_MIN_WIDTH, 420)
        # Given back when a hidden sidebar shows again; in pixels at the reference text
        # size, so the sidebar grows and shrinks with the text.
        self.sidebar_width = SIDEBAR_WIDTH
        self._sidebar_scale = 1.0  # the text scale the sidebar's width was fitted for
        self._sidebar_auto_hidden = False  # hidden for a narrow window, not by the user
        self._sidebar_kept = False  # shown by the user in a narrow window
        # Shown by Ctrl+K in a narrow window over a sidebar the user had hidden: hidden
        # again for a wide window too once the choice is made (see _sidebar_done).
        self._shown_to_search = False
        # The window's place before it grew to hold the sidebar, and the width it grew
        # to: hiding the sidebar again gives that room back (see _shrink_back).
        self._before_growth: tuple[QRect, int] | None = None
        # The open conversation a delete closed, and the pane's opening of the new chat
        # that took its place.
        self._closed_by_delete: tuple[str, int] | None = None
        self._close_asked = False  # closed while only the frame showed
        self._frame_sidebar_shown = True  # as place_frame was last asked
        self._frame_header_height: int | None = None
        if sidebar is not None and pane is not None:
            self.install(sidebar, pane, extra_handlers=extra_handlers, enter_sends=enter_sends)
        else:
            from app.ui.start_frame import StartFrame

            self._frame = StartFrame()
            self.setCentralWidget(self._frame)

    @property
    def header_height(self) -> int | None:
        """How high the conversation's header is now (None before the parts are in)."""
        return self.pane.header.layout.geometry().height() if self.installed else None

    @property
    def installed(self) -> bool:
        """Whether the window has its parts (not only its start frame)."""
        return self._frame is None and hasattr(self, "pane")

    def place_frame(self, *, sidebar_shown: bool, header_height: int | None = None) -> None:
        """Fit the start frame's sidebar as ``fit_sidebar_width`` will fit the real one
        (call once the window has its place, before it shows; fitted again as the window
        system sizes the window: maximised, or tiled)."""
        if self._frame is None:
            return
        self._frame_sidebar_shown = sidebar_shown
        self._frame_header_height = header_height
        scale = room_scale(self)
        least = round(SIDEBAR_MIN_WIDTH * scale)
        window = self.width()
        shown = sidebar_shown and not self._narrow()
        beside = window - round(CHAT_MIN_WIDTH * scale) - self._frame.handleWidth()
        width = max(least, min(round(self.sidebar_width * scale), window * 2 // 5, beside))
        self._frame.place(width, sidebar_shown=shown, header_height=header_height)

    def frame_for_a_conversation(self) -> None:
        """The start frame of a window about to reopen a conversation: no new chat's
        welcome line or title to replace."""
        if self._frame is not None:
            self._frame.for_a_conversation()

    def install(
        self,
        sidebar: Sidebar,
        pane: ChatPane,
        *,
        extra_handlers: Mapping[str, Callable[[], None]] | None = None,
        enter_sends: bool = True,
    ) -> None:
        """Put the ``sidebar`` and ``pane`` in (once), in place of the start frame."""
        if self.installed:
            raise RuntimeError("the window has its parts already")
        if self.windowIcon().isNull():  # else given as the frame painted (window_start)
            from app.ui.icons import app_icon  # Qt's icon classes: not for the frame's paint

            self.setWindowIcon(app_icon())
        self.sidebar = sidebar
        self.pane = pane
        self.splitter = QSplitter()  # side by side
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(sidebar)
        self.splitter.addWidget(pane)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.fit_sidebar_width()
        # The user's width is what a drag of the handle leaves (not what a narrower
        # window or another text size squeezes it to).
        self.splitter.splitterMoved.connect(lambda _pos, _index: self.remember_sidebar_width())
        sidebar.setMinimumWidth(SIDEBAR_MIN_WIDTH)
        self.setCentralWidget(self.splitter)  # the frame, if any, goes with it
        self._frame = None

        sidebar.conversation_activated.connect(self._open_from_sidebar)
        sidebar.new_chat_requested.connect(self.new_chat)
        sidebar.typed.connect(self._type_in_composer)
        sidebar.search_result_activated.connect(self._on_search_result)
        sidebar.conversation_deleted.connect(self._on_deleted)
        sidebar.conversation_restored.connect(self._on_restored)
        sidebar.conversation_renamed.connect(pane.refresh_title)
        sidebar.search_cleared.connect(pane.transcript.clear_highlights)
        # Other words searched: the open chat's marks of the words before go.
        sidebar.search_edited.connect(pane.transcript.clear_search_marks)
        # A new chat's first question made it a conversation: mark its row as open.
        pane.conversation_adopted.connect(sidebar.select_conversation)
        pane.title_changed.connect(self._on_title)
        pane.sidebar_requested.connect(self.toggle_sidebar)
        pane.approval_waiting.connect(sidebar.set_waiting)
        pane._controller.conversation_changed.connect(sidebar.conversation_changed)
        self._make_actions(extra_handlers, enter_sends)
        if self._close_asked:  # closed while it started: closes now, the normal way
            QTimer.singleShot(0, self.close)

    def _make_actions(
        self, extra_handlers: Mapping[str, Callable[[], None]] | None, enter_sends: bool
    ) -> None:
        from app.ui.shortcuts import make_actions

        pane = self.pane
        handlers: dict[str, Callable[[], None]] = {
            "new_chat": self.new_chat,
            "search_chats": self.search_chats,
            "find_in_conversation": pane.open_find,
            "find_next": pane.find_next,
            "find_previous": pane.find_previous,
            "next_conversation": lambda: self.open_beside(1),
            "previous_conversation": lambda: self.open_beside(-1),
            "rename": self.rename_conversation,
            "stop_answer": pane.stop,
            "copy_last_answer": pane.copy_last_answer,
            "regenerate": pane.regenerate_last,
            "continue_answer": pane.continue_last_answer,
            "previous_version": lambda: pane.switch_version(-1),
            "next_version": lambda: pane.switch_version(1),
            "choose_model": pane.choose_model,
            "parameters": pane.open_params,
            "focus_composer": pane.focus_composer,
            "jump_to_latest": pane.transcript.scroll_to_end,
            "toggle_sidebar": self.toggle_sidebar,
            "quit": self.quit_app,
        }
        handlers.update(extra_handlers or {})
        self.actions_by_id = make_actions(self, handlers, enter_sends=enter_sends)
        for action in self.actions_by_id.values():
            self.addAction(action)
        # Esc stops an answer only while one runs; otherwise it stays with the focused
        # widget (closing the find bar, cancelling an edit).
        stop = self.actions_by_id["stop_answer"]
        stop.setEnabled(False)
        pane.busy_changed.connect(stop.setEnabled)

    # -- conversations ------------------------------------------------------------------

    def new_chat(self) -> None:
        self.pane.new_chat()
        # The list again, not the results of a search: the new chat shows up in it.
        self.sidebar.clear_search()
        self.sidebar.select_conversation(None)

    def open_conversation(self, conversation_id: str) -> None:
        self.pane.open_conversation(conversation_id)
        if self.sidebar.open_conversation_id != conversation_id:  # not chosen in the list
            self.sidebar.select_conversation(conversation_id)

    def _open_from_sidebar(self, conversation_id: str) -> None:
        self.open_conversation(conversation_id)
        self._sidebar_done()

    def _sidebar_done(self) -> None:
        """A conversation was opened from the sidebar: in a narrow window it goes, as
        it came for the choice (Ctrl+K, the header's button), giving the conversation
        its room back; the keyboard stays where the opening put it."""
        if self.sidebar.isHidden() or not self._sidebar_over_narrow():
            return
        self._show_sidebar(False)
        self._sidebar_kept = False
        # Still wanted for a wide window (unless this one stayed wide enough to keep
        # it), if it was before the search showed it: the user's Ctrl+B stands.
        self._sidebar_auto_hidden = self._narrow() and not self._shown_to_search
        self._shown_to_search = False

    def open_beside(self, step: int) -> None:
        """Ctrl+Tab / Ctrl+Shift+Tab (or Ctrl+PgDown / Ctrl+PgUp): open the conversation
        below (``step`` 1) or above (-1) the open one in the sidebar's list, as Enter on
        its row does (the keyboard in the message field).

        At either end of the list it stays: wrapping round would jump from the newest
        chat to the oldest of years of history (reading every page of it on the way).
        """
        target = self.sidebar.conversation_beside(step)
        if target is not None:
            self.open_conversation(target)

    def _type_in_composer(self, event: QKeyEvent) -> None:
        """Text typed in the list (after a click there) goes to the message field."""
        self.pane.focus_composer()
        target = QApplication.focusWidget()
        if target is not None and not self.sidebar.isAncestorOf(target):
            QApplication.sendEvent(target, event)

    def search_chats(self) -> None:
        """Ctrl+K: the sidebar's search field, the sidebar shown if it was hidden (the
        keys went to the hidden field)."""
        if self.sidebar.isHidden():
            hidden_by_user = not self._sidebar_auto_hidden
            self.toggle_sidebar()
            self._shown_to_search = hidden_by_user and self._narrow()
        self.sidebar.focus_search()

    def rename_conversation(self) -> None:
        """F2 anywhere: rename the conversation selected in the list while it has focus,
        otherwise the open one (just opened from the list, the composer has the focus)."""
        view = self.sidebar.list_view
        if view.is_editing():
            return
        target = view.current_conversation_id() if view.hasFocus() else self.pane.conversation_id
        if not target:
            return
        if self.sidebar.isHidden():
            self.toggle_sidebar()  # shown as by the user: kept in a narrow window too
        self.sidebar.rename_conversation(target)

    def _on_search_result(self, conversation_id: str, message_id: str, query: str) -> None:
        self.pane.open_conversation(conversation_id, focus=message_id or None, highlight=query)
        self.sidebar.select_conversation(conversation_id)
        self._sidebar_done()

    def _on_deleted(self, conversation_id: str) -> None:
        # An answer being written there stops (open or not): it went on into the trash
        # to its end, billed, unseen. What arrived is kept, so Undo brings it back.
        self.pane.stop(conversation_id)
        # The focus stays in the list the delete came from: Ctrl+Z there undoes it (in
        # the message field it would undo typing).
        if self.pane.conversation_id == conversation_id:
            self.pane.new_chat(focus=False)
            self._closed_by_delete = (conversation_id, self.pane.openings)
        self.sidebar.list_view.setFocus(qt_namespace().FocusReason.OtherFocusReason)

    def _on_restored(self, conversation_id: str) -> None:
        if self._closed_by_delete is None or self._closed_by_delete[0] != conversation_id:
            return  # another delete undone (Del twice, then Ctrl+Z twice): keep waiting
        _, opening = self._closed_by_delete
        self._closed_by_delete = None
        # Undone while the new chat that replaced it is still untouched: back to it.
        if self.pane.openings == opening and self.pane.conversation_id is None:
            self.open_conversation(conversation_id)

    def _on_title(self, title: str) -> None:
        shown = title if self.pane.conversation_id else ""
        # Isolated: an Arabic or Hebrew title took " — Maestrale" into its direction.
        from app.ui.text_direction import isolated  # loaded by then: not worth the start

        self.setWindowTitle(f"{isolated(shown)} — {APP_NAME}" if shown else APP_NAME)

    def quit_app(self, *, ask: bool = True) -> None:
        """Close for good (Ctrl+Q, the session ending): never only hidden in the tray.
        ``ask=False``: without the question about an answer not saved yet (asked, or a
        signal from the system, which waits for no one)."""
        self._quitting = True
        self._asked = self._asked or not ask
        self.close()

    @cached_property
    def _notices(self) -> NoticeRoom:
        """Where notices go (made with the first one)."""
        from app.ui.notice_room import NoticeRoom

        return NoticeRoom(self, self.pane)

    def toast_bottom(self) -> int:
        """Where notices end (see app.ui.toast.ToastHost): above the message field and
        the context gauge's line."""
        return self._notices.bottom()

    def toast_placed(self, geometry: QRect | None) -> None:
        """A notice moved or closed (see app.ui.toast.ToastWatcher): the conversation
        keeps its end clear of it."""
        self._notices.placed(geometry)

    def ready_to_type(self) -> None:
        """The focus to the message field unless it already is in a text field here."""
        from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit  # see TYPE_CHECKING

        focus = QApplication.focusWidget()
        if (
            isinstance(focus, QLineEdit | QPlainTextEdit | QTextEdit)
            and not focus.isReadOnly()
            and self.isAncestorOf(focus)
        ):
            return
        self.pane.focus_composer()

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt override
        """Tab and Shift+Tab in the order things show: the sidebar top to bottom, then
        the header, the messages top to bottom, the message field and Send.

        Qt's own order is the order widgets were made in, and a conversation's messages
        are made from its end upwards, and more as one scrolls.
        """
        if not self.installed:
            return super().focusNextPrevChild(next)
        focus = QApplication.focusWidget()
        stops = self._tab_stops()
        if focus not in stops:
            if focus is None or not self.pane.transcript.canvas.isAncestorOf(focus):
                return super().focusNextPrevChild(next)
            # Text clicked in a message that Tab does not stop on (a tool call's
            # arguments, why an answer stopped): on from its place, both ways. Qt's
            # order, that of making, went to another message or out of the conversation.
            stops = self._tab_stops(focus)
        target = stops[(stops.index(focus) + (1 if next else -1)) % len(stops)]
        reasons = qt_namespace().FocusReason
        reason = reasons.TabFocusReason if next else reasons.BacktabFocusReason
        target.setFocus(reason)
        transcript = self.pane.transcript
        if transcript.canvas.isAncestorOf(target):
            transcript.ensureWidgetVisible(target)
        return True

    def _tab_stops(self, also: QWidget | None = None) -> list[QWidget]:
        """The widgets Tab stops on, in order; with ``also`` among them, at its place."""
        transcript = self.pane.transcript
        canvas = transcript.canvas
        top = transcript.mapTo(self, QPoint(0, 0)).y()

        def place(widget: QWidget) -> tuple[int, int, int, int]:
            at = widget.mapTo(self, QPoint(0, 0))
            if not self.pane.isAncestorOf(widget):
                return (0, 0, at.y(), at.x())  # the sidebar, top to bottom
            if widget is transcript:
                return (1, 1, -1, 0)  # the view itself (arrows and Page Up scroll it)
            if canvas.isAncestorOf(widget):
                inside = widget.mapTo(canvas, QPoint(0, 0))
                return (1, 1, inside.y(), inside.x())  # the messages, scrolled or not
            # The header, then the field: by rows (their middles), left to right.
            return (1, 0 if at.y() < top else 2, at.y() + widget.height() // 2, at.x())

        tab_focus = qt_namespace().FocusPolicy.TabFocus
        stops = [
            widget
            for widget in self.findChildren(QWidget)
            if widget is also
            or (
                widget.window() is self
                and widget.isVisible()
                and widget.isEnabled()
                and widget.focusPolicy() & tab_focus
                and widget.focusProxy() is None
            )
        ]
        ordered = sorted(((place(widget), widget) for widget in stops), key=lambda p: p[0])
        # One row's widgets are not all as tall: middles a pixel apart put a button
        # before the field at its left. Close middles count as one row.
        keyed: list[tuple[tuple[int, int, int, int], QWidget]] = []
        for key, widget in ordered:
            row = key
            if keyed:
                last = keyed[-1][0]
                if key[:2] == last[:2] and key[2] - last[2] <= ROW_SLACK:
                    row = (key[0], key[1], last[2], key[3])
            keyed.append((row, widget))
        return [widget for _, widget in sorted(keyed, key=lambda pair: pair[0])]

    def toast_area(self) -> QWidget:
        """Notices go over the message field, as wide as it at most (over the first-run
        panel, the conversation's side): never over the sidebar (see
        app.ui.toast.ToastHost)."""
        return self._notices.area()

    # -- lifetime -----------------------------------------------------------------------

    def moveEvent(self, event: QMoveEvent) -> None:  # noqa: N802 - Qt override
        super().moveEvent(event)
        self.place_changed.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.installed:
            self.fit_sidebar()
        elif self._frame is not None:
            self.place_frame(
                sidebar_shown=self._frame_sidebar_shown, header_height=self._frame_header_height
            )
        self.place_changed.emit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if not self.installed:
            return  # the frame only: install fits the parts to the window
        if event.type() == QEvent.Type.WindowStateChange:
            # Maximized, its least width was held to the width it had: back to its own.
            self._fit_room()
            self.place_changed.emit()
        elif event.type() == QEvent.Type.FontChange and not self.sidebar.isHidden():
            # The text size changed: the sidebar keeps its width relative to the text
            # (as the user left it: by then the new style may have moved the splitter).
            self.fit_sidebar_width()
        elif event.type() == QEvent.Type.FontChange:
            self._fit_room()  # the conversation's least width grows with the text

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.installed:
            # Closed while it starts: nothing can be kept or asked yet; it closes once
            # its parts are in, the normal way.
            self._close_asked = True
            event.ignore()
            return
        if self.close_hides is not None and self.close_hides() and not self._quitting:
            # Kept in the tray, so the global shortcuts keep working.
            event.ignore()
            self.hide()
            return
        asking = not self._asked and self.ask_before_quitting is not None
        if asking and self.ask_before_quitting is not None and self.ask_before_quitting():
            event.ignore()  # "Quit anyway" closes again
            return
        self.closing.emit()
        super().closeEvent(event)
