"""The conversation list widget: keyboard and mouse behaviour of the sidebar's list.

The selection marks the conversation that is open; the current index (the focus
frame) is where the keyboard is. Arrow keys move the focus frame without opening
anything; Enter or a click opens. Headings are skipped. Enter or a click on "Show more
quick prompts…" reads the next quick exchanges and puts the focus frame on the first.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFrame, QListView, QWidget

from app.ui.shortcuts import writes_text
from app.ui.sidebar.delegate import ConversationDelegate, row_height
from app.ui.sidebar.model import ConversationListModel, ConversationRole
from app.ui.sidebar.scroll_anchor import ScrollAnchor

_Index = QModelIndex | QPersistentModelIndex


# Keys that act on the keyboard's row or move it: with the row unmarked, they mark it.
_SHOWING_KEYS = (
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
    Qt.Key.Key_Delete,
    Qt.Key.Key_F2,
    Qt.Key.Key_Menu,
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
)


class ConversationListView(QListView):
    """Shows a ``ConversationListModel``.

    Signals:
        open_requested(str, bool): Enter or a click on a conversation; True for a click.
        delete_requested(str): Delete on a conversation.
        menu_requested(str, QPoint): right click, the Menu key or Shift+F10; the point
            is global, where the menu should appear.
        typed(QKeyEvent): a key that writes text (a copy of its event): for the message
            field, where typing goes after a click in the list.
    """

    open_requested = Signal(str, bool)
    delete_requested = Signal(str)
    menu_requested = Signal(str, QPoint)
    typed = Signal(QKeyEvent)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationList")
        self.setAccessibleName("Conversations")
        self.setItemDelegate(ConversationDelegate(self))
        self.setUniformItemSizes(True)  # fast layout with thousands of rows
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)  # hover colour
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setMinimumHeight(row_height(self.font()) * 3)
        self.clicked.connect(self._on_clicked)
        self.cursor_hidden = False  # the keyboard's row unmarked: see hide_cursor
        # Rows coming, going or moving above those in sight leave these in place.
        self._anchor = ScrollAnchor(self)

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 - Qt override
        if model is not None:
            self._anchor.watch_before(model)
        super().setModel(model)
        if model is not None:
            for change in (model.rowsInserted, model.rowsRemoved, model.rowsMoved):
                change.connect(self.forget_hover)
            model.modelReset.connect(self.forget_hover)
            model.layoutChanged.connect(self.forget_hover)
            self._anchor.watch_after(model)

    def dataChanged(  # noqa: N802 - Qt override
        self, top_left: _Index, bottom_right: _Index, roles: Sequence[int] = ()
    ) -> None:
        if list(roles) == [ConversationRole.UPDATED_AT]:
            # A conversation's new activity time, which no row shows: Qt's list laid all
            # its rows out again and repainted them (at every answer's end).
            return
        # Past QListView's own, which lays every row out again, in case the changed rows
        # are another size: all rows are as high (uniform item sizes), so none can be.
        # That took 30 ms with 10,000 rows loaded, at every rename or move. The item
        # view's repaints the rows and keeps an open editor in step.
        QAbstractItemView.dataChanged(self, top_left, bottom_right, roles)

    def forget_hover(self) -> None:
        """No row lit as hovered until the pointer moves over one again: after rows
        moved under a still pointer, or a context menu took it, Qt kept lighting the old
        row (with the selection, up to three rows looked chosen)."""
        QApplication.sendEvent(self.viewport(), QEvent(QEvent.Type.Leave))
        self.viewport().update()

    def conversation_model(self) -> ConversationListModel:
        model = self.model()
        assert isinstance(model, ConversationListModel)
        return model

    def current_conversation_id(self) -> str | None:
        value = self.currentIndex().data(ConversationRole.ID)
        return value if isinstance(value, str) else None

    def is_editing(self) -> bool:
        return self.state() == QAbstractItemView.State.EditingState

    # Keyboard ----------------------------------------------------------------------------

    def _conversation_row(self, start: int, step: int) -> int | None:
        """The first conversation row from ``start`` on, going ``step`` (+1 or -1)."""
        model = self.model()
        row = start
        while 0 <= row < model.rowCount():
            if not model.index(row, 0).data(ConversationRole.IS_HEADER):
                return row
            row += step
        return None

    def moveCursor(  # noqa: N802 - Qt override
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model = self.model()
        current = self.currentIndex()
        action_type = QAbstractItemView.CursorAction
        row: int | None
        if action == action_type.MoveHome:
            row = self._conversation_row(0, 1)
        elif action == action_type.MoveEnd:
            row = self._conversation_row(model.rowCount() - 1, -1)
        elif not current.isValid():
            row = self._conversation_row(0, 1)
        elif action in (action_type.MoveUp, action_type.MovePrevious):
            row = self._conversation_row(current.row() - 1, -1)
        elif action in (action_type.MoveDown, action_type.MoveNext):
            row = self._conversation_row(current.row() + 1, 1)
        else:  # page up/down and the rest: Qt's answer, moved off a heading
            moved = super().moveCursor(action, modifiers)
            if not moved.isValid():
                return moved
            step = -1 if action == action_type.MovePageUp else 1
            row = self._conversation_row(moved.row(), step)
            if row is None:
                row = self._conversation_row(moved.row(), -step)
        if row is None:
            return current
        return model.index(row, 0)

    def scrollTo(  # noqa: N802 - Qt override
        self,
        index: _Index,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        # The first conversation of a group comes with its heading ("Today", "May 2026"):
        # Home put the first row in sight and left "Today" above the top edge.
        above = self.model().index(index.row() - 1, 0) if index.isValid() else QModelIndex()
        if above.isValid() and above.data(ConversationRole.IS_HEADER):
            super().scrollTo(above, hint)
        super().scrollTo(index, hint)

    def selectionCommand(  # noqa: N802 - Qt override
        self, index: _Index, event: QEvent | None = None
    ) -> QItemSelectionModel.SelectionFlag:
        # Moving the focus frame never changes which conversation is open.
        return QItemSelectionModel.SelectionFlag.NoUpdate

    def hide_cursor(self) -> None:
        """Leave the keyboard's row unmarked until a key is pressed. A delete from the
        menu moved it to the next row, never chosen: beside a new chat, its focus frame
        read as that chat being open."""
        self.cursor_hidden = True
        self.viewport().update()

    def _show_cursor(self) -> None:
        self.cursor_hidden = False
        self.viewport().update()

    def currentChanged(self, current: _Index, previous: _Index) -> None:  # noqa: N802 - Qt override
        super().currentChanged(current, previous)
        self.cursor_hidden = False  # moved on purpose (a row opened, a key, a click)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self.is_editing():
            super().keyPressEvent(event)
            return
        key = event.key()
        if self.cursor_hidden and key in _SHOWING_KEYS:
            # The row is shown first: a key never acts on a row the user cannot see.
            self._show_cursor()
            event.accept()
            return
        shift_only = event.modifiers() == Qt.KeyboardModifier.ShiftModifier
        conversation_id = self.current_conversation_id()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and conversation_id:
            self.open_requested.emit(conversation_id, False)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._current_is_show_more():
            self.show_more(self.currentIndex().row())
        elif key == Qt.Key.Key_F2 and conversation_id:
            self.edit(self.currentIndex())
        elif key == Qt.Key.Key_Delete and conversation_id:
            self.delete_requested.emit(conversation_id)
        elif key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and shift_only):
            # Accepted here, so Qt does not also send a keyboard context menu event.
            self._menu_for_current()
        elif writes_text(event):
            self.typed.emit(QKeyEvent(event))
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _menu_for_current(self) -> None:
        conversation_id = self.current_conversation_id()
        if conversation_id is None:
            return
        rect = self.visualRect(self.currentIndex())
        self.menu_requested.emit(conversation_id, self.viewport().mapToGlobal(rect.bottomLeft()))

    # Scrolling ---------------------------------------------------------------------------

    def show_with_heading(self, index: QModelIndex) -> None:
        """Scroll as little as needed to show the row at ``index`` under its heading;
        a row in the first screen shows with the list from its top.

        Qt's ``scrollTo`` put a row above the view at the very top, and left one just
        inside it as it was: a new chat (on top of Today) showed as the first row, its
        heading, Pinned and Quick scrolled away.
        """
        row = self.visualRect(index)
        if not row.isValid():
            return
        bar = self.verticalScrollBar()
        area = self.viewport().rect()
        heading = self.visualRect(self.model().index(self._heading_row(index.row()), 0))
        if row.bottom() + bar.value() <= area.bottom():
            bar.setValue(bar.minimum())
        elif row.bottom() > area.bottom():
            bar.setValue(bar.value() + row.bottom() - area.bottom())
        elif heading.top() < area.top():
            if row.bottom() - heading.top() <= area.height():
                bar.setValue(bar.value() + heading.top())
            elif row.top() < area.top():
                bar.setValue(bar.value() + row.top())

    def _heading_row(self, row: int) -> int:
        model = self.model()
        while row > 0 and not model.index(row, 0).data(ConversationRole.IS_HEADER):
            row -= 1
        return row

    # Mouse -------------------------------------------------------------------------------

    def _on_clicked(self, index: QModelIndex) -> None:
        conversation_id = index.data(ConversationRole.ID)
        if isinstance(conversation_id, str):
            self.open_requested.emit(conversation_id, True)
        elif index.data(ConversationRole.IS_SHOW_MORE):
            self.show_more(index.row())

    def _current_is_show_more(self) -> bool:
        return bool(self.currentIndex().data(ConversationRole.IS_SHOW_MORE))

    def show_more(self, row: int) -> None:
        """Read more quick exchanges ("Show more…" is on ``row``); focus the first one."""
        if self.conversation_model().show_more_quick():
            index = self.model().index(row, 0)
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.cursor_hidden = False  # the click chooses the row
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.data(ConversationRole.IS_HEADER):
            event.accept()  # headings do nothing, not even take the focus frame
            return
        super().mousePressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            index = self.indexAt(event.pos())
            conversation_id = index.data(ConversationRole.ID)
            if isinstance(conversation_id, str):
                self.setCurrentIndex(index)
                self.menu_requested.emit(conversation_id, event.globalPos())
        else:
            self._menu_for_current()
        event.accept()
