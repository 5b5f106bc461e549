"""Export (JSON contract, markdown) and import (our exports, ChatGPT, bad files)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from app.domain.messages import ChatParams, MessageStatus, Role, ToolCall, Usage, utc_now
from app.store import (
    ConversationNotFound,
    ConversationStore,
    ImportFailed,
    export_json,
    export_markdown,
    import_file,
)
from app.store.transfer import ImportProgress, ImportStage

from .conftest import FIXTURES

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)

_NULLABLE_TEXT = {"type": ["string", "null"]}
_ISO = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"}
# The export contract of ARCHITECTURE.md, as a schema.
EXPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "version", "conversations"],
    "properties": {
        "format": {"const": "maestrale-export"},
        "version": {"const": 1},
        "conversations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "id",
                    "title",
                    "created_at",
                    "updated_at",
                    "model",
                    "system_prompt",
                    "messages",
                ],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "created_at": _ISO,
                    "updated_at": _ISO,
                    "model": _NULLABLE_TEXT,
                    "system_prompt": _NULLABLE_TEXT,
                    "messages": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": [
                                "id",
                                "parent_id",
                                "role",
                                "content",
                                "created_at",
                                "model",
                                "status",
                                "error",
                                "usage",
                                "tool_calls",
                                "tool_call_id",
                            ],
                            "properties": {
                                "id": {"type": "string"},
                                "parent_id": _NULLABLE_TEXT,
                                "role": {"enum": ["system", "user", "assistant", "tool"]},
                                "content": {"type": "string"},
                                "created_at": _ISO,
                                "model": _NULLABLE_TEXT,
                                "status": {"enum": ["complete", "interrupted", "error"]},
                                "error": _NULLABLE_TEXT,
                                "usage": {
                                    "oneOf": [
                                        {"type": "null"},
                                        {
                                            "type": "object",
                                            "required": ["prompt_tokens", "completion_tokens"],
                                            "properties": {
                                                "prompt_tokens": {"type": "integer"},
                                                "completion_tokens": {"type": "integer"},
                                            },
                                        },
                                    ]
                                },
                                "tool_calls": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["id", "type", "function"],
                                        "properties": {
                                            "id": {"type": "string"},
                                            "type": {"const": "function"},
                                            "function": {
                                                "type": "object",
                                                "required": ["name", "arguments"],
                                                "properties": {
                                                    "name": {"type": "string"},
                                                    "arguments": {"type": "string"},
                                                },
                                            },
                                        },
                                    },
                                },
                                "tool_call_id": _NULLABLE_TEXT,
                            },
                        },
                    },
                },
            },
        },
    },
}


def _rich(store: ConversationStore, *, streaming: bool = False) -> dict[str, str]:
    """A conversation with a system prompt, tools, usage, an error and two branches."""
    conversation = store.create_conversation(
        title="Weather in Genoa",
        model="mistral-large-latest",
        system_prompt="Be brief.\nUse °C.",
        params=ChatParams(temperature=0.2),
        created_at=T0,
    )
    c = conversation.id
    q1 = store.add_message(c, role=Role.USER, content="Weather in Genoa?", parent_id=None)
    call = ToolCall(id="call_1", name="weather", arguments='{"city": "Genoa"}')
    ask = store.add_message(
        c,
        role=Role.ASSISTANT,
        content="",
        parent_id=q1.id,
        model="mistral-large-latest",
        usage=Usage(20, 5),
        tool_calls=[call],
        finish_reason="tool_calls",
    )
    tool = store.add_message(
        c,
        role=Role.TOOL,
        content='{"celsius": 14}',
        parent_id=ask.id,
        tool_call_id="call_1",
        name="weather",
    )
    final = store.add_message(
        c,
        role=Role.ASSISTANT,
        content="It is 14 °C in Genoa.",
        parent_id=tool.id,
        model="mistral-large-latest",
        usage=Usage(40, 9),
    )
    retry = store.add_message(
        c,
        role=Role.ASSISTANT,
        content="Partial forec",
        parent_id=q1.id,
        model="mistral-small",
        status=MessageStatus.ERROR,
        error="Server error (502); try again.",
    )
    q2 = store.add_message(c, role=Role.USER, content="And in Milan, tomorrow?", parent_id=None)
    cut = store.add_message(
        c,
        role=Role.ASSISTANT,
        content="Milan will be",
        parent_id=q2.id,
        model="mistral-small",
        status=MessageStatus.INTERRUPTED,
        error="Stopped.",
    )
    ids = {
        "c": c,
        "q1": q1.id,
        "ask": ask.id,
        "tool": tool.id,
        "final": final.id,
        "retry": retry.id,
        "q2": q2.id,
        "cut": cut.id,
    }
    if streaming:
        live = store.begin_answer(c, parent_id=q2.id, model="mistral-small")
        store.save_partial(live.id, "Still coming")
        ids["live"] = live.id
    store.set_current_leaf(c, final.id)
    return ids


def _dump(store: ConversationStore) -> list[str]:
    return list(store.connection.iterdump())


@pytest.fixture
def other_store(tmp_path: Path) -> Iterator[ConversationStore]:
    opened = ConversationStore.open(tmp_path / "other" / "history.sqlite3")
    yield opened
    opened.close()


def _write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# Export ---------------------------------------------------------------------------------


def test_export_json_follows_the_contract(store: ConversationStore) -> None:
    ids = _rich(store, streaming=True)
    store.create_conversation(title="Empty", model=None)
    document = export_json(store)
    jsonschema.validate(document, EXPORT_SCHEMA)
    json.dumps(document)  # plain JSON types only
    [exported] = [c for c in document["conversations"] if c["id"] == ids["c"]]
    assert exported["system_prompt"] == "Be brief.\nUse °C."
    assert exported["model"] == "mistral-large-latest"
    messages = {m["id"]: m for m in exported["messages"]}
    assert set(messages) == {v for k, v in ids.items() if k != "c"}
    assert [m["id"] for m in exported["messages"]] == [
        ids[k] for k in ("q1", "ask", "tool", "final", "retry", "q2", "cut", "live")
    ]
    assert messages[ids["ask"]]["tool_calls"] == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "weather", "arguments": '{"city": "Genoa"}'},
        }
    ]
    assert messages[ids["ask"]]["usage"] == {"prompt_tokens": 20, "completion_tokens": 5}
    assert messages[ids["q1"]]["usage"] is None
    assert messages[ids["tool"]]["tool_call_id"] == "call_1"
    assert messages[ids["final"]]["parent_id"] == ids["tool"]
    assert messages[ids["q2"]]["parent_id"] is None
    assert (messages[ids["retry"]]["status"], messages[ids["retry"]]["error"]) == (
        "error",
        "Server error (502); try again.",
    )
    assert messages[ids["live"]]["status"] == "interrupted"  # never "streaming"
    assert messages[ids["live"]]["content"] == "Still coming"


def test_export_of_chosen_conversations(store: ConversationStore) -> None:
    first = store.create_conversation(title="One", model=None)
    store.create_conversation(title="Two", model=None)
    document = export_json(store, [first.id])
    assert [c["title"] for c in document["conversations"]] == ["One"]
    with pytest.raises(ConversationNotFound):
        export_json(store, ["missing"])
    assert export_json(store, [])["conversations"] == []


def test_export_markdown_is_readable_and_keeps_every_branch(store: ConversationStore) -> None:
    _rich(store)
    text = export_markdown(store)
    assert text.startswith("# Weather in Genoa\n")
    assert "Model: mistral-large-latest · Created 2025-03-01 10:00 UTC" in text
    assert "> Be brief.\n> Use °C." in text
    assert "**You**\n\nWeather in Genoa?" in text
    assert "**Assistant** (mistral-large-latest)\n\nIt is 14 °C in Genoa." in text
    assert 'Tool call `weather`:\n\n```json\n{\n  "city": "Genoa"\n}\n```' in text
    assert '**Tool result** (weather)\n\n```\n{"celsius": 14}\n```' in text
    main, _, others = text.partition("## Other branches")
    assert "It is 14 °C in Genoa." in main
    assert "Partial forec" not in main
    # Both other branches, each with its status and error.
    assert "**Assistant** (mistral-small) — *failed*" in others
    assert "Partial forec\n\n> *Server error (502); try again.*" in others
    assert "And in Milan, tomorrow?" in others
    assert (
        "**Assistant** (mistral-small) — *interrupted*\n\nMilan will be\n\n> *Stopped.*" in others
    )
    assert "*Continues after **You**: “Weather in Genoa?”*" in others
    assert "*A separate thread from the start.*" in others
    assert others.count("### Branch") == 2
    assert main.count("Weather in Genoa?") == 1  # the shared question is not repeated


def test_export_markdown_says_why_a_message_did_not_end_well(store: ConversationStore) -> None:
    # A tool result not run or failed read "> **Complete:** Not run: you chose Don't
    # run.": its note was labelled with its status, complete.
    c = store.create_conversation(title="Notes", model=None).id
    question = store.add_message(c, role=Role.USER, content="Look it up", parent_id=None)
    calls = [ToolCall(id=f"call_{n}", name="search", arguments="{}") for n in (1, 2)]
    asking = store.add_message(
        c, role=Role.ASSISTANT, content="", parent_id=question.id, tool_calls=calls
    )
    parent = asking.id
    results = [
        ("The person declined to run this tool call.", "Not run: you chose Don't run."),
        ("search failed: no network", "Failed: the result says why."),
    ]
    for call, (content, error) in zip(calls, results, strict=True):
        parent = store.add_message(
            c,
            role=Role.TOOL,
            content=content,
            parent_id=parent,
            error=error,
            tool_call_id=call.id,
            name=call.name,
        ).id
    answers = [
        {"content": "Long answer", "finish_reason": "length"},
        {"status": MessageStatus.ERROR, "error": "The server said: <b>busy</b> *now*"},
    ]
    for answer in answers:
        store.add_message(c, role=Role.ASSISTANT, parent_id=parent, **{"content": "", **answer})
    text = export_markdown(store)
    assert "Complete" not in text
    # The note first, as the window shows it beside the result: "the result says why".
    assert (
        "**Tool result** (search)\n\n> *Not run: you chose Don't run.*\n\n"
        "```\nThe person declined to run this tool call.\n```"
    ) in text
    assert (
        "**Tool result** (search)\n\n> *Failed: the result says why.*\n\n"
        "```\nsearch failed: no network\n```"
    ) in text
    # What the window says of an answer cut at the token limit.
    assert "Long answer\n\n> *The answer reached the token limit.*" in text
    # A server's words are text, not markup that would end the note's italics.
    assert (
        "**Assistant** — *failed*\n\n> *The server said: \\<b\\>busy\\</b\\> \\*now\\**"
    ) in text


def test_export_markdown_of_several_conversations(store: ConversationStore) -> None:
    store.create_conversation(title="First", model=None, created_at=T0)
    store.create_conversation(title="Second", model=None)
    text = export_markdown(store)
    assert text.index("# First") < text.index("\n\n---\n\n") < text.index("# Second")
    assert "Other branches" not in text


def test_export_markdown_nests_headings_and_keeps_the_lines_of_questions(
    store: ConversationStore,
) -> None:
    conversation = store.create_conversation(title="Notes", model=None)
    question = store.add_message(
        conversation.id,
        role=Role.USER,
        content="First line\nsecond line\n\n```\nkept\nas code\n```",
        parent_id=None,
    )
    store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content="# Plan\n\nSteps\n---\n\n```sh\n# a comment, not a heading\n```\n\n- a\n\n---",
        parent_id=question.id,
    )
    text = export_markdown(store)
    # One outline: the conversation's title on top, an answer's headings under it.
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["# Notes", "#### Plan", "##### Steps", "# a comment, not a heading"]
    assert "\n---\n" in text.partition("- a")[2]  # a rule stays a rule
    # A question shows as typed: its line break is kept, its code block untouched.
    assert "First line  \nsecond line\n\n```\nkept\nas code\n```" in text


def test_export_markdown_shows_a_question_as_typed_not_as_markup(
    store: ConversationStore,
) -> None:
    # The window shows a question as plain text: a viewer of the export made headings,
    # emphasis, HTML, lists and rules of it.
    conversation = store.create_conversation(title="Typed", model=None)
    code = ["", "    indented code", "", "```py", "# a comment", "```"]
    typed = "\n".join(
        [
            "# not a heading",
            "call f(*args, **kwargs) in <div>",
            "- a dash, 1. a number",
            "1) not a list",
            "> not a quote",
            "Underlined?",
            "---",
            *code,
        ]
    )
    store.add_message(conversation.id, role=Role.USER, content=typed, parent_id=None)
    text = export_markdown(store)
    assert (
        "\n".join(
            [
                "\\# not a heading  ",
                "call f(\\*args, \\*\\*kwargs) in \\<div\\>  ",
                "\\- a dash, 1. a number  ",
                "1\\) not a list  ",
                "\\> not a quote  ",
                "Underlined?  ",
                "\\---",
                *code,  # unchanged
            ]
        )
        in text
    )
    # Read back as CommonMark, it is the text typed, line by line.
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").render(text.partition("**You**")[2])
    assert "<h" not in html.replace("<hr", "")  # no heading made of it
    assert "<ul>" not in html
    assert "<ol>" not in html
    assert "<blockquote>" not in html
    assert "<em>" not in html
    assert "# not a heading<br />" in html
    assert "&lt;div&gt;" in html


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("shows &amp;nbsp; and &copy;", "<p>shows &amp;amp;nbsp; and &amp;copy;</p>"),
        ("- a\n\n    - b nested *x*", "<p>- b nested *x*</p>"),  # not a code block
        ("# Example\n    def f(): pass", "<pre><code>def f(): pass\n</code></pre>"),
        ("a\r\nb\rc", "<p>a<br />\nb<br />\nc</p>"),
    ],
)
def test_export_markdown_question_edge_cases_read_as_typed(
    store: ConversationStore, typed: str, shown: str
) -> None:
    from markdown_it import MarkdownIt

    conversation = store.create_conversation(title="Typed", model=None)
    store.add_message(conversation.id, role=Role.USER, content=typed, parent_id=None)
    html = MarkdownIt("commonmark").render(export_markdown(store).partition("**You**")[2])
    assert shown in html.replace("\u00a0", "")


@pytest.mark.parametrize("role", [Role.USER, Role.ASSISTANT])
def test_a_message_ending_inside_a_code_block_does_not_swallow_the_next(
    store: ConversationStore, role: Role
) -> None:
    # An answer cut off mid-block (or a question pasted so) left its fence open: every
    # message and conversation after it was exported as code.
    from markdown_it import MarkdownIt

    conversation = store.create_conversation(title="Cut", model=None)
    first = store.add_message(
        conversation.id, role=role, content="Look:\n```python\nprint(1", parent_id=None
    )
    store.add_message(
        conversation.id,
        role=Role.ASSISTANT if role is Role.USER else Role.USER,
        content="The next message",
        parent_id=first.id,
    )
    html = MarkdownIt("commonmark").render(export_markdown(store))
    assert '<pre><code class="language-python">print(1\n</code></pre>' in html
    assert "<p>The next message</p>" in html


def test_why_calls_got_no_result_is_exported_and_imported_again(
    store: ConversationStore, other_store: ConversationStore, tmp_path: Path
) -> None:
    conversation = store.create_conversation(title="Sleep", model=None)
    question = store.add_message(conversation.id, role=Role.USER, content="Sleep", parent_id=None)
    call = ToolCall(id="call_1", name="slow", arguments='{"seconds": 60}')
    answer = store.add_message(
        conversation.id,
        role=Role.ASSISTANT,
        content="",
        parent_id=question.id,
        tool_calls=[call],
        finish_reason="tool_calls",
    )
    noted = store.note_calls_unrun(answer.id, "You stopped it before the tool answered.")
    assert noted.status is MessageStatus.COMPLETE  # still a whole answer
    assert (
        "> *No result went back to the model. You stopped it before the tool answered.*"
        in export_markdown(store)
    )
    document = export_json(store)
    import_file(other_store, _write_json(tmp_path / "export.json", document))
    assert other_store.get_message(answer.id).error == "You stopped it before the tool answered."
    store.note_calls_unrun(answer.id, None)  # its calls got their results after all
    assert store.get_message(answer.id).error is None
    # Only a complete answer's: a question, or a failed answer's error, is left alone.
    assert store.note_calls_unrun(question.id, "Nope").error is None


def test_export_markdown_shows_a_title_as_written_not_as_markup(store: ConversationStore) -> None:
    store.create_conversation(title="Use <b>bold</b> or __init__? #1", model=None)
    text = export_markdown(store)
    assert text.startswith("# Use \\<b\\>bold\\</b\\> or \\_\\_init\\_\\_? \\#1\n")


# Import of our own exports ----------------------------------------------------------------


def test_round_trip_preserves_everything(
    store: ConversationStore, other_store: ConversationStore, tmp_path: Path
) -> None:
    ids = _rich(store)
    store.set_pinned(ids["c"], True)
    store.rename(ids["c"], "Genoa forecast")
    document = export_json(store)
    report = import_file(other_store, _write_json(tmp_path / "export.json", document))
    assert (report.imported, report.skipped, report.messages) == (1, 0, 7)
    assert report.warnings == ()
    assert report.conversation_ids == (ids["c"],)
    assert export_json(other_store) == document
    assert other_store.get_conversation(ids["c"]) == store.get_conversation(ids["c"])
    assert other_store.messages(ids["c"]) == store.messages(ids["c"])
    assert [m.id for m in other_store.current_path(ids["c"])] == [
        ids["q1"],
        ids["ask"],
        ids["tool"],
        ids["final"],
    ]
    # The imported text is searchable.
    assert [h.message_id for h in other_store.search("tomorrow")] == [ids["q2"]]


def test_importing_twice_adds_nothing(
    store: ConversationStore, other_store: ConversationStore, tmp_path: Path
) -> None:
    _rich(store)
    path = _write_json(tmp_path / "export.json", export_json(store))
    import_file(other_store, path)
    before = _dump(other_store)
    report = import_file(other_store, path)
    assert (report.imported, report.skipped, report.updated, report.messages) == (0, 1, 0, 0)
    assert _dump(other_store) == before


def test_a_later_export_brings_only_the_new_messages(
    store: ConversationStore, other_store: ConversationStore, tmp_path: Path
) -> None:
    ids = _rich(store)
    import_file(other_store, _write_json(tmp_path / "first.json", export_json(store)))
    follow_up = store.add_message(
        ids["c"], role=Role.USER, content="Thanks!", parent_id=ids["final"]
    )
    report = import_file(other_store, _write_json(tmp_path / "second.json", export_json(store)))
    assert (report.imported, report.updated, report.skipped, report.messages) == (0, 1, 0, 1)
    assert other_store.get_message(follow_up.id).content == "Thanks!"
    assert other_store.current_path(ids["c"])[-1].id == follow_up.id


def test_importing_a_backup_brings_back_a_deleted_conversation(
    store: ConversationStore, tmp_path: Path
) -> None:
    # Deleted, it still counted as present: "0 imported, 1 skipped", and it stayed in the
    # trash (where nothing shows it) until purged.
    ids = _rich(store)
    backup = _write_json(tmp_path / "backup.json", export_json(store))
    store.trash_conversation(ids["c"])
    assert [c.id for c in store.list_conversations()] == []
    report = import_file(store, backup)
    assert (report.imported, report.skipped, report.restored) == (0, 0, 1)
    assert report.conversation_ids == (ids["c"],)
    assert [c.id for c in store.list_conversations()] == [ids["c"]]
    assert store.get_conversation(ids["c"]).deleted_at is None


def test_an_import_tells_how_far_it_is(
    store: ConversationStore, other_store: ConversationStore, tmp_path: Path
) -> None:
    # A 160 MB file took 19 s without a word: each step and conversation is now told.
    _rich(store)
    store.create_conversation(title="Second", model=None)
    path = _write_json(tmp_path / "export.json", export_json(store))
    heard: list[ImportProgress] = []
    import_file(other_store, path, heard.append)
    assert heard[0] == ImportProgress(ImportStage.READING, 0, path.stat().st_size)
    assert [(p.stage, p.done, p.total) for p in heard[1:]] == [
        (ImportStage.CHECKING, 1, 2),
        (ImportStage.CHECKING, 2, 2),
        (ImportStage.WRITING, 0, 2),
        (ImportStage.WRITING, 1, 2),
        (ImportStage.SAVING, 2, 2),
    ]
    chatgpt: list[ImportProgress] = []
    import_file(other_store, FIXTURES / "chatgpt_conversations.json", chatgpt.append)
    checked = [(p.done, p.total) for p in chatgpt if p.stage is ImportStage.CHECKING]
    assert checked == [(1, 2), (2, 2)]


def test_message_id_owned_by_another_conversation_is_reported(
    store: ConversationStore, tmp_path: Path
) -> None:
    ids = _rich(store)
    document = export_json(store)
    document["conversations"][0]["id"] = "a-different-conversation"
    report = import_file(store, _write_json(tmp_path / "clash.json", document))
    assert (report.imported, report.messages) == (0, 0)
    assert len(report.warnings) == 1
    assert "a-different-conversation" in report.warnings[0]
    assert store.count_conversations() == 1
    assert store.get_message(ids["q1"]).conversation_id == ids["c"]


# Import of ChatGPT's conversations.json ----------------------------------------------------


def test_chatgpt_import(store: ConversationStore) -> None:
    report = import_file(store, FIXTURES / "chatgpt_conversations.json")
    assert (report.imported, report.skipped, report.messages) == (2, 0, 8)
    assert len(report.warnings) == 1
    assert "tether_browsing_display (1)" in report.warnings[0]

    flatten = store.get_conversation("67497e20-1c2c-800b-9f3e-2a1b0c9d8e7f")
    assert flatten.title == "Flatten nested lists"
    assert flatten.title_is_custom is True
    # Not served here: continuing the chat goes to the model a new chat would get.
    assert flatten.model is None
    assert flatten.created_at == datetime(2024, 11, 29, 10, 0, 0, 123000, tzinfo=UTC)
    tree = store.tree(flatten.id)
    # The hidden system node is gone; the edited question is a sibling of the original.
    roots = tree.children(None)
    assert [m.content for m in roots] == [
        "How do I flatten a list of lists in Python?",
        "How do I flatten a nested list of any depth in Python?",
    ]
    assert [m.id for m in roots] == [
        "a1b2c3d4-0000-4000-8000-000000000002",
        "a1b2c3d4-0000-4000-8000-000000000004",
    ]
    path = store.current_path(flatten.id)
    assert [m.role for m in path] == [Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT]
    assert path[1].content.startswith("```\ndef flatten(items):\n")
    assert path[1].content.endswith("\n```")
    assert path[1].model == "gpt-4o"
    assert path[0].model is None
    assert (path[2].name, path[2].content) == ("python", "```\n[1, 2, 3, 4]\n```")
    assert path[3].content.startswith("A recursive generator")
    assert all(m.status is MessageStatus.COMPLETE for m in path)

    cat = store.get_conversation("6749cfa0-2d3d-800b-8a4f-3b2c1d0e9f80")
    assert cat.model is None
    question, answer = store.current_path(cat.id)
    assert question.content == "[image not imported]\nWhat breed is this cat?"
    assert question.parent_id is None  # the hidden custom instructions are skipped
    assert answer.parent_id == question.id  # relinked past the skipped browsing node
    assert answer.status is MessageStatus.INTERRUPTED  # finished_partial_completion
    assert answer.model == "gpt-4o-mini"
    assert len(store.messages(cat.id)) == 2

    again = import_file(store, FIXTURES / "chatgpt_conversations.json")
    assert (again.imported, again.skipped, again.messages) == (0, 2, 0)


def test_chatgpt_zip_archive_is_read_directly(store: ConversationStore, tmp_path: Path) -> None:
    archive = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("chat.html", "<html></html>")
        zipped.write(FIXTURES / "chatgpt_conversations.json", "conversations.json")
    assert import_file(store, archive).imported == 2


def _chatgpt_node(
    node_id: str, parent: str | None, role: str, text: str, when: float | None
) -> dict[str, Any]:
    """One node of a ChatGPT export's ``mapping``, its message written at ``when``."""
    return {
        "id": node_id,
        "parent": parent,
        "children": [],
        "message": {
            "id": node_id,
            "author": {"role": role},
            "create_time": when,
            "content": {"content_type": "text", "parts": [text]},
        },
    }


