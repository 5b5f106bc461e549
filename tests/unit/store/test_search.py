"""Full-text search: what is found, in which order, what is not (yet), and hostile input."""

from __future__ import annotations

import random
import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.domain.messages import MessageStatus, Role
from app.store import MATCH_END, MATCH_START, SCHEMA_VERSION, ConversationStore, matches
from app.store.search import _WORD, ELLIPSIS, _Terms, match_query, snippet
from tests.helpers.chats import exchange as _chat
from tests.helpers.chats import imported
from tests.helpers.old_format import written_as


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


def test_a_title_and_a_message_that_match_are_one_hit(store: ConversationStore) -> None:
    conversation_id, message_id = _chat(store, "Lyon itinerary", "Plan three days in Lyon")
    title_only, _ = _chat(store, "Lyon wine", "unrelated")
    hits = store.search("lyon")
    assert [(h.conversation_id, h.message_id) for h in hits] == [
        (title_only, None),
        (conversation_id, message_id),
    ]
    assert hits[0].snippet == hits[0].title_snippet == f"{MATCH_START}Lyon{MATCH_END} wine"
    assert hits[0].role is None
    assert hits[1].title_snippet == f"{MATCH_START}Lyon{MATCH_END} itinerary"
    assert hits[1].snippet.endswith(f"{MATCH_START}Lyon{MATCH_END}")


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


def test_limit_caps_the_conversations(store: ConversationStore) -> None:
    for number in range(5):
        _chat(store, f"walrus {number}", "walrus facts", "more walrus facts")
    assert len(store.search("walrus", limit=3)) == 3
    hits = store.search("walrus")
    assert len(hits) == 5  # one a conversation, its newest matching message
    assert all(hit.snippet == f"more {MATCH_START}walrus{MATCH_END} facts" for hit in hits)
    assert store.search("walrus", limit=0) == []


def _set_updated(store: ConversationStore, conversation_id: str, when: str) -> None:
    store.connection.execute(
        "UPDATE conversations SET updated_at = ? WHERE id = ?", (when, conversation_id)
    )


def test_conversations_come_most_recently_active_first(store: ConversationStore) -> None:
    # Ranking by relevance would put the shortest title first; recency decides.
    old, _ = _chat(store, "Walrus", "walrus facts")
    new, _ = _chat(store, "Walrus walrus walrus and more", "more walrus facts")
    middle, _ = _chat(store, "About a walrus", "unrelated")
    _set_updated(store, old, "2025-01-01T00:00:00.000Z")
    _set_updated(store, middle, "2025-06-01T00:00:00.000Z")
    _set_updated(store, new, "2026-01-01T00:00:00.000Z")
    assert [h.conversation_id for h in store.search("walr")] == [new, middle, old]


# Each way of finding the conversations: reading every match's conversation, walking
# every conversation against the list of matches, and walking them a chunk at a time
# against the index read over the chunk's messages (then the list for the rest), with
# ranges a message each or joined over other conversations' messages.
WAYS = {
    "default": {},
    "read": {"READ": 10**6, "LISTED": 10**6},
    "list": {"READ": 0, "LISTED": 10**6},
    "chunks of 1": {"READ": 0, "LISTED": 0, "FIRST_CHUNK": 0.02},
    "chunks of 8": {"READ": 0, "LISTED": 0, "FIRST_CHUNK": 0.15, "GAP": 1, "RANGES": 2},
    "one chunk": {"READ": 0, "LISTED": 0, "FIRST_CHUNK": 20},
}


@pytest.fixture(params=list(WAYS))
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in WAYS[request.param].items():
        monkeypatch.setattr(matches, name, value)
    return str(request.param)


def test_an_import_of_older_chats_comes_after_newer_ones(
    store: ConversationStore, way: str
) -> None:
    # An import writes its rows last: storage order put it first and filled the page.
    mine = [_chat(store, f"mine {n}", f"fibonacci in python {n}")[0] for n in range(3)]
    older = [
        imported(f"old {n}", datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=n), "fibonacci")
        for n in range(60)
    ]
    store.import_conversations(older)
    hits = store.search("fib")
    assert [h.conversation_id for h in hits[:3]] == mine[::-1]
    assert len(hits) == 50
    assert [h.conversation_title for h in hits[3:5]] == ["old 59", "old 58"]
    everything = store.search("fib", limit=100)  # the next page is reachable
    assert len(everything) == 63
    assert len({h.conversation_id for h in everything}) == 63


