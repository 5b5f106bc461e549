"""A conversation left while its request waits for the first words, and opened again:
the line where the answer will be is there again, saying what it waits for. It showed
the question alone, as if the question had been forgotten, until the words came."""

from __future__ import annotations

from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_continue_in_place import (
    UNDER_THE_TEXT,
    below_the_text,
    cut_at_the_limit,
    last_answer,
    no_word_yet,
)


def pending(gui: Gui) -> str:
    """What the waiting line says ("": none shows)."""
    label = gui.pane.transcript._pending
    return label.text() if label is not None and label.isVisible() else ""


async def leave_and_come_back(gui: Gui) -> None:
    conversation_id = gui.pane.conversation_id
    assert conversation_id is not None
    gui.window.new_chat()
    await gui.settle()
    assert pending(gui) == ""  # the new chat waits for nothing
    gui.window.open_conversation(conversation_id)
    await gui.settle()


@in_loop
async def test_a_question_waiting_for_its_answer_shows_the_waiting_line_again(gui: Gui) -> None:
    gui.server.enqueue(no_word_yet())
    await gui.ask("Anyone there?")
    await gui.until(lambda: pending(gui) == "Mistral is thinking…")
    await leave_and_come_back(gui)
    assert pending(gui) == "Mistral is thinking…"
    assert gui.pane.composer.button.text() == "Stop"  # as before leaving
    unanswered = gui.pane.transcript._unanswered
    assert unanswered is None or not unanswered.isVisible()  # it is being answered


@in_loop
async def test_a_rate_limited_request_shows_its_countdown_again(gui: Gui) -> None:
    gui.server.enqueue(Reply(status=429, retry_after="20"), no_word_yet())
    await gui.ask("Busy?")
    await gui.until(lambda: "Asking again in" in pending(gui))
    await leave_and_come_back(gui)
    said = pending(gui)
    assert said.startswith("Rate limit reached (429). ")
    seconds = int(said.split("Asking again in ")[1].split(" s")[0])
    assert 15 <= seconds <= 20  # the time left, not the whole wait again


@in_loop
async def test_a_continue_waiting_for_its_first_words_shows_them_coming_again(
    gui: Gui,
) -> None:
    item = await cut_at_the_limit(gui)
    gui.server.enqueue(no_word_yet())
    item._continue.click()
    await gui.until(lambda: pending(gui) != "")
    await leave_and_come_back(gui)
    item = last_answer(gui)
    assert item.streaming  # the answer being written, its waiting line under its text
    assert pending(gui) == "Mistral is thinking…"
    assert 0 <= below_the_text(gui, item) <= UNDER_THE_TEXT
