"""The sidebar's "Quick" group: where quick exchanges go, how they page, how they leave."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.messages import Role
from app.store import KIND_CHAT, KIND_QUICK, ConversationStore
from app.ui.sidebar import ConversationListModel, ConversationRole, Sidebar
from app.ui.sidebar.model import SHOW_MORE_QUICK
from tests.unit.ui.sidebar.helpers import NOW, OFFSCREEN_NOISE, ZONE, add, fixed_now

pytestmark = pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)

MORE = f"+ {SHOW_MORE_QUICK}"


def _model(store: ConversationStore, **options: Any) -> ConversationListModel:
    return ConversationListModel(store, now=fixed_now, zone=ZONE, **options)


def _labels(model: ConversationListModel) -> list[str]:
    """Headings as "# Label", the show-more row as "+ ...", conversations by title."""
    labels = []
    for row in range(model.rowCount()):
        text = model.data(model.index(row, 0), Qt.ItemDataRole.DisplayRole)
        if model.is_header(row):
            text = f"# {text}"
        elif model.is_show_more(row):
            text = f"+ {text}"
        labels.append(text)
    return labels


def _group(labels: list[str], heading: str) -> list[str]:
    """The rows under ``# heading`` (up to the next heading)."""
    start = labels.index(f"# {heading}") + 1
    end = next((i for i in range(start, len(labels)) if labels[i].startswith("# ")), len(labels))
    return labels[start:end]


@pytest.fixture
def mixed(store: ConversationStore) -> dict[str, str]:
    """Chats and quick exchanges of today, yesterday and last month; two pinned."""
    when = {
        "chat today": (NOW - timedelta(hours=1), KIND_CHAT),
        "quick today": (NOW - timedelta(minutes=30), KIND_QUICK),
        "quick yesterday": (NOW - timedelta(days=1), KIND_QUICK),
        "chat yesterday": (NOW - timedelta(days=1, hours=1), KIND_CHAT),
        "quick last month": (NOW - timedelta(days=40), KIND_QUICK),
        "chat pinned": (NOW - timedelta(days=3), KIND_CHAT),
        "quick pinned": (NOW - timedelta(days=2), KIND_QUICK),
    }
    return {
        title: add(store, title, moment, kind=kind, pinned=title.endswith("pinned"))
        for title, (moment, kind) in when.items()
    }


def test_quick_exchanges_have_their_group_after_today_and_before_yesterday(
    store: ConversationStore, mixed: dict[str, str]
) -> None:
    model = _model(store)
    assert _labels(model) == [
        "# Pinned",
        "quick pinned",  # a pinned quick exchange stays under Pinned
        "chat pinned",
        "# Today",
        "chat today",
        "# Quick",
        "quick today",
        "quick yesterday",
        "quick last month",
        "# Yesterday",
        "chat yesterday",
    ]
    quick = model.index_of(mixed["quick yesterday"])
    assert model.data(quick, ConversationRole.GROUP) == "Quick"
    assert model.data(quick, ConversationRole.KIND) == KIND_QUICK
    assert model.data(quick, ConversationRole.IS_SHOW_MORE) is False
    assert model.data(model.index_of(mixed["quick pinned"]), ConversationRole.KIND) == "quick"
    assert model.data(model.index_of(mixed["chat today"]), ConversationRole.KIND) == "chat"
    assert model.data(model.index(5, 0), ConversationRole.KIND) is None  # a heading
    assert not model.can_show_more_quick()  # three: no "Show more…" row


def test_continuing_a_quick_exchange_moves_it_to_its_day_without_a_reset(
    store: ConversationStore, mixed: dict[str, str], qtbot: QtBot
) -> None:
    model = _model(store)
    target = mixed["quick yesterday"]
    followed = QPersistentModelIndex(model.index_of(target))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))

    store.set_kind(target, KIND_CHAT)
    with qtbot.wait_signal(model.rowsMoved):
        model.conversation_changed(target)

    labels = _labels(model)
    assert _group(labels, "Quick") == ["quick today", "quick last month"]
    assert _group(labels, "Yesterday") == ["quick yesterday", "chat yesterday"]
    assert resets == []
    assert followed.isValid()
    assert followed.row() == model.row_of(target)
    assert model.data(model.index_of(target), ConversationRole.GROUP) == "Yesterday"
    assert model.data(model.index_of(target), ConversationRole.KIND) == KIND_CHAT

    # The next message moves it to Today, like any chat.
    store.add_message(target, role=Role.USER, content="more", parent_id=None, created_at=NOW)
    model.conversation_changed(target)
    assert _group(_labels(model), "Today") == ["quick yesterday", "chat today"]
    assert "# Yesterday" in _labels(model)


