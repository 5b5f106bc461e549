"""Full-text search: what is found, what is not (yet), and hostile input."""

from __future__ import annotations

import time

import pytest

from app.domain.messages import MessageStatus, Role
from app.store import MATCH_END, MATCH_START, ConversationStore
from app.store.search import ELLIPSIS, match_query, snippet


def _chat(store: ConversationStore, title: str, *texts: str) -> list[str]:
    conversation = store.create_conversation(title=title, model="m")
    parent = None
    ids = []
    for number, text in enumerate(texts):
        role = Role.USER if number % 2 == 0 else Role.ASSISTANT
        message = store.add_message(conversation.id, role=role, content=text, parent_id=parent)
        parent = message.id
        ids.append(message.id)
    return [conversation.id, *ids]


def test_finds_message_text_with_marked_snippet(store: ConversationStore) -> None:
    conversation_id, _, answer_id = _chat(
        store, "Holiday", "Where should I eat in Lyon?", "Try a bouchon in the old town."
    )
    _chat(store, "Unrelated", "How do I sort a list?", "Use sorted().")
    hits = store.search("bouchon")
    assert len(hits) == 1
    hit = hits[0]
    assert (hit.conversation_id, hit.message_id, hit.role) == (
        conversation_id,
        answer_id,
        Role.ASSISTANT,
    )
    assert hit.conversation_title == "Holiday"
    assert f"{MATCH_START}bouchon{MATCH_END}" in hit.snippet
    assert hit.created_at == store.get_message(answer_id).created_at


def test_finds_titles_before_messages(store: ConversationStore) -> None:
    conversation_id, message_id = _chat(store, "Lyon itinerary", "Plan three days in Lyon")
    hits = store.search("lyon")
    assert [(h.conversation_id, h.message_id) for h in hits] == [
        (conversation_id, None),
        (conversation_id, message_id),
    ]
    assert hits[0].snippet == f"{MATCH_START}Lyon{MATCH_END} itinerary"
    assert hits[0].role is None


def test_all_words_must_match_and_accents_and_case_are_folded(store: ConversationStore) -> None:
    _, first = _chat(store, "a", "Le CAFÉ de la gare est fermé")
    _chat(store, "b", "Le thé est servi")
    assert [h.message_id for h in store.search("cafe ferme")] == [first]
    assert store.search("cafe servi") == []


def test_last_word_matches_as_a_prefix_while_typing(store: ConversationStore) -> None:
    _, message_id = _chat(store, "t", "Kubernetes deployment notes")
    assert [h.message_id for h in store.search("kube")] == [message_id]
    assert [h.message_id for h in store.search("kubernetes depl")] == [message_id]
    assert store.search("kube ") == []  # a finished word is a whole word
    assert store.search("kube notes") == []  # only the last word is a prefix


def test_streaming_answer_is_found_only_once_finished(store: ConversationStore) -> None:
    conversation_id, question_id = _chat(store, "t", "Question")
    answer = store.begin_answer(conversation_id, parent_id=question_id, model="m")
    store.save_partial(answer.id, "The zanzibar archipelago")
    assert store.search("zanzibar") == []
    store.finish_answer(
        answer.id, content="The zanzibar archipelago is lovely", status=MessageStatus.COMPLETE
    )
    assert [h.message_id for h in store.search("zanzibar")] == [answer.id]
    assert [h.message_id for h in store.search("lovely")] == [answer.id]


def test_index_follows_edits_renames_and_deletes(store: ConversationStore) -> None:
    conversation_id, _, answer_id = _chat(store, "Old title", "alpha", "bravo")
    # A finished answer rewritten (e.g. finish_answer called again) replaces its text.
    store.finish_answer(answer_id, content="charlie", status=MessageStatus.COMPLETE)
    assert store.search("bravo") == []
    assert [h.message_id for h in store.search("charlie")] == [answer_id]

    store.rename(conversation_id, "New heading")
    assert store.search("old title") == []
    assert [h.conversation_id for h in store.search("heading")] == [conversation_id]

    store.delete_conversation(conversation_id)
    for word in ("alpha", "charlie", "heading"):
        assert store.search(word) == []
    fts_rows = store.connection.execute("SELECT count(*) FROM messages_fts").fetchone()[0]
    assert fts_rows == 0


