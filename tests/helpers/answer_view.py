"""An answer's text view at a given text size, filled by the transcript's renderer; an
answer in its message widget."""

from __future__ import annotations

from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot

from app.domain.messages import Message, Role, utc_now
from app.ui.transcript.item import MessageItem
from app.ui.transcript.markdown_document import MarkdownDocument
from app.ui.transcript.text_view import MessageText


def answer_view(
    qtbot: QtBot, points: float, width: int = 560
) -> tuple[MessageText, MarkdownDocument]:
    """A view ``width`` px wide with text of ``points``, and its renderer (empty yet)."""
    view = MessageText(images=None)
    qtbot.addWidget(view)
    font = QFont(view.font())
    font.setPointSizeF(points)
    view.setFont(font)
    view.set_text_width(width)
    return view, MarkdownDocument(view.document(), math=None, dark=False)


def answer_item(qtbot: QtBot, text: str, role: Role = Role.ASSISTANT) -> MessageItem:
    """An answer ``text`` (or a message of ``role``) in the transcript's own message
    widget, 600 px wide."""
    answer = Message(
        id="a",
        conversation_id="c",
        parent_id=None,
        role=role,
        content=text,
        created_at=utc_now(),
    )
    item = MessageItem(answer, (0, 1), math=None, dark=False, width=600)
    qtbot.addWidget(item)
    return item