def test_the_quick_heading_leaves_with_its_last_exchange_and_comes_back(
    store: ConversationStore, mixed: dict[str, str]
) -> None:
    model = _model(store)
    for title in ("quick today", "quick yesterday", "quick last month"):
        store.set_kind(mixed[title], KIND_CHAT)
        model.conversation_changed(mixed[title])
    labels = _labels(model)
    assert "# Quick" not in labels
    assert _group(labels, "Today") == ["quick today", "chat today"]
    assert _group(labels, "October 2026") == ["quick last month"]

    store.set_kind(mixed["chat yesterday"], KIND_QUICK)
    model.conversation_changed(mixed["chat yesterday"])
    labels = _labels(model)
    assert labels[5:9] == ["chat today", "# Quick", "chat yesterday", "# Yesterday"]
    assert _group(labels, "Yesterday") == ["quick yesterday"]

    # Unpinning a quick exchange puts it in Quick; pinning a quick one takes it out.
    store.set_pinned(mixed["quick pinned"], False)
    model.conversation_changed(mixed["quick pinned"])
    store.set_pinned(mixed["chat yesterday"], True)
    model.conversation_changed(mixed["chat yesterday"])
    labels = _labels(model)
    assert _group(labels, "Pinned") == ["chat yesterday", "chat pinned"]
    assert _group(labels, "Quick") == ["quick pinned"]


def test_a_new_quick_exchange_goes_on_top_of_quick(
    store: ConversationStore, mixed: dict[str, str]
) -> None:
    model = _model(store)
    new = add(store, "just asked", NOW, kind=KIND_QUICK)
    model.conversation_changed(new)
    assert _group(_labels(model), "Quick")[0] == "just asked"
    assert _group(_labels(model), "Today") == ["chat today"]
    store.trash_conversation(new)
    model.conversation_changed(new)
    assert "just asked" not in _labels(model)


@pytest.fixture
def many_quick(store: ConversationStore) -> dict[str, str]:
    """30 quick exchanges (one an hour from NOW) between 10 chats, and one pinned."""
    ids = {}
    for number in range(30):
        title = f"q{number}"
        ids[title] = add(store, title, NOW - timedelta(hours=number), kind=KIND_QUICK)
    for number in range(10):
        title = f"c{number}"
        ids[title] = add(store, title, NOW - timedelta(hours=number, minutes=30))
    return ids


def test_quick_shows_a_preview_then_pages_on_show_more(
    store: ConversationStore, many_quick: dict[str, str], qtbot: QtBot
) -> None:
    model = _model(store, quick_preview=5, page_size=10)
    labels = _labels(model)
    assert _group(labels, "Quick") == ["q0", "q1", "q2", "q3", "q4", MORE]
    assert model.can_show_more_quick()
    more = labels.index(MORE)
    index = model.index(more, 0)
    assert model.data(index, ConversationRole.IS_SHOW_MORE) is True
    assert model.data(index, ConversationRole.IS_HEADER) is False
    assert model.data(index, ConversationRole.ID) is None
    assert model.data(index, ConversationRole.GROUP) == "Quick"
    assert not model.flags(index) & Qt.ItemFlag.ItemIsSelectable
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(index, "renamed", Qt.ItemDataRole.EditRole) is False

    with qtbot.wait_signal(model.rowsInserted) as inserted:
        assert model.show_more_quick() == 10
    assert inserted.args[1:] == [more, more + 9]  # where the row was
    assert _labels(model)[more] == "q5"
    assert _group(_labels(model), "Quick")[-2:] == ["q14", MORE]

    assert model.show_more_quick() == 10
    assert model.show_more_quick() == 5  # the last ones: the row leaves
    assert not model.can_show_more_quick()
    assert model.show_more_quick() == 0
    assert _group(_labels(model), "Quick") == [f"q{n}" for n in range(30)]
    # Chats were never read by it: they page with fetchMore, at the end.
    assert _group(_labels(model), "Today") == [f"c{n}" for n in range(10)]


