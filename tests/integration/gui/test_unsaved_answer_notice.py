"""An answer the full disk refuses while it streams: the window says so at once, ends the
answer as ended, asks before quitting, and the notice goes once the answer is saved. An
answer whose end meets a history another program holds (its write lock taken with BEGIN
EXCLUSIVE) ends so too, within seconds, and is saved whole once the lock goes."""

from __future__ import annotations

import sqlite3

import pytest
import shiboken6
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from app.domain.messages import MessageStatus, Role
from app.ui.toast import Toast
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import answer_text, last_item
from tests.integration.gui.test_history_trouble import (
    WORDS,
    FullDisk,
    answer_cut_by_full_disk,
    pending_shown,
    saved_whole_after_shutdown,
    streamed_into_a_full_disk,
    streamed_words,
)

DISK_FULL = (
    "Maestrale could not save this answer: the disk is full. It is kept in memory and "
    "saved as soon as there is room: free some space, or copy the answer now."
)


BUSY = (
    "Maestrale could not save this answer: another program is using the history file. "
    "It is kept in memory and saved as soon as the file is free: close that program, "
    "or copy the answer now."
)


def notices(gui: Gui, text: str = DISK_FULL) -> list[Toast]:
    return [t for t in gui.window.findChildren(Toast) if t.is_open and t.text == text]


