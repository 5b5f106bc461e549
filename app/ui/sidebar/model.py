"""The sidebar's list: group headings and conversations, newest first, loaded page by page.

Rows are headings ("Pinned", "Today", "Quick", "Yesterday", ..., "October 2026"),
conversations, and one "Show more quick prompts…" row. Pinned conversations (quick ones
included) are all read at once (there are few). Quick exchanges pile up fast (a few a
day) and are mostly one-offs, so "Quick" comes after the day's chats and shows the
newest ``quick_preview`` (5) of them, then the "Show more…" row, which reads
the next page into the group each time it is activated (``show_more_quick``); until
then, quick exchanges coming and going keep it to that preview, as a restart would;
older ones are found by search. Chats page in as the view scrolls (``canFetchMore`` /
``fetchMore``), so opening a history of 10,000 conversations, thousands of them quick,
reads 20 quick ones and one page of chats. Changes arrive one conversation at a time
(``conversation_changed``) and move, insert or remove single rows, between "Quick" and
the dated groups too when a quick exchange becomes a chat: a view keeps its selection
and scroll position.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
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

from app.domain.messages import Conversation, from_iso
from app.store import KIND_CHAT, KIND_QUICK, ConversationNotFound, ConversationStore, StoreError
from app.store.errors import DatabaseBusy
from app.ui.sidebar.grouping import QUICK, Group, group_of, local
from app.ui.sidebar.rows import (
    ConversationRow,
    HeaderRow,
    Paging,
    Row,
    Section,
    ShowMoreRow,
    header_row,
    header_slot,
    last_row_in,
    order,
    section_of,
    show_more_row,
    slot_in_group,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 200
QUICK_PREVIEW = 5  # a few: yesterday's chats stay in the first screen below them
SHOW_MORE_QUICK = "Show more quick prompts…"
REFRESH_LIMIT = 100  # past this many outside changes (an import), read everything again
SECTION_OF_KIND = {KIND_QUICK: Section.QUICK, KIND_CHAT: Section.CHATS}
WAITING_TEXT = "a tool call waits for your approval"
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
    KIND = Qt.ItemDataRole.UserRole + 7
    """``"chat"`` or ``"quick"`` on a conversation (``None`` on other rows)."""
    IS_SHOW_MORE = Qt.ItemDataRole.UserRole + 8
    """``True`` on the "Show more quick prompts…" row."""
    WAITING = Qt.ItemDataRole.UserRole + 9
    """``True`` while a tool call of the conversation waits for the person's approval."""


def _system_now() -> datetime:
    return datetime.now().astimezone()


