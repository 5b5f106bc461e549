"""A long run of text without a space (a pasted blob) is wrapped anywhere while it is
there: wrapped at word boundaries its layout took seconds (see app/ui/unbroken_runs)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.domain.messages import Role
from app.ui.composer import Composer
from app.ui.unbroken_runs import LONG_RUN, UnbrokenRunWrapping, has_long_run
from tests.helpers.answer_view import answer_item, answer_view

ANYWHERE = QTextOption.WrapMode.WrapAnywhere
USUAL = QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere
BLOB = "QUJDREVGR0hJSktMTU5PUA" * (3 * LONG_RUN // 22)  # base64-like, no space at all


def test_only_a_run_without_spaces_of_the_length_counts() -> None:
    assert has_long_run("x" * LONG_RUN)
    assert has_long_run(f"Here it is:\n{BLOB}\nthanks")
    assert not has_long_run("x" * (LONG_RUN - 1))
    assert not has_long_run("word " * LONG_RUN)  # long, but with spaces


def _paste(field: QPlainTextEdit, text: str) -> None:
    source = QMimeData()
    source.setText(text)
    field.insertFromMimeData(source)


def test_the_message_field_wraps_a_pasted_blob_anywhere_and_as_usual_once_it_goes(
    qtbot: QtBot,
) -> None:
    composer = Composer()  # its field has a document of its own (aligned paragraphs)
    qtbot.addWidget(composer)
    field = composer.edit
    field.resize(500, 200)
    field.insertPlainText("Decode this please: ")
    assert field.wordWrapMode() == USUAL
    _paste(field, BLOB)
    assert field.wordWrapMode() == ANYWHERE
    assert field.toPlainText() == f"Decode this please: {BLOB}"  # nothing lost
    line_count = field.document().firstBlock().layout().lineCount()
    assert line_count > len(BLOB) // 200  # wrapped at the field's width, not one line
    field.insertPlainText(" and more words")  # typed on: still anywhere, text kept
    assert field.wordWrapMode() == ANYWHERE
    cursor = field.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText("A short question")
    qtbot.waitUntil(lambda: field.wordWrapMode() == USUAL)  # once the change is over


def test_a_question_holding_a_blob_is_wrapped_anywhere_and_a_plain_one_as_usual(
    qtbot: QtBot,
) -> None:
    shown = {}
    for text in (f"What is this?\n\n{BLOB}", "What is this? " * 40):
        item = answer_item(qtbot, text, role=Role.USER)
        # Folded, the blob shows a few hundred characters of it, wrapped as the whole
        # (anywhere): at Qt's breaks each "/" of base64 cut a line short (qa25).
        assert (item.fold_button is not None) == (BLOB in text)
        if BLOB in text:
            assert item.text.wordWrapMode() == ANYWHERE
        item.show_whole()  # "Show all"
        item.height_for_width(600)
        shown[text[:20]] = item.text.wordWrapMode()
        assert item.text.document().size().width() <= item.text.width() + 1  # within
    assert list(shown.values()) == [ANYWHERE, USUAL]


def test_a_folded_blob_wraps_anywhere_folded_and_whole_and_a_short_text_again_as_usual(
    qtbot: QtBot,
) -> None:
    blob = "QUJD/REVG+R0hJ/" * 1000  # base64's signs: Qt breaks a line after each "/"
    item = answer_item(qtbot, f"What is this?\n{blob}", role=Role.USER)
    assert item.fold_button is not None
    assert item.text.wordWrapMode() == ANYWHERE  # folded: its first 300 signs
    item.show_whole()
    assert item.text.wordWrapMode() == ANYWHERE  # whole: a run of 15,000
    item.fold_again()
    assert item.text.wordWrapMode() == ANYWHERE
    # The widget taken again for another question (the transcript reuses them).
    item.bind(replace(item.message, content="What is this? A short question."), (0, 1))
    qtbot.waitUntil(lambda: item.text.wordWrapMode() == USUAL)


def test_an_answer_holding_a_blob_is_wrapped_anywhere_until_rendered_without_it(
    qtbot: QtBot,
) -> None:
    item = answer_item(qtbot, f"The file, encoded:\n\n{BLOB}\n\nDone.")
    assert item.text.wordWrapMode() == ANYWHERE
    view, document = answer_view(qtbot, 10)
    document.set_markdown(f"Here:\n\n```\n{BLOB}\n```")  # in a code block too
    assert view.wordWrapMode() == ANYWHERE
    document.set_markdown("A plain answer, with words.")
    qtbot.waitUntil(lambda: view.wordWrapMode() == USUAL)


def test_a_streamed_answer_switches_when_its_run_grows_long(qtbot: QtBot) -> None:
    view, document = answer_view(qtbot, 10)
    document.set_markdown("")
    document.append("Encoded: ")
    document.flush()
    assert view.wordWrapMode() == USUAL
    for start in range(0, len(BLOB), 1000):  # as the server sends it, piece by piece
        document.append(BLOB[start : start + 1000])
        document.flush()
    assert view.wordWrapMode() == ANYWHERE


def test_a_settings_field_given_the_guard_follows_its_text(qtbot: QtBot) -> None:
    field = QPlainTextEdit()
    qtbot.addWidget(field)
    UnbrokenRunWrapping(field)  # kept by the field, as the settings pages do
    field.setPlainText(BLOB)
    assert field.wordWrapMode() == ANYWHERE
    field.clear()
    qtbot.waitUntil(lambda: field.wordWrapMode() == USUAL)


def test_only_a_run_that_long_counts_however_many_nearly_as_long_words_there_are(
    qtbot: QtBot,
) -> None:
    # "\S{5000,}" tried every place inside each word and read on to its end: 200,000
    # characters of 4,999-character words took 2 s to look at, and again at each key.
    words = " ".join(["w" * (LONG_RUN - 1)] * 40)
    assert not has_long_run(words)
    field = QPlainTextEdit()
    qtbot.addWidget(field)
    UnbrokenRunWrapping(field)
    field.setPlainText(words)
    field.moveCursor(QTextCursor.MoveOperation.End)
    field.insertPlainText("w")  # its last word one longer: now long enough
    assert field.wordWrapMode() == ANYWHERE


def test_a_space_typed_inside_the_run_gives_the_usual_wrapping_back(qtbot: QtBot) -> None:
    field = QPlainTextEdit()
    qtbot.addWidget(field)
    UnbrokenRunWrapping(field)
    field.setPlainText("x" * (LONG_RUN + 1000))
    assert field.wordWrapMode() == ANYWHERE
    cursor = field.textCursor()
    cursor.setPosition(3000)
    cursor.insertText(" ")  # two runs of 3,000: neither long
    qtbot.waitUntil(lambda: field.wordWrapMode() == USUAL)


def test_a_streamed_code_block_holding_a_blob_is_not_laid_out_again_at_each_frame(
    qtbot: QtBot,
) -> None:
    # Each frame takes the open code block out and puts it back: the wrapping switched
    # back and forth twice a frame, each switch a layout of the whole answer.
    view, document = answer_view(qtbot, 10)
    switches = []
    original = view.setWordWrapMode
    view.setWordWrapMode = lambda mode: (switches.append(mode), original(mode))  # type: ignore[method-assign]
    document.set_markdown("")
    document.append("Here:\n\n```\n")
    for start in range(0, len(BLOB), 500):
        document.append(BLOB[start : start + 500])
        document.flush()
        qtbot.wait(1)  # the frames of a stream come one event-loop turn apart
    assert view.wordWrapMode() == ANYWHERE
    assert switches == [ANYWHERE]
