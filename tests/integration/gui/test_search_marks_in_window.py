"""The open chat's search marks follow the search field: other words searched take
the marks of the words before away, Ctrl+F's stay."""

from __future__ import annotations

from app.ui.transcript.item import MessageItem
from tests.helpers.chats import exchange
from tests.integration.gui.conftest import Gui, in_loop


def _marked(item: MessageItem) -> list[str]:
    return [selection.cursor.selectedText() for selection in item.text.extraSelections()]


@in_loop
async def test_changing_the_query_takes_the_old_marks_away(gui: Gui) -> None:
    conversation_id, question_id, _ = exchange(
        gui.store, "Trip", "Which Lyon train leaves at noon?", "The TGV to Paris."
    )
    sidebar = gui.window.sidebar
    sidebar.model.reload()
    sidebar.search_field.setText("lyon train")
    await gui.until(lambda: sidebar.results_model.rowCount() == 1)
    sidebar.results_view.choose_current()
    await gui.settle(0.1)
    assert gui.pane.conversation_id == conversation_id
    item = gui.pane.transcript.item(question_id)
    assert item is not None
    assert _marked(item) == ["Lyon", "train"]

    gui.qtbot.keyClicks(sidebar.search_field, "s")  # "lyon trains": other words
    assert _marked(item) == []
    await gui.until(lambda: sidebar.results_model.rowCount() == 0)
    assert _marked(item) == []  # and they do not come back


@in_loop
async def test_ctrl_f_marks_stay_while_the_search_changes(gui: Gui) -> None:
    conversation_id, question_id, _ = exchange(
        gui.store, "Trip", "Which Lyon train leaves at noon?", "The TGV to Paris."
    )
    gui.window.open_conversation(conversation_id)
    await gui.settle(0.05)
    gui.window.actions_by_id["find_in_conversation"].trigger()
    gui.qtbot.keyClicks(gui.pane.find_bar.field, "noon")
    item = gui.pane.transcript.item(question_id)
    assert item is not None
    assert _marked(item) == ["noon"]
    gui.window.sidebar.search_field.setText("paris")
    assert _marked(item) == ["noon"]
