"""The sidebar's search: its field, whose keys drive the results while typing goes
on, and the page of results that replaces the list as soon as something is typed
(built with the first search); choosing a result opens its conversation there.

Part of Sidebar, as a mixin: it works on the sidebar's parts (declared below for the
type checker; the sidebar defines them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.sidebar.search import RESULT_LIMIT, SearchWorker
from app.ui.sidebar.view import ConversationListView

if TYPE_CHECKING:
    from app.store import SearchHit
    from app.ui.sidebar.results import SearchResultsModel, SearchResultsView

    _Sidebar = QWidget
else:
    _Sidebar = object


class SearchField(QLineEdit):
    """The search box; Up/Down/Enter/Esc drive the results while typing continues.

    Signals:
        move_requested(int): Up (-1) or Down (+1).
        accept_requested(): Enter.
        cancel_requested(): Esc.
    """

    move_requested = Signal(int)
    accept_requested = Signal()
    cancel_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.move_requested.emit(-1 if key == Qt.Key.Key_Up else 1)
        elif key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.move_requested.emit(-5 if key == Qt.Key.Key_PageUp else 5)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept_requested.emit()
        elif key == Qt.Key.Key_Escape:
            self.cancel_requested.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class SearchPage(_Sidebar):
    # The sidebar's, declared for the type checker.
    search_field: SearchField
    search_status: QLabel
    more_results: QPushButton
    pages: QStackedWidget
    list_view: ConversationListView
    _search_layout: QVBoxLayout
    _worker: SearchWorker
    _debounce: QTimer
    _results: tuple[SearchResultsModel, SearchResultsView] | None
    _asked: int  # results asked of the search (more with "Show more results")
    _keep_row: int | None  # the keyboard's row, kept when more results come
    _first_new: int | None  # the first of the results "Show more results" brought
    LIST_PAGE: int
    SEARCH_PAGE: int

    if TYPE_CHECKING:
        search_cleared = Signal()
        search_edited = Signal()
        search_result_activated = Signal(str, str, str)

        def select_conversation(
            self, conversation_id: str | None, *, scroll: bool = True
        ) -> None: ...

    @property
    def results_model(self) -> SearchResultsModel:
        return self._search_results()[0]

    @property
    def results_view(self) -> SearchResultsView:
        return self._search_results()[1]

    def _search_results(self) -> tuple[SearchResultsModel, SearchResultsView]:
        """The search results' list, built with the first search: not worth a slower start."""
        if self._results is None:
            from app.ui.sidebar.results import SearchResultsModel, SearchResultsView

            model = SearchResultsModel(self)
            view = SearchResultsView(self)
            view.setModel(model)
            view.result_chosen.connect(self._on_result_chosen)
            self._search_layout.addWidget(view, 1)
            # A common word matched more chats than one page shows, and the rest could
            # not be reached but by typing more.
            self.more_results = QPushButton("Show more results", self)
            self.more_results.setObjectName("moreResults")
            self.more_results.setAccessibleName("Show more results")
            self.more_results.hide()
            self.more_results.clicked.connect(self._show_more_results)
            self._search_layout.addWidget(self.more_results)
            self._results = (model, view)
        return self._results

    def _show_more_results(self) -> None:
        text = self.search_field.text()
        if text.strip():
            self._asked *= 4
            self._keep_row = max(0, self.results_view.currentIndex().row())
            self._first_new = self.results_model.rowCount()
            self._worker.request(text, self._asked)

    def focus_search(self) -> None:
        """Put the keyboard in the search field (the window binds Ctrl+K to this)."""
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def clear_search(self) -> None:
        """Empty the search field and show the list again."""
        self.search_field.clear()

    def _on_search_text(self, text: str) -> None:
        self.search_edited.emit()
        if text.strip():
            self._debounce.start()
            return
        self._debounce.stop()
        self._worker.cancel()
        if self._results is not None:
            self.results_model.clear()
        self.search_status.hide()
        self.pages.setCurrentIndex(self.LIST_PAGE)
        self.search_cleared.emit()

    def _run_search(self) -> None:
        text = self.search_field.text()
        if text.strip():
            self._asked, self._keep_row, self._first_new = RESULT_LIMIT, None, None
            self._worker.request(text, self._asked)

    def _on_results(self, number: int, query: str, hits: list[SearchHit]) -> None:
        if not self._worker.is_current(number) or not self.search_field.text().strip():
            return  # a newer request is on its way, or the field was cleared
        self.results_model.set_results(query, hits)
        self.more_results.setVisible(len(hits) >= self._asked)
        if hits:
            self.search_status.hide()
            row, self._keep_row = min(self._keep_row or 0, len(hits) - 1), None
            self.results_view.setCurrentIndex(self.results_model.index(row, 0))
            first_new, self._first_new = self._first_new, None
            if first_new is not None and first_new < len(hits):
                # The new hits come into sight (the list went back to the reader's row,
                # up the list, and "Show more results" seemed to do nothing); the
                # keyboard's row stays where it was.
                index = QPersistentModelIndex(self.results_model.index(first_new, 0))
                QTimer.singleShot(0, lambda: self._scroll_results_to(index))
        else:
            self.search_status.setText(f"No chats match “{query.strip()}”.")
            self.search_status.show()
        self.pages.setCurrentIndex(self.SEARCH_PAGE)

    def _scroll_results_to(self, index: QPersistentModelIndex, tries: int = 50) -> None:
        if not index.isValid():  # a newer query's results meanwhile
            return
        row = self.results_model.index(index.row(), 0)
        if not self.results_view.visualRect(row).isValid() and tries > 0:
            # Not laid out yet: the view lays rows out in batches, a turn each.
            QTimer.singleShot(0, lambda: self._scroll_results_to(index, tries - 1))
            return
        self.results_view.scrollTo(row, QAbstractItemView.ScrollHint.PositionAtTop)

    def _on_search_failed(self, number: int, query: str, message: str) -> None:
        if not self._worker.is_current(number):
            return
        self.results_model.clear()
        self.more_results.hide()
        self.search_status.setText(message)
        self.search_status.show()
        self.pages.setCurrentIndex(self.SEARCH_PAGE)

    def _on_search_move(self, step: int) -> None:
        if self.pages.currentIndex() == self.SEARCH_PAGE:
            self.results_view.move_current(step)
        elif step > 0:  # Down from an empty field: into the list
            self.list_view.setFocus(Qt.FocusReason.TabFocusReason)
            if not self.list_view.currentIndex().isValid():
                first = self.list_view.moveCursor(
                    QAbstractItemView.CursorAction.MoveHome, Qt.KeyboardModifier.NoModifier
                )
                self.list_view.setCurrentIndex(first)

    def _on_search_accepted(self) -> None:
        if self._results is not None:
            self.results_view.choose_current()

    def _on_search_cancelled(self) -> None:
        self.clear_search()
        self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_result_chosen(self, row: int) -> None:
        hit = self.results_model.hit_at(row)
        if hit is None:
            return
        self.select_conversation(hit.conversation_id)
        self.search_result_activated.emit(
            hit.conversation_id, hit.message_id or "", self.results_model.query
        )
