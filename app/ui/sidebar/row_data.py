"""What each row of the sidebar's list shows, role by role, and what can be done with it.

The data roles of ``ConversationListModel`` beyond Qt's own (``ConversationRole``), and
the data and flags of a conversation, a heading and the "Show more quick prompts…" row:
functions of one row (``app.ui.sidebar.rows``), so the model only finds the row.
"""

from __future__ import annotations

from collections.abc import Container
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from app.ui.sidebar.rows import ConversationRow, HeaderRow, Row, ShowMoreRow

SHOW_MORE_QUICK = "Show more quick prompts…"
WAITING_TEXT = "a tool call waits for your approval"


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


def conversation_data(row: ConversationRow, role: int, title: str, waiting: Container[str]) -> Any:
    """Data of a conversation's row shown as ``title`` (a rename waiting for the history
    shows before it is saved); ``waiting``: the conversations whose tool call waits for
    the person."""
    conversation = row.conversation
    if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, ConversationRole.TITLE):
        return title
    is_waiting = conversation.id in waiting
    if role == Qt.ItemDataRole.ToolTipRole:
        return f"{title}\n{WAITING_TEXT}" if is_waiting else title
    if role == Qt.ItemDataRole.AccessibleTextRole:
        pinned = ", pinned" if conversation.pinned else ""
        return f"{title}{pinned}{', ' + WAITING_TEXT if is_waiting else ''}"
    if role == ConversationRole.WAITING:
        return is_waiting
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


def other_data(row: HeaderRow | ShowMoreRow, role: int) -> Any:
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


def row_flags(row: Row | None) -> Qt.ItemFlag:
    """Conversations are selected and renamed; headings and "Show more…" only shown."""
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
