"""Answers whose end could not be stored (the history locked, the disk full): saved as
soon as the history can be written again, at the latest on quit; and what the person is
told of them meanwhile."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
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
    "quit, and asks before quitting. To keep it safe, copy it now with its copy button "
    "(Copy as Markdown); Retry asks the model again."
)


@dataclass(frozen=True, slots=True)
class _Trouble:
    """An answer not saved yet: what the window says, why in a few words, its text."""

    notice: str
    why: str
    text: Callable[[], str]


class UnsavedAnswers:
    """The answers not saved yet: of each conversation with one, what the window says of
    it, why, and its whole text (to copy before quitting); and the answers whose end is
    to be saved, each tried again on ``runner`` until it is.

    ``on_notice`` is told (conversation id, notice) when an answer of the conversation
    could not be saved, and (conversation id, "") once it is; ``on_saved`` (conversation
    id, the stored answer) of each end saved later, after its notice went.
    """

    def __init__(
        self,
        runner: TaskRunner,
        on_saved: Callable[[str, Message], None],
        on_notice: Callable[[str, str], None],
    ) -> None:
        self._runner = runner
        self._on_saved = on_saved
        self._on_notice = on_notice
        self._troubles: dict[str, _Trouble] = {}
        self._unsaved: list[AnswerNotSaved] = []
        self._resaves = 0
        self.closing = False  # quitting: ``save_now`` makes the last try, no task

    def texts(self) -> list[str]:
        """The text of each answer not saved yet."""
        return [trouble.text() for trouble in self._troubles.values()]

    def text(self, conversation_id: str) -> str:
        """The text of the conversation's answer not saved yet, or ""."""
        trouble = self._troubles.get(conversation_id)
        return "" if trouble is None else trouble.text()

    def reasons(self) -> list[str]:
        """Why each answer not saved yet is not, in a few words ("the disk is full")."""
        return [trouble.why for trouble in self._troubles.values()]

    def reason(self, conversation_id: str) -> str | None:
        """Why the conversation's answer is not saved yet, or None if it has none."""
        trouble = self._troubles.get(conversation_id)
        return None if trouble is None else trouble.why

    def troubled(self, conversation_id: str, trouble: StoreError, text: Callable[[], str]) -> None:
        """An answer of the conversation could not be saved (its text so far from
        ``text``): said at once."""
        notice = trouble_notice(trouble)
        self._troubles[conversation_id] = _Trouble(notice, trouble_reason(trouble), text)
        self._on_notice(conversation_id, notice)

    def saved(self, conversation_id: str) -> None:
        """The conversation's answer is saved after all: its notice goes."""
        if self._troubles.pop(conversation_id, None) is not None:
            self._on_notice(conversation_id, "")

    def teller(
        self, conversation_id: str, text: Callable[[], str]
    ) -> Callable[[StoreError | None], None]:
        """What the recorder tells when saving an answer fails (said at once) and when
        it is saved again (the notice goes)."""

        def told(trouble: StoreError | None) -> None:
            if trouble is None:
                self.saved(conversation_id)
            else:
                self.troubled(conversation_id, trouble, text)

        return told

    def save_later(self, conversation_id: str, unsaved: AnswerNotSaved) -> None:
        """An answer's end could not be saved: said, and tried again until it is."""
        self.troubled(conversation_id, unsaved.trouble, functools.partial(str, unsaved.text))
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
        self._troubles.clear()

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
            self.saved(conversation_id)
            self._on_saved(conversation_id, message)
            return


BUSY_REASON = "another program is using the history file"


def trouble_reason(trouble: StoreError) -> str:
    """Why the history could not take an answer, in a few words ("the disk is full")."""
    from app.store.errors import DatabaseBusy

    if isinstance(trouble, DatabaseBusy):
        return BUSY_REASON
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
    """The answer as the window shows it when the history could not take its end: the
    whole text it has (``live``), said not saved; ``started``: some of its
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
