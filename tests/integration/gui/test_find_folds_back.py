"""What Ctrl+F unfolds to reach words in the folded part of a long question it folds
again: as the query typed no longer needs it, and when the find bar closes (Esc), the
view kept where it was. What the person unfolded themselves (their "Show all") or a
search hit went to stays whole."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.ui.find_bar import FindBar
from app.ui.transcript.item import MessageItem
from tests.helpers.chats import exchange
from tests.integration.gui.conftest import Gui, in_loop

# A pasted document of 500 lines, folded to its first twelve: "batch 7" on line 2
# (shown folded), "bzz" and "zebra" only on line 400 (folded away).
QUESTION = "\n".join(
    "line 2: batch 7 done"
    if n == 2
    else "line 400: bzz, a zebra"
    if n == 400
    else f"line {n}: nothing of note"
    for n in range(500)
)
ANSWER = "Read it. The zebra is on line 400, and batch 7 is done."
# What follows, long enough that the view can stay anywhere as the question folds.
MORE = ("Anything else?", "\n\n".join(f"Point {n}: all is well." for n in range(60)))


async def _open(gui: Gui) -> tuple[MessageItem, MessageItem]:
    """The long question and its answer, opened: their items."""
    conversation_id, question_id, answer_id, *_ = exchange(
        gui.store, "Pasted", QUESTION, ANSWER, *MORE
    )
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.1)
    transcript = gui.pane.transcript
    question, answer = transcript.item(question_id), transcript.item(answer_id)
    assert question is not None
    assert answer is not None
    assert question.fold_button is not None
    assert question.fold_button.text() == "Show all (500 lines)"
    return question, answer


def _find(gui: Gui, text: str) -> FindBar:
    """Ctrl+F, ``text`` typed in its field: the bar."""
    bar = gui.pane.find_bar
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(bar.field, text)
    return bar


async def _esc(gui: Gui, bar: FindBar) -> None:
    """Esc in the find bar: closed."""
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
    await gui.settle(0.05)
    assert not bar.isVisible()


def _whole(question: MessageItem) -> bool:
    fold = question.fold_button
    assert fold is not None
    return fold.text() == "Show less"


def _height_kept(gui: Gui, item: MessageItem) -> bool:
    transcript = gui.pane.transcript
    return transcript._by_id[item.message.id].height == item.height_for_width(
        transcript._column_width()
    )


@in_loop
async def test_typing_on_folds_again_what_an_earlier_letter_unfolded(gui: Gui) -> None:
    question, _ = await _open(gui)
    bar = gui.pane.find_bar
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(bar.field, "bz")  # only on line 400: shown whole to show it
    assert bar.status.text() == "1 of 1"
    assert _whole(question)
    for _ in range(2):
        gui.qtbot.keyClick(bar.field, Qt.Key.Key_Backspace)
    gui.qtbot.keyClicks(bar.field, "batch 7")  # on line 2, shown folded
    assert bar.status.text() == "1 of 2"
    assert not _whole(question)  # folded again: nothing of "batch 7" in its folded part
    assert _height_kept(gui, question)
    marks = question.text.extraSelections()
    assert [m.cursor.selectedText() for m in marks] == ["batch 7"]
    # Still needed while the query has words in the folded part.
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    gui.qtbot.keyClicks(bar.field, "zebra")
    assert bar.status.text() == "1 of 2"
    assert _whole(question)
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)  # on to the answer's
    assert bar.status.text() == "2 of 2"
    assert _whole(question)


@in_loop
async def test_esc_folds_again_what_find_unfolded_the_view_kept(gui: Gui) -> None:
    question, answer = await _open(gui)
    transcript = gui.pane.transcript
    bar = _find(gui, "zebra")
    assert bar.status.text() == "1 of 2"  # line 400 of the question
    assert _whole(question)
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Return)
    assert bar.status.text() == "2 of 2"  # the answer's, in view
    bar_value = transcript.verticalScrollBar().value
    answer_at = transcript._by_id[answer.message.id].y - bar_value()
    assert 0 <= answer_at < transcript.viewport().height()

    await _esc(gui, bar)
    assert not _whole(question)  # 500 lines no longer in the way
    assert _height_kept(gui, question)
    # The answer the person was reading has not moved on the screen.
    assert transcript._by_id[answer.message.id].y - bar_value() == answer_at
    assert question.text.extraSelections() == answer.text.extraSelections() == []


@in_loop
async def test_esc_inside_the_unfolded_question_keeps_its_end_in_sight(gui: Gui) -> None:
    question, _ = await _open(gui)
    transcript = gui.pane.transcript
    bar = _find(gui, "bzz")
    assert _whole(question)
    await _esc(gui, bar)
    assert not _whole(question)
    entry = transcript._by_id[question.message.id]
    top = transcript.verticalScrollBar().value()
    # The view, which was deep inside it, shows the folded question's end.
    assert top <= entry.y + entry.height <= top + transcript.viewport().height()


@in_loop
async def test_esc_leaves_whole_what_the_person_unfolded(gui: Gui) -> None:
    question, _ = await _open(gui)
    bar = _find(gui, "bzz")
    assert _whole(question)
    fold = question.fold_button
    assert fold is not None
    fold.click()  # "Show less", then "Show all": the person's own choice
    await gui.settle(0.05)
    fold.click()
    await gui.settle(0.05)
    assert _whole(question)
    await _esc(gui, bar)
    assert _whole(question)


@in_loop
async def test_a_search_hit_that_unfolded_a_question_keeps_it_through_find(gui: Gui) -> None:
    conversation_id, question_id, _ = exchange(gui.store, "Pasted", QUESTION, ANSWER)
    gui.window._on_search_result(conversation_id, question_id, "bzz")
    await gui.settle(0.1)
    question = gui.pane.transcript.item(question_id)
    assert question is not None
    assert _whole(question)
    bar = _find(gui, "bzz")
    gui.qtbot.keyClick(bar.field, Qt.Key.Key_Backspace)
    gui.qtbot.keyClicks(bar.field, "atch")  # "batch": not in its folded part
    assert _whole(question)
    await _esc(gui, bar)
    assert _whole(question)
