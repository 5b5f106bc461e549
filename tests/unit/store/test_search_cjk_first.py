"""A CJK term in few messages with a word in many ("东京 a"): the CJK rows are found
first and the word index asked about each (``matches.ordered``), not read whole."""

from __future__ import annotations

from unittest import mock

import pytest

from app.store import ConversationStore, cjk_index, matches
from app.store.matches import SEEK_COST, Query, ordered
from app.store.search import _query
from tests.helpers.chats import exchange as _chat


def _query_of(cjk_store: ConversationStore, text: str) -> Query:
    query = _query(text, trigrams=cjk_index.cjk_index_ready(cjk_store.connection))
    assert query is not None
    return query


def _found(cjk_store: ConversationStore, query: str) -> list[tuple[str, str | None]]:
    return [(hit.conversation_id, hit.message_id) for hit in cjk_store.search(query)]


@pytest.fixture
def history(cjk_store: ConversationStore) -> ConversationStore:
    # SEEK_COST times more messages with "a" than with "东京": seeks cost less.
    _chat(cjk_store, "many", *[f"a note {n} about apples" for n in range(SEEK_COST * 5)])
    _chat(cjk_store, "东京 trip", "我在东京的大学 a 学习", "东京 again", "我在东京的大学")
    _chat(cjk_store, "trip", "我在东京的大学 and 京都 an apple")
    return cjk_store


@pytest.mark.parametrize("text", ["东京 a", "a 东京", "东京的大学 a", "东京 ab", "东京的 ap"])
def test_few_cjk_rows_are_read_first(history: ConversationStore, text: str) -> None:
    assert ordered(history.connection, _query_of(history, text)).cjk_first


@pytest.mark.parametrize("text", ["东京 again", "东京 appl", "东京 note 1 about"])
def test_the_word_index_first_when_its_words_are_rare_or_a_long_prefix(
    history: ConversationStore, text: str
) -> None:
    assert not ordered(history.connection, _query_of(history, text)).cjk_first


def test_many_cjk_rows_are_intersected(history: ConversationStore) -> None:
    _chat(history, "more", *[f"东京 {n}" for n in range(matches.SEEKS + 1)])
    assert not ordered(history.connection, _query_of(history, "东京 a")).cjk_first


@pytest.mark.parametrize(
    "text", ["东京 a", "东京 a ", "a 东京", "东京的大学 a", "东京 an", "东京的 ap", "东京 apple"]
)
def test_same_hits_either_way(history: ConversationStore, text: str) -> None:
    found = _found(history, text)
    with mock.patch.object(matches, "SEEKS", -1):  # never first
        assert _found(history, text) == found
    assert found


@pytest.mark.parametrize("text", ["东京 c++", "c++ 东京的", "东京 c", "东京的大学 and"])
def test_symbols_and_words_are_checked_on_the_cjk_rows(
    history: ConversationStore, text: str
) -> None:
    plus, plus_message, _ = _chat(history, "c", "在东京的大学学 C++", "在东京的大学学 C 和 and")
    with mock.patch.object(matches, "SEEK_COST", 0):  # first whenever words match
        assert ordered(history.connection, _query_of(history, text)).cjk_first
        found = _found(history, text)
    with mock.patch.object(matches, "SEEKS", -1):
        assert _found(history, text) == found
    if "+" in text:
        assert found == [(plus, plus_message)]
