from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.answering import build_request, provisional_title
from app.domain.messages import ChatParams, Message, MessageStatus, Role, ToolCall

START = datetime(2026, 11, 29, tzinfo=UTC)


def msg(n: int, role: Role, content: str, **extra: object) -> Message:
    return Message(
        id=f"m{n}",
        conversation_id="c",
        parent_id=f"m{n - 1}" if n else None,
        role=role,
        content=content,
        created_at=START + timedelta(seconds=n),
        **extra,
    )  # type: ignore[arg-type]


def test_titles_are_short_single_lines() -> None:
    assert provisional_title("  How do I\n  cook   rice? ") == "How do I cook rice?"
    long = provisional_title("word " * 40)
    assert len(long) <= 61
    assert long.endswith("…")
    assert provisional_title("   ") == "New chat"


def test_system_prompt_then_branch_and_failed_empty_answers_dropped() -> None:
    path = [
        msg(0, Role.USER, "Hi"),
        msg(1, Role.ASSISTANT, "", status=MessageStatus.ERROR, error="boom"),
        msg(2, Role.USER, "Hi again"),
    ]
    request = build_request(path, model="m", system_prompt="Be kind", params=ChatParams())
    assert [(m.role, m.content) for m in request.messages] == [
        (Role.SYSTEM, "Be kind"),
        (Role.USER, "Hi\n\nHi again"),
    ]


def test_questions_whose_answers_failed_are_sent_as_one_and_roles_alternate() -> None:
    # After a 401 and another question the request held user "unauth", user "on vllm":
    # Mistral-Instruct's chat template (vLLM, llama.cpp) refuses roles that do not
    # alternate.
    path = [
        msg(0, Role.USER, "First"),
        msg(1, Role.ASSISTANT, "One."),
        msg(2, Role.USER, "unauth"),
        msg(3, Role.ASSISTANT, "", status=MessageStatus.ERROR, error="401"),
        msg(4, Role.USER, "on vllm"),
        msg(5, Role.ASSISTANT, "", status=MessageStatus.INTERRUPTED),
        msg(6, Role.USER, "third try"),
        msg(7, Role.ASSISTANT, "Three."),
        msg(8, Role.USER, "Last"),
    ]
    request = build_request(path, model="m", system_prompt="Be kind", params=ChatParams())
    assert [(m.role, m.content) for m in request.messages] == [
        (Role.SYSTEM, "Be kind"),
        (Role.USER, "First"),
        (Role.ASSISTANT, "One."),
        (Role.USER, "unauth\n\non vllm\n\nthird try"),
        (Role.ASSISTANT, "Three."),
        (Role.USER, "Last"),
    ]


def test_partial_text_of_an_interrupted_answer_is_context() -> None:
    path = [
        msg(0, Role.USER, "Tell"),
        msg(1, Role.ASSISTANT, "Once upon", status=MessageStatus.INTERRUPTED),
        msg(2, Role.USER, "Go on"),
    ]
    request = build_request(path, model="m", system_prompt=None, params=ChatParams())
    assert [m.content for m in request.messages] == ["Tell", "Once upon", "Go on"]


def test_tool_calls_without_results_are_dropped() -> None:
    answered = ToolCall("aaaaaaaa1", "f", "{}")
    dangling = ToolCall("bbbbbbbb2", "g", "{}")
    path = [
        msg(0, Role.USER, "Do"),
        msg(1, Role.ASSISTANT, "", tool_calls=(answered, dangling)),
        msg(2, Role.TOOL, "ok", tool_call_id="aaaaaaaa1", name="f"),
    ]
    request = build_request(path, model="m", system_prompt=None, params=ChatParams())
    assert request.messages[1].tool_calls == (answered,)
    assert request.messages[2].tool_call_id == "aaaaaaaa1"


def test_continue_sends_the_partial_answer_as_prefix() -> None:
    path = [
        msg(0, Role.USER, "Count"),
        msg(1, Role.ASSISTANT, "1, 2,", status=MessageStatus.INTERRUPTED),
    ]
    request = build_request(
        path, model="m", system_prompt=None, params=ChatParams(), continue_last=True
    )
    assert request.messages[-1].prefix is True
    assert request.messages[-1].content == "1, 2,"


def test_tool_results_without_a_call_are_dropped() -> None:
    path = [
        msg(0, Role.USER, "Browse"),
        msg(1, Role.TOOL, "page text", tool_call_id=None, name="browser"),
        msg(2, Role.ASSISTANT, "Summary"),
    ]
    request = build_request(path, model="m", system_prompt=None, params=ChatParams())
    assert [m.role for m in request.messages] == [Role.USER, Role.ASSISTANT]


def test_an_answer_of_unrun_tool_calls_stays_in_the_history_as_text() -> None:
    # Maestrale runs no tools: sent as calls they would need results after them, and
    # dropped they left two questions in a row.
    call = ToolCall("aaaaaaaa1", "get_weather", '{"city": "Paris"}')
    path = [
        msg(0, Role.USER, "Weather?"),
        msg(1, Role.ASSISTANT, "", tool_calls=(call,), finish_reason="tool_calls"),
        msg(2, Role.USER, "And now?"),
    ]
    request = build_request(path, model="m", system_prompt=None, params=ChatParams())
    assert [m.role for m in request.messages] == [Role.USER, Role.ASSISTANT, Role.USER]
    told = request.messages[1]
    assert told.tool_calls == ()
    assert told.content is not None
    assert 'get_weather with {"city": "Paris"}' in told.content
    assert "No result came back" in told.content


def test_unrun_tool_calls_are_told_after_the_answers_text() -> None:
    call = ToolCall("aaaaaaaa1", "get_weather", "")
    path = [
        msg(0, Role.USER, "Weather?"),
        msg(1, Role.ASSISTANT, "Let me look.", tool_calls=(call,)),
        msg(2, Role.USER, "Well?"),
    ]
    request = build_request(path, model="m", system_prompt=None, params=ChatParams())
    content = request.messages[1].content or ""
    assert content.startswith("Let me look.\n\n")
    assert "get_weather with {}" in content


def test_a_continued_answer_is_sent_as_it_stands() -> None:
    call = ToolCall("aaaaaaaa1", "get_weather", "{}")
    path = [
        msg(0, Role.USER, "Weather?"),
        msg(1, Role.ASSISTANT, "Let me", tool_calls=(call,), status=MessageStatus.INTERRUPTED),
    ]
    request = build_request(
        path, model="m", system_prompt=None, params=ChatParams(), continue_last=True
    )
    assert request.messages[-1].content == "Let me"
    assert request.messages[-1].prefix is True
