"""The History page on its own: local dates of a delete, and Delete now naming every
chat chosen, on a real history file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.messages import Role, to_iso
from app.store import ConversationStore
from app.ui.settings.history_page import HistoryPage, deleted_line
from tests.helpers.history_lock import HistoryLock

TOKYO = timezone(timedelta(hours=9))


def test_the_dates_are_local_days() -> None:
    late = datetime(2026, 1, 31, 20, 30, tzinfo=UTC)  # already February 1st in Tokyo
    assert deleted_line(late, timedelta(days=30), TOKYO) == (
        "Deleted February 1, 2026 · removed for good March 3, 2026"
    )
    assert deleted_line(late, timedelta(days=30), UTC) == (
        "Deleted January 31, 2026 · removed for good March 2, 2026"
    )


def test_delete_now_names_every_chosen_chat_and_removes_only_them(
    qtbot: QtBot, tmp_path: Path
) -> None:
    with ConversationStore.open(tmp_path / "history.sqlite3") as store:
        ids = [store.create_conversation(title=t, model="m").id for t in ("Soup", "Taxes", "Yak")]
        for number, conversation_id in enumerate(ids):
            store.trash_conversation(conversation_id)
            store.connection.execute(
                "UPDATE conversations SET deleted_at = ? WHERE id = ?",
                (to_iso(datetime(2026, 3, 1 + number, 12, tzinfo=UTC)), conversation_id),
            )
        page = HistoryPage(store, zone=UTC)
        qtbot.addWidget(page)
        page.show()
        assert page.listed_ids() == ids[::-1]
        assert page.list.item(2).text() == (
            "Soup\nDeleted March 1, 2026 · removed for good March 31, 2026"
        )
        page.list.selectAll()
        page.list.item(1).setSelected(False)  # Taxes stays
        page.delete_button.click()
        box = page.confirmation
        assert box is not None
        assert box.text() == "Delete these 2 chats for good?"
        assert "“Yak” and “Soup”" in box.informativeText()
        [delete] = [b for b in box.buttons() if b.text() == "Delete now"]
        delete.click()
        # The box goes while its page still shows (as in the window: the page stays).
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert page.listed_ids() == [ids[1]]
        assert [c.id for c in store.trashed_conversations()] == [ids[1]]
        assert store.count_conversations() == 0


def test_restoring_a_chat_another_maestrale_purged_restores_nothing_and_says_so(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    with ConversationStore.open(path) as store:
        ids = [store.create_conversation(title=t, model="m").id for t in ("Soup", "Taxes")]
        for conversation_id in ids:
            store.trash_conversation(conversation_id)
        page = HistoryPage(store)
        qtbot.addWidget(page)
        page.show()
        page.list.selectAll()
        with ConversationStore.open(path) as other:  # another window, meanwhile
            assert other.purge_trashed([ids[0]]) == [ids[0]]
        restored: list[str] = []
        page.restored.connect(restored.append)

        page.restore_button.click()

        assert "Nothing was restored" in page.status.message()
        assert restored == []
        # All or nothing: Taxes was not restored alone, and is still listed.
        assert store.get_conversation(ids[1]).deleted_at is not None
        assert page.listed_ids() == [ids[1]]


def _trashed(store: ConversationStore, *titles: str) -> list[str]:
    ids = [store.create_conversation(title=t, model="m").id for t in titles]
    for conversation_id in ids:
        store.trash_conversation(conversation_id)
    return ids


def _chosen_rows(page: HistoryPage) -> list[int]:
    return [row for row in range(page.list.count()) if page.list.item(row).isSelected()]


def test_the_chosen_chats_stay_chosen_when_the_list_is_read_again(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    with ConversationStore.open(path) as store:
        _trashed(store, "A", "B", "C", "D")
        page = HistoryPage(store)
        qtbot.addWidget(page)
        page.show()
        listed = page.listed_ids()
        page.list.clearSelection()
        page.list.item(1).setSelected(True)
        page.list.item(3).setSelected(True)

        page.trash_changed()  # a chat deleted elsewhere: the list is read again
        assert _chosen_rows(page) == [1, 3]
        assert page.list.currentRow() == 1

        lock = HistoryLock(path).take()
        try:
            page.restore_button.click()
        finally:
            lock.release()
        assert "not restored yet" in page.status.message()
        assert _chosen_rows(page) == [1, 3]

        # Enter, again: the very chats chosen are restored, no other.
        qtbot.keyClick(page.list, Qt.Key.Key_Return)
        assert page.listed_ids() == [listed[0], listed[2]]
        assert {c.id for c in store.list_conversations()} == {listed[1], listed[3]}
        # None of the chosen is left: the first row is chosen, for the keyboard.
        assert _chosen_rows(page) == [0]


def test_a_chat_restored_meanwhile_is_kept_and_said_so(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with ConversationStore.open(path) as store:
        soup, taxes = _trashed(store, "Soup", "Taxes")
        page = HistoryPage(store)
        qtbot.addWidget(page)
        page.show()
        page.list.selectAll()
        page.delete_button.click()
        with ConversationStore.open(path) as other:  # an import of a backup, meanwhile
            other.restore_conversation(taxes)
        restored: list[str] = []
        page.restored.connect(restored.append)
        box = page.confirmation
        assert box is not None
        [delete] = [b for b in box.buttons() if b.text() == "Delete now"]
        delete.click()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the box goes

        assert "“Taxes” was restored meanwhile and is kept." in page.status.message()
        assert store.get_conversation(taxes).deleted_at is None
        assert [c.id for c in store.list_conversations()] == [taxes]
        assert restored == [taxes]  # the sidebar lists it again
        assert page.listed_ids() == []  # the list is true: Soup gone, Taxes out
        assert soup not in {c.id for c in store.trashed_conversations()}


def test_the_question_about_many_chats_names_five_and_fits_the_screen(
    qtbot: QtBot, tmp_path: Path
) -> None:
    with ConversationStore.open(tmp_path / "history.sqlite3") as store:
        _trashed(store, *(f"Conversation about topic number {n}" for n in range(150)))
        page = HistoryPage(store)
        qtbot.addWidget(page)
        page.show()
        page.list.selectAll()
        page.delete_button.click()
        box = page.confirmation
        assert box is not None
        assert box.text() == "Delete these 150 chats for good?"
        details = box.informativeText()
        assert details.count("“Conversation about") == 5
        assert " and 145 others are removed from the history file" in details
        screen = QApplication.primaryScreen().availableGeometry()
        assert box.sizeHint().height() < screen.height()
        box.reject()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert len(page.listed_ids()) == 150


def test_a_chat_still_being_answered_is_kept_for_now_and_said_so(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "history.sqlite3"
    with ConversationStore.open(path) as asking, ConversationStore.open(path) as store:
        soup, taxes = _trashed(store, "Soup", "Taxes")
        # `maestrale ask --conversation` writing an answer in Taxes, elsewhere.
        question = asking.add_message(taxes, role=Role.USER, content="Hi", parent_id=None)
        asking.begin_answer(taxes, parent_id=question.id, model="m")
        page = HistoryPage(store)
        qtbot.addWidget(page)
        page.show()
        purged: list[str] = []
        page.purged.connect(purged.append)
        page.list.selectAll()

        page.delete_now(page.selected_ids())

        assert "“Taxes” is still being answered" in page.status.message()
        assert "kept for now" in page.status.message()
        assert page.listed_ids() == [taxes]
        assert [c.id for c in store.trashed_conversations()] == [taxes]
        assert purged == [soup]


def test_the_empty_page_says_how_long_chats_are_kept(qtbot: QtBot, tmp_path: Path) -> None:
    with ConversationStore.open(tmp_path / "history.sqlite3") as store:
        page = HistoryPage(store, kept_for=timedelta(days=7))
        qtbot.addWidget(page)
        page.show()
        assert page.empty.isVisible()
        assert page.empty.text() == "Nothing deleted in the last 7 days."