def test_a_changed_quick_exchange_beyond_the_preview_waits_for_show_more(
    store: ConversationStore, many_quick: dict[str, str]
) -> None:
    model = _model(store, quick_preview=5, page_size=10)
    old = many_quick["q20"]
    store.rename(old, "renamed q20")
    model.conversation_changed(old)
    assert model.row_of(old) is None  # older than what Quick shows
    store.add_message(old, role=Role.USER, content="again", parent_id=None, created_at=NOW)
    model.conversation_changed(old)
    assert _group(_labels(model), "Quick")[:2] == ["renamed q20", "q0"]
    # ... and once shown, an older activity than the shown ones puts it back out.
    shown = many_quick["q3"]
    store.set_kind(many_quick["q2"], KIND_CHAT)
    model.conversation_changed(many_quick["q2"])
    assert _group(_labels(model), "Quick") == ["renamed q20", "q0", "q1", "q3", "q4", MORE]
    assert model.row_of(shown) is not None
    while model.show_more_quick():
        pass
    quick = _group(_labels(model), "Quick")
    assert len(quick) == len(set(quick)) == 29  # each once: the offsets stayed right


def test_the_last_shown_exchange_stays_when_renamed(
    store: ConversationStore, many_quick: dict[str, str]
) -> None:
    model = _model(store, quick_preview=5, page_size=10)
    store.rename(many_quick["q4"], "renamed q4")
    model.conversation_changed(many_quick["q4"])
    assert _group(_labels(model), "Quick") == ["q0", "q1", "q2", "q3", "renamed q4", MORE]
    chats = _model(store, quick_preview=5, page_size=4)
    store.rename(many_quick["c3"], "renamed c3")
    chats.conversation_changed(many_quick["c3"])  # the last chat read: the same
    assert _group(_labels(chats), "Today") == ["c0", "c1", "c2", "renamed c3"]


def test_quick_refills_when_its_shown_exchanges_leave(
    store: ConversationStore, many_quick: dict[str, str]
) -> None:
    model = _model(store, quick_preview=2, page_size=3)
    assert _group(_labels(model), "Quick") == ["q0", "q1", MORE]
    store.trash_conversation(many_quick["q0"])
    model.conversation_removed(many_quick["q0"])
    assert _group(_labels(model), "Quick") == ["q1", "q2", MORE]  # as a restart shows
    store.trash_conversation(many_quick["q1"])
    model.conversation_changed(many_quick["q1"])
    assert _group(_labels(model), "Quick") == ["q2", "q3", MORE]
    for title in ("q2", "q3", "q4"):
        store.set_kind(many_quick[title], KIND_CHAT)
        model.conversation_changed(many_quick[title])
    assert _group(_labels(model), "Quick") == ["q5", "q6", MORE]
    # Once the person asked for more, what was read stays, and a page comes only when
    # none is left.
    model.show_more_quick()
    assert _group(_labels(model), "Quick") == ["q5", "q6", "q7", "q8", "q9", MORE]
    store.set_kind(many_quick["q5"], KIND_CHAT)
    model.conversation_changed(many_quick["q5"])
    assert _group(_labels(model), "Quick") == ["q6", "q7", "q8", "q9", MORE]
    for title in ("q6", "q7", "q8", "q9"):
        store.set_kind(many_quick[title], KIND_CHAT)
        model.conversation_changed(many_quick[title])
    assert _group(_labels(model), "Quick") == ["q10", "q11", "q12", MORE]


def test_new_quick_exchanges_keep_quick_to_its_preview_as_a_restart_does(
    store: ConversationStore, qtmodeltester: ModelTester
) -> None:
    # With five at start, four more in the session made nine rows and no "Show more…".
    for number in range(5):
        add(store, f"q{number}", NOW - timedelta(hours=number + 1), kind=KIND_QUICK)
    model = _model(store, page_size=10)
    qtmodeltester.check(model)
    assert _group(_labels(model), "Quick") == ["q0", "q1", "q2", "q3", "q4"]
    for number in range(4):
        new = add(store, f"new{number}", NOW - timedelta(minutes=50 - number), kind=KIND_QUICK)
        model.conversation_changed(new)
    expected = ["new3", "new2", "new1", "new0", "q0", MORE]
    assert _group(_labels(model), "Quick") == expected
    assert _labels(model) == _labels(_model(store, page_size=10))
    # "Show more…" shows the rest; then new ones no longer push any out.
    assert model.show_more_quick() == 4
    assert _group(_labels(model), "Quick") == [*expected[:-1], "q1", "q2", "q3", "q4"]
    model.conversation_changed(add(store, "newest", NOW, kind=KIND_QUICK))
    assert len(_group(_labels(model), "Quick")) == 10