@in_loop
async def test_a_full_disk_is_said_at_once_and_the_answer_ends_as_ended(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: the whole answer came but the window stayed in Stop for a minute, then
    # blamed the server ("Nothing new for 17 s"); only the log said the disk was full.
    disk = await streamed_into_a_full_disk(gui, monkeypatch)
    await gui.until(lambda: bool(notices(gui)))
    conversation_id = gui.pane.conversation_id
    assert conversation_id is not None
    await gui.until(lambda: not gui.application.controller.is_streaming(conversation_id))
    await gui.settle()
    assert gui.pane.composer.button.text() == "Send"
    assert not pending_shown(gui)
    assert answer_text(gui).strip() == "".join(WORDS).strip()
    assert len(notices(gui)) == 1
    assert gui.store.current_path(conversation_id)[-1].status is MessageStatus.STREAMING
    disk.full = False  # space freed
    await gui.until(
        lambda: gui.store.current_path(conversation_id)[-1].status is MessageStatus.COMPLETE
    )
    assert gui.store.current_path(conversation_id)[-1].content == "".join(WORDS)
    await gui.until(lambda: not notices(gui))
    shown = last_item(gui, Role.ASSISTANT)
    assert shown.message.status is MessageStatus.COMPLETE
    assert not shown._status.isVisible()


@in_loop
async def test_the_notice_s_copy_says_what_it_copied(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The notice went at the click, with no sign that anything was copied.
    await answer_cut_by_full_disk(gui, monkeypatch)
    (notice,) = notices(gui)
    copy = notice.action_button
    assert copy is not None
    copy.click()
    assert QGuiApplication.clipboard().text() == "".join(WORDS)
    said = [t.text for t in gui.window.findChildren(Toast) if t.is_open]
    assert said == [f"Copied to the clipboard ({len(''.join(WORDS))} characters)."]


def button(box: QMessageBox, text: str) -> QPushButton:
    found = [b for b in box.buttons() if b.text() == text]
    assert len(found) == 1, [b.text() for b in box.buttons()]
    pushed = found[0]
    assert isinstance(pushed, QPushButton)
    return pushed


async def quit_question(gui: Gui, why: str = "the disk is full") -> QMessageBox:
    gui.window.quit_app()  # Ctrl+Q
    await gui.settle()
    box = gui.application.unsaved_notice.question
    assert box is not None
    assert box.isVisible()
    assert "Quit without saving the answer?" in box.text()
    assert why in box.informativeText()
    assert gui.window.isVisible()
    assert not gui.application.closed.is_set()
    return box


@in_loop
async def test_quitting_with_an_answer_not_saved_asks_first(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: Ctrl+Q hid the window at once; the process stayed, windowless, until the
    # disk had room, and a kill meanwhile lost the answer's end with no word said.
    disk = await answer_cut_by_full_disk(gui, monkeypatch)  # not saved again meanwhile
    conversation_id, path = gui.pane.conversation_id, gui.store.path
    assert conversation_id is not None
    box = await quit_question(gui)
    button(box, "Copy the answer").click()
    await gui.settle()
    assert QGuiApplication.clipboard().text() == "".join(WORDS)
    # Copy said nothing and closed the question: it stays, and says what was copied.
    assert gui.application.unsaved_notice.question is box
    assert box.isVisible()
    copied = f"Copied to the clipboard ({len(''.join(WORDS))} characters)."
    assert copied in box.informativeText()
    assert "so far" not in box.informativeText()
    assert gui.window.isVisible()
    button(await quit_question(gui), "Cancel").click()
    await gui.settle()
    assert gui.window.isVisible()
    assert not gui.application.closed.is_set()
    disk.full = False  # space freed, not tried yet: quitting saves it
    button(await quit_question(gui), "Quit anyway").click()
    await gui.until(gui.application.closed.is_set)
    await saved_whole_after_shutdown(gui, conversation_id, path)


@in_loop
async def test_copying_keeps_the_question_s_width_and_its_buttons_in_place(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA: the question got about 35 px narrower when it said what was copied, and its
    # buttons moved under the pointer.
    await answer_cut_by_full_disk(gui, monkeypatch)
    box = await quit_question(gui)
    copy = button(box, "Copy the answer")
    width = box.width()
    places = [(b.mapToGlobal(b.rect().topLeft()).x(), b.width()) for b in box.buttons()]
    copy.click()
    await gui.settle()
    assert "Copied to the clipboard" in box.informativeText()
    assert copy.text() == "Copy again"
    assert box.width() == width
    assert [(b.mapToGlobal(b.rect().topLeft()).x(), b.width()) for b in box.buttons()] == places
    label = box.findChild(QLabel, "qt_msgbox_informativelabel")
    assert isinstance(label, QLabel)
    assert label.height() >= label.heightForWidth(label.width())  # all of the text shows
    button(box, "Cancel").click()
    await gui.settle()


@in_loop
async def test_the_open_question_closes_and_the_app_quits_once_the_answer_is_saved(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA: the question stayed, still saying the answer was not saved, after the space was
    # freed and the answer saved; its Copy then put an empty text on the clipboard,
    # wiping what was there, and said "Copied to the clipboard (0 characters)".
    disk = await streamed_into_a_full_disk(gui, monkeypatch)  # tried again every 0.1 s
    conversation_id, path = gui.pane.conversation_id, gui.store.path
    assert conversation_id is not None
    await gui.until(lambda: not gui.application.controller.is_streaming(conversation_id))
    await gui.settle()
    QGuiApplication.clipboard().setText("What the person had copied")
    box = await quit_question(gui)
    copy = button(box, "Copy the answer")
    copied: list[str] = []

    def changed() -> None:
        copied.append(QGuiApplication.clipboard().text())

    QGuiApplication.clipboard().dataChanged.connect(changed)
    try:
        disk.full = False  # space freed: the next try saves the answer
        await gui.until(lambda: not gui.application.controller.unsaved_answers())
        await gui.settle()
        if shiboken6.isValid(copy) and copy.isVisible():
            copy.click()  # what the person would do, had the question stayed
            await gui.settle()
    finally:
        QGuiApplication.clipboard().dataChanged.disconnect(changed)
    assert copied == []
    assert QGuiApplication.clipboard().text() == "What the person had copied"
    assert gui.application.unsaved_notice.question is None
    await gui.until(gui.application.closed.is_set)  # quit, as asked
    await saved_whole_after_shutdown(gui, conversation_id, path)


@in_loop
async def test_copying_an_answer_still_coming_says_only_its_start_was_copied(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: Copy took what had come so far without a word, and closed the question.
    FullDisk(gui.store, monkeypatch).full = True
    gui.server.enqueue(Reply(chunks=WORDS, stall_after=10, stall_seconds=30.0))  # held
    await gui.ask("Count")
    await gui.until(lambda: bool(notices(gui)))
    box = await quit_question(gui)
    copy = button(box, "Copy the answer")
    conversation_id = gui.pane.conversation_id
    assert conversation_id is not None
    assert gui.application.controller.is_streaming(conversation_id)
    copy.click()
    await gui.settle()
    so_far = QGuiApplication.clipboard().text()
    assert so_far
    assert "".join(WORDS).startswith(so_far)
    assert gui.application.unsaved_notice.question is box
    assert box.isVisible()
    assert (
        f"only the part received so far ({len(so_far)} characters), as the answer is "
        "still coming" in box.informativeText()
    )
    assert copy.text() == "Copy again"
    button(box, "Cancel").click()
    await gui.settle()
    assert gui.application.unsaved_notice.question is None
    assert not gui.application.closed.is_set()
    gui.application.controller.stop(conversation_id)


@in_loop
async def test_quitting_with_every_answer_saved_asks_nothing(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="Saved."))
    await gui.ask("Hello?")
    await gui.until(gui.answered)
    gui.window.quit_app()
    await gui.until(gui.application.closed.is_set)
    assert gui.application.unsaved_notice.question is None


@in_loop
async def test_continue_waits_until_the_answer_is_saved(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA: Continue on the answer the full disk kept from the history carried on from the
    # part saved; the answer showed that part and the new words, its end hidden.
    await streamed_into_a_full_disk(gui, monkeypatch)
    conversation_id = gui.pane.conversation_id
    assert conversation_id is not None
    await gui.until(lambda: not gui.application.controller.is_streaming(conversation_id))
    await gui.settle()
    asked = len(gui.server.chat_requests)
    said: list[str] = []
    gui.application.controller.refused.connect(said.append)
    gui.application.controller.continue_answer(last_item(gui, Role.ASSISTANT).message.id)
    await gui.settle()
    assert said == [
        "This answer is not saved yet (the disk is full): Continue can carry it on once "
        "it is. Retry asks the model again."
    ]
    assert len(gui.server.chat_requests) == asked
    assert answer_text(gui).strip() == "".join(WORDS).strip()


@pytest.fixture
def with_tray(gui_options: dict[str, object]) -> None:
    gui_options["tray_available"] = lambda: True


@pytest.mark.qt_log_ignore("systemTrayWindowChanged")  # no tray where Xvfb runs
@pytest.mark.usefixtures("with_tray")
@in_loop
async def test_the_tray_s_quit_asks_too(gui: Gui, monkeypatch: pytest.MonkeyPatch) -> None:
    # QA: Ctrl+Q and closing asked, the tray's Quit quit at once.
    await streamed_into_a_full_disk(gui, monkeypatch)
    await gui.until(lambda: bool(notices(gui)))
    tray = gui.application.desktop.tray
    assert tray is not None
    gui.window.hide()
    tray.quit.emit()
    await gui.settle()
    box = gui.application.unsaved_notice.question
    assert box is not None
    assert box.isVisible()
    assert gui.window.isVisible()
    assert not gui.application.closed.is_set()


@in_loop
async def test_an_answer_the_locked_history_refuses_ends_and_is_saved_once_it_frees(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA: the whole answer came, but the window stayed in Stop for a minute (the end's
    # save was tried again and again on a history another program held) before it ended.
    # Any write waiting the usual time for the lock would now wait a minute, longer than
    # this test waits for the answer to end.
    monkeypatch.setattr("app.store.db.BUSY_TIMEOUT_MS", 60_000)
    gui.store.connection.execute("PRAGMA busy_timeout = 60000")
    monkeypatch.setattr("app.answering.recorder.RETRY_SAVE_AFTER", 0.2, raising=False)
    gui.server.enqueue(Reply(chunks=WORDS, delay=0.04))
    await gui.ask("Count")
    conversation_id = gui.pane.conversation_id
    assert conversation_id is not None
    await gui.until(lambda: streamed_words(gui) >= 3)
    other = sqlite3.connect(gui.store.path, isolation_level=None)  # another program
    other.execute("BEGIN EXCLUSIVE")
    try:
        await gui.until(lambda: bool(notices(gui, BUSY)))
        await gui.until(
            lambda: not gui.application.controller.is_streaming(conversation_id), timeout=20
        )
        await gui.settle()
        assert gui.pane.composer.button.text() == "Send"
        assert not pending_shown(gui)
        assert answer_text(gui).strip() == "".join(WORDS).strip()  # all of it, still shown
        assert len(notices(gui, BUSY)) == 1
        assert gui.application.controller.unsaved_answer(conversation_id) == "".join(WORDS)
        assert gui.store.current_path(conversation_id)[-1].status is MessageStatus.STREAMING
        # Quitting meanwhile: the advice is the lock's, not a full disk's.
        box = await quit_question(gui, why="another program is using the history file")
        assert "close the other program using the history file" in box.informativeText()
        assert "free some space" not in box.informativeText()
        button(box, "Cancel").click()
        await gui.settle()
    finally:
        other.execute("COMMIT")
        other.close()
    await gui.until(
        lambda: gui.store.current_path(conversation_id)[-1].status is MessageStatus.COMPLETE
    )
    stored = sqlite3.connect(gui.store.path)
    try:
        content, status = stored.execute(
            "SELECT content, status FROM messages WHERE conversation_id = ? AND role = ?"
            " ORDER BY seq DESC LIMIT 1",
            (conversation_id, "assistant"),
        ).fetchone()
    finally:
        stored.close()
    assert (content, status) == ("".join(WORDS), MessageStatus.COMPLETE.value)
    await gui.until(lambda: not notices(gui, BUSY))
    assert gui.application.controller.unsaved_answers() == []
