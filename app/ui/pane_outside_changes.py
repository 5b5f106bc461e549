"""The chat pane when another program changed the history (`maestrale ask
--conversation`, an import, a second window): the open conversation shown again as
stored now, where the reader was, with the draft, the find bar and the keyboard kept.

Part of ChatPane, as a mixin: it works on the pane's store, controller and widgets
(declared below for the type checker; the pane defines them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.chat.controller import ChatController
from app.domain.messages import MessageStatus
from app.store.conversations import ConversationStore
from app.store.errors import ConversationNotFound
from app.ui.conversation_find import ConversationFind
from app.ui.title_label import TitleLabel
from app.ui.transcript.view import TranscriptView

if TYPE_CHECKING:
    _Pane = QWidget
else:
    _Pane = object


class OutsideChangesInPane(_Pane):
    # The pane's; declared for the type checker.
    _store: ConversationStore
    _controller: ChatController
    _find: ConversationFind
    title: TitleLabel
    transcript: TranscriptView
    # Another program changed the open conversation while a question was edited.
    outside_change_waiting: bool

    if TYPE_CHECKING:

        @property
        def conversation_id(self) -> str | None: ...

        def open_conversation(self, conversation_id: str, *, keep_find: bool = False) -> None: ...

        def _set_title(self, title: str) -> None: ...

    def show_outside_changes(self) -> None:
        """Another program changed the history (`maestrale ask --conversation`, an
        import, a second window): show the open conversation as stored now, where the
        reader was, with the draft untouched. Without it, the next question here would
        follow exchanges the window never showed."""
        conversation_id = self.conversation_id
        if conversation_id is None:
            return
        if self._controller.is_streaming(conversation_id):
            # Shown once the answer ends (see Application): dropped, the next question
            # here followed exchanges the window never showed.
            self.outside_change_waiting = True
            return
        try:
            conversation = self._store.get_conversation(conversation_id)
        except ConversationNotFound:
            return  # deleted there: the list drops it; the text stays readable here
        if conversation.title != self.title.title():
            self._set_title(conversation.title)
        if self._shows(conversation.current_leaf_id):
            self.outside_change_waiting = False
            return
        # Not while a question is edited: its text would go with the old transcript.
        # Asked again at the next look (see Application), until the editor closes.
        self.outside_change_waiting = self.transcript.editing()
        if self.outside_change_waiting:
            return
        finding = self._find.in_use
        # The keyboard stays where it was (opening puts it in the message field: with
        # the find bar in use, the next Enter meant for the bar sent the draft), unless
        # it was on a message, which goes with the old transcript.
        focused = QApplication.focusWidget()
        if focused is not None and self.transcript.isAncestorOf(focused):
            focused = None
        # At the reader's place (see open_conversation), the find bar kept open.
        self.open_conversation(conversation_id, keep_find=finding)
        if finding:
            self._find.refind()
        if focused is not None:
            focused.setFocus(Qt.FocusReason.OtherFocusReason)

    def _shows(self, leaf_id: str | None) -> bool:
        """Whether the transcript shows the branch ending at ``leaf_id`` as stored."""
        ids = self.transcript.message_ids
        if not ids or leaf_id is None:
            return not ids and leaf_id is None
        if ids[-1] != leaf_id:
            return False
        # The last message, and any answer shown unfinished: another program finishes
        # it (the branch may have grown past it meanwhile); unrendered items will be
        # read from the store.
        shown = {
            message_id: item.message
            for message_id in ids
            if (item := self.transcript.item(message_id)) is not None
            and (message_id == leaf_id or item.message.status is MessageStatus.STREAMING)
        }
        stored = self._store.messages_by_id(list(shown))
        return all(
            message_id in stored
            and (stored[message_id].status, stored[message_id].content)
            == (message.status, message.content)
            for message_id, message in shown.items()
        )
