"""The sidebar's list: group headings and conversations, newest first, loaded page by page.

Rows are headings ("Pinned", "Today", ..., "October 2026") and conversations. Pinned
conversations are all read at once (there are few); the others page in as the view
scrolls (``canFetchMore``/``fetchMore``), so opening a history of 10,000 conversations
reads one page. Changes arrive one conversation at a time (``conversation_changed``)
and move, insert or remove single rows: a view keeps its selection and scroll position.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import IntEnum
from typing import Any, TypeAlias

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.domain.messages import Conversation
from app.store import ConversationNotFound, ConversationStore, StoreError
from app.ui.sidebar.grouping import Group, group_of, local

log = logging.getLogger(__name__)

PAGE_SIZE = 200
_Index: TypeAlias = QModelIndex | QPersistentModelIndex


class ConversationRole(IntEnum):
    """Data roles of ``ConversationListModel`` beyond Qt's own."""

    ID = Qt.ItemDataRole.UserRole + 1
    """The conversation id (``None`` on a heading)."""
    TITLE = Qt.ItemDataRole.UserRole + 2
    UPDATED_AT = Qt.ItemDataRole.UserRole + 3
    """Last activity, a timezone-aware ``datetime``."""
    PINNED = Qt.ItemDataRole.UserRole + 4
    IS_HEADER = Qt.ItemDataRole.UserRole + 5
    GROUP = Qt.ItemDataRole.UserRole + 6
    """The label of the heading the row is under (or is)."""


@dataclass(frozen=True, slots=True)
class _Header:
    group: Group


@dataclass(frozen=True, slots=True)
class _Item:
    conversation: Conversation
    group: Group


_Row = _Header | _Item


def _order(conversation: Conversation) -> tuple[int, float]:
    """Sort key: pinned first, then the most recent activity first."""
    return (0 if conversation.pinned else 1, -conversation.updated_at.timestamp())


def _system_now() -> datetime:
    return datetime.now().astimezone()


