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

This module reads the history and is the model its views see. The rows and their
changes are ``row_bookkeeping``'s (the base class), what a row shows is ``row_data``'s,
and which rows another program changed is ``outside_changes``' (for ``refresh``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from typing import Any, TypeAlias

from PySide6.QtCore import QByteArray, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from app.domain.messages import Conversation
from app.store import KIND_CHAT, KIND_QUICK, ConversationNotFound, ConversationStore, StoreError
from app.store.errors import DatabaseBusy
from app.ui.sidebar.grouping import QUICK, local
from app.ui.sidebar.outside_changes import REFRESH_LIMIT, Snapshot, changed_outside
from app.ui.sidebar.row_bookkeeping import GroupedRowsModel
from app.ui.sidebar.row_data import (
    SHOW_MORE_QUICK,
    ConversationRole,
    conversation_data,
    other_data,
    row_flags,
)
from app.ui.sidebar.rows import (
    ConversationRow,
    HeaderRow,
    Paging,
    Row,
    Section,
    ShowMoreRow,
    header_row,
    section_of,
)

__all__ = [
    "PAGE_SIZE",
    "QUICK_PREVIEW",
    "REFRESH_LIMIT",
    "SHOW_MORE_QUICK",
    "ConversationListModel",
    "ConversationRole",
]

log = logging.getLogger(__name__)

PAGE_SIZE = 200
QUICK_PREVIEW = 5  # a few: yesterday's chats stay in the first screen below them
_Index: TypeAlias = QModelIndex | QPersistentModelIndex


def _system_now() -> datetime:
    return datetime.now().astimezone()


class ConversationListModel(GroupedRowsModel):
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
        super().__init__(zone=zone, page_size=page_size, quick_preview=quick_preview, parent=parent)
        self._store = store
        self._now = now or _system_now
        self._today = self._current_day()
        self._waiting: set[str] = set()  # see set_waiting
        self._pending_titles: dict[str, str] = {}  # renames waiting for the history
        self.reload()

    # Reading ---------------------------------------------------------------------------

    def _current_day(self) -> date:
        return local(self._now(), self._zone).date()

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
        changed = changed_outside(self._store, self._rows, self._ids(), self._paging)
        return self.apply_outside_changes(changed, reload_allowed=reload_allowed)

    def outside_snapshot(self) -> Snapshot:
        """A copy of the rows for ``changed_outside`` on another thread (``refresh``'s
        comparison, the costly part, off the GUI thread); its result goes to
        ``apply_outside_changes``."""
        paging = {part: Paging(p.loaded, p.has_more) for part, p in self._paging.items()}
        return Snapshot(list(self._rows), dict(self._ids()), paging)

    def apply_outside_changes(self, changed: list[str], *, reload_allowed: bool = True) -> bool:
        """``refresh`` with the ids ``changed_outside`` found: only those are read again.

        The ids may come from a snapshot a little older than the rows: each one is read
        as it is now, so one changed here meanwhile is only read once more.
        """
        if self._current_day() != self._today or len(changed) > REFRESH_LIMIT:
            return self._reload_if(reload_allowed)
        for conversation_id in changed:
            self.conversation_changed(conversation_id)
        return True

    def day_changed(self) -> bool:
        """Whether the local date moved on since the rows were grouped."""
        return self._current_day() != self._today

    def _reload_if(self, allowed: bool) -> bool:
        if allowed:
            self.reload()
        return allowed

    def regroup_if_day_changed(self) -> bool:
        """Reload when the local date moved on since the rows were grouped."""
        if not self.day_changed():
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

    def _next_page(self, section: Section, size: int | None = None) -> list[Conversation]:
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
            return other_data(row, role)
        title = self._pending_titles.get(row.conversation.id, row.conversation.title)
        return conversation_data(row, role, title, self._waiting)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return row_flags(self._row_at(index))

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
