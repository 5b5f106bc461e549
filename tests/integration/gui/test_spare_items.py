"""Message widgets are built at idle, ahead of need, and shown with their message."""

from __future__ import annotations

import pytest

from app.domain.messages import Message, MessageStatus, Role, utc_now
from app.ui.transcript.item import MessageItem
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop


def ready(gui: Gui) -> frozenset[Role]:
    return gui.pane.transcript._spares.ready


@in_loop
async def test_a_new_exchange_is_shown_in_the_spares_built_at_idle(gui: Gui) -> None:
    await gui.until(lambda: ready(gui) == {Role.USER, Role.ASSISTANT})
    spares = dict(gui.pane.transcript._spares._items)
    long_text = "Le **mistral** souffle." + " Il vient du nord, froid et sec." * 40
    gui.server.enqueue(Reply(text=long_text, model="mistral-large-2411"))
    gui.server.enqueue(Reply(text="Title"))
    await gui.ask("Where does the wind come from?")
    await gui.until(gui.answered)
    transcript = gui.pane.transcript
    question, answer = (transcript.item(i) for i in transcript.message_ids[-2:])
    assert question is spares[Role.USER]
    assert answer is spares[Role.ASSISTANT]
    assert question.text.toPlainText() == "Where does the wind come from?"
    assert answer.text.toPlainText().startswith("Le mistral souffle. Il vient du nord")
    # As tall as a widget built for it (a spare laid out empty must not keep that size).
    width = transcript._column_width()
    fresh = transcript._new_item(answer.message, (0, 1), width)
    assert answer.height_for_width(width) == fresh.height_for_width(width) > 150
    fresh.deleteLater()
    assert "mistral-large-2411" in answer._header.text()  # nothing of the blank left
    assert answer.isVisible()
    assert question.isVisible()
    # Used once: new spares follow, other widgets than those on screen.
    await gui.until(lambda: ready(gui) == {Role.USER, Role.ASSISTANT})
    assert not set(transcript._spares._items.values()) & {question, answer}


@in_loop
async def test_spares_follow_the_theme(gui: Gui) -> None:
    transcript = gui.pane.transcript
    await gui.until(lambda: ready(gui) == {Role.USER, Role.ASSISTANT})
    transcript.set_dark(True)
    await gui.until(lambda: ready(gui) == {Role.USER, Role.ASSISTANT})
    assert all(item.dark for item in transcript._spares._items.values())


@in_loop
async def test_an_answer_that_stopped_shows_why_in_a_spare(gui: Gui) -> None:
    await gui.until(lambda: ready(gui) == {Role.USER, Role.ASSISTANT})
    gui.server.enqueue(Reply(text="Half an answer and then", cut_after=3))
    await gui.ask("Go")
    await gui.until(gui.answered)
    answer = gui.pane.transcript.item(gui.pane.transcript.message_ids[-1])
    assert answer.message.status is MessageStatus.ERROR  # cut by the network
    assert answer._status is not None
    assert answer._status.isVisible()


def test_an_item_shows_messages_of_its_role_only(gui: Gui) -> None:
    item = gui.pane.transcript._build_spare(Role.USER)
    answer = Message(
        id="a",
        conversation_id="c",
        parent_id=None,
        role=Role.ASSISTANT,
        content="x",
        created_at=utc_now(),
    )
    with pytest.raises(ValueError, match="cannot show"):
        item.bind(answer, (0, 1))
    assert isinstance(item, MessageItem)
    item.deleteLater()


@in_loop
async def test_a_conversation_opens_in_the_spares_at_their_true_height(gui: Gui) -> None:
    store = gui.store
    conversation = store.create_conversation(title="Winds", model="mistral-large-2411")
    question = store.add_message(conversation.id, role=Role.USER, content="Winds?", parent_id=None)
    text = "\n\n".join(f"Paragraph {n}: the mistral blows down the Rhone." for n in range(30))
    answer = store.add_message(
        conversation.id, role=Role.ASSISTANT, content=text, parent_id=question.id
    )
    transcript = gui.pane.transcript
    await gui.until(lambda: ready(gui) == {Role.USER, Role.ASSISTANT})
    spare = transcript._spares._items[Role.ASSISTANT]
    gui.pane.open_conversation(conversation.id)
    item = transcript.item(answer.id)
    assert item is spare
    width = transcript._column_width()
    fresh = transcript._new_item(item.message, (0, 1), width)
    assert transcript._by_id[answer.id].height == fresh.height_for_width(width) > 500
    fresh.deleteLater()


@pytest.fixture
def no_key_environ(gui_environ: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    del gui_environ["MISTRAL_API_KEY"]
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.mark.usefixtures("no_key_environ")
@in_loop
async def test_spares_built_behind_the_first_run_panel_stay_hidden(gui: Gui) -> None:
    # Built while the chat page was hidden, a spare not hidden explicitly was shown
    # with the page: an empty question bubble under the "New chat" title.
    assert gui.pane._pages.currentWidget() is gui.application.first_run
    await gui.until(lambda: ready(gui) == {Role.USER, Role.ASSISTANT})
    gui.pane.show_conversation_page()
    assert gui.pane.transcript.isVisible()
    assert not any(item.isVisible() for item in gui.pane.transcript._spares._items.values())
