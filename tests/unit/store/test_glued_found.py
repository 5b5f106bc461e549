"""A search's glued matches found once for both its queries (``app.store.glued_found``):
the same hits as when each query checks the rows in SQLite."""

from __future__ import annotations

from unittest import mock

from app.store import ConversationStore, glued, glued_found
from tests.helpers.chats import exchange as _chat


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


def _found(cjk_store: ConversationStore, query: str) -> list[tuple[str, str | None]]:
    return [(hit.conversation_id, hit.message_id) for hit in cjk_store.search(query)]


def test_same_hits_as_checking_the_rows_in_sqlite(cjk_store: ConversationStore) -> None:
    _chat(cjk_store, "a", "我喜欢Pythonista的风格")
    _chat(cjk_store, "b", "I write Python code")
    _chat(cjk_store, "c", "我用Python写代码", "more python here")
    _chat(cjk_store, "学习Python的笔记", "nothing here")
    _chat(cjk_store, "e", "我们要create一个Pythonista社区", "用Python写 c 代码")
    queries = ("python", "python ", "pyth", "python c", "create pyth", "学习 pyt", "more py")
    listed = {query: _found(cjk_store, query) for query in queries}
    with mock.patch.object(glued_found, "FOUND_AT_MOST", 0):  # too many rows: in SQLite
        assert {query: _found(cjk_store, query) for query in queries} == listed
    assert all(listed.values())
