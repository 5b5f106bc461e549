"""Search in Japanese and Chinese: words inside a run of kana and ideographs, which the
word index holds as one word (schema version 6's trigram index finds them)."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest

from app.domain.messages import MessageStatus
from app.store import MATCH_END, MATCH_START, SCHEMA_VERSION, ConversationStore, cjk_index
from app.store.schema import CJK_CHARACTERS, CJK_TABLES, CJK_TRIGGERS
from app.store.search import _CJK, snippet
from tests.helpers.chats import exchange as _chat
from tests.helpers.old_format import written_as

_TABLES = ("messages_fts", "conversations_fts", "messages_cjk_fts", "conversations_cjk_fts")


def _found(store: ConversationStore, query: str) -> list[tuple[str, str | None]]:
    return [(hit.conversation_id, hit.message_id) for hit in store.search(query)]


def _check_indexes(connection: sqlite3.Connection, tables: tuple[str, ...] = _TABLES) -> None:
    # FTS5 compares each index with its content (for the CJK ones, the views of the
    # rows they hold): a row missed, or removed with other values, fails here.
    for table in tables:
        connection.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")


def _marked(word: str) -> str:
    return f"{MATCH_START}{word}{MATCH_END}"


@pytest.mark.parametrize(
    ("text", "query", "snippet_text"),
    [
        ("私は東京に住んでいます", "東京", f"私は{_marked('東京')}に住んでいます"),
        ("私は東京に住んでいます", "東", f"私は{_marked('東')}京に住んでいます"),
        ("私は東京に住んでいます", "住んでい", f"私は東京に{_marked('住んでい')}ます"),
        ("这是一个数据库", "数据", f"这是一个{_marked('数据')}库"),
        ("这是一个数据库", "数据库", f"这是一个{_marked('数据库')}"),
        ("这是一个数据库", "据", f"这是一个数{_marked('据')}库"),
    ],
)
def test_finds_a_word_inside_a_run_of_cjk_characters(
    store: ConversationStore, text: str, query: str, snippet_text: str
) -> None:
    conversation_id, message_id = _chat(store, "Notes", text)
    _chat(store, "Other", "大阪 と 数学, 这是 其他")
    hits = store.search(query)
    assert [(h.conversation_id, h.message_id) for h in hits] == [(conversation_id, message_id)]
    assert hits[0].snippet == snippet_text


@pytest.mark.parametrize("query", ["東京", "東", "タワー", "数据"])
def test_finds_a_word_inside_a_title(store: ConversationStore, query: str) -> None:
    japanese, _ = _chat(store, "東京タワーの歴史", "nothing here")
    chinese, _ = _chat(store, "这是一个数据库", "nothing either")
    expected = chinese if query == "数据" else japanese
    hits = store.search(query)
    assert [(h.conversation_id, h.message_id) for h in hits] == [(expected, None)]
    assert _marked(query) in hits[0].title_snippet


def test_mixed_queries_need_every_term_in_one_message(store: ConversationStore) -> None:
    both, both_message = _chat(store, "Trip", "東京都のhotel? No: 東京都の hotel prices")
    _chat(store, "Tokyo only", "東京都に住んでいます")
    _chat(store, "Hotel only", "hotel prices")
    for query in ("東京 hotel", "hotel 東京", "東京 ho", "京都 hotel", "東京都 hotel pri"):
        assert _found(store, query) == [(both, both_message)], query
    assert store.search("東京 motel") == []
    hit = store.search("東京 hotel")[0]
    assert f"{_marked('東京')}都の {_marked('hotel')}" in hit.snippet


def test_cjk_search_keeps_trash_and_recency_rules(store: ConversationStore) -> None:
    older, older_message = _chat(store, "a", "私は東京の近くに住んでいます")
    newer, newer_message = _chat(store, "b", "東京の天気")
    trashed, _ = _chat(store, "c", "東京の地図")
    store.delete_conversation(trashed)
    for query in ("東京", "京", "東京の "):
        assert _found(store, query) == [(newer, newer_message), (older, older_message)], query


def test_a_streaming_answer_is_found_only_once_finished(store: ConversationStore) -> None:
    conversation_id, question_id = _chat(store, "t", "質問")
    answer = store.begin_answer(conversation_id, parent_id=question_id, model="m")
    store.save_partial(answer.id, "北海道の札幌")
    store.save_partial(answer.id, "北海道の札幌は雪が多い")
    assert store.search("札幌") == []
    assert store.search("札幌は雪") == []
    # The word index's content, the messages table, holds the streaming row: only the
    # CJK index's view leaves it out already.
    _check_indexes(store.connection, ("messages_cjk_fts",))
    store.finish_answer(answer.id, content="北海道の札幌は雪が多い", status=MessageStatus.COMPLETE)
    assert _found(store, "札幌") == [(conversation_id, answer.id)]
    assert _found(store, "札幌は雪") == [(conversation_id, answer.id)]
    _check_indexes(store.connection)


def test_the_cjk_index_follows_edits_renames_deletes_and_purges(
    store: ConversationStore,
) -> None:
    conversation_id, _, answer_id = _chat(store, "京都の旅", "質問です", "金閣寺がきれい")
    store.finish_answer(answer_id, content="清水寺もいい", status=MessageStatus.COMPLETE)
    assert store.search("金閣寺") == []
    assert _found(store, "清水寺") == [(conversation_id, answer_id)]
    store.finish_answer(answer_id, content="plain English now", status=MessageStatus.COMPLETE)
    assert store.search("清水寺") == []
    store.finish_answer(answer_id, content="また日本語", status=MessageStatus.COMPLETE)
    assert _found(store, "日本語") == [(conversation_id, answer_id)]
    _check_indexes(store.connection)

    store.rename(conversation_id, "大阪の旅")
    assert store.search("京都") == []
    assert _found(store, "大阪") == [(conversation_id, None)]
    store.rename(conversation_id, "Osaka")
    assert store.search("大阪") == []
    store.rename(conversation_id, "大阪の旅")
    _check_indexes(store.connection)

    other, _ = _chat(store, "北京", "北京烤鸭")
    store.delete_conversation(other)
    assert store.search("北京") == []
    store.purge_trash(older_than=timedelta(0))
    _check_indexes(store.connection)
    store.delete_conversation(conversation_id)
    store.purge_trash(older_than=timedelta(0))
    _check_indexes(store.connection)
    for table in ("messages_cjk_fts", "conversations_cjk_fts"):
        assert store.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_text_without_cjk_stays_out_of_the_cjk_index(store: ConversationStore) -> None:
    _chat(store, "Café résumé", "Plain English", "Ünïcödé — “quotes” 한국어 텍스트")
    _chat(store, "日本", "日本語")
    for table, expected in (("messages_cjk_fts", 1), ("conversations_cjk_fts", 1)):
        assert store.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == expected


def test_the_regular_expression_and_the_glob_class_agree() -> None:
    connection = sqlite3.connect(":memory:")
    for code in (0x3004, 0x3005, 0x3041, 0x30FC, 0x4E00, 0x9FFF, 0xA000, 0xAC00, 0xF900,
                 0xFAFF, 0xFF21, 0xFF66, 0xFF9F, 0x1F600, 0x20BB7, 0x2FFFF, 0x30000):  # fmt: skip
        char = chr(code)
        glob = connection.execute("SELECT ? GLOB ?", (char, CJK_CHARACTERS)).fetchone()[0]
        assert bool(glob) == bool(_CJK.match(char)), hex(code)


def test_kana_keep_their_marks_when_snippets_are_marked() -> None:
    # Neither index folds "ガ" to "カ": the snippet marks only what was found.
    assert snippet("カスとガス", "ガス") == f"カスと{_marked('ガス')}"


def test_version_6_indexes_existing_cjk_text(db_path: Path) -> None:
    with written_as(5), ConversationStore.open(db_path) as store:
        japanese, question, answer = _chat(
            store, "東京の旅", "私は東京に住んでいます", "いいですね"
        )
        english, _ = _chat(store, "English", "no cjk here")
        store.connection.execute(
            "INSERT INTO messages (id, conversation_id, parent_id, role, content, status,"
            " writer, created_at, updated_at) VALUES ('streamed', ?, ?, 'assistant',"
            " '書きかけの答え', 'streaming', 'dead-writer',"
            " '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
            (japanese, answer),
        )
    with ConversationStore.open(db_path) as store:
        connection = store.connection
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        # The answer left streaming was not copied: recovery, after the migration,
        # marked it interrupted and the trigger indexed it once.
        assert store.recovered_count == 1
        _check_indexes(connection)
        assert _found(store, "東京") == [(japanese, question)]
        assert _found(store, "住んで") == [(japanese, question)]
        assert _found(store, "書きかけ") == [(japanese, "streamed")]
        assert _found(store, "旅") == [(japanese, None)]
        assert _found(store, "cjk") == [(english, store.messages(english)[0].id)]


def _cjk_parts(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE name LIKE '%cjk_fts%'")
    return {name for (name,) in rows} & {*CJK_TABLES, *CJK_TRIGGERS}


def _without_trigram() -> AbstractContextManager[object]:
    # As on a Python linked to SQLite before 3.34 (some long-term-support distributions).
    return mock.patch.object(cjk_index, "trigram_available", return_value=False)


def test_without_the_trigram_tokenizer_cjk_words_are_found_all_the_same(db_path: Path) -> None:
    with _without_trigram(), ConversationStore.open(db_path) as store:
        assert _cjk_parts(store.connection) == set()  # never made: it would fail writes
        tokyo, question, _ = _chat(store, "旅の計画", "私は東京に住んでいます", "いいですね")
        assert _found(store, "東京") == [(tokyo, question)]
        assert _found(store, "住んでい") == [(tokyo, question)]
        assert _found(store, "計画") == [(tokyo, None)]
    # The next opening with a library that has it makes the index, with that text.
    with ConversationStore.open(db_path) as store:
        assert _cjk_parts(store.connection) == {*CJK_TABLES, *CJK_TRIGGERS}
        _check_indexes(store.connection)
        assert cjk_index.cjk_index_ready(store.connection)
        assert _found(store, "住んでい") == [(tokyo, question)]


def test_a_history_with_the_index_stays_writable_where_the_library_lacks_it(
    db_path: Path,
) -> None:
    with ConversationStore.open(db_path) as store:
        first, question, _ = _chat(store, "東京", "私は東京に住んでいます", "はい")
    with _without_trigram(), ConversationStore.open(db_path) as store:
        # Its triggers would write with a tokenizer that library does not have.
        assert _cjk_parts(store.connection) == set(CJK_TABLES)
        second, later, _ = _chat(store, "大阪", "大阪に引っ越しました", "そうですか")
        assert _found(store, "引っ越し") == [(second, later)]
    with ConversationStore.open(db_path) as store:
        _check_indexes(store.connection)  # made again, with what was written meanwhile
        assert _found(store, "引っ越し") == [(second, later)]
        assert _found(store, "住んでい") == [(first, question)]


# A Japanese keyboard in full-width mode types "Ｐｙｔｈｏｎ", and half-width katakana
# come from old software; the messages hold "Python" and "データ".
@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("Ｐｙｔｈｏｎ", "Python"),
        ("ｐａｎｄａ", "pandas"),
        ("Ｐｙｔｈｏｎ ｐａｎｄａｓ", "pandas"),
        ("ｐｙｔｈｏｎ３", "python3"),
        ("ﾃﾞｰﾀ", "データ"),
    ],
)
def test_finds_full_width_and_half_width_query_words(
    store: ConversationStore, query: str, word: str
) -> None:
    conversation_id, message_id = _chat(
        store, "Notes", "私はデータ分析にPython と pandas を使います (python3)"
    )
    _chat(store, "Other", "Ruby と rails")
    hits = store.search(query)
    assert [(h.conversation_id, h.message_id) for h in hits] == [(conversation_id, message_id)]
    assert _marked(word) in hits[0].snippet


def test_full_width_letters_in_a_message_are_found_as_typed(store: ConversationStore) -> None:
    # Written with a Japanese keyboard in full-width mode, the message holds words the
    # index keeps apart from their ASCII form: the query as typed still finds them.
    conversation_id, message_id = _chat(store, "Notes", "ＰａｎｄａＸ を使います")
    ascii_id, ascii_message = _chat(store, "Other", "PandaX is a library")
    hits = store.search("ＰａｎｄａＸ")
    assert [(h.conversation_id, h.message_id) for h in hits] == [
        (ascii_id, ascii_message),  # the folded query's hits first
        (conversation_id, message_id),
    ]
    assert _marked("ＰａｎｄａＸ") in hits[1].snippet


@pytest.mark.parametrize(
    ("text", "query", "word"),
    [
        ("ＰａｎｄａＸ を使います", "PandaX", "ＰａｎｄａＸ"),  # a word of its own
        ("私はＰａｎｄａＸが好きです", "pandax", "ＰａｎｄａＸ"),  # glued to kana
        ("ＰａｎｄａＸ を使います", "Pand", "ＰａｎｄａＸ"),  # still being typed
        ("ＰａｎｄａＸ３ と ｃ＋＋", "PandaX3", "ＰａｎｄａＸ３"),
    ],
)
def test_ascii_query_words_find_their_full_width_forms(
    store: ConversationStore, text: str, query: str, word: str
) -> None:
    # Typed with a Japanese keyboard in full-width mode, the message holds words the
    # word index keeps apart from their ASCII forms: typed in ASCII, they were not found.
    conversation_id, message_id = _chat(store, "Notes", text)
    _chat(store, "Other", "Ruby と rails")
    hits = store.search(query)
    assert [(h.conversation_id, h.message_id) for h in hits] == [(conversation_id, message_id)]
    assert _marked(word) in hits[0].snippet


def test_ascii_forms_come_before_full_width_ones(store: ConversationStore) -> None:
    wide_id, wide_message = _chat(store, "Notes", "ＰａｎｄａＸ を使います")
    ascii_id, ascii_message = _chat(store, "Other", "PandaX is a library")
    assert _found(store, "PandaX") == [(ascii_id, ascii_message), (wide_id, wide_message)]
    assert _found(store, "Ruby") == []