class ConversationListModel(QAbstractListModel):
    """Conversations of ``store`` grouped under headings, for ``ConversationListView``.

    Args:
        store: the history; read on the GUI thread (one page or one row at a time).
        now: the clock (tests inject a fixed one); aware, or naive local time. Default:
            the system clock.
        zone: the time zone that decides "today"; the system's when None.
        page_size: chats read per ``fetchMore``, quick exchanges per ``show_more_quick``.
        quick_preview: quick exchanges shown before the "Show more quick prompts…" row.

    Signals:
        store_failed(str): a write asked through the model (a rename) failed; the text
            says what to do.
        renamed(str): the user renamed this conversation in the list.
        rename_held(str, str): conversation id and title: another program holds the
            history, the rename is for the owner to keep and try again (see held_writes);
            the row shows that title until ``forget_pending_title``.
    """

    store_failed = Signal(str)
    renamed = Signal(str)
    rename_held = Signal(str, str)

    def __init__(
        self,
        store: ConversationStore,
        *,
        now: Callable[[], datetime] | None = None,
        zone: tzinfo | None = None,
        page_size: int = PAGE_SIZE,
        quick_preview: int = QUICK_PREVIEW,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._now = now or _system_now
        self._zone = zone
        self._page_size = max(1, page_size)
        self._quick_preview = max(1, quick_preview)
        self._rows: list[Row] = []
        self._paging = {Section.QUICK: Paging(), Section.CHATS: Paging()}
        # Once the person asks for more quick exchanges, "Quick" keeps all it has read;
        # until then it shows its newest few, as after a restart (see _fit_quick).
        self._quick_expanded = False
        self._today = self._current_day()
        self._row_cache: dict[str, int] | None = None
        self._waiting: set[str] = set()  # see set_waiting
        self._pending_titles: dict[str, str] = {}  # renames waiting for the history
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
            quick=conversation.kind == KIND_QUICK,
        )

    def _rows_for(self, conversations: Sequence[Conversation], after: Group | None) -> list[Row]:
        rows: list[Row] = []
        for conversation in conversations:
            group = self._group(conversation)
            if group != after:
                rows.append(HeaderRow(group))
                after = group
            rows.append(ConversationRow(conversation, group))
        return rows

    def _read(self, section: Section, limit: int, offset: int = 0) -> list[Conversation]:
        kind = KIND_QUICK if section is Section.QUICK else KIND_CHAT
        return self._store.list_conversations(pinned=False, kind=kind, limit=limit, offset=offset)

    def reload(self) -> None:
        """Read everything again (as many conversations as were loaded, at least a page).

        Also the way to regroup after midnight: see ``regroup_if_day_changed``.
        """
        keep = {
            Section.QUICK: max(self._quick_preview, self._paging[Section.QUICK].loaded),
            Section.CHATS: max(self._page_size, self._paging[Section.CHATS].loaded),
        }
        pinned = self._store.list_conversations(pinned=True)
        read = {section: self._read(section, limit + 1) for section, limit in keep.items()}
        self.beginResetModel()
        self._today = self._current_day()
        for section, conversations in read.items():
            paging = self._paging[section]
            paging.has_more = len(conversations) > keep[section]
            del conversations[keep[section] :]
            paging.loaded = len(conversations)
        quick = self._rows_for(read[Section.QUICK], None)
        if self._paging[Section.QUICK].has_more:
            quick.append(ShowMoreRow())
        chats = self._rows_for(read[Section.CHATS], None)
        before = next((n for n, row in enumerate(chats) if row.group.rank > QUICK.rank), len(chats))
        self._rows = [*self._rows_for(pinned, None), *chats[:before], *quick, *chats[before:]]
        self._row_cache = None
        self.endResetModel()

    def refresh(self, *, reload_allowed: bool = True) -> bool:
        """Catch up with what another program wrote to the history, in place.

        A few columns of the rows listed (one page past each part's end) are compared
        with the rows shown, and only the conversations that differ are read and moved,
        inserted, retitled or removed, as ``conversation_changed`` does: the view keeps
        its selection, scroll position and an open rename editor. Reading whole rows
        for everything loaded (a reset) froze the window for a third of a second per
        outside write with 10,000 conversations loaded. A new day, or a large change
        (an import), reads everything again (``reload``), unless not ``reload_allowed``
        (a title is being edited: a reset would destroy its editor).

        Returns False when it did nothing, a full read being needed and not allowed.
        """
        if self._current_day() != self._today:
            return self._reload_if(reload_allowed)
        changed = self._changed_outside()
        if len(changed) > REFRESH_LIMIT:
            return self._reload_if(reload_allowed)
        for conversation_id in changed:
            self.conversation_changed(conversation_id)
        return True

    def _reload_if(self, allowed: bool) -> bool:
        if allowed:
            self.reload()
        return allowed

    def _changed_outside(self) -> list[str]:
        """Ids whose row differs from the history: changed, new, moved out or gone."""
        listed = self._ids()
        unseen = set(listed)
        stamps = self._store.list_stamps(pinned=True)
        oldest: dict[Section, datetime | None] = {Section.PINNED: None}
        for section, kind in ((Section.QUICK, KIND_QUICK), (Section.CHATS, KIND_CHAT)):
            paging = self._paging[section]
            oldest[section] = None
            if paging.has_more:  # the part is read down to its last row shown
                last = last_row_in(self._rows, section)
                item = None if last is None else self._rows[last]
                if not isinstance(item, ConversationRow):
                    continue  # nothing of it shown: nothing to compare
                oldest[section] = item.conversation.updated_at
            limit = paging.loaded + 1 if paging.has_more else None
            stamps += self._store.list_stamps(pinned=False, kind=kind, limit=limit)
        changed: list[str] = []
        for conversation_id, updated_at, title, pinned, kind in stamps:
            moment = from_iso(updated_at)
            number = listed.get(conversation_id)
            if number is None:
                section = Section.PINNED if pinned else SECTION_OF_KIND[kind]
                limit_at = oldest[section]
                if limit_at is None or moment >= limit_at:
                    changed.append(conversation_id)  # new, or newly listed
                continue
            unseen.discard(conversation_id)
            row = self._rows[number]
            assert isinstance(row, ConversationRow)
            conversation = row.conversation
            if (conversation.updated_at, conversation.title, conversation.pinned) != (
                moment,
                title,
                pinned,
            ) or conversation.kind != kind:
                changed.append(conversation_id)
        changed.extend(unseen)  # listed no more: in the trash, gone, or moved out of reach
        return changed

    def regroup_if_day_changed(self) -> bool:
        """Reload when the local date moved on since the rows were grouped."""
        if self._current_day() == self._today:
            return False
        self.reload()
        return True

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._paging[Section.CHATS].has_more

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        """Read the next page of chats (at the end of the list)."""
        if parent.isValid() or not self._paging[Section.CHATS].has_more:
            return
        fresh = self._next_page(Section.CHATS)
        quick = header_row(self._rows, QUICK.key)
        if quick is not None:
            # More of Today's chats (a busy day, past a page) go above "Quick".
            above = [c for c in fresh if self._group(c).rank < QUICK.rank]
            self._insert_rows(quick, above)
            fresh = fresh[len(above) :]
        self._insert_rows(len(self._rows), fresh)

    def _insert_rows(self, at: int, conversations: Sequence[Conversation]) -> None:
        """Put ``conversations`` (newest first) before row ``at``, under their headings."""
        if not conversations:
            return
        rows = self._rows_for(conversations, self._rows[at - 1].group if at else None)
        self.beginInsertRows(QModelIndex(), at, at + len(rows) - 1)
        self._rows[at:at] = rows
        self._row_cache = None
        self.endInsertRows()

    def can_show_more_quick(self) -> bool:
        """Whether older quick exchanges are not read yet (the "Show more…" row is there)."""
        return self._paging[Section.QUICK].has_more

    def show_more_quick(self) -> int:
        """Read the next page of quick exchanges into "Quick"; how many rows came in.

        They go in where the "Show more quick prompts…" row is, which moves down, or
        leaves when there are no more: the first new row takes its row number.
        """
        if self._paging[Section.QUICK].has_more:
            self._quick_expanded = True
        return self._read_more_quick(self._page_size)

    def _read_more_quick(self, count: int) -> int:
        more = self._show_more_row()
        if more is None:
            return 0
        fresh = self._next_page(Section.QUICK, count)
        if fresh:
            self.beginInsertRows(QModelIndex(), more, more + len(fresh) - 1)
            self._rows[more:more] = [ConversationRow(conversation, QUICK) for conversation in fresh]
            self._row_cache = None
            self.endInsertRows()
            more += len(fresh)
        if not self._paging[Section.QUICK].has_more:
            self.beginRemoveRows(QModelIndex(), more, more)
            del self._rows[more]
            self._row_cache = None
            self.endRemoveRows()
            self._drop_empty_header(QUICK.key)
        return len(fresh)

    def _next_page(self, section: Section, size: int | None = None) -> list[Conversation]:
        """The section's next page (of ``size``, else the page size), without the
        conversations already in the list."""
        size = size or self._page_size
        paging = self._paging[section]
        page = self._read(section, size + 1, paging.loaded)
        paging.has_more = len(page) > size
        del page[size:]
        paging.loaded += len(page)
        known = self._ids()
        return [conversation for conversation in page if conversation.id not in known]

    def reveal(self, conversation_id: str) -> QModelIndex:
        """The row of ``conversation_id``, reading further pages of its part of the list
        ("Quick" or the chats) until it is there; invalid when it is not listed (in the
        trash, gone, or newer than the list and not announced by ``conversation_changed``).
        """
        index = self.index_of(conversation_id)
        if index.isValid():
            return index
        try:
            conversation = self._store.get_conversation(conversation_id)
        except StoreError:
            return QModelIndex()
        section = section_of(conversation)
        if conversation.deleted_at is not None or section is Section.PINNED:
            return QModelIndex()  # pinned ones are all read: this one was never announced
        if self._within_loaded(conversation):
            # Newer than the last row read (a new chat asked for as it is created, before
            # it is announced): further pages cannot hold it, and reading every one of
            # them took a large history's whole list at each new chat.
            return QModelIndex()
        if section is Section.QUICK:
            while not index.isValid() and self.can_show_more_quick():
                self.show_more_quick()
                index = self.index_of(conversation_id)
        else:
            while not index.isValid() and self.canFetchMore():
                self.fetchMore()
                index = self.index_of(conversation_id)
        return index

    # Qt model interface ----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row_at(index)
        if row is None:
            return None
        if not isinstance(row, ConversationRow):
            return self._other_data(row, role)
        conversation = row.conversation
        title = self._pending_titles.get(conversation.id, conversation.title)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, ConversationRole.TITLE):
            return title
        waiting = conversation.id in self._waiting
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{title}\n{WAITING_TEXT}" if waiting else title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            pinned = ", pinned" if conversation.pinned else ""
            return f"{title}{pinned}{', ' + WAITING_TEXT if waiting else ''}"
        if role == ConversationRole.WAITING:
            return waiting
        if role == ConversationRole.ID:
            return conversation.id
        if role == ConversationRole.UPDATED_AT:
            return conversation.updated_at
        if role == ConversationRole.PINNED:
            return conversation.pinned
        if role in (ConversationRole.IS_HEADER, ConversationRole.IS_SHOW_MORE):
            return False
        if role == ConversationRole.GROUP:
            return row.group.label
        if role == ConversationRole.KIND:
            return conversation.kind
        return None

    @staticmethod
    def _other_data(row: HeaderRow | ShowMoreRow, role: int) -> Any:
        """Data of a heading or of the "Show more quick prompts…" row."""
        header = isinstance(row, HeaderRow)
        if role == ConversationRole.GROUP:
            return row.group.label
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.group.label if header else SHOW_MORE_QUICK
        if role == ConversationRole.IS_HEADER:
            return header
        if role == ConversationRole.IS_SHOW_MORE:
            return not header
        if role == ConversationRole.PINNED:
            return False
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        row = self._row_at(index)
        if row is None:
            return Qt.ItemFlag.NoItemFlags
        if not isinstance(row, ConversationRow):
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
        if role != Qt.ItemDataRole.EditRole or not isinstance(row, ConversationRow) or not title:
            return False
        from app.ui.sidebar.held_writes import WRITE_WAIT_MS

        if row.conversation.id in self._pending_titles:
            # An earlier rename of it waits for the history: this one goes after it, or
            # the older title, saved later, would replace it.
            self._hold_title(index, row.conversation.id, title)
            return False
        try:
            # Not the usual five seconds on the window's thread: see held_writes.
            with self._store.waiting_at_most(WRITE_WAIT_MS):
                self._store.rename(row.conversation.id, title, custom=True)
        except DatabaseBusy:
            self._hold_title(index, row.conversation.id, title)
            return False
        except StoreError as error:
            log.warning("Renaming %s failed: %s", row.conversation.id, error)
            self.store_failed.emit(str(error))
            return False
        self.conversation_changed(row.conversation.id)
        self.renamed.emit(row.conversation.id)
        return True

    def _hold_title(self, index: _Index, conversation_id: str, title: str) -> None:
        self._pending_titles[conversation_id] = title
        self.dataChanged.emit(index, index)
        self.rename_held.emit(conversation_id, title)

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802 - Qt override
        names = super().roleNames()
        for role in ConversationRole:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names

    # Lookups ---------------------------------------------------------------------------

    def _row_at(self, index: _Index) -> Row | None:
        if not index.isValid() or index.model() is not self or index.parent().isValid():
            return None
        number = index.row()
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def _ids(self) -> dict[str, int]:
        if self._row_cache is None:
            self._row_cache = {
                row.conversation.id: number
                for number, row in enumerate(self._rows)
                if isinstance(row, ConversationRow)
            }
        return self._row_cache

    def set_waiting(self, conversation_id: str, waiting: bool) -> None:
        """Mark the row of a conversation whose tool call waits for the person (or no
        longer does); kept for a row not read yet, which shows it once read."""
        if waiting:
            self._waiting.add(conversation_id)
        else:
            self._waiting.discard(conversation_id)
        index = self.index_of(conversation_id)
        if index.isValid():
            self.dataChanged.emit(index, index)

    @property
    def pending_titles(self) -> dict[str, str]:
        """Renames kept until the history frees, by conversation id (a copy)."""
        return dict(self._pending_titles)

    def forget_pending_title(self, conversation_id: str, title: str) -> None:
        """A rename kept while the history was locked is saved or given up: the row
        shows the stored title again (unless a later rename of it still waits)."""
        if self._pending_titles.get(conversation_id) != title:
            return
        del self._pending_titles[conversation_id]
        index = self.index_of(conversation_id)
        if index.isValid():
            self.dataChanged.emit(index, index)

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
            if isinstance(item, ConversationRow):
                return item.conversation
        return None

    def conversation_beside(self, conversation_id: str | None, step: int) -> str | None:
        """The conversation listed just below (``step`` 1) or above (-1) ``conversation_id``,
        headings and "Show more quick prompts…" passed over; None at either end.

        From no conversation, or one not listed (a new chat), below is the first one and
        above is nothing: a new chat stands above the list. Past the chats read so far,
        the next page is read, as scrolling there does.
        """
        row = self.row_of(conversation_id) if conversation_id else None
        if row is None:
            if step < 0:
                return None
            row = -1
        while True:
            row += step
            if row < 0:
                return None
            if row >= len(self._rows):
                if step < 0 or not self.canFetchMore():
                    return None
                self.fetchMore()
                # Some of a busy day's chats go in above "Quick": count again from here.
                if conversation_id and (start := self.row_of(conversation_id)) is not None:
                    row = start
                else:
                    row -= 1
                continue
            item = self._rows[row]
            if isinstance(item, ConversationRow):
                return item.conversation.id

    def is_header(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and isinstance(self._rows[row], HeaderRow)

    def is_show_more(self, row: int) -> bool:
        """Whether ``row`` is the "Show more quick prompts…" row."""
        return 0 <= row < len(self._rows) and isinstance(self._rows[row], ShowMoreRow)

    def loaded_count(self) -> int:
        """Conversations currently in the model (pinned ones included)."""
        return len(self._ids())

    def _show_more_row(self) -> int | None:
        if not self._paging[Section.QUICK].has_more:
            return None
        return show_more_row(self._rows)

    # Changes ---------------------------------------------------------------------------

    def conversation_changed(self, conversation_id: str) -> None:
        """Read one conversation again and put its row where it now belongs.

        A new conversation is inserted, a changed one updated (and moved if its
        activity, pin, kind or group changed), one in the trash or gone removed. A
        conversation older than everything loaded so far in its part of the list waits
        for ``fetchMore`` (a chat) or ``show_more_quick`` (a quick exchange).
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
        if not self._within_loaded(conversation):
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

    def _within_loaded(self, conversation: Conversation) -> bool:
        """Whether the conversation sorts among the rows of its section read so far.

        Its own row, as it was, counts: activity only moves forward, so a conversation
        already read (the last one, renamed) never sorts past where it was.
        """
        section = section_of(conversation)
        if section is Section.PINNED or not self._paging[section].has_more:
            return True
        last = last_row_in(self._rows, section)
        if last is None:
            return False
        item = self._rows[last]
        assert isinstance(item, ConversationRow)
        return order(conversation) <= order(item.conversation)

    def _count(self, conversation: Conversation, step: int) -> None:
        """Add ``step`` to the rows read of the conversation's section (pinned: none)."""
        section = section_of(conversation)
        if section is not Section.PINNED:
            self._paging[section].loaded += step

    def _insert(self, conversation: Conversation) -> None:
        group = self._group(conversation)
        item = ConversationRow(conversation, group)
        header = header_row(self._rows, group.key)
        if header is None:
            at = header_slot(self._rows, group)
            self.beginInsertRows(QModelIndex(), at, at + 1)
            self._rows[at:at] = [HeaderRow(group), item]
        else:
            at = slot_in_group(self._rows, header, conversation, None)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, item)
        self._count(conversation, +1)
        self._row_cache = None
        self.endInsertRows()
        if section_of(conversation) is Section.QUICK:
            self._fit_quick()

    def _move(self, row: int, conversation: Conversation) -> None:
        old = self._rows[row]
        assert isinstance(old, ConversationRow)
        group = self._group(conversation)
        self._count(old.conversation, -1)
        self._count(conversation, +1)
        header = header_row(self._rows, group.key)
        if header is None:
            header = header_slot(self._rows, group)
            self.beginInsertRows(QModelIndex(), header, header)
            self._rows.insert(header, HeaderRow(group))
            self._row_cache = None
            self.endInsertRows()
            if header <= row:
                row += 1
        target = slot_in_group(self._rows, header, conversation, row)
        if target not in (row, row + 1):
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target)
            moved = self._rows.pop(row)
            row = target if target < row else target - 1
            self._rows.insert(row, moved)
            self._row_cache = None
            self.endMoveRows()
        self._rows[row] = ConversationRow(conversation, group)
        changed = self.index(row, 0)
        self.dataChanged.emit(changed, changed)
        if old.group != group:
            self._drop_empty_header(old.group.key)
            self._fit_quick()

    def _remove_row(self, row: int) -> None:
        item = self._rows[row]
        assert isinstance(item, ConversationRow)
        alone = isinstance(self._rows[row - 1], HeaderRow) and (
            row + 1 == len(self._rows) or isinstance(self._rows[row + 1], HeaderRow)
        )
        first = row - 1 if alone else row
        self.beginRemoveRows(QModelIndex(), first, row)
        del self._rows[first : row + 1]
        self._count(item.conversation, -1)
        self._row_cache = None
        self.endRemoveRows()
        self._fit_quick()

    def _drop_empty_header(self, key: str) -> None:
        header = header_row(self._rows, key)
        if header is None:
            return
        if header + 1 == len(self._rows) or isinstance(self._rows[header + 1], HeaderRow):
            self.beginRemoveRows(QModelIndex(), header, header)
            del self._rows[header]
            self._row_cache = None
            self.endRemoveRows()

    def _fit_quick(self) -> None:
        """Keep "Quick" as a restart shows it: its newest ``quick_preview``, then "Show
        more…" when there are older ones (a session's new quick exchanges push the oldest
        shown behind it; one that leaves lets the next one in). Once the person asked
        for more, all that was read stays; the group then reads more only when none is
        left: never a heading over nothing but "Show more…"."""
        header = header_row(self._rows, QUICK.key)
        if header is None:
            return
        last = last_row_in(self._rows, Section.QUICK)
        shown = 0 if last is None else last - header
        paging = self._paging[Section.QUICK]
        if self._quick_expanded:
            if shown == 0:
                self._read_more_quick(self._page_size)
        elif shown < self._quick_preview:
            self._read_more_quick(self._quick_preview - shown)
        elif shown > self._quick_preview:
            first = header + 1 + self._quick_preview
            self.beginRemoveRows(QModelIndex(), first, header + shown)
            del self._rows[first : header + shown + 1]
            paging.loaded -= shown - self._quick_preview
            self._row_cache = None
            self.endRemoveRows()
            if not paging.has_more:
                paging.has_more = True
                self.beginInsertRows(QModelIndex(), first, first)
                self._rows.insert(first, ShowMoreRow())
                self._row_cache = None
                self.endInsertRows()