def test_recovered_answer_becomes_searchable(store: ConversationStore) -> None:
    conversation_id, question_id = _chat(store, "t", "Question")
    answer = store.begin_answer(conversation_id, parent_id=question_id, model="m")
    store.save_partial(answer.id, "quixotic partial text")
    store.finish_answer(
        answer.id, content="quixotic partial text", status=MessageStatus.INTERRUPTED
    )
    assert [h.message_id for h in store.search("quixotic")] == [answer.id]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "a AND",
        "(",
        "*",
        "-x",
        "NEAR(",
        "NEAR(a b",
        "a OR",
        "NOT",
        "title:x",
        "^a",
        '"unclosed',
        "a*b",
        "{a b}",
        "a + b",
        ":",
        "'",
        "\\",
        "\x00",
        "AND OR NOT",
        "--",
        "",
    ],
)
def test_hostile_queries_never_raise(store: ConversationStore, query: str) -> None:
    _chat(store, "NEAR AND title", "a AND b (x) -x NOT near")
    hits = store.search(query)
    assert isinstance(hits, list)


def test_operators_are_searched_as_words(store: ConversationStore) -> None:
    _, message_id = _chat(store, "t", "rock AND roll")
    _chat(store, "u", "rock only")
    # Quoted as words: "AND" is the word "and", not the operator.
    assert [h.message_id for h in store.search("rock AND")] == [message_id]
    assert [h.message_id for h in store.search("rock -roll")] == [message_id]  # not NOT


def test_phrases_with_punctuation_match_adjacent_words(store: ConversationStore) -> None:
    _, code = _chat(store, "t", "call os.path.join(here, name) then parse_args()")
    _chat(store, "u", "the path to join the others")
    assert [h.message_id for h in store.search("os.path.join")] == [code]
    assert [h.message_id for h in store.search("parse_args")] == [code]


def test_limit_caps_the_total(store: ConversationStore) -> None:
    for number in range(5):
        _chat(store, f"walrus {number}", "walrus facts")
    assert len(store.search("walrus", limit=3)) == 3
    assert len(store.search("walrus", limit=7)) == 7
    assert len(store.search("walrus")) == 10
    assert store.search("walrus", limit=0) == []


def test_match_query_quotes_every_piece() -> None:
    assert match_query('say "hi"') == '"say" """hi"""*'
    assert match_query("NEAR( x ") == '"NEAR(" "x"'
    assert match_query("- * ( )") is None
    assert match_query("   ") is None


def test_snippet_of_a_long_text_is_cut_around_the_first_match() -> None:
    text = "intro " * 100 + "the CAFÉ\nis open\n" + "outro " * 100
    cut = snippet(text, "cafe")
    assert cut.startswith(ELLIPSIS + "intro")
    assert cut.endswith(ELLIPSIS)
    assert f"the {MATCH_START}CAFÉ{MATCH_END} is open" in cut
    assert "\n" not in cut
    assert len(cut) < 230
    assert snippet("short text, no match", "zebra") == "short text, no match"


def test_snippet_marks_every_matching_word_and_the_prefix() -> None:
    marked = snippet("Parse the parser's output; parse_args() then", "PARSE outp")
    assert marked == (
        f"{MATCH_START}Parse{MATCH_END} the parser's {MATCH_START}output{MATCH_END}; "
        f"{MATCH_START}parse{MATCH_END}_args() then"
    )


def test_search_in_a_huge_answer_is_fast(store: ConversationStore) -> None:
    _, message_id = _chat(store, "t", "word " * 80_000 + "needle")
    started = time.perf_counter()
    hits = store.search("word")
    hits += store.search("needle")
    assert time.perf_counter() - started < 1.0
    assert [h.message_id for h in hits] == [message_id, message_id]
    assert hits[1].snippet.endswith(f"{MATCH_START}needle{MATCH_END}")


def test_index_matches_the_tables_exactly_after_every_kind_of_write(
    store: ConversationStore,
) -> None:
    conversation_id, question_id, answer_id = _chat(store, "First title", "q text", "a text")
    live = store.begin_answer(conversation_id, parent_id=question_id, model="m")
    store.save_partial(live.id, "partial one")
    store.save_partial(live.id, "partial two")
    store.finish_answer(live.id, content="final three", status=MessageStatus.COMPLETE)
    store.finish_answer(answer_id, content="a text rewritten", status=MessageStatus.COMPLETE)
    store.rename(conversation_id, "Second title")
    other_id, *_ = _chat(store, "Doomed", "x y z", "w")
    store.delete_conversation(other_id)
    # FTS5 re-reads every row of the content table and compares it with the index;
    # a row deleted with the wrong old values, or missed, fails this check.
    for table in ("messages_fts", "conversations_fts"):
        store.connection.execute(
            f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)"
        )
