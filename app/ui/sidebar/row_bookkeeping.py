"""The row bookkeeping of the sidebar's list: conversations under their headings (Pinned,
Today, Quick, Yesterday, ..., months), and each change to them as single rows.

``GroupedRowsModel`` holds the rows (``app.ui.sidebar.rows``) and inserts, moves and
removes one conversation's row, adds a heading when its first conversation comes and
drops it when its last one leaves, and keeps "Quick" to its newest few, telling its
views of each step (so a view keeps its selection and scroll position).
``ConversationListModel`` (``app.ui.sidebar.model``) reads the history into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject

from app.domain.messages import Conversation
from app.store import KIND_QUICK
from app.ui.sidebar.grouping import QUICK, Group, group_of
from app.ui.sidebar.row_data import ConversationRole
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


class GroupedRowsModel(QAbstractListModel):
    """The rows of the sidebar's list and their changes; the reading is the subclass's.

    Args:
        zone: the time zone that decides "today"; the system's when None.
        page_size: quick exchanges read when "Quick" has none left to show.
        quick_preview: quick exchanges shown before the "Show more quick prompts…" row.
    """

    _today: date
    """The day the rows are grouped for: the subclass sets it (it has the clock)."""

    def __init__(
        self, *, zone: tzinfo | None, page_size: int, quick_preview: int, parent: QObject | None
    ) -> None:
        super().__init__(parent)
        self._zone = zone
        self._page_size = max(1, page_size)
        self._quick_preview = max(1, quick_preview)
        self._rows: list[Row] = []
        self._paging = {Section.QUICK: Paging(), Section.CHATS: Paging()}
        # Once the person asks for more quick exchanges, "Quick" keeps all it has read;
        # until then it shows its newest few, as after a restart (see _fit_quick).
        self._quick_expanded = False
        self._row_cache: dict[str, int] | None = None

    def _next_page(self, section: Section, size: int | None = None) -> list[Conversation]:
        """The section's next page (of ``size``, else the page size), without the
        conversations already in the list; its paging moved on."""
        raise NotImplementedError

    # Rows of conversations -------------------------------------------------------------

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

    def _insert_rows(self, at: int, conversations: Sequence[Conversation]) -> None:
        """Put ``conversations`` (newest first) before row ``at``, under their headings."""
        if not conversations:
            return
        rows = self._rows_for(conversations, self._rows[at - 1].group if at else None)
        self.beginInsertRows(QModelIndex(), at, at + len(rows) - 1)
        self._rows[at:at] = rows
        self._row_cache = None
        self.endInsertRows()

    def _ids(self) -> dict[str, int]:
        if self._row_cache is None:
            self._row_cache = {
                row.conversation.id: number
                for number, row in enumerate(self._rows)
                if isinstance(row, ConversationRow)
            }
        return self._row_cache

    def _show_more_row(self) -> int | None:
        if not self._paging[Section.QUICK].has_more:
            return None
        return show_more_row(self._rows)

    # Changes ---------------------------------------------------------------------------

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
        if _shows_alike(old.conversation, conversation) and old.group == group:
            # A new activity time alone (every answer's end): said as such, so that the
            # list need not lay out and repaint all its rows for it (no row shows it).
            self.dataChanged.emit(changed, changed, [int(ConversationRole.UPDATED_AT)])
        else:
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


def _shows_alike(old: Conversation, new: Conversation) -> bool:
    """Whether a conversation's row shows the same for both (see row_data)."""
    return (old.title, old.pinned, old.kind) == (new.title, new.pinned, new.kind)