def test_reveal_pages_the_part_of_the_list_a_conversation_is_in(
    store: ConversationStore, many_quick: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _model(store, quick_preview=5, page_size=4)
    kinds: list[str | None] = []
    original = store.list_conversations

    def spy(**options: Any) -> Any:
        kinds.append(options.get("kind"))
        return original(**options)

    monkeypatch.setattr(store, "list_conversations", spy)
    index = model.reveal(many_quick["q17"])
    assert index.isValid()
    assert model.data(index) == "q17"
    assert set(kinds) == {KIND_QUICK}  # no chat page was read for it
    assert len(_group(_labels(model), "Today")) == 4  # the first page of chats only
    kinds.clear()
    assert model.data(model.reveal(many_quick["c9"])) == "c9"
    assert set(kinds) == {KIND_CHAT}
    store.trash_conversation(many_quick["q29"])
    assert not model.reveal(many_quick["q29"]).isValid()
    assert not model.reveal("missing").isValid()


def test_reveal_reads_no_page_for_a_conversation_newer_than_the_list(
    store: ConversationStore, many_quick: dict[str, str]
) -> None:
    model = _model(store, quick_preview=5, page_size=4)
    loaded = model.loaded_count()
    for kind in (KIND_CHAT, KIND_QUICK):
        new = add(store, f"new {kind}", NOW, kind=kind)  # not announced yet
        assert not model.reveal(new).isValid()
        assert model.loaded_count() == loaded
    assert model.canFetchMore()
    assert model.can_show_more_quick()


def test_ten_thousand_conversations_thousands_quick_read_two_small_pages(
    store: ConversationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One every 7 minutes back from NOW; three in ten are quick, over the whole history.
    store.connection.execute(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)"
        " INSERT INTO conversations (id, title, created_at, updated_at, kind)"
        " SELECT printf('c%05d', i), printf('chat %d', i), stamp, stamp,"
        " CASE WHEN i % 10 < 3 THEN 'quick' ELSE 'chat' END"
        " FROM (SELECT i, strftime('%Y-%m-%dT%H:%M:%fZ', ?, printf('-%d minutes', 7 * i))"
        " AS stamp FROM n)",
        (NOW.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),),
    )
    assert store.count_conversations(kind=KIND_QUICK) == 3000
    calls: list[dict[str, Any]] = []
    original = store.list_conversations

    def spy(**options: Any) -> Any:
        calls.append(options)
        return original(**options)

    monkeypatch.setattr(store, "list_conversations", spy)
    model = _model(store)

    assert model.loaded_count() == 5 + 200
    assert [(c.get("kind"), c.get("limit")) for c in calls] == [
        (None, None),  # pinned (none here)
        (KIND_QUICK, 6),
        (KIND_CHAT, 201),
    ]
    labels = _labels(model)
    quick = labels.index("# Quick")
    assert labels[:3] == ["# Today", "chat 3", "chat 4"]
    assert labels[quick : quick + 3] == ["# Quick", "chat 0", "chat 1"]
    assert labels[quick + 6 : quick + 8] == [MORE, "# Yesterday"]
    assert labels.count("# Quick") == 1
    assert all(
        model.data(model.index(row, 0), ConversationRole.KIND) == KIND_CHAT
        for row in [*range(quick), *range(quick + 7, model.rowCount())]
        if model.conversation_at(row) is not None
    )
    model.fetchMore()
    assert model.loaded_count() == 405
    assert _labels(model)[quick : quick + 7] == labels[quick : quick + 7]  # as it was
    model.show_more_quick()
    assert model.loaded_count() == 605