class ConversationListModel(QAbstractListModel):
    """Conversations of ``store`` grouped under headings, for ``ConversationListView``.

    Args:
        store: the history; read on the GUI thread (one page or one row at a time).
        now: the clock (tests inject a fixed one); aware, or naive local time. Default:
            the system clock.
        zone: the time zone that decides "today"; the system's when None.
        page_size: conversations read per ``fetchMore``.

    Signals:
        store_failed(str): a write asked through the model (a rename) failed; the text
            says what to do.
    """

    store_failed = Signal(str)

    def __init__(
        self,
        store: ConversationStore,
        *,
        now: Callable[[], datetime] | None = None,
        zone: tzinfo | None = None,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._now = now or _system_now
        self._zone = zone
        self._page_size = max(1, page_size)
        self._rows: list[_Row] = []
        self._unpinned_loaded = 0
        self._has_more = False
        self._today = self._current_day()
        self._row_cache: dict[str, int] | None = None
        self.reload()

    # Reading ---------------------------------------------------------------------------

    def _current_day(self) -> date:
        return local(self._now(), self._zone).date()

    def _group(self, conversation: Conversation) -> Group:
        return group_of(
            conversation.updated_at,
            pinned=conversation.pinned,
            today=self._today,
            zone=self._zone,
        )

    def _rows_for(self, conversations: Sequence[Conversation], after: Group | None) -> list[_Row]:
        rows: list[_Row] = []
        for conversation in conversations:
            group = self._group(conversation)
            if group != after:
                rows.append(_Header(group))
                after = group
            rows.append(_Item(conversation, group))
        return rows

    def reload(self) -> None:
        """Read everything again (as many conversations as were loaded, at least a page).

        Also the way to regroup after midnight: see ``regroup_if_day_changed``.
        """
        keep = max(self._page_size, self._unpinned_loaded)
        pinned = self._store.list_conversations(pinned=True)
        unpinned = self._store.list_conversations(pinned=False, limit=keep + 1)
        self.beginResetModel()
        self._today = self._current_day()
        self._has_more = len(unpinned) > keep
        unpinned = unpinned[:keep]
        self._unpinned_loaded = len(unpinned)
        self._rows = self._rows_for([*pinned, *unpinned], None)
        self._row_cache = None
        self.endResetModel()

    def regroup_if_day_changed(self) -> bool:
        """Reload when the local date moved on since the rows were grouped."""
        if self._current_day() == self._today:
            return False
        self.reload()
        return True

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._has_more

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or not self._has_more:
            return
        page = self._store.list_conversations(
            pinned=False, limit=self._page_size + 1, offset=self._unpinned_loaded
        )
        self._has_more = len(page) > self._page_size
        page = page[: self._page_size]
        known = self._ids()
        fresh = [conversation for conversation in page if conversation.id not in known]
        self._unpinned_loaded += len(page)
        if not fresh:
            return
        last = self._last_unpinned_row()
        after = self._rows[last].group if last is not None else None
        rows = self._rows_for(fresh, after)
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self._row_cache = None
        self.endInsertRows()

    # Qt model interface ----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_at(index)
        if row is None:
            return None
        if isinstance(row, _Header):
            return self._header_data(row, role)
        conversation = row.conversation
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, ConversationRole.TITLE):
            return conversation.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return conversation.title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{conversation.title}, pinned" if conversation.pinned else conversation.title
        if role == ConversationRole.ID:
            return conversation.id
        if role == ConversationRole.UPDATED_AT:
            return conversation.updated_at
        if role == ConversationRole.PINNED:
            return conversation.pinned
        if role == ConversationRole.IS_HEADER:
            return False
        if role == ConversationRole.GROUP:
            return row.group.label
        return None

    @staticmethod
    def _header_data(row: _Header, role: int) -> Any:
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            ConversationRole.GROUP,
        ):
            return row.group.label
        if role == ConversationRole.IS_HEADER:
            return True
        if role == ConversationRole.PINNED:
            return False
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        row = self._row_at(index)
        if row is None:
            return Qt.ItemFlag.NoItemFlags
        if isinstance(row, _Header):
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def setData(  # noqa: N802 - Qt override
        self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        """Rename (EditRole): the title the user typed, stripped; an empty one is refused."""
        row = self._row_at(index)
        title = " ".join(str(value or "").split())
        if role != Qt.ItemDataRole.EditRole or not isinstance(row, _Item) or not title:
            return False
        try:
            self._store.rename(row.conversation.id, title, custom=True)
        except StoreError as error:
            log.warning("Renaming %s failed: %s", row.conversation.id, error)
            self.store_failed.emit(str(error))
            return False
        self.conversation_changed(row.conversation.id)
        return True

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802 - Qt override
        names = super().roleNames()
        for role in ConversationRole:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names

    # Lookups ---------------------------------------------------------------------------

    def _row_at(self, index: _Index) -> _Row | None:
        if not index.isValid() or index.model() is not self or index.parent().isValid():
            return None
        number = index.row()
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def _ids(self) -> dict[str, int]:
        if self._row_cache is None:
            self._row_cache = {
                row.conversation.id: number
                for number, row in enumerate(self._rows)
                if isinstance(row, _Item)
            }
        return self._row_cache

    def row_of(self, conversation_id: str) -> int | None:
        """The row showing ``conversation_id``, or None (not loaded yet, or not listed)."""
        return self._ids().get(conversation_id)

    def index_of(self, conversation_id: str) -> QModelIndex:
        row = self.row_of(conversation_id)
        return QModelIndex() if row is None else self.index(row, 0)

    def conversation_at(self, row: int) -> Conversation | None:
        """The conversation on ``row``; None for a heading or a row out of range."""
        if 0 <= row < len(self._rows):
            item = self._rows[row]
            if isinstance(item, _Item):
                return item.conversation
        return None

    def is_header(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and isinstance(self._rows[row], _Header)

    def loaded_count(self) -> int:
        """Conversations currently in the model (pinned ones included)."""
        return len(self._ids())

    def _header_row(self, key: str) -> int | None:
        for number, row in enumerate(self._rows):
            if isinstance(row, _Header) and row.group.key == key:
                return number
        return None

    def _last_unpinned_row(self, *, besides: int | None = None) -> int | None:
        for number in range(len(self._rows) - 1, -1, -1):
            row = self._rows[number]
            if isinstance(row, _Item) and number != besides:
                return None if row.conversation.pinned else number
        return None

    # Changes ---------------------------------------------------------------------------

    def conversation_changed(self, conversation_id: str) -> None:
        """Read one conversation again and put its row where it now belongs.

        A new conversation is inserted, a changed one updated (and moved if its
        activity, pin or group changed), one in the trash or gone removed. A
        conversation older than everything loaded so far waits for ``fetchMore``.
        """
        try:
            conversation = self._store.get_conversation(conversation_id)
        except ConversationNotFound:
            self.conversation_removed(conversation_id)
            return
        if conversation.deleted_at is not None:
            self.conversation_removed(conversation_id)
            return
        row = self.row_of(conversation_id)
        if not self._within_loaded(conversation, row):
            if row is not None:
                self._remove_row(row)
            return
        if row is None:
            self._insert(conversation)
        else:
            self._move(row, conversation)

    def conversation_removed(self, conversation_id: str) -> None:
        """Remove the conversation's row (and its heading when it was the last under it)."""
        row = self.row_of(conversation_id)
        if row is not None:
            self._remove_row(row)

    def _within_loaded(self, conversation: Conversation, row: int | None) -> bool:
        """Whether the conversation sorts among the rows read so far."""
        if conversation.pinned or not self._has_more:
            return True
        last = self._last_unpinned_row(besides=row)
        if last is None:
            return False
        item = self._rows[last]
        assert isinstance(item, _Item)
        return _order(conversation) <= _order(item.conversation)

    def _slot_in_group(self, header: int, conversation: Conversation, skip: int | None) -> int:
        """The row before which ``conversation`` goes in the group headed at ``header``."""
        number = header + 1
        while number < len(self._rows):
            row = self._rows[number]
            if isinstance(row, _Header):
                break
            if number != skip and _order(conversation) <= _order(row.conversation):
                break
            number += 1
        return number

    def _header_slot(self, group: Group) -> int:
        """The row before which a new heading for ``group`` goes."""
        for number, row in enumerate(self._rows):
            if isinstance(row, _Header) and row.group.rank > group.rank:
                return number
        return len(self._rows)

    def _insert(self, conversation: Conversation) -> None:
        group = self._group(conversation)
        item = _Item(conversation, group)
        header = self._header_row(group.key)
        if header is None:
            at = self._header_slot(group)
            self.beginInsertRows(QModelIndex(), at, at + 1)
            self._rows[at:at] = [_Header(group), item]
        else:
            at = self._slot_in_group(header, conversation, None)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, item)
        if not conversation.pinned:
            self._unpinned_loaded += 1
        self._row_cache = None
        self.endInsertRows()

    def _move(self, row: int, conversation: Conversation) -> None:
        old = self._rows[row]
        assert isinstance(old, _Item)
        group = self._group(conversation)
        self._unpinned_loaded += int(old.conversation.pinned) - int(conversation.pinned)
        header = self._header_row(group.key)
        if header is None:
            header = self._header_slot(group)
            self.beginInsertRows(QModelIndex(), header, header)
            self._rows.insert(header, _Header(group))
            self._row_cache = None
            self.endInsertRows()
            if header <= row:
                row += 1
        target = self._slot_in_group(header, conversation, row)
        if target not in (row, row + 1):
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target)
            moved = self._rows.pop(row)
            row = target if target < row else target - 1
            self._rows.insert(row, moved)
            self._row_cache = None
            self.endMoveRows()
        self._rows[row] = _Item(conversation, group)
        changed = self.index(row, 0)
        self.dataChanged.emit(changed, changed)
        if old.group != group:
            self._drop_empty_header(old.group.key)

    def _remove_row(self, row: int) -> None:
        item = self._rows[row]
        assert isinstance(item, _Item)
        alone = isinstance(self._rows[row - 1], _Header) and (
            row + 1 == len(self._rows) or isinstance(self._rows[row + 1], _Header)
        )
        first = row - 1 if alone else row
        self.beginRemoveRows(QModelIndex(), first, row)
        del self._rows[first : row + 1]
        if not item.conversation.pinned:
            self._unpinned_loaded -= 1
        self._row_cache = None
        self.endRemoveRows()

    def _drop_empty_header(self, key: str) -> None:
        header = self._header_row(key)
        if header is None:
            return
        if header + 1 == len(self._rows) or isinstance(self._rows[header + 1], _Header):
            self.beginRemoveRows(QModelIndex(), header, header)
            del self._rows[header]
            self._row_cache = None
            self.endRemoveRows()
