"""A message's versions in the chat pane: which of them each message shown is (its
"‹ 2/3 ›"), moving between them (those arrows, Alt+Left and Alt+Right), and showing the
conversation again afterwards where the reader was."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtWidgets import QApplication

from app.chat.controller import ChatController
from app.domain.messages import MessageOutline
from app.domain.tree import MessageTree
from app.store.conversations import ConversationStore
from app.ui.continued_place import ContinuedPlace
from app.ui.transcript.view import TranscriptView


def branches_of(
    tree: MessageTree[MessageOutline], path: Sequence[MessageOutline]
) -> dict[str, tuple[int, int]]:
    """For each message on the branch that has alternatives: its place among them and
    their count (the others have none: the transcript takes them as 1 of 1)."""
    result: dict[str, tuple[int, int]] = {}
    for message in path:
        siblings = tree.siblings(message.id)
        if len(siblings) > 1:  # most have none: no search, on every opening
            index = next(i for i, m in enumerate(siblings) if m.id == message.id)
            result[message.id] = (index, len(siblings))
    return result


class OpenConversation(Protocol):
    def __call__(self, conversation_id: str, *, focus: str | None = None) -> None: ...


class BranchSwitching:
    """Switches versions in ``transcript`` through ``controller``, and shows the
    conversation again (``open_conversation``) when the controller asks, the switched
    message, or an answer ``continued`` kept, where it was on screen."""

    def __init__(
        self,
        transcript: TranscriptView,
        store: ConversationStore,
        controller: ChatController,
        continued: ContinuedPlace,
        open_conversation: OpenConversation,
    ) -> None:
        self._transcript = transcript
        self._store = store
        self._controller = controller
        self._continued = continued
        self._open = open_conversation
        self._anchor: tuple[int, int, bool] | None = None  # see switch

    def switch_version(self, step: int) -> None:
        """Alt+Left / Alt+Right: the previous or next version of the message that has the
        keyboard, or else of the last message shown that has versions (a regenerated
        answer, an edited question), as its "‹ 2/3 ›" arrows do."""
        transcript = self._transcript
        focused = QApplication.focusWidget()
        items = [transcript.item(i) for i in reversed(transcript.message_ids)]
        shown = [item for item in items if item is not None and item.isVisible()]
        held = next((i for i in shown if focused is not None and i.isAncestorOf(focused)), None)
        target = (
            held
            if held is not None and held.has_versions()
            else next((item for item in shown if item.has_versions()), None)
        )
        if target is not None and target.can_switch(step):
            self.switch(target.message.id, step)

    def switch(self, message_id: str, step: int) -> None:
        """The version ``step`` away from ``message_id`` (a switcher's arrow)."""
        # The conversation is shown again on its new branch: the switched message keeps
        # its place on screen (it went to the end, and the reader lost the place), or
        # the view its end if it followed it and the new version is still the last
        # message (see reload: the switcher stays under the pointer either way).
        transcript = self._transcript
        ids = transcript.message_ids
        position = transcript.canvas_position(message_id)
        if message_id in ids and position is not None:
            offset = position.y() - transcript.verticalScrollBar().value()
            self._anchor = (ids.index(message_id), offset, transcript.following)
        switched = transcript.item(message_id)
        by_keyboard = switched is not None and switched.switcher_has_focus()
        self._controller.switch_branch(message_id, step)
        self._anchor = None
        if by_keyboard and message_id in ids:
            # The transcript was built again (the composer took the keyboard): the
            # keyboard stays on the switcher of the version now shown, so that Space
            # goes on switching instead of typing a space into the message field.
            depth = ids.index(message_id)
            shown = transcript.message_ids
            item = transcript.item(shown[depth]) if depth < len(shown) else None
            if item is not None:
                item.focus_switcher(step)

    def reload(self, conversation_id: str) -> None:
        """Show ``conversation_id`` again as stored (the controller asked)."""
        anchor = self._anchor
        # A Continue that added nothing: its answer where it was on screen.
        place = self._continued.take(conversation_id)
        if anchor is None and place is None:
            self._open(conversation_id)
            return
        stored = self._store.get_conversation(conversation_id).current_leaf_id
        # A Continue's new version awaited (not stored yet): shown under its question.
        leaf = self._controller.shown_leaf(conversation_id) or stored
        path = MessageTree(self._store.outline(conversation_id)).path_to(leaf)
        if anchor is not None:
            depth, offset, following = anchor
            if following and depth == len(path) - 1:
                self._open(conversation_id)  # at the end, the new version's end
                return
            # Not the last any more: the end is another answer's, and its switcher came
            # under the pointer (the view followed the end only because the version
            # shown before was the last).
            place = (path[depth].id, offset) if depth < len(path) else None
        if place is None or place[0] not in {m.id for m in path}:
            self._open(conversation_id)
            return
        focus, offset = place
        self._open(conversation_id, focus=focus)
        position = self._transcript.canvas_position(focus)
        bar = self._transcript.verticalScrollBar()
        if position is not None:
            bar.setValue(max(0, position.y() - offset))
        if bar.value() >= bar.maximum():  # the end in view too: it follows the end again
            self._transcript.scroll_to_end()
