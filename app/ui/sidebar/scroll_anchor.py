"""What the sidebar's list shows stays put when rows above it come, go or move.

A chat added by another program (under "Today"), one moving to the top at a new
message, or one removed above the rows in sight kept the scroll bar's pixel value, so
every row in sight slid by a row. ``ScrollAnchor`` notes the first row in sight and
its offset before such a change and scrolls by what changed above it afterwards;
scrolled to the very top, the list stays there and the new row shows.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, QPoint
from PySide6.QtWidgets import QListView


class ScrollAnchor(QObject):
    """Keeps ``view``'s first row in sight at its place across its model's changes.

    The view calls ``watch_before`` before its own connections to a new model (Qt's
    list view forgets where its rows are as soon as rows are about to go) and
    ``watch_after`` after them (its rows must be laid out again before the anchor is
    put back).
    """

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self._anchor: tuple[QPersistentModelIndex, int] | None = None

    def watch_before(self, model: QAbstractItemModel) -> None:
        model.rowsAboutToBeInserted.connect(self._before_insert)
        model.rowsAboutToBeRemoved.connect(self._before_remove)
        model.rowsAboutToBeMoved.connect(self._before_move)
        model.layoutAboutToBeChanged.connect(self._before_layout)
        model.modelAboutToBeReset.connect(self._forget)

    def watch_after(self, model: QAbstractItemModel) -> None:
        for done in (model.rowsInserted, model.rowsRemoved, model.rowsMoved):
            done.connect(self._restore)
        model.layoutChanged.connect(self._restore)

    # Before a change -------------------------------------------------------------------

    def _top_row(self) -> QModelIndex:
        """The first row in sight; invalid when the list is at its very top (a row
        coming there is to show) or not shown."""
        view = self._view
        bar = view.verticalScrollBar()
        if not view.isVisible() or bar.value() <= bar.minimum():
            return QModelIndex()
        return view.indexAt(QPoint(0, 0))

    def _keep(self, index: QModelIndex) -> None:
        self._anchor = None
        if index.isValid():
            self._anchor = (QPersistentModelIndex(index), self._view.visualRect(index).top())

    def _before_insert(self, parent: QModelIndex, first: int, _last: int) -> None:
        top = self._top_row()
        # Rows coming below the first one in sight (a page read at the end) move nothing.
        self._keep(top if top.isValid() and first <= top.row() else QModelIndex())

    def _before_remove(self, parent: QModelIndex, first: int, last: int) -> None:
        top = self._top_row()
        if not top.isValid() or first > top.row():
            self._keep(QModelIndex())
        elif top.row() <= last:
            # The row in sight goes: the one after those removed stays where it is (the
            # one before them when they were the last).
            self._keep(self._neighbour(top, first, last))
        else:
            self._keep(top)

    def _before_move(
        self, source: QModelIndex, first: int, last: int, destination: QModelIndex, to: int
    ) -> None:
        top = self._top_row()
        if not top.isValid() or min(first, to) > top.row():
            self._keep(QModelIndex())
        elif first <= top.row() <= last:
            # The row in sight leaves (to the top, at a new message): the next one stays.
            self._keep(self._neighbour(top, first, last))
        else:
            self._keep(top)

    @staticmethod
    def _neighbour(top: QModelIndex, first: int, last: int) -> QModelIndex:
        after = top.sibling(last + 1, 0)
        return after if after.isValid() else top.sibling(first - 1, 0)

    def _before_layout(self) -> None:
        self._keep(self._top_row())

    # After it --------------------------------------------------------------------------

    def _forget(self) -> None:
        self._anchor = None

    def _restore(self) -> None:
        anchor, self._anchor = self._anchor, None
        if anchor is None or not anchor[0].isValid():
            return
        index, offset = anchor
        view = self._view
        # Qt lays the rows out again later (at the next paint): now, so that the row's
        # new place and the scroll bar's new range are known.
        view.executeDelayedItemsLayout()
        moved = view.visualRect(view.model().index(index.row(), 0)).top() - offset
        if moved:
            bar = view.verticalScrollBar()
            bar.setValue(bar.value() + moved)
