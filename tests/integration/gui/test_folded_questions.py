"""A long question (a pasted document) shows folded to its first lines, with a button
that shows it all, as a long tool result does; Ctrl+F and a search hit in its folded
part unfold it; copying and editing it take the whole text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.messages import Role
from app.ui.transcript.folding import QUESTION_PREVIEW_LINES, FoldButton
from app.ui.transcript.item import MessageItem
from tests.helpers.chats import exchange
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.folded import marks_by_line, tab_to

# Forty lines: folded to twelve. "zebra" on line 3 (shown folded) and on line 25 (not).
QUESTION = "\n".join(
    f"line {n}: " + ("a zebra here" if n in (3, 25) else "nothing of note") for n in range(40)
)


def _open(gui: Gui, question: str) -> tuple[str, MessageItem]:
    """A conversation of ``question`` and a short answer, opened: its id, and the
    question's item."""
    conversation_id, question_id, _ = exchange(gui.store, "Pasted", question, "Noted.")
    gui.window.open_conversation(conversation_id)
    return conversation_id, _question(gui, question_id)


def _question(gui: Gui, question_id: str) -> MessageItem:
    item = gui.pane.transcript.item(question_id)
    assert item is not None
    assert item.message.role is Role.USER
    return item


async def _folded(gui: Gui) -> tuple[MessageItem, FoldButton]:
    """The long question opened, folded: its item and its button."""
    _, question = _open(gui, QUESTION)
    await gui.settle(0.1)
    fold = question.fold_button
    assert fold is not None
    assert fold.text() == "Show all (40 lines)"
    return question, fold


@in_loop
async def test_a_long_question_shows_folded_and_unfolds_by_keyboard(gui: Gui) -> None:
    _, question = _open(gui, QUESTION)
    await gui.settle(0.1)
    shown = question.text.toPlainText().split("\n")
    assert shown == QUESTION.split("\n")[:QUESTION_PREVIEW_LINES]  # plain text, folded
    fold = question.fold_button
    assert fold is not None
    assert fold.text() == "Show all (40 lines)"
    assert fold.accessibleName() == "Show all of the question (40 lines)"
    assert fold.isVisibleTo(question)
    assert fold.focusPolicy() & Qt.FocusPolicy.TabFocus
    folded = question.height()
    transcript = gui.pane.transcript

    assert tab_to(gui, fold, question.text)  # Tab reaches it from the question's text
    gui.qtbot.keyClick(fold, Qt.Key.Key_Return)
    await gui.settle(0.05)
    assert fold.text() == "Show less"
    assert fold.accessibleName() == "Show less of the question"
    assert question.text.toPlainText() == QUESTION
    assert question.height() > folded
    assert transcript._by_id[question.message.id].height == question.height()

    gui.qtbot.keyClick(fold, Qt.Key.Key_Space)  # folded again
    await gui.settle(0.05)
    assert fold.text() == "Show all (40 lines)"
    assert question.text.toPlainText() == "\n".join(QUESTION.split("\n")[:QUESTION_PREVIEW_LINES])
    assert question.height() == folded


@in_loop
async def test_a_long_question_folded_is_copied_and_edited_whole(gui: Gui) -> None:
    question, fold = await _folded(gui)
    question.copy_markdown()
    assert QApplication.clipboard().text() == QUESTION
    question.start_editing()
    await gui.settle(0.05)
    assert question.edited_text == QUESTION
    assert question.fold_button is None  # the editor holds it all: no "Show all" under it
    assert not fold.isVisibleTo(question)
    question._cancel_edit()
    await gui.settle(0.05)
    assert question.fold_button is fold
    assert fold.isVisibleTo(question)
    assert question.text.toPlainText() != QUESTION  # folded still


@in_loop
async def test_one_endless_line_is_folded_by_its_characters(gui: Gui) -> None:
    blob = "QUJDREVGR0hJSktMTU5PUA" * 1000  # 22,000 characters, no space, no line break
    _, question = _open(gui, blob)
    await gui.settle(0.1)
    fold = question.fold_button
    assert fold is not None
    assert fold.text() == "Show all (22,000 characters)"
    shown = question.text.toPlainText()
    assert shown.endswith("…")
    assert len(shown) < 1000


@in_loop
async def test_a_short_question_shows_whole_without_a_button(gui: Gui) -> None:
    text = "\n".join(f"line {n}" for n in range(20))
    _, question = _open(gui, text)
    await gui.settle(0.1)
    assert question.fold_button is None
    assert question.text.toPlainText() == text


@in_loop
async def test_find_goes_to_words_in_the_folded_part_of_a_question(gui: Gui) -> None:
    question, fold = await _folded(gui)
    bar = gui.pane.find_bar
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(bar.field, "zebra")
    assert bar.status.text() == "1 of 2"  # line 3, and line 25 folded away
    assert fold.text() == "Show all (40 lines)"
    assert marks_by_line(question) == [("line 3", True)]
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == "2 of 2"
    assert fold.text() == "Show less"  # shown whole to show it
    assert marks_by_line(question) == [("line 3", False), ("line 25", True)]


@in_loop
async def test_a_search_hit_in_the_folded_part_of_a_question_shows_it_marked(gui: Gui) -> None:
    text = QUESTION.replace("line 25: a zebra here", "line 25: a striped okapi")
    conversation_id, question_id, _ = exchange(gui.store, "Pasted", text, "Noted.")
    gui.window._on_search_result(conversation_id, question_id, "striped okapi")
    await gui.settle(0.1)
    question = _question(gui, question_id)
    assert question.fold_button is not None
    assert question.fold_button.text() == "Show less"
    marks = question.text.extraSelections()
    assert [m.cursor.selectedText() for m in marks] == ["striped", "okapi"]
