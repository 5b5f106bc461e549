"""The request an answer is asked with: the conversation's branch, its model and
settings, and the tools offered with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.domain.messages import Conversation, Message
from app.store.conversations import ConversationStore

if TYPE_CHECKING:
    from app.api.types import ChatRequest, ToolSpec
    from app.chat.tool_calls import ChatTools


class AnswerRequests:
    """Requests over one store; ``default_model`` names the model of a conversation
    that names none, ``tools`` (if any) offers its tools with the requests of chats."""

    def __init__(
        self,
        store: ConversationStore,
        *,
        default_model: Callable[[], str],
        tools: ChatTools | None,
    ) -> None:
        self._store = store
        self._default_model = default_model
        self._tools = tools

    def model_for(self, conversation: Conversation) -> str:
        """The model the next message of ``conversation`` goes to: its own, else (an
        imported chat names none) the one a new chat would get."""
        return conversation.model or self._default_model()

    def first(
        self, conversation_id: str, parent_id: str, continue_from: Message | None
    ) -> ChatRequest:
        """The request of an answer to ``parent_id``, or carrying ``continue_from`` on;
        the conversation keeps the model it is asked of from now on."""
        # The request code and the API's types: with the first question, not at start-up.
        from app.answering.request import build_request

        conversation = self._store.get_conversation(conversation_id)
        # A continuation is asked with the partial answer as the last message.
        leaf = parent_id if continue_from is None else continue_from.id
        path = self._store.tree(conversation_id).path_to(leaf)
        model = self.model_for(conversation)
        if model != conversation.model:
            # Kept from now on, as a new chat keeps the model it started with.
            self._store.update_conversation(conversation_id, model=model)
        return build_request(
            path,
            model=model,
            system_prompt=conversation.system_prompt,
            params=conversation.params,
            tools=self._tool_specs(conversation),
            continue_last=continue_from is not None,
        )

    def after_round(self, conversation_id: str, leaf: str, *, words_only: bool) -> ChatRequest:
        """The request that follows a round of tool results (``leaf``, the last);
        ``words_only``: the model may call no more tools."""
        from dataclasses import replace

        from app.answering.request import build_request

        conversation = self._store.get_conversation(conversation_id)
        request = build_request(
            self._store.tree(conversation_id).path_to(leaf),
            model=self.model_for(conversation),
            system_prompt=conversation.system_prompt,
            params=conversation.params,
            tools=self._tool_specs(conversation),
        )
        return replace(request, tool_choice="none") if words_only and request.tools else request

    def _tool_specs(self, conversation: Conversation) -> tuple[ToolSpec, ...]:
        # The quick prompt's exchanges have no room to ask before a call: no tools there.
        if self._tools is None or conversation.kind != "chat":
            return ()
        return self._tools.specs()