def test_whole_words_come_before_words_the_prefix_starts(
    store: ConversationStore, way: str
) -> None:
    title_only, _ = _chat(store, "altbranch10 in the title", "nothing")
    exact, _ = _chat(store, "a", "see altbranch10 here")
    longer, _ = _chat(store, "b", "see altbranch100 here")  # newer
    _chat(store, "unrelated", "altbranch")
    found = [h.conversation_id for h in store.search("altbranch10")]
    # A title match comes first (test_search_titles_first), then the messages.
    assert found == [title_only, exact, longer]
    assert [h.conversation_id for h in store.search("altbranch10 ")] == [title_only, exact]


def _reply(store: ConversationStore, conversation_id: str, text: str) -> str:
    parent = store.current_path(conversation_id)[-1].id
    return store.add_message(conversation_id, role=Role.USER, content=text, parent_id=parent).id


def test_a_conversation_taken_up_again_is_found_by_its_old_and_new_messages(
    store: ConversationStore, way: str
) -> None:
    # Its messages lie on both sides of the other conversations' ones: the index is read
    # over both, and matches between them belong to the others.
    resumed, old_match = _chat(store, "resumed", "the ocelot question")
    others = [_chat(store, f"other {n}", f"ocelot {n}", "reply")[0] for n in range(5)]
    quiet = [_chat(store, f"quiet {n}", "nothing here")[0] for n in range(5)]
    for number, conversation_id in enumerate(others):
        _set_updated(store, conversation_id, f"2026-01-0{number + 1}T00:00:00.000Z")
    _reply(store, resumed, "a follow-up without the word")
    _set_updated(store, resumed, "2026-02-01T00:00:00.000Z")  # timestamps can tie
    hits = store.search("ocelot")
    assert [h.conversation_id for h in hits] == [resumed, *others[::-1]]
    assert hits[0].message_id == old_match  # the newest message that matches
    _reply(store, quiet[0], "ocelot after all")
    _set_updated(store, quiet[0], "2026-03-01T00:00:00.000Z")
    assert [h.conversation_id for h in store.search("ocelot")][:2] == [quiet[0], resumed]


def test_a_chunks_messages_are_read_in_few_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matches, "GAP", 1000)
    seqs = [1, 2, 900, 5000, 5001, 5600, 9000]
    assert matches._runs(seqs) == [(1, 900), (5000, 5600), (9000, 9000)]
    monkeypatch.setattr(matches, "RANGES", 2)  # the closest two join
    assert matches._runs(seqs) == [(1, 900), (5000, 9000)]
    assert matches._runs([7]) == [(7, 7)]


