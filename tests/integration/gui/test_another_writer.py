"""The window beside another Maestrale writing in the same conversation (`maestrale ask
--conversation`): it waits for that answer instead of asking without it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.config import load_config
from app.domain.messages import MessageStatus, Role
from app.store.conversations import ConversationStore
from app.ui.toast import Toast
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import answer_text

BUSY_ELSEWHERE = "An answer is still being written in this conversation by another Maestrale"


@contextmanager
def another_program(environ: dict[str, str]) -> Iterator[ConversationStore]:
    """The history as `maestrale ask` sees it: a connection (and writer) of its own."""
    store = ConversationStore.open(load_config(environ).paths.database)
    try:
        yield store
    finally:
        store.close()


def toasts(gui: Gui) -> list[str]:
    return [toast.text for toast in gui.window.findChildren(Toast)]


@in_loop
async def test_a_question_waits_for_the_answer_another_program_is_writing(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # Sent at once, the question went without the unfinished answer (merged with the
    # command line's question into one turn) and was stored as a reply to that answer.
    conversation = gui.store.create_conversation(title="Shared", model="mistral-large-2411")
    gui.application.watch_outside_changes(interval_ms=50)
    with another_program(gui_environ) as other:
        question = other.add_message(
            conversation.id, role=Role.USER, content="from the command line", parent_id=None
        )
        answer = other.begin_answer(conversation.id, parent_id=question.id, model="m")
        other.save_partial(answer.id, "The first part")
        gui.window.open_conversation(conversation.id)
        await gui.until(lambda: "The first part" in answer_text(gui))
        await gui.ask("and the window's question")
        await gui.settle(0.1)
        assert gui.server.chat_requests == []
        assert [m.id for m in gui.store.messages(conversation.id)] == [question.id, answer.id]
        assert any(BUSY_ELSEWHERE in text for text in toasts(gui))
        assert gui.pane.composer.edit.toPlainText() == "and the window's question"
        # Retry and Regenerate wait for it too.
        gui.pane.regenerate_last()
        await gui.settle(0.1)
        assert gui.server.chat_requests == []
        # An edited question too, its text kept in the editor.
        asked = gui.pane.transcript.item(question.id)
        asked.start_editing()
        asked._editor.field.setPlainText("asked better")
        asked._editor.submit()
        await gui.settle(0.05)
        assert gui.server.chat_requests == []
        assert asked._editor is not None
        assert asked._editor.field.toPlainText() == "asked better"
        asked._cancel_edit()
        # Its end shows here once written, not the part first seen.
        other.finish_answer(
            answer.id, content="The first part, and the rest.", status=MessageStatus.COMPLETE
        )
    await gui.until(lambda: "and the rest" in answer_text(gui), timeout=5)
    gui.server.enqueue(Reply(text="ok"))
    gui.pane.composer.edit.clear()
    await gui.ask("now?")
    await gui.until(gui.answered)
    [sent] = [r.body["messages"] for r in gui.server.chat_requests if r.body.get("stream")]
    assert [m["content"] for m in sent[-3:]] == [
        "from the command line",
        "The first part, and the rest.",
        "now?",
    ]


@in_loop
async def test_a_dead_writers_answer_does_not_hold_the_conversation(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # Left streaming by a program that ended (its lock gone): the window asks as usual.
    conversation = gui.store.create_conversation(title="Shared", model="mistral-large-2411")
    with another_program(gui_environ) as other:
        question = other.add_message(
            conversation.id, role=Role.USER, content="asked there", parent_id=None
        )
        answer = other.begin_answer(conversation.id, parent_id=question.id, model="m")
        other.save_partial(answer.id, "cut")
        lock = other.connection._writer_lock
        assert lock is not None
        lock.release()  # killed: the system dropped its lock, the row stays streaming
        gui.window.open_conversation(conversation.id)
        gui.server.enqueue(Reply(text="ok"))
        await gui.ask("still there?")
        await gui.until(gui.answered)
    assert toasts(gui) == []
    assert gui.store.current_path(conversation.id)[-1].content == "ok"


@in_loop
async def test_an_answer_finished_elsewhere_shows_whole_above_later_messages(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # Messages added after an unfinished answer (an older window asked there): only the
    # last message was compared, and the answer stayed at its first part on screen.
    conversation = gui.store.create_conversation(title="Shared", model="mistral-large-2411")
    gui.application.watch_outside_changes(interval_ms=50)
    with another_program(gui_environ) as other:
        question = other.add_message(conversation.id, role=Role.USER, content="q", parent_id=None)
        answer = other.begin_answer(conversation.id, parent_id=question.id, model="m")
        other.save_partial(answer.id, "The first part")
        later = other.add_message(
            conversation.id, role=Role.USER, content="q2", parent_id=answer.id
        )
        other.add_message(conversation.id, role=Role.ASSISTANT, content="a2", parent_id=later.id)
        gui.window.open_conversation(conversation.id)
        await gui.settle(0.1)
        item = gui.pane.transcript.item(answer.id)
        assert item is not None
        assert item.message.content == "The first part"
        other.finish_answer(answer.id, content="The whole answer.", status=MessageStatus.COMPLETE)

    def shown() -> str:
        item = gui.pane.transcript.item(answer.id)
        return "" if item is None else str(item.text.toPlainText())

    await gui.until(lambda: "The whole answer." in shown(), timeout=5)
