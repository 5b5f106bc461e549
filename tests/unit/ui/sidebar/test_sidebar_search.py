"""Search as you type: results with bold matches, keyboard in the field, stale results."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.domain.messages import Role
from app.store import MATCH_END, MATCH_START, ConversationStore, SearchHit, open_reader
from app.store import search as store_search
from app.ui.sidebar import SearchWorker, Sidebar
from app.ui.sidebar import results as results_module
from app.ui.sidebar import search as search_module
from app.ui.sidebar.results import (
    SNIPPET_LINES,
    SearchResultDelegate,
    SearchResultsModel,
    SearchResultsView,
    SearchRole,
    lay_out_marked,
    lead_in,
    paint_marked,
    room_in,
)
from app.ui.sidebar.search import match_runs, plain_snippet, snippet_html
from tests.unit.ui.sidebar.helpers import NOW, OFFSCREEN_NOISE, ZONE, add, fixed_now

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)


@pytest.fixture
def ids(store: ConversationStore) -> dict[str, str]:
    lyon = add(store, "Trip to Lyon", NOW - timedelta(hours=1))
    question = store.add_message(
        lyon, role=Role.USER, content="Where should I eat tonight?", parent_id=None
    )
    answer = store.add_message(
        lyon,
        role=Role.ASSISTANT,
        content="Try a bouchon <b>near</b> the Saône & keep room for dessert.",
        parent_id=question.id,
    )
    other = add(store, "Bouchon recipes", NOW - timedelta(days=2))
    return {"lyon": lyon, "answer": answer.id, "other": other}


@pytest.fixture
def sidebar(qtbot: QtBot, store: ConversationStore, ids: dict[str, str]) -> Iterator[Sidebar]:
    widget = Sidebar(store, now=fixed_now, zone=ZONE, search_debounce_ms=10)
    qtbot.addWidget(widget)
    widget.resize(320, 600)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def _type(qtbot: QtBot, sidebar: Sidebar, text: str) -> None:
    sidebar.focus_search()
    qtbot.keyClicks(sidebar.search_field, text)
    qtbot.waitUntil(
        lambda: (
            sidebar.pages.currentIndex() == Sidebar.SEARCH_PAGE
            and sidebar.results_model.query == text
        )
    )


def test_snippet_html_escapes_the_text_and_bolds_the_matches() -> None:
    snippet = f"a <b>tag</b> & {MATCH_START}bouchon{MATCH_END} \x07here"
    assert snippet_html(snippet) == "a &lt;b&gt;tag&lt;/b&gt; &amp; <b>bouchon</b> here"
    assert plain_snippet(snippet) == "a <b>tag</b> & bouchon here"
    assert snippet_html(f"{MATCH_START}open") == "<b>open</b>"  # never left unclosed


def test_snippets_read_without_markdown_marks() -> None:
    snippet = f"use **{MATCH_START}bold{MATCH_END}** and `code`, $$x^2$$ in | a | b | with C#"
    assert plain_snippet(snippet) == "use bold and code, x^2 in · a · b · with C#"
    assert snippet_html(snippet).startswith("use <b>bold</b> and code")
    assert snippet_html(f"x{MATCH_END}y") == "xy"


def test_a_hash_inside_the_text_is_no_heading_mark() -> None:
    # "C# records" showed as "C records": the run after the marked "C" began with "#".
    snippet = f"…about {MATCH_START}C{MATCH_END}# records and x # y"
    assert plain_snippet(snippet) == "…about C# records and x # y"
    assert snippet_html(snippet) == "…about <b>C</b># records and x # y"
    assert match_runs(snippet) == [("…about ", False), ("C", True), ("# records and x # y", False)]
    title = f"## {MATCH_START}Notes{MATCH_END} on C#"  # a title starts a line
    assert plain_snippet(title) == "Notes on C#"
    assert snippet_html(title) == "<b>Notes</b> on C#"


def test_typing_shows_title_and_message_hits(
    sidebar: Sidebar, ids: dict[str, str], qtbot: QtBot
) -> None:
    _type(qtbot, sidebar, "bouchon")

    model = sidebar.results_model
    rows = [model.index(row, 0) for row in range(model.rowCount())]
    assert [(i.data(SearchRole.CONVERSATION_ID), i.data(SearchRole.MESSAGE_ID)) for i in rows] == [
        (ids["other"], ""),  # a title hit: titles first
        (ids["lyon"], ids["answer"]),
    ]
    assert rows[0].data(SearchRole.TITLE_HTML) == "<b>Bouchon</b> recipes"
    assert rows[1].data() == "Trip to Lyon"
    snippet = rows[1].data(SearchRole.SNIPPET_HTML)
    assert "<b>bouchon</b>" in snippet
    assert "&lt;b&gt;near&lt;/b&gt;" in snippet  # the message's own markup is text
    assert "&amp; keep room" in snippet
    assert (
        rows[1].data(Qt.ItemDataRole.AccessibleTextRole).startswith("Trip to Lyon: Try a bouchon")
    )
    assert sidebar.results_view.currentIndex().row() == 0
    assert sidebar.search_field.hasFocus()  # typing goes on
    # The results are painted (title and snippet) without errors.
    assert not sidebar.results_view.viewport().grab().isNull()


def test_down_and_enter_open_the_chosen_hit(
    sidebar: Sidebar, ids: dict[str, str], qtbot: QtBot
) -> None:
    _type(qtbot, sidebar, "bouchon")
    opened: list[str] = []
    sidebar.conversation_activated.connect(opened.append)
    qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Down)
    assert sidebar.results_view.currentIndex().row() == 1
    qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Down)
    assert sidebar.results_view.currentIndex().row() == 1  # the last one
    with qtbot.wait_signal(sidebar.search_result_activated) as activated:
        qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Return)
    assert activated.args == [ids["lyon"], ids["answer"], "bouchon"]
    assert opened == []  # the search signal alone: the window scrolls to the message
    assert sidebar.open_conversation_id == ids["lyon"]

    qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Up)
    with qtbot.wait_signal(sidebar.search_result_activated) as activated:
        qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Enter)
    assert activated.args == [ids["other"], "", "bouchon"]


def test_clicking_a_result_opens_it(sidebar: Sidebar, ids: dict[str, str], qtbot: QtBot) -> None:
    _type(qtbot, sidebar, "tonight")
    view = sidebar.results_view
    point = view.visualRect(sidebar.results_model.index(0, 0)).center()
    with qtbot.wait_signal(sidebar.search_result_activated) as activated:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert activated.args[0] == ids["lyon"]
    assert activated.args[2] == "tonight"
    assert activated.args[1] == sidebar.results_model.hit_at(0).message_id  # type: ignore[union-attr]


def test_show_more_results_reaches_the_chats_past_the_first_page(
    sidebar: Sidebar, store: ConversationStore, qtbot: QtBot
) -> None:
    # A common word matched more chats than one page: the rest could not be reached
    # but by typing more.
    for n in range(search_module.RESULT_LIMIT + 5):
        add(store, f"Notes {n}", NOW - timedelta(hours=n))
    _type(qtbot, sidebar, "notes")
    model, more = sidebar.results_model, sidebar.more_results
    assert model.rowCount() == search_module.RESULT_LIMIT
    assert more.isVisible()
    sidebar.results_view.setCurrentIndex(model.index(7, 0))
    more.click()
    qtbot.waitUntil(lambda: model.rowCount() == search_module.RESULT_LIMIT + 5)
    assert not more.isVisible()  # all of them now
    assert sidebar.results_view.currentIndex().row() == 7  # where the reader was
    # The new hits in sight: the list had gone back up to that row, and the click
    # seemed to do nothing.
    view = sidebar.results_view
    first_new = model.index(search_module.RESULT_LIMIT, 0)
    qtbot.waitUntil(lambda: view.viewport().rect().contains(view.visualRect(first_new).topLeft()))
    titles = {model.index(row, 0).data() for row in range(model.rowCount())}
    assert titles == {f"Notes {n}" for n in range(search_module.RESULT_LIMIT + 5)}
    _type(qtbot, sidebar, " 1")  # a new query: one page again, nothing more to show
    assert not more.isVisible()


def test_escape_clears_and_returns_to_the_list(
    sidebar: Sidebar, ids: dict[str, str], qtbot: QtBot
) -> None:
    _type(qtbot, sidebar, "bouchon")
    qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Escape)
    assert sidebar.search_field.text() == ""
    assert sidebar.pages.currentIndex() == Sidebar.LIST_PAGE
    assert sidebar.results_model.rowCount() == 0
    qtbot.waitUntil(sidebar.list_view.hasFocus)


def test_no_match_says_so(sidebar: Sidebar, qtbot: QtBot) -> None:
    _type(qtbot, sidebar, "zanzibar")
    assert sidebar.results_model.rowCount() == 0
    assert sidebar.search_status.isVisible()
    assert sidebar.search_status.text() == "No chats match “zanzibar”."
    qtbot.keyClick(sidebar.search_field, Qt.Key.Key_Return)  # nothing to open, no error


def test_trashed_conversations_are_not_found(
    sidebar: Sidebar, store: ConversationStore, ids: dict[str, str], qtbot: QtBot
) -> None:
    sidebar.delete_conversation(ids["other"])
    _type(qtbot, sidebar, "bouchon")
    found = {
        sidebar.results_model.index(row, 0).data(SearchRole.CONVERSATION_ID)
        for row in range(sidebar.results_model.rowCount())
    }
    assert found == {ids["lyon"]}


def test_clearing_the_field_while_a_search_runs_shows_the_list(
    sidebar: Sidebar, qtbot: QtBot
) -> None:
    sidebar.search_field.setText("bouchon")
    sidebar.search_field.clear()
    qtbot.wait(100)  # long enough for the debounce and the query
    assert sidebar.pages.currentIndex() == Sidebar.LIST_PAGE
    assert sidebar.results_model.rowCount() == 0


def _hits(query: str) -> list[SearchHit]:
    return [
        SearchHit(
            conversation_id="c",
            conversation_title=query,
            message_id=None,
            snippet=query,
            role=None,
            created_at=NOW,
        )
    ]


def test_worker_drops_stale_results(
    qtbot: QtBot, store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    started = threading.Event()

    def fake_search(connection: sqlite3.Connection, text: str, *, limit: int) -> list[SearchHit]:
        if text == "slow":
            started.set()
            release.wait(5)
        return _hits(text)

    monkeypatch.setattr(store_search, "search", fake_search)  # as the worker finds it
    worker = SearchWorker(store.path)
    received: list[tuple[int, str]] = []
    worker.results_ready.connect(lambda number, query, hits: received.append((number, query)))
    try:
        first = worker.request("slow")
        assert started.wait(5)
        worker.request("middle")  # waiting, then replaced: never runs
        last = worker.request("fast")
        release.set()
        qtbot.waitUntil(lambda: received != [], timeout=5000)
        qtbot.wait(50)
        assert received == [(last, "fast")]
        assert first < last
        assert not worker.is_current(first)
    finally:
        worker.shutdown()


def test_worker_interrupts_a_long_stale_query(
    qtbot: QtBot, store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()
    durations: dict[str, float] = {}

    def fake_search(connection: sqlite3.Connection, text: str, *, limit: int) -> list[SearchHit]:
        begin = time.perf_counter()
        try:
            if text == "endless":
                started.set()
                # Counts far enough to run for minutes unless interrupted.
                connection.execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                    " WHERE i < 10000000000) SELECT count(*) FROM n"
                ).fetchone()
            return _hits(text)
        finally:
            durations[text] = time.perf_counter() - begin

    monkeypatch.setattr(store_search, "search", fake_search)  # as the worker finds it
    worker = SearchWorker(store.path)
    received: list[str] = []
    worker.results_ready.connect(lambda number, query, hits: received.append(query))
    try:
        worker.request("endless")
        assert started.wait(5)
        time.sleep(0.05)
        worker.request("next")
        qtbot.waitUntil(lambda: received == ["next"], timeout=5000)
        assert durations["endless"] < 3
    finally:
        worker.shutdown()


def test_worker_reports_a_missing_file(qtbot: QtBot, tmp_path: Path) -> None:
    worker = SearchWorker(tmp_path / "nothing.sqlite3")
    try:
        with qtbot.wait_signal(worker.failed) as failed:
            number = worker.request("word")
        assert failed.args[0] == number
        assert "nothing.sqlite3" in failed.args[2]
    finally:
        worker.shutdown()


def test_worker_uses_a_read_only_connection_of_its_own(
    qtbot: QtBot, store: ConversationStore, ids: dict[str, str]
) -> None:
    opened: list[sqlite3.Connection] = []

    def connect(path: Path) -> sqlite3.Connection:
        connection = open_reader(path)
        opened.append(connection)
        return connection

    worker = SearchWorker(store.path, connect=connect)
    try:
        with qtbot.wait_signal(worker.results_ready) as ready:
            worker.request("bouchon")
        assert [hit.conversation_id for hit in ready.args[2]] == [ids["other"], ids["lyon"]]
        assert len(opened) == 1
        assert opened[0] is not store.connection
        assert worker.last_duration_ms is not None
    finally:
        worker.shutdown()
    with pytest.raises(sqlite3.ProgrammingError):
        opened[0].execute("SELECT 1")  # closed by shutdown


def test_marked_text_wraps_inside_its_area(qapp: object) -> None:
    image = QImage(300, 120, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    area = QRect(20, 20, 200, 40)  # two lines of a normal font
    painter = QPainter(image)
    font = QFont()
    font.setPixelSize(14)
    bold = QFont(font)
    bold.setBold(True)
    long_text = " ".join(["lorem ipsum"] * 30) + f" {MATCH_START}needle{MATCH_END}"
    paint_marked(
        painter,
        area,
        long_text + " " + "x" * 300,  # and one word wider than the line
        fonts=(font, bold),
        colors=(QColor("black"), QColor("red")),
        lines=2,
    )
    painter.end()
    inked = [
        (x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y) != QColor("white")
    ]
    assert inked  # something was drawn
    assert all(area.adjusted(-1, -1, 1, 4).contains(x, y) for x, y in inked)
    # Both lines are used.
    assert min(y for _, y in inked) < area.top() + 14 < max(y for _, y in inked)


def test_the_first_match_shows_after_at_most_the_width_given_to_its_lead_in(
    qapp: object,
) -> None:
    font = QFont()
    font.setPixelSize(14)
    metrics = QFontMetrics(font)
    context = " ".join(f"word{n}" for n in range(30, 40))
    marked = f"…{context} {MATCH_START}word40{MATCH_END} word41 word42"

    cut = lead_in(marked, metrics, 100)

    before, _, after = cut.partition(MATCH_START)
    assert metrics.horizontalAdvance(before) <= 100
    assert before.startswith("…")
    assert not before.startswith("……")
    assert before.endswith("word39 ")  # the word next to the match is kept
    assert "word30" not in before  # the farthest: dropped
    assert after == f"word40{MATCH_END} word41 word42"
    # Short context, or no match at all: unchanged.
    assert lead_in(f"a {MATCH_START}b{MATCH_END}", metrics, 100) == f"a {MATCH_START}b{MATCH_END}"
    assert lead_in(context, metrics, 10) == context


def test_a_title_that_fits_whole_is_not_cut_before_its_match(qapp: object) -> None:
    # "Quantum computing basics", searched for "basics": its first words were replaced by
    # "…" although the whole title fitted on its line, while the rows below it showed
    # theirs in full.
    font = QFont()
    font.setPixelSize(14)
    metrics = QFontMetrics(font)
    title = f"Quantum computing {MATCH_START}basics{MATCH_END}"
    half = metrics.horizontalAdvance("Quantum computing ") - 10  # the lead-in is wider
    assert lead_in(title, metrics, half, room=400) == title
    assert lead_in(title, metrics, half).startswith("…")  # no room given: cut as before
    # Too long for its line: cut, the match in sight.
    long = "Notes " * 20 + f"{MATCH_START}basics{MATCH_END}"
    assert lead_in(long, metrics, half, room=400).startswith("…")


def test_a_snippet_that_fits_its_two_lines_is_not_cut_before_its_match(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its lead-in was measured against one line's width although it has two: the start
    # went for "…" while the whole snippet would have shown.
    font = QFont()
    font.setPixelSize(14)
    metrics = QFontMetrics(font)
    words = [f"word{n}" for n in range(40)]
    context = ""
    while metrics.horizontalAdvance(context) < 180:  # more than half of 300 pixels
        context += words.pop(0) + " "
    snippet = f"{context}{MATCH_START}needle{MATCH_END} and the rest"
    painted: list[str] = []
    monkeypatch.setattr(
        results_module, "paint_marked", lambda _p, _a, marked, **_k: painted.append(marked)
    )
    model = QStandardItemModel()
    item = QStandardItem()
    item.setData("A title", SearchRole.TITLE_MARKED)
    item.setData(snippet, SearchRole.SNIPPET_MARKED)
    model.appendRow(item)
    option = QStyleOptionViewItem()
    option.font = font
    option.rect = QRect(0, 0, 300 + 2 * results_module.PADDING_X, 80)
    image = QImage(400, 100, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    SearchResultDelegate().paint(painter, option, model.index(0, 0))
    painter.end()
    assert painted == ["A title", snippet]
    shown = [text for _, _, text, _ in lay_out_marked(snippet, (metrics, metrics), 300, 2)]
    assert "needle" in shown
    assert "rest" in shown  # it did fit whole


def test_the_match_never_goes_past_the_snippets_last_line(qapp: object) -> None:
    # The room of both lines, less what a line break can leave empty at a line's end.
    font = QFont()
    font.setPixelSize(14)
    bold = QFont(font)
    bold.setBold(True)
    metrics = QFontMetrics(font)
    both = (metrics, QFontMetrics(bold))
    context = "a supercalifragilistic word then internationalisation of it all, at last"
    snippet = f"{context} {MATCH_START}needle{MATCH_END} after"
    for width in range(120, 700, 3):
        room = room_in(snippet, metrics, width, SNIPPET_LINES)
        assert room < SNIPPET_LINES * width
        shown = lead_in(snippet, metrics, width // 2, room)
        placed = lay_out_marked(shown, both, width, SNIPPET_LINES)
        assert ("needle", True) in [(text, b) for _, _, text, b in placed], width


def test_text_cut_at_the_last_line_always_ends_with_an_ellipsis(qapp: object) -> None:
    # When "…" did not fit after the last word that did, it was left out: a title cut
    # after "about" looked whole.
    font = QFont()
    font.setPixelSize(14)
    bold = QFont(font)
    bold.setBold(True)
    metrics = (QFontMetrics(font), QFontMetrics(bold))
    title = f"bulk question number 30 about {MATCH_START}kubernetes{MATCH_END} deployment"
    whole = metrics[0].horizontalAdvance(title.replace(MATCH_START, "").replace(MATCH_END, ""))
    for width in range(40, whole - 4):
        placed = lay_out_marked(title, metrics, width, 1)
        *words, (_, x, last, _) = placed
        assert last == "…", width
        assert x + metrics[0].horizontalAdvance("…") <= width
        assert all(x + metrics[b].horizontalAdvance(text) <= width for _, x, text, b in words)
    assert lay_out_marked(title, metrics, whole + 20, 1)[-1][2] == "deployment"  # it fits


def test_a_title_s_matching_words_stand_out_from_the_title(qapp: object) -> None:
    # Titles were semi-bold and their matches bold: with no semi-bold face (DejaVu
    # Sans), both drew in the same bold face and the title's matches were not marked.
    from PySide6.QtGui import QFontInfo

    from app.ui.sidebar.results import title_font_for

    font = QFont()
    font.setPixelSize(14)
    bold = QFont(font)
    bold.setWeight(QFont.Weight.Bold)
    title = title_font_for(font)
    assert QFontInfo(title).styleName() != QFontInfo(bold).styleName()


def _hit(number: int, title: str, snippet: str) -> SearchHit:
    return SearchHit(f"c{number}", title, f"m{number}", snippet, Role.USER, NOW, title)


def test_each_result_is_as_tall_as_its_snippet(qtbot: QtBot) -> None:
    # Every message hit was three lines tall: under a one-line snippet an empty band,
    # which the chosen row's tint showed.
    view = SearchResultsView()
    qtbot.addWidget(view)
    view.resize(300, 400)
    view.show()
    qtbot.waitExposed(view)
    model = SearchResultsModel()
    view.setModel(model)
    long = f"A {MATCH_START}focaccia{MATCH_END} " + " ".join(f"word{n}" for n in range(40))
    model.set_results(
        "focaccia",
        [
            _hit(1, "Short", f"A {MATCH_START}focaccia{MATCH_END} #7"),
            _hit(2, "Long", long),
            _hit(3, f"Recipe for {MATCH_START}focaccia{MATCH_END}", ""),
        ],
    )
    view.doItemsLayout()
    line = QFontMetrics(view.font()).lineSpacing()
    one, two, title = (view.visualRect(model.index(row, 0)).height() for row in range(3))
    assert one == title + line  # the title, one snippet line
    assert two == title + 2 * line
    # In a narrower list the short snippet wraps too: its row grows.
    view.resize(90, 400)
    qtbot.waitUntil(lambda: view.visualRect(model.index(0, 0)).height() == two)


def test_a_long_title_keeps_its_start_while_its_match_shows(qapp: object) -> None:
    # In a narrow sidebar "Plan a trip to Sicily #51" read "…a trip to Sicily #51": its
    # start went although the match fitted with its end cut instead.
    font = QFont()
    font.setPixelSize(14)
    metrics = QFontMetrics(font)
    title = f"Plan a trip to {MATCH_START}Sicily{MATCH_END} #51"
    plain = "Plan a trip to Sicily #51"
    width = metrics.horizontalAdvance("Plan a trip to Sicily …") + 6  # a bold match's more
    assert width < metrics.horizontalAdvance(plain)  # too long for its line
    both = (metrics, metrics)
    shown = lay_out_marked(lead_in(title, metrics, width // 2, width), both, width, 1)
    assert shown[0][2] == "Plan"
    assert ("Sicily", True) in [(text, bold) for _, _, text, bold in shown]
    assert shown[-1][2] == "…"
    # With no match in it, a title is cut at its end too.
    no_match = lay_out_marked(lead_in(plain, metrics, width // 2, width), both, 60, 1)
    assert no_match[0][2] == "Plan"
    assert no_match[-1][2] == "…"


def test_a_row_painted_again_is_not_laid_out_again(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hovering, scrolling or moving the keyboard's row paints rows again: each was laid
    # out word by word again, a millisecond a row.
    laid_out: list[str] = []
    real = results_module.lay_out_marked

    def counted(marked: str, *args: Any) -> Any:
        laid_out.append(marked)
        return real(marked, *args)

    monkeypatch.setattr(results_module, "lay_out_marked", counted)
    results_module._placed.cache_clear()
    font = QFont()
    font.setPixelSize(14)
    snippet = f"the café's {MATCH_START}needle{MATCH_END} and the rest, " + "word " * 30
    model = QStandardItemModel()
    item = QStandardItem()
    item.setData(f"A {MATCH_START}needle{MATCH_END} title", SearchRole.TITLE_MARKED)
    item.setData(snippet, SearchRole.SNIPPET_MARKED)
    model.appendRow(item)
    option = QStyleOptionViewItem()
    option.font = font
    option.rect = QRect(0, 0, 300, 80)
    images = []
    for _ in range(2):
        image = QImage(300, 80, QImage.Format.Format_ARGB32)
        image.fill(0)
        painter = QPainter(image)
        SearchResultDelegate().paint(painter, option, model.index(0, 0))
        painter.end()
        images.append(image)
    assert len(laid_out) == 2  # the title and the snippet, the first time only
    assert images[0] == images[1]
    # Another width is laid out anew.
    option.rect = QRect(0, 0, 200, 80)
    painter = QPainter(images[1])
    SearchResultDelegate().paint(painter, option, model.index(0, 0))
    painter.end()
    assert len(laid_out) == 4
