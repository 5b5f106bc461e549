"""A search's glued matches found once for both its queries (``app.store.glued_found``):
the same hits as when each query checks the rows in SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from app.store import ConversationStore, cjk_index, glued, glued_found
from tests.helpers.chats import exchange as _chat


@pytest.fixture(params=[True, False], ids=["trigram index", "LIKE without it"])
def store(request: pytest.FixtureRequest, db_path: Path) -> Iterator[ConversationStore]:
    with (
        mock.patch.object(cjk_index, "trigram_available", return_value=request.param),
        ConversationStore.open(db_path) as opened,
    ):
        yield opened


def test_ranks_each_text_whole_or_as_a_prefix() -> None:
    texts = ["我用Python写代码", "我喜欢Pythonista的风格", "I write Python", "在Py", "thon写"]
    whole = glued.pattern([("python", True)], prefix_last=False)
    typed = glued.pattern([("python", True)], prefix_last=True)
    # A text's end ends a word: "Py" and "thon" of two texts are not "Python".
    assert glued.ranked(texts, whole, typed) == ({0, 2}, {0, 1, 2})


def test_every_word_is_checked_in_each_text() -> None:
    texts = ["我用Python写 c 代码", "我用Python写代码", "c 代码", "用Python写 cmake"]
    whole = glued.pattern([("python", True), ("c", False)], prefix_last=False)
    typed = glued.pattern([("python", True), ("c", False)], prefix_last=True)
    assert glued.ranked(texts, whole, typed) == ({0}, {0, 3})


def _found(store: ConversationStore, query: str) -> list[tuple[str, str | None]]:
    return [(hit.conversation_id, hit.message_id) for hit in store.search(query)]


def test_same_hits_as_checking_the_rows_in_sqlite(store: ConversationStore) -> None:
    _chat(store, "a", "我喜欢Pythonista的风格")
    _chat(store, "b", "I write Python code")
    _chat(store, "c", "我用Python写代码", "more python here")
    _chat(store, "学习Python的笔记", "nothing here")
    _chat(store, "e", "我们要create一个Pythonista社区", "用Python写 c 代码")
    queries = ("python", "python ", "pyth", "python c", "create pyth", "学习 pyt", "more py")
    listed = {query: _found(store, query) for query in queries}
    with mock.patch.object(glued_found, "FOUND_AT_MOST", 0):  # too many rows: in SQLite
        assert {query: _found(store, query) for query in queries} == listed
    assert all(listed.values())