def test_hundreds_of_old_quick_exchanges_leave_the_days_chats_on_top(
    store: ConversationStore,
) -> None:
    # The quick prompt used all summer; a few chats today and yesterday.
    for number in range(300):
        add(store, f"old q{number}", NOW - timedelta(days=120, hours=number), kind=KIND_QUICK)
    for title, hours in (("today 1", 1), ("today 2", 2), ("yesterday", 24)):
        add(store, title, NOW - timedelta(hours=hours))
    labels = _labels(_model(store))
    assert labels == [
        "# Today",
        "today 1",
        "today 2",
        "# Quick",
        *(f"old q{n}" for n in range(5)),
        MORE,
        "# Yesterday",
        "yesterday",
    ]


def test_todays_chats_past_a_page_go_above_quick(
    store: ConversationStore, many_quick: dict[str, str]
) -> None:
    model = _model(store, quick_preview=2, page_size=4)  # c0..c9 are all of today
    assert _group(_labels(model), "Today") == ["c0", "c1", "c2", "c3"]
    while model.canFetchMore():
        model.fetchMore()
    labels = _labels(model)
    assert _group(labels, "Today") == [f"c{n}" for n in range(10)]
    assert labels.count("# Today") == 1
    assert _group(labels, "Quick") == ["q0", "q1", MORE]
    assert labels.index("# Quick") > labels.index("c9")


def test_model_with_quick_rows_passes_the_qt_model_tester(
    store: ConversationStore,
    many_quick: dict[str, str],
    mixed: dict[str, str],
    qtmodeltester: ModelTester,
) -> None:
    model = _model(store, quick_preview=3, page_size=4)
    qtmodeltester.check(model)
    model.show_more_quick()
    store.set_kind(many_quick["q1"], KIND_CHAT)
    model.conversation_changed(many_quick["q1"])
    store.set_kind(mixed["chat today"], KIND_QUICK)
    model.conversation_changed(mixed["chat today"])
    store.set_pinned(many_quick["q0"], True)
    model.conversation_changed(many_quick["q0"])
    model.conversation_removed(many_quick["q2"])
    model.conversation_changed(add(store, "new quick", NOW, kind=KIND_QUICK))
    while model.show_more_quick():
        pass
    while model.canFetchMore():
        model.fetchMore()
    model.reload()  # with everything loaded (see test_sidebar_model)
    qtmodeltester.check(model)


# The list as a person uses it -------------------------------------------------------------


@pytest.fixture
def sidebar(
    qtbot: QtBot, store: ConversationStore, many_quick: dict[str, str]
) -> Iterator[Sidebar]:
    widget = Sidebar(
        store, now=fixed_now, zone=ZONE, page_size=10, quick_preview=5, show_error=pytest.fail
    )
    qtbot.addWidget(widget)
    widget.resize(320, 900)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def test_clicking_show_more_reads_more_and_focuses_the_first_new_one(
    sidebar: Sidebar, qtbot: QtBot
) -> None:
    view, model = sidebar.list_view, sidebar.model
    row = _labels(model).index(MORE)
    rect = view.visualRect(model.index(row, 0))
    assert rect.isValid()
    with qtbot.assert_not_emitted(view.open_requested):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert model.data(model.index(row, 0)) == "q5"
    assert view.currentIndex().row() == row
    assert view.selectionModel().selectedIndexes() == []  # nothing was opened
    view.grab()  # paints every kind of row


def test_enter_on_show_more_reads_more(sidebar: Sidebar, qtbot: QtBot) -> None:
    view, model = sidebar.list_view, sidebar.model
    view.setFocus()
    row = _labels(model).index("q4")
    view.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_Down)  # the show-more row is reachable by keyboard
    assert model.is_show_more(view.currentIndex().row())
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert model.data(view.currentIndex()) == "q5"
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert sidebar.open_conversation_id is not None


def test_selecting_an_old_quick_exchange_reads_quick_pages(
    sidebar: Sidebar, many_quick: dict[str, str]
) -> None:
    sidebar.select_conversation(many_quick["q27"])
    index = sidebar.list_view.currentIndex()
    assert sidebar.model.data(index) == "q27"
    assert sidebar.list_view.selectionModel().isSelected(index)
    sidebar.select_conversation("missing")
    assert sidebar.list_view.selectionModel().selectedIndexes() == []
