"""Answers whose end could not be stored (the history locked, the disk full): saved as
soon as the history can be written again, at the latest on quit; and what the person is
told of them meanwhile."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from app.api.errors import ApiError
from app.domain.messages import Message, MessageStatus
from app.store.errors import StoreError
from app.tasks import TaskRunner

if TYPE_CHECKING:
    from app.answering.recorder import AnswerNotSaved

log = logging.getLogger(__name__)

UNSAVED_ANSWER = (
    "The text above could not be saved yet ({reason}): Maestrale tries again until you "
    "quit, and asks before quitting. Copy it now to keep it safe (Retry asks the model "
    "again)."
)


class UnsavedAnswers:
    """The answers whose end is not saved yet, each tried again on ``runner`` until it
    is; ``on_saved`` is told (conversation id, the stored answer) of each saved later."""

    def __init__(self, runner: TaskRunner, on_saved: Callable[[str, Message], None]) -> None:
        self._runner = runner
        self._on_saved = on_saved
        self._unsaved: list[AnswerNotSaved] = []
        self._resaves = 0
        self.closing = False  # quitting: ``save_now`` makes the last try, no task

    def save_later(self, conversation_id: str, unsaved: AnswerNotSaved) -> None:
        self._unsaved.append(unsaved)
        if self.closing:
            return
        self._resaves += 1
        self._runner.start(self._resave(conversation_id, unsaved), name=f"resave:{self._resaves}")

    def save_now(self) -> None:
        """The last try at the ends not saved yet (the disk freed, say); what still
        fails is marked as cut short by saving, or the next start blames a crash."""
        for unsaved in self._unsaved:
            try:
                unsaved.save_again()
            except StoreError as error:
                log.warning("The end of an answer is lost: %s", error)
                unsaved.give_up()
        self._unsaved.clear()

    async def _resave(self, conversation_id: str, unsaved: AnswerNotSaved) -> None:
        """Try an answer's final save again until the history can be written."""
        import asyncio

        from app.answering import recorder

        while True:
            await asyncio.sleep(recorder.RETRY_SAVE_AFTER)
            try:
                message = unsaved.save_again()
            except StoreError:
                continue
            self._unsaved.remove(unsaved)
            log.info("The end of an answer in %s is saved now", conversation_id)
            self._on_saved(conversation_id, message)
            return


def trouble_reason(trouble: StoreError) -> str:
    """Why the history could not take an answer, in a few words ("the disk is full")."""
    from app.store.errors import DatabaseBusy

    if isinstance(trouble, DatabaseBusy):
        return "another program is using the history file"
    return str(getattr(trouble, "reason", None) or trouble)


def trouble_notice(trouble: StoreError) -> str:
    """What the window says at once when saving an answer fails (it goes on in memory)."""
    from app.store.errors import DatabaseBusy

    if isinstance(trouble, DatabaseBusy):
        return (
            "Maestrale could not save this answer: another program is using the history "
            "file. It is kept in memory and saved as soon as the file is free: close that "
            "program, or copy the answer now."
        )
    reason = trouble_reason(trouble)
    if reason == "the disk is full":
        return (
            "Maestrale could not save this answer: the disk is full. It is kept in memory "
            "and saved as soon as there is room: free some space, or copy the answer now."
        )
    return (
        f"Maestrale could not save this answer ({reason}). It is kept in memory "
        "and saved as soon as the history can be written again: copy the answer now."
    )


def shown_unsaved(final: Message, unsaved: StoreError, *, live: str, started: bool) -> Message:
    """The answer as the window shows it when the history could not be written for a
    minute: the whole text it has (``live``), said not saved; ``started``: some of its
    text arrived."""
    from app.answering.recorder import AnswerNotSaved

    failed = getattr(unsaved, "error", None)
    why = f"{failed.message} " if isinstance(failed, ApiError) else ""
    # In a few words: the notice above the message field says the rest (the history
    # file's whole sentence made four lines beside Retry, the last one cut).
    reason = trouble_reason(getattr(unsaved, "trouble", unsaved))
    error = f"{why}{UNSAVED_ANSWER.format(reason=reason)}"
    if not started and isinstance(unsaved, AnswerNotSaved):
        error = str(not_saved_report(unsaved))  # no text above to copy
    # A continuation of which nothing came still shows the text it carries on.
    return replace(final, content=live or final.content, status=MessageStatus.ERROR, error=error)


def not_saved_report(unsaved: AnswerNotSaved) -> StoreError:
    """What the person is told when an answer, and why it failed, could not be saved."""
    failed = f"{unsaved.error.message} " if unsaved.error is not None else ""
    return StoreError(
        f"{failed}The answer could not be saved: {unsaved.trouble} It is saved as soon as "
        "the history can be written again."
    )
