"""Naming a conversation after its first exchange: whether it is time to, and asking a
model for the title (app.chat.titles) in the background."""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.api.errors import ApiError
from app.chat.clients import ClientSource
from app.domain.messages import Message, MessageStatus, Role
from app.domain.tree import MessageTree
from app.secrets import KeychainUnavailable
from app.store.conversations import ConversationStore
from app.tasks import TaskRunner

log = logging.getLogger(__name__)


class AutoTitles:
    """Titles asked of ``model()`` (else of the conversation's own model) on ``runner``;
    ``on_renamed`` is told the id of each conversation renamed."""

    def __init__(
        self,
        store: ConversationStore,
        clients: ClientSource,
        runner: TaskRunner,
        *,
        model: Callable[[], str | None],
        on_renamed: Callable[[str], None],
    ) -> None:
        self._store = store
        self._clients = clients
        self._runner = runner
        self._model = model
        self._on_renamed = on_renamed

    def after_answer(self, conversation_id: str, carried_on: Message | None = None) -> None:
        """Ask for a title after the first exchange; ``carried_on`` is the answer as it
        was before a Continue extended it in place."""
        # The request and title code: with the first question, not at start-up.
        from app.answering.request import provisional_title

        conversation = self._store.get_conversation(conversation_id)
        if conversation.title_is_custom:
            return
        # The conversation's shape without its texts: read whole, a long one cost
        # milliseconds at every answer's end, before the window showed that end.
        tree = MessageTree(self._store.outline(conversation_id))
        path = tree.path_to(conversation.current_leaf_id) or tree.path_to(tree.latest_leaf())
        # The first question and its final answer (after any tool calls and results).
        questions = [m for m in path if m.role is Role.USER]
        if len(questions) != 1 or path[0] is not questions[0]:
            return
        first, last = path[0], path[-1]
        if last.role is not Role.ASSISTANT or last.status is not MessageStatus.COMPLETE:
            return
        question = self._store.get_message(first.id).content
        # Continued in place, an answer makes no new version that would say the
        # conversation was named: it was, if that answer had ended whole (at the token
        # limit) or its title is no longer the one made from the question.
        if carried_on is not None and (
            carried_on.status is MessageStatus.COMPLETE
            or conversation.title != provisional_title(question)
        ):
            return
        # A regenerated or continued answer (to the question, or after a tool's result):
        # the conversation was named already.
        for answered in (path[1], last):
            siblings = tree.siblings(answered.id)
            if any(o.id != answered.id and o.status is MessageStatus.COMPLETE for o in siblings):
                return
        model = self._model() or conversation.model
        if not model:
            return
        answer = self._store.get_message(last.id).content
        self._runner.start(
            self._title(conversation_id, model, question, answer),
            name=f"title:{conversation_id}",
        )

    async def _title(self, conversation_id: str, model: str, question: str, answer: str) -> None:
        from app.chat.titles import generate_title  # see after_answer()

        try:
            title = await generate_title(self._clients.client(), model, question, answer)
        except (ApiError, KeychainUnavailable) as error:
            # The provisional title stays; a failed nicety is not worth an alert.
            log.info("No generated title for %s: %s", conversation_id, error)
            return
        if title and self._store.rename(conversation_id, title, custom=False):
            self._on_renamed(conversation_id)
