"""Which conversations of the sidebar's list another program changed (another Maestrale,
``maestrale import``): for ``ConversationListModel.refresh``, which then moves, inserts,
retitles or removes just those rows.

A few columns of the history (``ConversationStore.list_stamps``), one page past each part
of the list read so far, are compared with the rows shown: no whole rows are read, and
no Qt is needed. With 10,000 rows loaded that look takes 40 to 100 ms, so the window
takes it on a thread of its own (``outside_reader``), from a copy of the rows
(``Snapshot``): the GUI thread then reads only the conversations that differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.domain.messages import from_iso
from app.store import KIND_CHAT, KIND_QUICK
from app.ui.sidebar.rows import ConversationRow, Paging, Row, Section, last_row_in

REFRESH_LIMIT = 100  # past this many outside changes (an import), read everything again
SECTION_OF_KIND = {KIND_QUICK: Section.QUICK, KIND_CHAT: Section.CHATS}


class StampSource(Protocol):
    """Where the stamps come from: the window's store, or a worker's own connection."""

    def list_stamps(
        self, *, limit: int | None = None, pinned: bool | None = None, kind: str | None = None
    ) -> list[tuple[str, str, str, bool, str]]: ...


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The list's rows as they were, for ``changed_outside`` on another thread: copies
    (the rows themselves never change, they are replaced), so the GUI thread may go on
    changing the list meanwhile."""

    rows: list[Row]
    listed: dict[str, int]
    paging: dict[Section, Paging]


def changed_outside(
    store: StampSource,
    rows: list[Row],
    listed: Mapping[str, int],
    paging: Mapping[Section, Paging],
) -> list[str]:
    """Ids whose row differs from the history: changed, new, moved out or gone.

    ``listed``: the row of each conversation in ``rows``; ``paging``: how far each part
    of the list was read.
    """
    unseen = set(listed)
    stamps = store.list_stamps(pinned=True)
    oldest: dict[Section, datetime | None] = {Section.PINNED: None}
    for section, kind in ((Section.QUICK, KIND_QUICK), (Section.CHATS, KIND_CHAT)):
        part = paging[section]
        oldest[section] = None
        if part.has_more:  # the part is read down to its last row shown
            last = last_row_in(rows, section)
            item = None if last is None else rows[last]
            if not isinstance(item, ConversationRow):
                continue  # nothing of it shown: nothing to compare
            oldest[section] = item.conversation.updated_at
        limit = part.loaded + 1 if part.has_more else None
        stamps += store.list_stamps(pinned=False, kind=kind, limit=limit)
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
        row = rows[number]
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
