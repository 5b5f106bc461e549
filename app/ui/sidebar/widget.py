"""The sidebar: "New chat", search as you type (see search_page.py), and the list of
conversations with their actions (rename, pin, duplicate, export, delete with undo: see
actions.py).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.store import ConversationStore, StoreError
from app.ui.plain_text_field import pastes_html
from app.ui.shortcuts import keeps_escape
from app.ui.sidebar.actions import ExportAndDelete, SaveFileDialog, qt_save_file_dialog, short_title
from app.ui.sidebar.export import ExportFormat
from app.ui.sidebar.held_writes import HeldWrites
from app.ui.sidebar.model import PAGE_SIZE, QUICK_PREVIEW, ConversationListModel
from app.ui.sidebar.outside_reader import OutsideChangeReader
from app.ui.sidebar.search import RESULT_LIMIT, SearchWorker
from app.ui.sidebar.search_page import SearchField, SearchPage
from app.ui.sidebar.view import ConversationListView

if TYPE_CHECKING:
    from app.domain.messages import Conversation
    from app.ui.sidebar.results import SearchResultsModel, SearchResultsView
    from app.ui.toast import Toast

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 60
DAY_CHECK_MS = 60_000

ShowError = Callable[[str], None]


class Sidebar(SearchPage, ExportAndDelete, QWidget):
    """The conversation list on the left of the main window.

    Args:
        store: the history (the GUI thread's store); search uses a connection of its own.
        now: the clock deciding "Today", "Yesterday"... (tests inject one).
        zone: the time zone of those days; the system's when None.
        page_size: conversations read at a time as the list scrolls (or as "Show more
            quick prompts…" is used).
        quick_preview: quick exchanges listed under "Quick" before "Show more…".
        save_file_dialog: asks where to export (tests inject one; default QFileDialog).
        show_error: tells the user about a failure (default: a notice; never a modal
            box, whose nested event loop could run in the middle of a rename).
        toast_parent: where "Deleted … [Undo]" appears (default: this widget's window).

    Signals:
        conversation_activated(str): open this conversation (click or Enter). After a
            click the keyboard stays in the list (Delete, F2, the menu's keys work there);
            what is typed there goes out as ``typed``.
        typed(QKeyEvent): a key that writes text, pressed in the list: for the message
            field.
        new_chat_requested(): "New chat" was pressed.
        search_result_activated(str, str, str): conversation id, message id ("" for a
            title match) and the query: open the conversation at that message.
        conversation_deleted(str): the conversation went to the trash (close it if it
            is open). Emitted for every delete.
        conversation_restored(str): a delete was undone.
        conversation_renamed(str): the user renamed this conversation in the list.
        search_cleared(): the search field was emptied (its marks can go).
        search_edited(): the search field's text changed: the marks of the words
            searched before can go.
    """

    conversation_activated = Signal(str)
    typed = Signal(QKeyEvent)
    new_chat_requested = Signal()
    search_result_activated = Signal(str, str, str)
    conversation_deleted = Signal(str)
    conversation_restored = Signal(str)
    conversation_renamed = Signal(str)
    search_cleared = Signal()
    search_edited = Signal()

    LIST_PAGE = 0
    SEARCH_PAGE = 1

    def __init__(
        self,
        store: ConversationStore,
        *,
        now: Callable[[], datetime] | None = None,
        zone: tzinfo | None = None,
        page_size: int = PAGE_SIZE,
        quick_preview: int = QUICK_PREVIEW,
        save_file_dialog: SaveFileDialog = qt_save_file_dialog,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
        show_error: ShowError | None = None,
        toast_parent: QWidget | None = None,
        toast_timeout_ms: int | None = None,  # None: the toast's own default
        search_debounce_ms: int = SEARCH_DEBOUNCE_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        # A plain QWidget draws no style-sheet background without it: the theme's
        # sidebar shade and its border were never shown.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAccessibleName("Sidebar")
        self._store = store
        self._save_file_dialog = save_file_dialog
        self._open_url = open_url
        self._show_error_callback = show_error
        self._toast_parent = toast_parent
        self._toast_timeout_ms = toast_timeout_ms
        self._toast: Toast | None = None
        self._toast_for: str | None = None
        self._open_id: str | None = None
        self._deleted: list[str] = []  # this session's deletes, oldest first (Ctrl+Z)
        self._menu: QMenu | None = None
        self._export_dir: Path | None = None  # the documents folder, then the last used

        self._build(page_size=page_size, quick_preview=quick_preview, zone=zone, now=now)
        self._writes = HeldWrites(store, self._show_error, self)
        self._reload_after_edit = False
        self._worker = SearchWorker(store.path, parent=self)
        self._outside = OutsideChangeReader(store.path, parent=self)
        # Hits asked for the query typed: more after "Show more results", and the row
        # chosen then, kept when they come.
        self._asked = RESULT_LIMIT
        self._keep_row: int | None = None
        self._first_new: int | None = None  # after "Show more results": the first new hit
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(search_debounce_ms)
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(DAY_CHECK_MS)
        self._connect()
        self._day_timer.start()

    def _build(
        self,
        *,
        page_size: int,
        quick_preview: int,
        zone: tzinfo | None,
        now: Callable[[], datetime] | None,
    ) -> None:
        self.model = ConversationListModel(
            self._store,
            now=now,
            zone=zone,
            page_size=page_size,
            quick_preview=quick_preview,
            parent=self,
        )
        self.new_chat_button = QPushButton("New chat", self)
        self.new_chat_button.setObjectName("newChatButton")
        self.new_chat_button.setAccessibleName("New chat")

        self.search_field = SearchField(self)
        pastes_html(self.search_field)
        keeps_escape(self.search_field)
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText("Search chats  Ctrl+K")
        self.search_field.setAccessibleName("Search chats")
        self.search_field.setClearButtonEnabled(True)

        self.list_view = ConversationListView(self)
        self.list_view.setModel(self.model)

        self.search_status = QLabel(self)
        self.search_status.setObjectName("searchStatus")
        self.search_status.setWordWrap(True)
        self.search_status.setTextFormat(Qt.TextFormat.PlainText)
        self.search_status.setContentsMargins(10, 6, 10, 6)
        self.search_status.hide()
        search_page = QWidget(self)
        self._search_layout = QVBoxLayout(search_page)
        self._search_layout.setContentsMargins(0, 0, 0, 0)
        self._search_layout.addWidget(self.search_status)
        self._results: tuple[SearchResultsModel, SearchResultsView] | None = None

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.list_view)
        self.pages.addWidget(search_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.new_chat_button)
        layout.addWidget(self.search_field)
        layout.addWidget(self.pages, 1)
        QWidget.setTabOrder(self.new_chat_button, self.search_field)
        QWidget.setTabOrder(self.search_field, self.list_view)

        self._undo_action = QAction("Undo delete", self)
        self._undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self._undo_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.list_view.addAction(self._undo_action)

    def _connect(self) -> None:
        self.model.store_failed.connect(self._show_error)
        self.model.renamed.connect(self.conversation_renamed)
        self.model.rename_held.connect(self._on_rename_held)
        self.list_view.itemDelegate().closeEditor.connect(self._on_editor_closed)
        self.new_chat_button.clicked.connect(self.new_chat_requested)
        self.list_view.open_requested.connect(self._on_open_requested)
        self.list_view.delete_requested.connect(
            lambda conversation_id: self.delete_conversation(conversation_id, by_key=True)
        )
        self.list_view.menu_requested.connect(self._on_menu_requested)
        self.list_view.typed.connect(self.typed)
        self._undo_action.triggered.connect(self._on_undo_shortcut)
        self._worker.results_ready.connect(self._on_results)
        self._worker.failed.connect(self._on_search_failed)
        self._outside.found.connect(self._on_outside_found)
        self._outside.failed.connect(self.reload)  # rare: the GUI thread reads it then
        self._debounce.timeout.connect(self._run_search)
        self.search_field.textChanged.connect(self._on_search_text)
        self.search_field.move_requested.connect(self._on_search_move)
        self.search_field.accept_requested.connect(self._on_search_accepted)
        self.search_field.cancel_requested.connect(self._on_search_cancelled)
        self._day_timer.timeout.connect(self._on_day_check)
        # Not on aboutToQuit: each run of an asyncio loop through qasync ends with an
        # exit of the application's loop, which emits it; the search thread stopped
        # for good whenever a loop ran to completion. The owner calls shutdown().

    # Window-facing API -------------------------------------------------------------------

    def select_conversation(self, conversation_id: str | None, *, scroll: bool = True) -> None:
        """Mark ``conversation_id`` as the open one (None: none) without emitting anything:
        its row selected and the list's current row (with none, no row is either), and
        scroll to it (unless ``scroll`` is False: it was just clicked).

        Pages further down (of chats, or of "Quick") are read when it is not loaded yet.
        """
        self._open_id = conversation_id
        selection = self.list_view.selectionModel()
        index = self.model.reveal(conversation_id) if conversation_id else QModelIndex()
        if not index.isValid():
            # No row is the keyboard's either: it stayed on the chat left, and the
            # menu's keys (Delete, Export) acted on a chat no longer shown.
            selection.clear()
            return
        selection.select(index, selection.SelectionFlag.ClearAndSelect)
        self.list_view.setCurrentIndex(index)
        if scroll:
            self.list_view.show_with_heading(index)

    def conversation_beside(self, step: int) -> str | None:
        """The conversation below (``step`` 1) or above (-1) the open one in the list, as
        it shows (pinned, then by day); None at the list's ends. See the model's."""
        return self.model.conversation_beside(self._open_id, step)

    def conversation_changed(self, conversation_id: str) -> None:
        """Tell the list that a conversation was created or changed (title, new message)."""
        self.model.conversation_changed(conversation_id)
        if conversation_id == self._open_id:
            self.select_conversation(conversation_id)

    def set_waiting(self, conversation_id: str, waiting: bool) -> None:
        """A tool call of the conversation waits for the person's approval, or no more."""
        self.model.set_waiting(conversation_id, waiting)

    def conversation_removed(self, conversation_id: str) -> None:
        self.model.conversation_removed(conversation_id)

    def reload(self) -> None:
        """Catch up with another program's changes to the history: only the rows that
        changed move, come or go (see the model's ``refresh``), so the selection, the
        scroll position and a rename in progress stay; the open conversation stays
        marked (marked again after a full read), without scrolling to it.

        A full read (a new day, an import) waits while a title is edited: the model's
        reset destroyed the editor under the delegate (a crash); it runs once the
        editor closes."""
        self._caught_up(self.model.refresh(reload_allowed=not self._editing()))

    def catch_up_in_background(self) -> None:
        """``reload``, the comparison with the history on a worker thread: with 10,000
        conversations loaded it held the GUI thread for up to 100 ms at each outside
        write. The rows it finds changed are read and moved when it is done (a new day
        still reads everything, at once)."""
        if self.model.day_changed():
            self.reload()
            return
        self._outside.request(self.model.outside_snapshot())

    def _on_outside_found(self, changed: list[str]) -> None:
        done = self.model.apply_outside_changes(changed, reload_allowed=not self._editing())
        self._caught_up(done)

    def _editing(self) -> bool:
        return self.list_view.state() == QAbstractItemView.State.EditingState

    def _caught_up(self, done: bool) -> None:
        if not done:
            self._reload_after_edit = True
            return
        self._reload_after_edit = False
        if self._open_id:
            index = self.model.index_of(self._open_id)
            if not index.isValid() or not self.list_view.selectionModel().isSelected(index):
                self.select_conversation(self._open_id, scroll=False)

    def shutdown(self) -> None:
        """Save the changes still waiting for the history, then stop the search thread
        and the outside-change one (the window calls it on close; also on quit)."""
        self._writes.save_before_closing()
        self._worker.shutdown()
        self._outside.shutdown()

    @property
    def open_conversation_id(self) -> str | None:
        return self._open_id

    @property
    def toast(self) -> Toast | None:
        """The notice currently shown by the sidebar, if any."""
        return self._toast if self._toast is not None and self._toast.is_open else None

    @property
    def context_menu(self) -> QMenu | None:
        """The context menu currently shown, if any."""
        return self._menu

    # Conversation actions ----------------------------------------------------------------

    def build_context_menu(self, conversation_id: str) -> QMenu:
        """The menu of one conversation: rename, pin, duplicate, export, delete."""
        conversation = self._store.get_conversation(conversation_id)
        menu = QMenu(self)
        menu.setAccessibleName(f"Actions for {conversation.title}")
        rename = menu.addAction("Rename", lambda: self.rename_conversation(conversation_id))
        rename.setShortcut(QKeySequence(Qt.Key.Key_F2))  # shown; the window's F2 does it
        menu.addAction(
            "Unpin" if conversation.pinned else "Pin",
            lambda: self.toggle_pin(conversation_id),
        )
        menu.addAction("Duplicate", lambda: self.duplicate_conversation(conversation_id))
        menu.addSeparator()
        for export_format in ExportFormat:
            menu.addAction(
                f"Export as {export_format.label}…",
                functools.partial(self.export_conversation, conversation_id, export_format),
            )
        menu.addSeparator()
        delete = menu.addAction("Delete", lambda: self.delete_conversation(conversation_id))
        delete.setShortcut(QKeySequence(Qt.Key.Key_Delete))  # shown, handled by the list
        return menu

    def _on_menu_requested(self, conversation_id: str, position: QPoint) -> None:
        try:
            menu = self.build_context_menu(conversation_id)
        except StoreError as error:
            self._show_error(str(error))
            return
        self._menu = menu
        menu.aboutToHide.connect(self._on_menu_hidden)
        menu.popup(position)

    def _on_menu_hidden(self) -> None:
        menu, self._menu = self._menu, None
        if menu is not None:
            menu.deleteLater()
        self.list_view.forget_hover()

    def rename_conversation(self, conversation_id: str) -> None:
        """Start editing the title in place (Enter keeps it, Esc cancels)."""
        index = self.model.index_of(conversation_id)
        if not index.isValid():
            return
        self.clear_search()  # the list again, its field empty (it kept the query)
        self.pages.setCurrentIndex(self.LIST_PAGE)
        self.list_view.setCurrentIndex(index)
        self.list_view.show_with_heading(index)
        self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.list_view.edit(index)

    def toggle_pin(self, conversation_id: str) -> None:
        try:
            conversation = self._store.get_conversation(conversation_id)
        except StoreError as error:
            self._show_error(str(error))
            return
        pin = not conversation.pinned
        title = short_title(conversation.title)

        def pinned(_: object) -> None:
            self.model.conversation_changed(conversation_id)
            self._mark_open(conversation_id)

        self._writes.run(
            f"{'pinning' if pin else 'unpinning'} “{title}”",
            lambda: self._store.set_pinned(conversation_id, pin),
            pinned,
        )

    def duplicate_conversation(self, conversation_id: str) -> str | None:
        """Copy the conversation and open the copy: selected, the list's current row and
        shown, so F2 renames it at once. Only the focus frame went to it before, the
        original still open: Delete and Export then acted on the copy, not on the chat
        on screen.

        The copy's id; None when it failed, or waits for the history to free (then its
        row comes when it is made, and the chat on screen stays: it is not opened by
        surprise later)."""
        copies: list[str] = []

        def copied(copy: Conversation) -> None:
            copies.append(copy.id)
            self.model.conversation_changed(copy.id)
            self._mark_open(copy.id)

        self._writes.run(
            "the copy of the chat",
            lambda: self._store.duplicate_conversation(conversation_id),
            copied,
        )
        if not copies:
            return None
        self.select_conversation(copies[0])
        self.conversation_activated.emit(copies[0])
        # Opening it gave the message field the keyboard: it stays in the list, where
        # the menu was, as after a click (Delete, F2 and the menu act on the copy); not
        # when a narrow window closed the list on opening it (F2 and Delete would act on
        # rows out of sight).
        if self.list_view.isVisible():
            self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)
        return copies[0]

    def _on_rename_held(self, conversation_id: str, title: str) -> None:
        # The row shows the title typed meanwhile (the model keeps it until then).
        def renamed(_: object) -> None:
            self.model.forget_pending_title(conversation_id, title)
            self.model.conversation_changed(conversation_id)
            self.conversation_renamed.emit(conversation_id)

        self._writes.hold(
            f"the new title “{short_title(title)}”",
            lambda: self._store.rename(conversation_id, title, custom=True),
            renamed,
            lambda: self.model.forget_pending_title(conversation_id, title),
        )

    @property
    def held_writes(self) -> list[str]:
        """Changes made in the list that wait for another program to free the history."""
        return self._writes.waiting

    # Helpers -------------------------------------------------------------------------------

    def _on_open_requested(self, conversation_id: str, clicked: bool) -> None:
        # A clicked row is in view: scrolled, the list would move under the pointer.
        self.select_conversation(conversation_id, scroll=not clicked)
        self.conversation_activated.emit(conversation_id)
        if clicked and self.list_view.isVisible():
            # Opening gave the message field the keyboard; after a click it stays here,
            # where the menu's keys (Delete, F2) act on the row. Typing still writes the
            # message (``typed``). After Enter the field keeps it: typing comes next.
            # (In a narrow window the sidebar went with the opening: the field keeps it.)
            self.list_view.setFocus(Qt.FocusReason.MouseFocusReason)

    def _mark_open(self, acted_on: str) -> None:
        """After a row moved or came back: the open conversation's row selected and
        current again, none with no conversation open (a new chat). The focus frame
        followed the row acted on, and the next Delete went to a chat not shown. The
        list shows the row acted on where it is now (the list jumped to the open chat)."""
        self.select_conversation(self._open_id, scroll=False)
        index = self.model.index_of(acted_on)
        if index.isValid():
            self.list_view.show_with_heading(index)

    def _show_error(self, text: str) -> None:
        if self._show_error_callback is not None:
            self._show_error_callback(text)
        else:
            self._notify(text)

    def _on_editor_closed(self) -> None:
        if self._reload_after_edit:
            # Once the view is done with the editor (it closes it after this signal).
            QTimer.singleShot(0, self._reload_if_still_wanted)

    def _reload_if_still_wanted(self) -> None:
        if self._reload_after_edit:
            self.reload()

    def _on_day_check(self) -> None:
        if self.model.regroup_if_day_changed() and self._open_id:
            self.select_conversation(self._open_id)