def test_chatgpt_nodes_without_parent_chain_and_titles(
    store: ConversationStore, tmp_path: Path
) -> None:
    def node(node_id: str, parent: str | None, role: str, text: str) -> dict[str, Any]:
        return _chatgpt_node(node_id, parent, role, text, None)

    conversation = {
        "title": None,
        "create_time": 1700000000,
        "update_time": None,
        "mapping": {
            "x1": node("x1", None, "user", "Plan a  weekend\nin Turin"),
            "x2": node("x2", "x1", "assistant", "Sure."),
        },
        "current_node": "missing-node",
    }
    report = import_file(store, _write_json(tmp_path / "one.json", conversation))
    assert report.imported == 1
    [imported] = store.list_conversations()
    assert imported.title == "Plan a weekend in Turin"
    assert [m.content for m in store.current_path(imported.id)] == [
        "Plan a  weekend\nin Turin",
        "Sure.",
    ]
    # Without ids the conversation gets a stable one: importing again adds nothing.
    again = import_file(store, tmp_path / "one.json")
    assert (again.imported, again.skipped) == (0, 1)


def test_a_chatgpt_conversation_without_dates_is_dated_by_its_messages_or_today(
    store: ConversationStore, tmp_path: Path
) -> None:
    def node(node_id: str, parent: str | None, when: float | None) -> dict[str, Any]:
        role = "user" if parent is None else "assistant"
        return _chatgpt_node(node_id, parent, role, f"text {node_id}", when)

    dated = {"title": "Dated by messages", "mapping": {"a": node("a", None, 1700000000.0)}}
    undated = {"title": "No dates at all", "mapping": {"b": node("b", None, None)}}
    before = utc_now()
    import_file(store, _write_json(tmp_path / "two.json", [dated, undated]))
    by_title = {c.title: c for c in store.list_conversations()}
    assert by_title["Dated by messages"].created_at.year == 2023
    assert by_title["No dates at all"].created_at >= before - timedelta(seconds=1)  # not 1970


