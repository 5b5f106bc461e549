"""The rows of the sidebar's list and where things are among them: headings,
conversations and the "Show more quick prompts…" row, in the list's order.

Plain data and pure functions of a list of rows (no Qt), like ``grouping``; the model
(``app.ui.sidebar.model``) reads the history into these rows, and its base class
(``app.ui.sidebar.row_bookkeeping``) changes them and tells its views of each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from app.domain.messages import Conversation
from app.store import KIND_QUICK
from app.ui.sidebar.grouping import QUICK, Group


class Section(IntEnum):
    """The parts of the list; each but the first is read page by page. The quick
    exchanges sit among the chats' headings, after Today (see ``grouping.QUICK``)."""

    PINNED = 0
    QUICK = 1
    CHATS = 2


@dataclass(frozen=True, slots=True)
class HeaderRow:
    group: Group


@dataclass(frozen=True, slots=True)
class ConversationRow:
    conversation: Conversation
    group: Group


@dataclass(frozen=True, slots=True)
class ShowMoreRow:
    """The last row of "Quick" while older quick exchanges are not read yet."""

    group: Group = QUICK


Row = HeaderRow | ConversationRow | ShowMoreRow


@dataclass(slots=True)
class Paging:
    loaded: int = 0
    """Rows of the section read so far: the offset of its next page."""
    has_more: bool = False


def section_of(conversation: Conversation) -> Section:
    if conversation.pinned:
        return Section.PINNED
    return Section.QUICK if conversation.kind == KIND_QUICK else Section.CHATS


def order(conversation: Conversation) -> tuple[int, float]:
    """Sort key: pinned first, then quick exchanges, then chats; newest first in each."""
    return (section_of(conversation), -conversation.updated_at.timestamp())


def header_row(rows: list[Row], key: str) -> int | None:
    """The row of the heading of the group ``key``, if it is there."""
    for number, row in enumerate(rows):
        if isinstance(row, HeaderRow) and row.group.key == key:
            return number
    return None


def show_more_row(rows: list[Row]) -> int:
    """The row of "Show more quick prompts…" (the caller knows it is there)."""
    header = header_row(rows, QUICK.key)
    assert header is not None, "the Show more row sits under the Quick heading"
    number = header + 1
    while not isinstance(rows[number], ShowMoreRow):
        number += 1
    return number


def last_row_in(rows: list[Row], section: Section) -> int | None:
    """The last conversation row of ``section``, if any."""
    if section is Section.QUICK:
        header = header_row(rows, QUICK.key)  # near the top
        if header is None:
            return None
        number = header + 1
        while number < len(rows) and isinstance(rows[number], ConversationRow):
            number += 1
        return number - 1 if number > header + 1 else None
    for number in range(len(rows) - 1, -1, -1):  # the chats end the list
        row = rows[number]
        if isinstance(row, ConversationRow) and section_of(row.conversation) == section:
            return number
    return None


def slot_in_group(
    rows: list[Row], header: int, conversation: Conversation, skip: int | None
) -> int:
    """The row before which ``conversation`` goes in the group headed at ``header``."""
    number = header + 1
    while number < len(rows):
        row = rows[number]
        if not isinstance(row, ConversationRow):
            break
        if number != skip and order(conversation) <= order(row.conversation):
            break
        number += 1
    return number


def header_slot(rows: list[Row], group: Group) -> int:
    """The row before which a new heading for ``group`` goes."""
    for number, row in enumerate(rows):
        if isinstance(row, HeaderRow) and row.group.rank > group.rank:
            return number
    return len(rows)
