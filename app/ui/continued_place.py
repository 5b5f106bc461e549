"""Where an answer was on screen when its Continue went out as a new version, to show it
there again if that Continue adds nothing."""

from __future__ import annotations

from app.chat.controller import ChatController
from app.ui.transcript.view import TranscriptView


class ContinuedPlace:
    """An answer a later exchange follows is continued as a version beside it: the
    window shows the question it answers meanwhile (``ChatController.shown_leaf``).
    Stopped, failed, or with nothing to add, the conversation is shown again as stored,
    and it opened at its end: a reader who had scrolled up to that answer lost it. This
    keeps how far the answer's top was from the view's top, for that one showing.
    """

    def __init__(self, transcript: TranscriptView, controller: ChatController) -> None:
        self._transcript = transcript
        self._controller = controller
        self._kept: tuple[str, str, int] | None = None  # conversation, answer, offset

    def continue_answer(self, conversation_id: str | None, message_id: str) -> None:
        """Ask for more of the answer ``message_id``, shown in ``conversation_id``."""
        position = self._transcript.canvas_position(message_id)
        offset = None if position is None else position.y() - self._scrolled()
        self._controller.continue_answer(message_id)  # may show the question alone
        self._kept = None
        if conversation_id is None or offset is None:
            return
        if self._controller.shown_leaf(conversation_id) is not None:  # a version awaited
            self._kept = (conversation_id, message_id, offset)

    def take(self, conversation_id: str) -> tuple[str, int] | None:
        """The answer and its offset, once, as ``conversation_id`` is shown again after
        its Continue ended (no version awaited any more); the caller checks the answer
        is on the branch shown (a version came: it is not)."""
        kept = self._kept
        if kept is None or kept[0] != conversation_id:
            return None
        if self._controller.shown_leaf(conversation_id) is not None:
            return None  # shown as the Continue starts: the question alone
        self._kept = None
        return kept[1], kept[2]

    def forget(self) -> None:
        """The answer ended, or another conversation is shown: the place is stale."""
        self._kept = None

    def _scrolled(self) -> int:
        return self._transcript.verticalScrollBar().value()