# Files that must be refused --------------------------------------------------------------


def _valid_export() -> dict[str, Any]:
    return {
        "format": "maestrale-export",
        "version": 1,
        "conversations": [
            {
                "id": "c1",
                "title": "Fine",
                "created_at": "2025-01-01T00:00:00Z",
                "updated_at": "2025-01-01T00:00:00Z",
                "model": None,
                "system_prompt": None,
                "messages": [
                    {
                        "id": "m1",
                        "parent_id": None,
                        "role": "user",
                        "content": "hi",
                        "created_at": "2025-01-01T00:00:00Z",
                        "model": None,
                        "status": "complete",
                        "error": None,
                        "usage": None,
                        "tool_calls": [],
                        "tool_call_id": None,
                    }
                ],
            },
        ],
    }


def _second_conversation(**changes: Any) -> dict[str, Any]:
    """A valid export whose second conversation has ``changes``: nothing may be written."""
    document = _valid_export()
    second = json.loads(json.dumps(document["conversations"][0]))
    second["id"] = "c2"
    second["messages"][0]["id"] = "m2"
    for key, value in changes.items():
        if key.startswith("message_"):
            second["messages"][0][key.removeprefix("message_")] = value
        else:
            second[key] = value
    document["conversations"].append(second)
    return document


def _without(data: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != key}


