"""What the chat pane keeps for each conversation while another one is shown: its
unsent draft (in the history file, so it survives a restart) and, for this session,
where the reader was in it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from app.store.conversations import ConversationStore
from app.store.drafts import NEW_CHAT
from app.store.errors import StoreError
from app.ui.composer import Composer
from app.ui.draft_keeper import DraftKeeper
from app.ui.transcript.view import TranscriptView

if TYPE_CHECKING:
    from app.ui.toast import Toast

log = logging.getLogger(__name__)

DRAFT_NOTICE_MS = 30_000  # said once: time to read it and copy the draft


class KeptPerConversation:
    """The drafts of ``composer``, restored from ``store`` and saved there as they are
    typed, and the reading places of ``transcript``, per conversation (the new chat's
    draft too). ``parent`` owns the draft saving."""

    def __init__(
        self,
        store: ConversationStore,
        composer: Composer,
        transcript: TranscriptView,
        parent: QObject,
    ) -> None:
        self._store = store
        self._composer = composer
        self._transcript = transcript
        # Where the reader was in each conversation left this session (reading_place).
        self._places: dict[str, tuple[str, int]] = {}
        # In the history file, so an unsent question survives a crash.
        self._drafts = DraftKeeper(store, parent)
        self._drafts.not_saved.connect(self._say_draft_not_saved)
        self._drafts.saved_again.connect(self._draft_saved_again)
        self._draft_notice: Toast | None = None  # "could not save your draft", while up
        composer.draft_changed.connect(self._drafts.keep)
        composer.restore_drafts(self._read_drafts())

    def switch_draft(self, conversation_id: str | None) -> None:
        """The message field shows the draft of ``conversation_id`` (None: the new chat)."""
        self._composer.switch_draft(conversation_id or NEW_CHAT)

    def keep_drafts_before_closing(self) -> None:
        """Save the drafts, the one still being typed too, before the history closes."""
        self._composer.keep_draft()
        self._drafts.save_before_closing()

    def remember_place(self, conversation_id: str) -> None:
        """Where the reader is in the conversation shown, to come back there when it is
        opened again (it opened at its end each time, and the place was lost)."""
        place = self._transcript.reading_place()
        if place is None:
            self._places.pop(conversation_id, None)  # at the end: it opens there anyway
        else:
            self._places[conversation_id] = place

    def take_place(self, conversation_id: str) -> tuple[str, int] | None:
        """The place remembered in ``conversation_id`` (message, offset), once."""
        return self._places.pop(conversation_id, None)

    def _say_draft_not_saved(self, key: str, notice: str) -> None:
        from app.ui.clipboard import copy_and_say
        from app.ui.toast import Toast  # not at start-up

        self._draft_saved_again()
        composer = self._composer
        window = composer.window()
        # The draft that was not saved, even once another conversation is shown (its
        # Copy took the field's text: another conversation's draft).
        self._draft_notice = Toast.show_message(
            window,
            notice,
            "Copy the draft",
            lambda: copy_and_say(window, composer.draft_of(key)),
            timeout_ms=DRAFT_NOTICE_MS,
        )

    def _draft_saved_again(self) -> None:
        """The drafts are saved: the notice saying they were not goes (it stayed up to
        30 s, telling of a loss that would no longer happen)."""
        notice, self._draft_notice = self._draft_notice, None
        if notice is not None and notice.is_open:
            notice.dismiss()

    def _read_drafts(self) -> dict[str, str]:
        try:
            return self._store.drafts()
        except StoreError:
            log.warning("Could not read the drafts", exc_info=True)
            return {}
