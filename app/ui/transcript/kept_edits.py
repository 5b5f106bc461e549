"""Questions left open for editing when their conversation was left, and reopened.

Opening another chat renders a new transcript: a question's editor went with the old
one, and the text typed into it was lost. Its text is kept here, by message, for the
session, and the editor opens again on it when the question is rendered next (without
the keyboard: the reader may be going through the list of chats).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ui.transcript.item import MessageItem


class KeptEdits:
    def __init__(self) -> None:
        self._texts: dict[str, str] = {}  # message id -> the text in its editor

    def keep(self, item: MessageItem) -> None:
        """Before ``item`` goes with its transcript: its edit, if one is open."""
        text = item.edited_text
        if text is not None:
            self._texts[item.message.id] = text

    def reopen(self, item: MessageItem) -> None:
        """``item`` is rendered: its question's editor opens again if it was open."""
        text = self._texts.pop(item.message.id, None)
        if text is not None:
            item.edit_again(text, focus=False)