MALFORMED: list[Any] = [
    pytest.param(
        b"{not json",
        "not JSON: expecting property name enclosed in double quotes at line 1, column 2",
        id="not-json",
    ),
    # The parser's phrase was cut at its end: "not JSON (Unterminated string starting at)".
    pytest.param(
        b'{\n "format": "maestrale-export",\n    "title": "Trip to Ly',
        "not JSON: unterminated string starting at line 3, column 14; the file may be cut short",
        id="cut-in-a-string",
    ),
    pytest.param(b"", "it is empty", id="empty"),
    pytest.param(b"\xff\xfe\x00garbage", "not UTF-8", id="binary"),
    pytest.param(json.dumps(_valid_export(), indent=1).encode()[:200], "cut short", id="truncated"),
    pytest.param(
        {"hello": "world"},
        "not a Maestrale export or ChatGPT conversations.json",
        id="foreign-object",
    ),
    pytest.param([1, 2, 3], "not a Maestrale export or ChatGPT", id="foreign-list"),
    pytest.param("just a string", "not a Maestrale export or ChatGPT", id="string"),
    pytest.param({**_valid_export(), "version": 2}, "newer Maestrale", id="version-2"),
    pytest.param(_without(_valid_export(), "version"), "'version'", id="no-version"),
    pytest.param(
        {**_valid_export(), "conversations": {}},
        "no 'conversations' list",
        id="conversations-not-list",
    ),
    pytest.param(
        _second_conversation(messages=None),
        "conversation 2 has no 'messages' list",
        id="no-messages",
    ),
    pytest.param(_second_conversation(id=None), "conversation 2 has no 'id'", id="no-id"),
    pytest.param(
        _second_conversation(created_at="yesterday"), "not an ISO-8601 date", id="bad-date"
    ),
    pytest.param(
        _second_conversation(message_id=None),
        "conversation 2, message 1 has no 'id'",
        id="message-without-id",
    ),
    pytest.param(_second_conversation(message_role="robot"), "unknown role 'robot'", id="bad-role"),
    pytest.param(_second_conversation(message_status="done"), "unknown status", id="bad-status"),
    pytest.param(_second_conversation(message_content=None), "has no 'content'", id="no-content"),
    pytest.param(
        _second_conversation(message_parent_id="m1"), "not a message of this", id="parent-elsewhere"
    ),
    pytest.param(
        _second_conversation(message_usage={"prompt_tokens": "many"}), "'usage'", id="bad-usage"
    ),
    pytest.param(
        _second_conversation(message_tool_calls=[{"id": "x"}]), "'function'", id="bad-tool-call"
    ),
    pytest.param(_second_conversation(message_id="m1"), "used twice", id="duplicate-id"),
    pytest.param(
        [{"title": "ok", "mapping": {}}, {"title": "broken"}],
        "conversation 2 has no 'mapping' object",
        id="chatgpt-no-mapping",
    ),
    pytest.param(
        [
            {
                "title": "x",
                "mapping": {"n": {"parent": None, "children": [], "message": {"content": {}}}},
            }
        ],
        "without an 'author'",
        id="chatgpt-no-author",
    ),
    pytest.param(
        [{"title": "x", "create_time": "noon", "mapping": {}}],
        "not a number of seconds",
        id="chatgpt-bad-time",
    ),
]


