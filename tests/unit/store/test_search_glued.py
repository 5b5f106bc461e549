"""Search for a Latin word glued to Japanese or Chinese text ("Python" in "我用Python写代码"),
which the word index holds inside one word with the CJK characters around it."""

from __future__ import annotations

import pytest

from app.store import MATCH_END, MATCH_START, ConversationStore
from tests.helpers.chats import exchange as _chat


def _found(cjk_store: ConversationStore, query: str) -> list[tuple[str, str | None]]:
    return [(hit.conversation_id, hit.message_id) for hit in cjk_store.search(query)]


def _marked(word: str) -> str:
    return f"{MATCH_START}{word}{MATCH_END}"


@pytest.mark.parametrize(
    ("text", "query", "snippet_text"),
    [
        ("我用Python写代码", "Python", f"我用{_marked('Python')}写代码"),
        ("我用Python写代码", "python", f"我用{_marked('Python')}写代码"),
        ("我用Python写代码", "PYTHON ", f"我用{_marked('Python')}写代码"),
        ("我用Python写代码", "pyt", f"我用{_marked('Python')}写代码"),
        ("東京でReactを学ぶ", "React", f"東京で{_marked('React')}を学ぶ"),
        ("東京でReactを学ぶ", "react 学ぶ", f"東京で{_marked('React')}を{_marked('学ぶ')}"),
        ("Node.jsで書いた", "node.js", f"{_marked('Node')}.{_marked('js')}で書いた"),
        ("我改了parse_args函数", "parse_args", f"我改了{_marked('parse')}_{_marked('args')}函数"),
    ],
)
def test_finds_a_latin_word_glued_to_cjk_text(
    cjk_store: ConversationStore, text: str, query: str, snippet_text: str
) -> None:
    conversation_id, message_id = _chat(cjk_store, "Notes", text)
    _chat(cjk_store, "Other", "我用Java写代码, 東京で学ぶ")
    hits = cjk_store.search(query)
    assert [(h.conversation_id, h.message_id) for h in hits] == [(conversation_id, message_id)]
    assert hits[0].snippet == snippet_text


def test_a_glued_word_must_stand_as_a_word(cjk_store: ConversationStore) -> None:
    # Found where the run of Latin letters begins and, once typed, where it ends.
    conversation_id, message_id = _chat(cjk_store, "t", "我们要create一个Pythonista社区")
    assert cjk_store.search("ate") == []
    assert cjk_store.search("reate") == []
    assert cjk_store.search("thon") == []
    assert cjk_store.search("python ") == []
    assert _found(cjk_store, "python") == [(conversation_id, message_id)]
    assert _found(cjk_store, "create ") == [(conversation_id, message_id)]


def test_finds_a_glued_word_in_a_title(cjk_store: ConversationStore) -> None:
    conversation_id, _ = _chat(cjk_store, "学习Rust的笔记", "nothing here")
    hits = cjk_store.search("rust")
    assert [(h.conversation_id, h.message_id) for h in hits] == [(conversation_id, None)]
    assert hits[0].title_snippet == f"学习{_marked('Rust')}的笔记"


def test_every_word_in_one_message_glued_or_not(cjk_store: ConversationStore) -> None:
    both, both_message = _chat(cjk_store, "t", "我用Python写 tutorial 代码")
    _chat(cjk_store, "u", "我用Python写代码", "a tutorial")
    for query in ("python tutorial", "tutorial python", "Python 代码 tut", "代码 python tu"):
        assert _found(cjk_store, query) == [(both, both_message)], query
    assert cjk_store.search("python motel") == []


def test_short_words_keep_to_the_word_index(cjk_store: ConversationStore) -> None:
    # One or two letters inside CJK text would match nearly every message.
    _chat(cjk_store, "t", "我用Go写代码")
    assert cjk_store.search("go") == []
    assert cjk_store.search("Go ") == []
    glued, message_id = _chat(cjk_store, "u", "我用Python写 c 代码")
    assert _found(cjk_store, "python c") == [(glued, message_id)]


def test_symbols_are_still_looked_for_as_written(cjk_store: ConversationStore) -> None:
    cpp, cpp_message = _chat(cjk_store, "t", "用 C++ 和Python写代码")
    _chat(cjk_store, "u", "用 C 和Python写代码")
    assert _found(cjk_store, "C++ python") == [(cpp, cpp_message)]
    assert _found(cjk_store, "python C++") == [(cpp, cpp_message)]


def test_whole_words_come_first_then_recency_one_hit_each(cjk_store: ConversationStore) -> None:
    prefix_only, _ = _chat(cjk_store, "a", "我喜欢Pythonista的风格")
    english, english_message = _chat(cjk_store, "b", "I write Python code")
    both, _, both_message = _chat(cjk_store, "c", "我用Python写代码", "more python here")
    glued, glued_message = _chat(cjk_store, "d", "我用Python写代码")
    for n, conversation_id in enumerate((prefix_only, english, both, glued)):
        cjk_store.connection.execute(
            "UPDATE conversations SET updated_at = ? WHERE id = ?",
            (f"2026-01-0{n + 1}T00:00:00.000Z", conversation_id),
        )
    expected = [(glued, glued_message), (both, both_message), (english, english_message)]
    assert _found(cjk_store, "python ") == expected
    assert _found(cjk_store, "python") == [
        *expected,
        (prefix_only, cjk_store.messages(prefix_only)[0].id),
    ]
