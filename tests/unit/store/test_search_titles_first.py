"""Search lists the chats whose title matches first, as chat apps do: the title holding
the query as a phrase, then the one holding its words, then the chats where only
messages match; the most recently active first within each group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.messages import Conversation, Message
from app.store import ConversationStore
from tests.helpers.chats import imported

START = datetime(2023, 6, 30, tzinfo=UTC)


def _chat(title: str, days: int, text: str) -> tuple[Conversation, list[Message]]:
    """A conversation of one question, ``days`` after ``START``."""
    return imported(f"{title} {days}", START + timedelta(days=days), text, title=title)


def _history(store: ConversationStore) -> None:
    store.import_conversations(
        [
            _chat("Kanepelru layout", 0, "How should the grid flow?"),  # the oldest
            _chat("Layout of the Kanepelru page", 10, "columns"),
            _chat("Kanepelru layout v2", 20, "rows"),
            *(_chat(f"Notes {n}", 100 + n, "the kanepelru layout again") for n in range(60)),
        ]
    )


def test_an_old_chat_is_first_when_its_exact_title_is_searched(
    store: ConversationStore,
) -> None:
    _history(store)
    titles = [hit.conversation_title for hit in store.search("Kanepelru layout")]
    # The phrase in the title (newest first), then the words in it, then messages.
    assert titles[:3] == ["Kanepelru layout v2", "Kanepelru layout", "Layout of the Kanepelru page"]
    assert titles[3:5] == ["Notes 59", "Notes 58"]
    assert len(titles) == 50


def test_titles_come_first_while_the_last_word_is_typed(store: ConversationStore) -> None:
    _history(store)
    titles = [hit.conversation_title for hit in store.search("kanepelru lay")]
    assert titles[:3] == ["Kanepelru layout v2", "Kanepelru layout", "Layout of the Kanepelru page"]
    one_word = [hit.conversation_title for hit in store.search("kanepelru")]
    assert one_word[:3] == [
        "Kanepelru layout v2",
        "Layout of the Kanepelru page",
        "Kanepelru layout",
    ]


def test_a_title_match_keeps_its_message(store: ConversationStore) -> None:
    store.import_conversations([_chat("Lyon trip", 0, "Where to eat in Lyon?")])
    store.import_conversations([_chat(f"Other {n}", 5 + n, "lyon") for n in range(3)])
    first = store.search("lyon")[0]
    assert first.conversation_title == "Lyon trip"
    assert first.message_id is not None  # opened at the message, its words marked
