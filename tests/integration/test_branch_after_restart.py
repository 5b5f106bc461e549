"""Coming back to a version after a restart shows the branch last worked on under it,
not the newest version at each level (the controller's memory of the branch chosen under
each version lasts only one session)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.chat.clients import ClientSource
from app.chat.controller import ChatController
from app.config import load_config
from app.domain.messages import Message
from app.secrets import ApiKeys
from app.store.conversations import ConversationStore
from tests.integration import test_chat_controller as base

Chat = base.Chat
chat = base.chat  # the controller against the fake server, on a real SQLite file


@contextmanager
def restarted(chat: Chat) -> Iterator[tuple[ChatController, ConversationStore]]:
    """A new controller on a new connection to the same history file, as after a restart."""
    store = ConversationStore.open(chat.store.path)
    environ = {"MAESTRALE_BASE_URL": chat.server.base_url, "MISTRAL_API_KEY": "test-key"}
    controller = ChatController(
        store,
        ClientSource(lambda: load_config(environ), ApiKeys(environ)),
        chat.runner,
        chat.catalog,
        default_model=chat.new_chat_model,
        title_model=lambda: None,
    )
    try:
        yield controller, store
    finally:
        chat.loop.run_until_complete(controller.shutdown())
        store.close()


def edit(chat: Chat, question: Message, text: str) -> Message:
    """Ask ``question`` again as ``text``; the new version, once its answer is stored."""
    count = len(chat.finished)
    assert chat.controller.edit_and_resend(question.id, text)
    chat.wait_for_answer(question.conversation_id, count)
    return chat.store.current_path(question.conversation_id)[-2]


def shown(store: ConversationStore, conversation_id: str) -> list[str]:
    """The ids of the messages the window shows."""
    return [message.id for message in store.current_path(conversation_id)]


def path(chat: Chat, conversation_id: str) -> list[str]:
    return shown(chat.store, conversation_id)


def test_a_version_shows_the_follow_up_asked_under_its_older_answer_after_a_restart(
    chat: Chat,
) -> None:
    conversation_id, _ = chat.answer(None, "Q1")
    version_1 = path(chat, conversation_id)
    q1 = chat.store.get_message(version_1[0])
    q1b = edit(chat, q1, "Q1 second")  # Q1 has 2 versions
    answer_a = chat.store.current_path(conversation_id)[-1]
    count = len(chat.finished)
    chat.controller.regenerate(answer_a.id)  # under version 2: answers A and B
    answer_b = chat.wait_for_answer(conversation_id, count)
    chat.controller.switch_branch(answer_b.id, -1)  # back to A, and one more question
    chat.answer(conversation_id, "Q3")
    under_a = path(chat, conversation_id)
    assert under_a[:2] == [q1b.id, answer_a.id]
    chat.controller.switch_branch(q1b.id, -1)  # Q1 to its version 1
    assert path(chat, conversation_id) == version_1

    with restarted(chat) as (controller, store):
        controller.switch_branch(q1.id, +1)  # Q1 to 2 / 2: A and its follow-up, not B
        assert shown(store, conversation_id) == under_a


def test_an_inner_version_chosen_shows_again_after_a_restart(chat: Chat) -> None:
    conversation_id, _ = chat.answer(None, "Q1")
    chat.answer(conversation_id, "Q2 1")
    newest = chat.store.current_path(conversation_id)[-2]
    for n in range(2, 5):  # Q2 has 4 versions
        newest = edit(chat, newest, f"Q2 {n}")
    chat.controller.switch_branch(newest.id, -1)
    third = chat.store.current_path(conversation_id)[-2]
    chat.controller.switch_branch(third.id, -1)  # Q2 at 2 / 4, and one more question
    assert chat.store.current_path(conversation_id)[-2].content == "Q2 2"
    chat.answer(conversation_id, "Q3")
    under_second = path(chat, conversation_id)
    q1 = chat.store.get_message(under_second[0])
    q1b = edit(chat, q1, "Q1 second")  # the newest activity is elsewhere now
    assert path(chat, conversation_id)[0] == q1b.id

    with restarted(chat) as (controller, store):
        controller.switch_branch(q1b.id, -1)  # Q1 back to 1 / 2: Q2 at 2 / 4, not 4 / 4
        assert shown(store, conversation_id) == under_second


def test_within_a_session_the_answer_chosen_is_shown_though_not_written_under(
    chat: Chat,
) -> None:
    # Only picked, not written under: the session still remembers it over the newer one.
    conversation_id, answer_1 = chat.answer(None, "Q1")
    q1 = chat.store.get_message(answer_1.parent_id or "")
    q1b = edit(chat, q1, "Q1 second")
    chat.controller.switch_branch(q1b.id, -1)
    count = len(chat.finished)
    chat.controller.regenerate(answer_1.id)
    answer_b = chat.wait_for_answer(conversation_id, count)
    chat.controller.switch_branch(answer_b.id, -1)  # answer 1, the older one, chosen
    chat.controller.switch_branch(q1.id, +1)
    chat.controller.switch_branch(q1b.id, -1)
    assert path(chat, conversation_id) == [q1.id, answer_1.id]


def test_the_answer_chosen_shows_again_after_the_question_was_edited(chat: Chat) -> None:
    # Left by an edit, not by the switcher: answer 1 was chosen, B is newer.
    conversation_id, answer_1 = chat.answer(None, "Q1")
    q1 = chat.store.get_message(answer_1.parent_id or "")
    count = len(chat.finished)
    chat.controller.regenerate(answer_1.id)
    answer_b = chat.wait_for_answer(conversation_id, count)
    chat.controller.switch_branch(answer_b.id, -1)  # answer 1 chosen
    q1b = edit(chat, q1, "Q1 second")
    chat.controller.switch_branch(q1b.id, -1)
    assert path(chat, conversation_id) == [q1.id, answer_1.id]
