"""The shortcuts that act on the last messages of the conversation shown: edit the last
question, copy the last answer, write it again, and press its Continue."""

from __future__ import annotations

from app.chat.controller import ChatController
from app.domain.messages import Role
from app.ui.transcript.view import TranscriptView


def edit_last_question(transcript: TranscriptView) -> None:
    """The last question shown, in its editor, the editor in view."""
    for message_id in reversed(transcript.message_ids):
        item = transcript.item(message_id)
        if item is not None and item.message.role is Role.USER:
            item.start_editing()
            transcript.reveal_editor(message_id)
            return


def copy_last_answer(transcript: TranscriptView) -> None:
    """The last answer shown, as Markdown, to the clipboard."""
    for message_id in reversed(transcript.message_ids):
        item = transcript.item(message_id)
        if item is not None and item.message.role is Role.ASSISTANT:
            item.copy_markdown()
            return


def press_last_continue(transcript: TranscriptView) -> None:
    """The last message's Continue, pressed (nothing if it shows none, or disabled)."""
    ids = transcript.message_ids
    last = transcript.item(ids[-1]) if ids else None
    if last is not None:
        last.press_continue()


def regenerate_last(transcript: TranscriptView, controller: ChatController) -> None:
    """A new answer to the last question shown, or its first one if it has none."""
    ids = transcript.message_ids
    last = transcript.item(ids[-1]) if ids else None
    if last is not None and last.message.role is Role.USER:
        # A question left without an answer: answering it is what "again" means
        # (not a new answer to the question before it, on another branch).
        controller.answer(last.message.id)
        return
    for message_id in reversed(ids):
        item = transcript.item(message_id)
        if item is not None and item.message.role is Role.ASSISTANT:
            controller.regenerate(message_id)
            return
