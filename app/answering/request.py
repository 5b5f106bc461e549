"""From a conversation's current branch to the chat request the model sees."""

from __future__ import annotations

from collections.abc import Sequence

from app.api.types import ChatMessage, ChatRequest, ToolSpec
from app.domain.messages import ChatParams, Message, MessageStatus, Role, ToolCall

# A call that got no result (tools off, declined, stopped): told in words, as a call
# without its result would be refused.
UNRUN_CALL = "[Called {name} with {arguments}. No result came back (not run, or stopped).]"


def provisional_title(question: str, limit: int = 60) -> str:
    """A title from the first question, shown at once until a better one exists."""
    words = " ".join(question.split())
    if not words:
        return "New chat"
    if len(words) <= limit:
        return words
    cut = words[:limit].rsplit(" ", 1)[0] or words[:limit]
    return cut.rstrip(",.;:") + "…"


def _paired_call_ids(path: Sequence[Message]) -> set[str]:
    """Ids of tool calls that have both the call and its result on this branch."""
    called = {call.id for m in path if m.role is Role.ASSISTANT for call in m.tool_calls}
    answered = {m.tool_call_id for m in path if m.role is Role.TOOL and m.tool_call_id}
    return called & answered


def _unrun_calls_text(content: str, calls: Sequence[ToolCall]) -> str:
    """The answer's text, with the calls that got no result told in words.

    Sent as calls they would need their results after them (Mistral refuses an
    assistant's ``tool_calls`` not followed by one tool message each); left out, an
    answer of calls alone would vanish and leave two questions in a row.
    """
    notes = [UNRUN_CALL.format(name=c.name, arguments=c.arguments or "{}") for c in calls]
    return "\n\n".join([content, *notes] if content else notes)


def build_request(
    path: Sequence[Message],
    *,
    model: str,
    system_prompt: str | None,
    params: ChatParams,
    tools: Sequence[ToolSpec] = (),
    continue_last: bool = False,
) -> ChatRequest:
    """The request for the next answer after ``path`` (root to leaf).

    Failed answers with no text are left out (they carry nothing for the model), and
    the questions around them are sent as one, their texts a blank line apart: many
    chat templates (Mistral-Instruct's on vLLM or llama.cpp) refuse two user messages
    in a row. Tool calls and tool results must pair up, or Mistral refuses the
    conversation: results without their call are dropped, and calls without a result
    are sent as a line of text in the answer. With ``continue_last`` the last
    assistant message is sent as a ``prefix`` for the model to carry on from.
    """
    messages: list[ChatMessage] = []
    if system_prompt and system_prompt.strip():
        messages.append(ChatMessage(Role.SYSTEM, system_prompt))
    paired = _paired_call_ids(path)
    for message in path:
        if message.role is Role.SYSTEM:
            messages.append(ChatMessage(Role.SYSTEM, message.content))
        elif message.role is Role.USER:
            if messages and messages[-1].role is Role.USER:
                earlier = messages.pop().content or ""
                joined = "\n\n".join(text for text in (earlier, message.content) if text)
                messages.append(ChatMessage(Role.USER, joined))
            else:
                messages.append(ChatMessage(Role.USER, message.content))
        elif message.role is Role.ASSISTANT:
            if message.status is MessageStatus.STREAMING:
                continue
            calls = tuple(c for c in message.tool_calls if c.id in paired)
            unrun = [c for c in message.tool_calls if c.id not in paired]
            prefix = continue_last and message is path[-1]
            content = message.content
            if unrun and not prefix:  # a prefix is continued as it stands
                content = _unrun_calls_text(content, unrun)
            if not content and not calls:
                continue
            messages.append(ChatMessage(Role.ASSISTANT, content, tool_calls=calls))
        elif message.role is Role.TOOL and message.tool_call_id in paired:
            # Unpaired results (ChatGPT imports carry no call ids) would be refused.
            messages.append(
                ChatMessage(
                    Role.TOOL,
                    message.content,
                    tool_call_id=message.tool_call_id,
                    name=message.name,
                )
            )
    if continue_last and messages and messages[-1].role is Role.ASSISTANT:
        last = messages[-1]
        messages[-1] = ChatMessage(Role.ASSISTANT, last.content, prefix=True)
    return ChatRequest(model=model, messages=tuple(messages), params=params, tools=tuple(tools))
