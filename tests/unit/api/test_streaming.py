"""The chunk accumulator: text, tool calls in every shape, usage, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.api.streaming import AnswerSoFar, MalformedChunk, ServerReportedError
from app.api.types import ContentDelta, ThinkingDelta, ToolCallDelta, UsageReport


def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
    return json.dumps(
        {
            "id": "x",
            "object": "chat.completion.chunk",
            "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
    )


def test_text_accumulates_and_role_delta_is_not_a_start() -> None:
    answer = AnswerSoFar()
    assert answer.feed(chunk({"role": "assistant", "content": ""})) == []
    assert not answer.started
    assert answer.feed(chunk({"content": "Bon"})) == [ContentDelta("Bon")]
    answer.feed(chunk({"content": "jour"}, p="padding-field-ignored"))
    assert answer.started
    assert answer.text == "Bonjour"
    assert answer.model == "m"


def test_content_as_list_of_chunks_with_thinking() -> None:
    answer = AnswerSoFar()
    events = answer.feed(
        chunk(
            {
                "content": [
                    {"type": "thinking", "thinking": [{"type": "text", "text": "hmm"}]},
                    {"type": "text", "text": "Yes."},
                ]
            }
        )
    )
    assert events == [ThinkingDelta("hmm"), ContentDelta("Yes.")]
    assert answer.text == "Yes."


def test_parallel_whole_tool_calls_in_one_delta() -> None:
    answer = AnswerSoFar()
    events = answer.feed(
        chunk(
            {
                "tool_calls": [
                    {
                        "id": "aaaaaaaa1",
                        "function": {"name": "a", "arguments": '{"x": 1}'},
                        "index": 0,
                    },
                    {
                        "id": "bbbbbbbb2",
                        "function": {"name": "b", "arguments": {"y": 2}},
                        "index": 1,
                    },
                ]
            },
            finish="tool_calls",
        )
    )
    assert [type(e) for e in events] == [ToolCallDelta, ToolCallDelta]
    first, second = answer.tool_calls
    assert (first.id, first.name, first.parsed_arguments()) == ("aaaaaaaa1", "a", {"x": 1})
    assert (second.name, second.parsed_arguments()) == ("b", {"y": 2})
    assert answer.finish_reason == "tool_calls"


def test_fragmented_tool_call_arguments_concatenate_by_index() -> None:
    answer = AnswerSoFar()
    answer.feed(
        chunk(
            {
                "tool_calls": [
                    {"index": 0, "id": "ccccccccc", "function": {"name": "search", "arguments": ""}}
                ]
            }
        )
    )
    for piece in ['{"que', 'ry": "Ly', 'on"}']:
        answer.feed(chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}))
    (call,) = answer.tool_calls
    assert call.parsed_arguments() == {"query": "Lyon"}
    assert call.name == "search"


def test_fragments_without_index_follow_the_last_call() -> None:
    answer = AnswerSoFar()
    answer.feed(chunk({"tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": "{"}}]}))
    answer.feed(chunk({"tool_calls": [{"function": {"arguments": "}"}}]}))
    answer.feed(chunk({"tool_calls": [{"id": "c2", "function": {"name": "g", "arguments": "[]"}}]}))
    assert [(c.id, c.arguments) for c in answer.tool_calls] == [("c1", "{}"), ("c2", "[]")]


def test_usage_arrives_on_the_last_chunk_and_null_usage_is_ignored() -> None:
    answer = AnswerSoFar()
    assert answer.feed(chunk({"content": "a"}, usage=None)) == [ContentDelta("a")]
    events = answer.feed(
        chunk(
            {"content": ""},
            finish="stop",
            usage={"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6},
        )
    )
    assert isinstance(events[-1], UsageReport)
    assert answer.usage is not None
    assert answer.usage.total_tokens == 6


def test_openai_usage_only_chunk_with_empty_choices() -> None:
    answer = AnswerSoFar()
    answer.feed(json.dumps({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}}))
    assert answer.usage is not None
    assert answer.usage.completion_tokens == 4


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", '"text"'])
def test_malformed_data(data: str) -> None:
    with pytest.raises(MalformedChunk):
        AnswerSoFar().feed(data)


def test_error_object_in_the_stream() -> None:
    with pytest.raises(ServerReportedError, match="overloaded"):
        AnswerSoFar().feed(json.dumps({"object": "error", "message": "overloaded"}))


def test_pieces_fed_together_come_out_as_one_delta_in_order() -> None:
    answer = AnswerSoFar()
    events = answer.feed_many(
        [
            chunk({"role": "assistant", "content": ""}),
            chunk({"content": "Bon"}),
            chunk({"content": "jour"}),
            chunk({"tool_calls": [{"index": 0, "id": "c1", "function": {"name": "f"}}]}),
            chunk({"content": " !"}),
            chunk({"content": ""}, finish="stop"),
        ]
    )
    assert [type(e) for e in events] == [ContentDelta, ToolCallDelta, ContentDelta]
    assert events[0] == ContentDelta("Bonjour")
    assert events[2] == ContentDelta(" !")
    assert answer.text == "Bonjour !"
    assert answer.finish_reason == "stop"


def test_a_bad_payload_among_good_ones_keeps_the_text_before_it() -> None:
    answer = AnswerSoFar()
    with pytest.raises(MalformedChunk):
        answer.feed_many([chunk({"content": "kept "}), chunk({"content": "too"}), "{not json"])
    assert answer.text == "kept too"
    assert answer.started


# Text chunks after the first are read by where their text sits in the first one (no
# JSON decoding); whatever the payloads, the result must be what decoding gives.

TEXTS = [
    "Le",
    " vent",
    ' "quoted"',
    "back\\slash",
    "line\nbreak",
    "tab\there",
    "\u00e9t\u00e9 \u2014 \U0001f600",
    "</script>",
    "",
    "ok",
]


@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("separators", [(",", ":"), (", ", ": ")])
def test_text_read_without_decoding_equals_decoded_text(
    ensure_ascii: bool, separators: tuple[str, str]
) -> None:
    def raw(text: str) -> str:
        body = {"id": "x", "model": "m", "choices": [{"index": 0, "delta": {"content": text}}]}
        return json.dumps(body, ensure_ascii=ensure_ascii, separators=separators)

    answer = AnswerSoFar()
    events = answer.feed_many([raw(text) for text in TEXTS])
    assert events == [ContentDelta("".join(TEXTS))]
    assert answer._template is not None  # the fast path was taken after the first chunk
    # One at a time, too, and with the final chunk (which differs) at the end.
    answer = AnswerSoFar()
    for text in TEXTS:
        answer.feed(raw(text))
    answer.feed(chunk({"content": " end"}, finish="stop"))
    assert answer.text == "".join(TEXTS) + " end"
    assert answer.finish_reason == "stop"


def test_a_payload_like_the_template_but_not_json_is_still_refused() -> None:
    answer = AnswerSoFar()
    answer.feed(chunk({"content": "first"}))
    head, tail = chunk({"content": "first"}).split("first")
    for bad in ('a"b', "a\\", "a\x01b"):
        with pytest.raises(MalformedChunk):
            answer.feed(head + bad + tail)
    assert answer.text == "first"


def test_a_decoy_content_key_does_not_mislead_the_template() -> None:
    # The raw text shows `"content":"` once, in a key that is not the answer's (whose
    # key is written with an escape): the text must still come from the real one.
    def decoy(shown: str, text: str) -> str:
        return (
            f'{{"x":{{"\\"content":"{shown}"}},'
            f'"choices":[{{"index":0,"delta":{{"con\\u0074ent":"{text}"}}}}]}}'
        )

    assert json.loads(decoy("a", "b"))["choices"][0]["delta"]["content"] == "b"
    answer = AnswerSoFar()
    answer.feed_many([decoy("one", "one"), decoy("two", "one"), decoy("three", "!")])
    assert answer.text == "oneone!"


def decoded_one_by_one(payloads: list[str]) -> str:
    """The reference: each payload decoded in full (a fresh accumulator has no template)."""
    text = ""
    for payload in payloads:
        fresh = AnswerSoFar()
        fresh.feed(payload)
        text += fresh.text
    return text


def test_padding_that_changes_every_chunk_keeps_the_fast_reading() -> None:
    # Mistral pads chunks with a random field "p" (against length side channels).
    pads = ["a", "", "xyzzy" * 7, "Q9"]
    payloads = [
        chunk({"content": text}, p=pads[n % len(pads)]).replace(" ", "")
        for n, text in enumerate(["Un", "deux", "trois", "quatre", "cinq"])
    ]
    answer = AnswerSoFar()
    assert answer.feed_many(payloads) == [ContentDelta("Undeuxtroisquatrecinq")]
    assert answer._template is not None


@pytest.mark.parametrize(
    "last",
    [
        ',"choices":"x"}',  # a field the reading uses, where padding was
        ',"p":"a","q":"b"}',  # more padding than the template's
        ',"p":1}',  # padding that is not a string
        ',"usage":{"prompt_tokens":1,"completion_tokens":2}}',
        ',"object":"error","message":"overloaded"}',
    ],
)
def test_chunks_unlike_the_template_are_decoded(last: str) -> None:
    first = chunk({"content": "Hi"}, p="pad").replace(" ", "")
    odd = first.replace("Hi", " there").removesuffix(',"p":"pad"}') + last
    payloads = [first, odd, first.replace("Hi", "!")]
    answer = AnswerSoFar()
    try:
        answer.feed_many(payloads)
    except ServerReportedError:
        assert "error" in last
        return
    assert answer.text == decoded_one_by_one(payloads)


def test_no_template_from_padding_the_reading_uses() -> None:
    payloads = [
        '{"choices":[{"index":0,"delta":{"content":"' + text + '"}}],"model":"m' + text + '"}'
        for text in ("a", "b")
    ]
    answer = AnswerSoFar()
    answer.feed_many(payloads)
    assert answer._template is None
    assert answer.model == "mb"
