"""A word with symbols ("C#", "C++") is marked as written: not the bare word the index
holds for it, which the other symbol's word shares."""

from __future__ import annotations

from app.store import ConversationStore
from app.store.search import MATCH_END, MATCH_START, snippet
from tests.helpers.chats import exchange

TEXT = "Port the C# service to C++, said column C."


def marked(text: str) -> str:
    return text.replace(MATCH_START, "[").replace(MATCH_END, "]")


def test_c_sharp_does_not_mark_c_plus_plus_nor_the_reverse() -> None:
    assert marked(snippet(TEXT, "C#")) == "Port the [C#] service to C++, said column C."
    assert marked(snippet(TEXT, "c++")) == "Port the C# service to [C++], said column C."
    assert marked(snippet(TEXT, "C# service")) == "Port the [C#] [service] to C++, said column C."


def test_the_bare_letter_still_marks_every_c() -> None:
    assert marked(snippet(TEXT, "c ")) == "Port the [C]# service to [C]++, said column [C]."


def test_text_folded_word_by_word_marks_the_same() -> None:
    # "ß" folds to two letters: such text is marked word by word.
    text = "Straße: C# and C++, python# too"
    assert marked(snippet(text, "C#")) == "Straße: [C#] and C++, python# too"
    assert marked(snippet(text, "C++")) == "Straße: C# and [C++], python# too"
    assert marked(snippet(text, "python ")) == "Straße: C# and C++, [python]# too"


def test_search_hits_mark_only_the_word_searched(store: ConversationStore) -> None:
    exchange(store, "C# and C++ notes", "Compare C++ templates with C# generics")
    exchange(store, "Only C++", "C++ templates")
    (hit,) = store.search("C#")
    assert marked(hit.title_snippet) == "[C#] and C++ notes"
    assert marked(hit.snippet) == "Compare C++ templates with [C#] generics"