def test_a_walk_reads_on_past_newest_conversations_that_do_not_match(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The newest conversations are in Japanese, the many older ones match: the walk goes
    # on in bigger chunks, where it read the list of every match (100,000 for "l*").
    older = [_chat(store, f"old {n}", f"fibonacci in python {n}")[0] for n in range(60)]
    for n in range(3):
        _chat(store, f"日記 {n}", "私は東京に住んでいます")
    monkeypatch.setattr(matches, "READ", 0)
    monkeypatch.setattr(matches, "LISTED", 0)
    monkeypatch.setattr(matches, "FIRST_CHUNK", 0.02)  # one conversation first, then 2, 4
    every_match_read: list[int] = []
    walk = matches._walk

    def walk_with_every_match(*args: Any, **kwargs: Any) -> list[matches.Found]:
        every_match_read.append(kwargs["offset"])
        return walk(*args, **kwargs)

    monkeypatch.setattr(matches, "_walk", walk_with_every_match)
    assert [h.conversation_id for h in store.search("fibonacci")] == older[::-1][:50]
    assert every_match_read == []


def test_many_matching_messages_in_one_conversation_are_one_hit(
    store: ConversationStore,
) -> None:
    busy, *_ = _chat(store, "busy", *[f"token120x1 number {n}" for n in range(80)])
    other, _ = _chat(store, "other", "token120x1 once")
    _set_updated(store, busy, "2027-01-01T00:00:00.000Z")
    assert [h.conversation_id for h in store.search("token120x1")] == [busy, other]


def test_hits_in_the_trash_do_not_use_up_the_limit(store: ConversationStore) -> None:
    live = [_chat(store, f"live {n}", f"narwhal {n}")[1] for n in range(4)]
    for number in range(60):  # newer than every live hit
        store.trash_conversation(_chat(store, "gone", f"narwhal {number}")[0])
    assert [h.message_id for h in store.search("narwh", limit=3)] == live[::-1][:3]
    assert [h.message_id for h in store.search("narwhal")] == live[::-1]


def test_short_prefixes_find_words_of_every_length(store: ConversationStore) -> None:
    # One to three characters come from the prefix index, four from merging words.
    conversation_id, message_id = _chat(store, "Orchestration", "Kubernetes deployment")
    for typed in ("k", "ku", "kub", "kube", "kubernetes d", "kubernetes dep", "kubernetes depl"):
        assert [h.message_id for h in store.search(typed)] == [message_id], typed
    assert [h.conversation_id for h in store.search("o")] == [conversation_id]
    assert store.search("kubernetes x") == []


def test_title_hits_mark_every_matching_word(store: ConversationStore) -> None:
    _chat(store, "Café crème, os.path and the CAFE", "x")
    [hit] = store.search("os.path caf")
    assert hit.snippet == (
        f"{MATCH_START}Café{MATCH_END} crème, {MATCH_START}os{MATCH_END}."
        f"{MATCH_START}path{MATCH_END} and the {MATCH_START}CAFE{MATCH_END}"
    )


def test_match_query_quotes_every_piece() -> None:
    assert match_query('say "hi') == '"say" """hi"*'
    assert match_query('say "hi"') == '"say" """hi"""'  # the quote ends the word


def test_only_a_word_being_typed_matches_as_a_prefix() -> None:
    # "C++ (" matched every word starting with "c": the symbols are no words, and "c"
    # was taken as the start of one.
    assert match_query("C++ (") == '"C++"'
    assert match_query("C++") == '"C++"'
    assert match_query("fib") == '"fib"*'
    assert match_query("fib ") == '"fib"'
    assert match_query("naïve") == '"naïve"*'
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


def test_a_snippet_shows_the_word_that_tells_the_message_apart() -> None:
    # "row 17" in a table: every row has "row", and the snippet showed "row 0 … row 1",
    # never 17.
    table = " · ".join(f"row {n} · value {n * n}" for n in range(40))
    cut = snippet(table, "row 17")
    assert f"{MATCH_START}17{MATCH_END}" in cut
    assert f"{MATCH_START}row{MATCH_END} {MATCH_START}17{MATCH_END}" in cut
    assert cut.startswith(ELLIPSIS)
    # One word, or words found together: the first place, as before.
    assert snippet(table, "row").startswith(f"{MATCH_START}row{MATCH_END} 0")
    assert snippet("the café is open, the café", "cafe open").startswith("the")


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


def _first_word_by_word(text: str, terms: _Terms) -> int:
    return next((m.start() for m in _WORD.finditer(text) if terms.match(m.group())), 0)


def _marked_word_by_word(text: str, terms: _Terms) -> str:
    return _WORD.sub(
        lambda m: f"{MATCH_START}{m.group()}{MATCH_END}" if terms.match(m.group()) else m.group(),
        text,
    )


@pytest.mark.parametrize("seed", range(5))
def test_matches_are_where_word_by_word_folding_finds_them(seed: int) -> None:
    # The fast path (regular expressions over the folded text) and the reference (fold
    # each word, compare) find the same first match and mark the same words: accents,
    # case, "ß", lone accents, "_", and characters that fold across a word's edge ("Ⓐ",
    # a symbol, folds to "a"; "ͺ", a letter, to " ").
    rng = random.Random(seed)
    words = ["cafe", "CAFÉ", "Café", "résumé", "RESUME", "straße", "strasse", "e\u0301t\u00e9",
             "naïve", "NAIVE", "x_y", "über", "Ǆemal", "ﬁle", "file", "한국어", "ΣΟΦΙΑ", "σοφια",
             "42", "4²", "a", "the", "Ⓐcafe", "xͺcafe"]  # fmt: skip
    separators = [" ", "  ", "\n", ", ", ".", "-", "_", "'", "(", "\u00a0"]
    for _ in range(300):
        text = "".join(
            rng.choice(words) + rng.choice(separators) for _ in range(rng.randint(0, 12))
        )
        query = " ".join(rng.choice(words) for _ in range(rng.randint(1, 2)))
        query = query[: rng.randint(1, len(query))]
        terms = _Terms.of(query)
        assert terms.find(text) == _first_word_by_word(text, terms), (text, query)
        assert terms.mark(text) == _marked_word_by_word(text, terms), (text, query)


def test_the_first_match_in_a_long_text_is_found_across_pieces() -> None:
    # Long texts are folded piece by piece (about 4,096 characters, cut before
    # whitespace): a match where a blind cut would fall is found all the same, whether
    # the text folds to the same length or not ("ß").
    for before in ("été ", "straße "):
        for shift in range(-8, 8):
            text = before + ("mot " * 1100)[: 4090 + shift] + "zebre_x zebre"
            text += " mot" * 2000
            for query in ("zebre", "zeb", "mot zebre"):
                terms = _Terms.of(query)
                assert terms.find(text) == _first_word_by_word(text, terms), (query, shift)


def test_the_first_match_in_a_long_accented_text_is_found_fast() -> None:
    text = "Le café de la gare est fermé. " * 20_000 + "Le zèbre"
    started = time.perf_counter()
    cut = snippet(text, "zebre")
    assert time.perf_counter() - started < 0.5
    assert cut.endswith(f"Le {MATCH_START}zèbre{MATCH_END}")


def _version_2_history(path: Path) -> dict[str, str]:
    """A history file as version 2 wrote it: finished messages, a trashed conversation,
    and an answer left streaming by a process that died."""
    with written_as(2), ConversationStore.open(path) as store:
        conversation_id, question, answer = _chat(
            store, "Kubernetes notes", "How do I deploy?", "Apply the deployment."
        )
        # Raw SQL: the store's reads name columns of later formats (version 4's kind).
        store.connection.execute(
            "UPDATE conversations SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id = ?",
            (_chat(store, "Old deployment", "deploy it")[0],),
        )
        store.connection.execute(
            "INSERT INTO messages (id, conversation_id, parent_id, role, content, status,"
            " writer, created_at, updated_at) VALUES ('streamed', ?, ?, 'assistant',"
            " 'a deployment half written', 'streaming', 'dead-writer',"
            " '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            (conversation_id, answer),
        )
        assert "prefix" not in _fts_sql(store.connection)
    return {"conversation": conversation_id, "question": question, "answer": answer}


def _fts_sql(connection: sqlite3.Connection) -> str:
    rows = connection.execute(
        "SELECT sql FROM sqlite_master WHERE name IN ('messages_fts', 'conversations_fts')"
    )
    return " ".join(row[0] for row in rows)


def test_version_3_rebuilds_the_indexes_with_prefixes(db_path: Path) -> None:
    ids = _version_2_history(db_path)
    with ConversationStore.open(db_path) as store:
        connection = store.connection
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert re.findall(r"prefix = '1 2 3'", _fts_sql(connection)) == ["prefix = '1 2 3'"] * 2
        # The answer left streaming was not copied into the index: recovery, which runs
        # after the migration, marked it interrupted and the trigger indexed it once.
        assert store.recovered_count == 1
        for table in ("messages_fts", "conversations_fts"):
            connection.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
        hits = store.search("kubernetes n")
        assert [(h.conversation_id, h.message_id) for h in hits] == [(ids["conversation"], None)]
        hits = store.search("depl")
        assert [h.conversation_id for h in hits] == [ids["conversation"]]
        assert hits[0].message_id in {"streamed", ids["answer"], ids["question"]}
        indexed = connection.execute("SELECT count(*) FROM messages_fts").fetchone()[0]
        assert indexed == connection.execute("SELECT count(*) FROM messages").fetchone()[0]


@pytest.mark.parametrize("typed", ["C++", "c++ ", "C+", "C++ templates"])
def test_a_word_with_symbols_finds_it_as_written(store: ConversationStore, typed: str) -> None:
    # The word index holds "C++" as the word "c": chats about "Column C" or "vitamin c"
    # came first when more recent, the C++ ones lost among them.
    cpp, question, _ = _chat(store, "Generic code", "How do C++ templates work?", "Like so.")
    _chat(store, "Spreadsheet", "Column C is empty, and templates too", "Fill it.")
    _chat(store, "Diet", "Is vitamin c good?", "Yes.")
    assert [(hit.conversation_id, hit.message_id) for hit in store.search(typed)] == [
        (cpp, question)
    ]


def test_symbols_in_titles_and_sharp_words(store: ConversationStore) -> None:
    sharp = store.create_conversation(title="C# records", model="m")
    store.create_conversation(title="Plan C", model="m")
    _chat(store, "F# or OCaml", "Which is simpler?", "F#, for .NET work.")
    assert [hit.conversation_id for hit in store.search("c#")] == [sharp.id]
    assert [hit.conversation_title for hit in store.search("F#")] == ["F# or OCaml"]
    assert store.search("100%_done") == []  # LIKE's wildcards are taken literally