@pytest.mark.parametrize(("content", "reason"), MALFORMED)
def test_malformed_files_are_refused_and_change_nothing(
    store: ConversationStore, tmp_path: Path, content: object, reason: str
) -> None:
    _rich(store)
    before = _dump(store)
    path = tmp_path / "import.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        _write_json(path, content)
    with pytest.raises(ImportFailed) as caught:
        import_file(store, path)
    assert reason in str(caught.value)
    assert str(path) in str(caught.value)
    assert "nothing was imported" in str(caught.value)
    assert _dump(store) == before


def test_parent_loop_is_refused(store: ConversationStore, tmp_path: Path) -> None:
    document = _valid_export()
    messages = document["conversations"][0]["messages"]
    messages.append({**messages[0], "id": "m2", "parent_id": "m1"})
    messages[0]["parent_id"] = "m2"
    with pytest.raises(ImportFailed, match="loop"):
        import_file(store, _write_json(tmp_path / "loop.json", document))
    assert store.count_conversations() == 0


def test_missing_file_and_empty_list(store: ConversationStore, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot be read"):
        import_file(store, tmp_path / "absent.json")
    report = import_file(store, _write_json(tmp_path / "empty.json", []))
    assert (report.imported, report.skipped) == (0, 0)
    assert report.warnings == ("The file holds no conversations.",)


def test_export_markdown_gives_the_parameters_set_and_not_the_defaults(
    store: ConversationStore,
) -> None:
    # The JSON kept them; a reader of the Markdown could not ask again the same way (qa23).
    params = ChatParams(
        temperature=0.7, top_p=0.9, max_tokens=123, random_seed=42, safe_prompt=True
    )
    store.create_conversation(title="Pirate", model="m", system_prompt="Arr.", params=params)
    store.create_conversation(title="Plain", model="m")
    pirate, plain = export_markdown(store).split("\n\n---\n\n")
    if "# Plain" in pirate:
        pirate, plain = plain, pirate
    line = (
        "Parameters: temperature 0.7 · top_p 0.9 · max tokens 123 · random seed 42 · safe prompt on"
    )
    assert f"\n{line}\n" in pirate
    assert "Parameters" not in plain  # the model's defaults: nothing to say
