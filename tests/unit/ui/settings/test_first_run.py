"""The welcome panel: a bad key is refused with the reason, a good one is stored."""

from __future__ import annotations

import asyncio
from pathlib import Path

import keyring.backends.fail
import pytest
import qasync
from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.api.errors import AuthenticationError, NetworkError, ServerError
from app.secrets import ApiKeys, KeySource
from app.tasks import TaskRunner
from app.ui.first_run import CONSOLE_URL, KEYCHAIN_TASK, TEST_TASK, FirstRunPanel
from app.ui.keychain import CHECKING
from app.ui.theme import apply_theme

from .conftest import MISTRAL, MODELS, BlockingKeyring, FakeEndpoint, MemoryKeyring, finish

REFUSED_401 = AuthenticationError(
    "The endpoint refused the API key (401). Check or replace it: maestrale key set, or "
    "Settings → API key. The server said: Unauthorized",
    status=401,
)


def make_panel(
    qtbot: QtBot,
    keys: ApiKeys,
    runner: TaskRunner,
    endpoint: FakeEndpoint,
    loop: qasync.QEventLoop,
    *,
    settle: bool = True,
) -> tuple[FirstRunPanel, list[QUrl]]:
    opened: list[QUrl] = []
    panel = FirstRunPanel(keys, runner, endpoint, open_url=opened.append)
    qtbot.addWidget(panel)
    if settle:  # the keychain has answered
        finish(loop, runner, KEYCHAIN_TASK)
    return panel, opened


def submit(panel: FirstRunPanel, runner: TaskRunner, loop: qasync.QEventLoop, key: str) -> None:
    panel.field.setText(key)
    panel.submit.click()
    task = runner.get(TEST_TASK)
    assert task is not None
    assert panel.submit.text() == "Testing…"
    assert not panel.field.isEnabled()
    finish(loop, runner, TEST_TASK)


def test_a_refused_key_shows_the_reason_and_is_not_stored(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    backend: MemoryKeyring,
    runner: TaskRunner,
    task_errors: list[BaseException],
) -> None:
    endpoint = FakeEndpoint(REFUSED_401)
    panel, _ = make_panel(qtbot, ApiKeys({}, backend=backend), runner, endpoint, qloop)
    saved: list[bool] = []
    panel.key_saved.connect(lambda: saved.append(True))
    submit(panel, runner, qloop, "sk-wrong-key")
    assert endpoint.calls == [(MISTRAL, "mistral", "sk-wrong-key")]
    assert panel.status.tone == "error"
    assert panel.status.message() == (
        "api.mistral.ai refused this key (401). Check that you copied all of it, "
        "or create a new one in the console."
    )
    assert backend.items == {}
    assert saved == []
    assert panel.field.text() == "sk-wrong-key"  # kept, to be corrected
    assert panel.field.isEnabled()
    assert panel.submit.text() == "Test and save"
    assert panel.save_untested.isHidden()  # a refused key is not offered for saving
    assert task_errors == []


def test_a_good_key_is_stored_and_announced(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    backend: MemoryKeyring,
    keys: ApiKeys,
    runner: TaskRunner,
) -> None:
    panel, _ = make_panel(qtbot, keys, runner, FakeEndpoint(MODELS), qloop)
    with qtbot.waitSignal(panel.key_saved):
        submit(panel, runner, qloop, "  sk-good-key-42 \n")
    assert backend.items == {("maestrale", MISTRAL): "sk-good-key-42"}
    assert panel.status.tone == "success"
    assert panel.status.message() == (
        "The key works: 2 chat models available. Saved in your keychain."
    )
    assert panel.field.text() == ""


def test_offline_the_key_can_be_saved_untested(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    backend: MemoryKeyring,
    keys: ApiKeys,
    runner: TaskRunner,
) -> None:
    offline = NetworkError("Could not connect to https://api.mistral.ai: name resolution failed.")
    panel, _ = make_panel(qtbot, keys, runner, FakeEndpoint(offline), qloop)
    submit(panel, runner, qloop, "sk-offline-key")
    assert panel.status.message() == f"{offline} The key was not saved."
    assert backend.items == {}
    assert not panel.save_untested.isHidden()
    with qtbot.waitSignal(panel.key_saved):
        panel.save_untested.click()
        assert panel.submit.text() == "Saving…"
        finish(qloop, runner, TEST_TASK)
    assert backend.items == {("maestrale", MISTRAL): "sk-offline-key"}
    assert panel.status.message() == "Key saved without a test. Saved in your keychain."


def test_without_a_keychain_a_working_key_can_be_used_for_the_session(
    qtbot: QtBot, qloop: qasync.QEventLoop, runner: TaskRunner, task_errors: list[BaseException]
) -> None:
    # The key worked, then "No Secret Service keychain is running…": the app could not
    # be used at all.
    seen: list[str] = []
    keys = ApiKeys({}, backend=keyring.backends.fail.Keyring(), on_key_seen=seen.append)
    endpoint = FakeEndpoint(MODELS)
    panel, _ = make_panel(qtbot, keys, runner, endpoint, qloop)
    assert panel.status.tone == "warning"  # said before any key is pasted
    assert "No Secret Service keychain is running" in panel.status.message()
    assert "used for this session only" in panel.status.message()
    saved: list[bool] = []
    panel.key_saved.connect(lambda: saved.append(True))
    submit(panel, runner, qloop, "sk-good-key-42")
    assert endpoint.calls == [(MISTRAL, "mistral", "sk-good-key-42")]
    assert panel.status.tone == "warning"
    message = panel.status.message()
    assert message.startswith("The key works, but it could not be saved: No Secret Service")
    assert "sudo apt install gnome-keyring" in message  # how to get a keychain
    assert message.endswith(
        "You can use it for this session only: Maestrale keeps it in memory, never in a "
        "file, and asks for it again at its next start."
    )
    assert "MISTRAL_API_KEY" not in message  # the offer below does it in one click
    assert not panel.use_for_session.isHidden()
    assert saved == []

    # Typed again, the offer was for the key as it was.
    panel.field.setText("sk-good-key-4")
    assert panel.use_for_session.isHidden()
    submit(panel, runner, qloop, "sk-good-key-42")
    with qtbot.waitSignal(panel.key_saved):
        panel.use_for_session.click()
    assert keys.lookup(MISTRAL) == "sk-good-key-42"  # from memory, for this process
    assert keys.status(MISTRAL).source is KeySource.SESSION
    assert keys.status("https://llm.example.org").source is KeySource.NONE  # its endpoint's
    assert "sk-good-key-42" in seen  # the log hides it
    assert panel.field.text() == ""
    assert panel.use_for_session.isHidden()
    assert panel.status.message() == (
        "The key is used for this session only. Maestrale asks for it again at its next start."
    )
    assert task_errors == []


def test_a_key_saved_untested_without_a_keychain_can_be_used_for_the_session(
    qtbot: QtBot, qloop: qasync.QEventLoop, runner: TaskRunner
) -> None:
    keys = ApiKeys({}, backend=keyring.backends.fail.Keyring())
    offline = NetworkError("Could not connect to https://api.mistral.ai.")
    panel, _ = make_panel(qtbot, keys, runner, FakeEndpoint(offline), qloop)
    submit(panel, runner, qloop, "sk-offline-key")
    panel.save_untested.click()
    finish(qloop, runner, TEST_TASK)
    assert panel.status.message().startswith("The key could not be saved: No Secret Service")
    assert panel.save_untested.isHidden()
    with qtbot.waitSignal(panel.key_saved):
        panel.use_for_session.click()
    assert keys.lookup(MISTRAL) == "sk-offline-key"


def test_text_that_is_no_key_is_refused_before_any_request(
    qtbot: QtBot, qloop: qasync.QEventLoop, keys: ApiKeys, runner: TaskRunner
) -> None:
    endpoint = FakeEndpoint(MODELS)
    panel, _ = make_panel(qtbot, keys, runner, endpoint, qloop)
    panel.field.setText("my key is secret")
    panel.submit.click()
    assert runner.get(TEST_TASK) is None
    assert endpoint.calls == []
    assert "does not look like an API key" in panel.status.message()


def test_links_open_the_console_and_the_endpoint_settings(
    qtbot: QtBot, qloop: qasync.QEventLoop, keys: ApiKeys, runner: TaskRunner
) -> None:
    panel, opened = make_panel(qtbot, keys, runner, FakeEndpoint(MODELS), qloop)
    panel.console_link.click()
    assert opened == [QUrl(CONSOLE_URL)]
    assert CONSOLE_URL == "https://console.mistral.ai/api-keys"
    with qtbot.waitSignal(panel.open_endpoint_settings):
        panel.self_hosted.click()
    assert panel.field.echoMode() == panel.field.EchoMode.Password
    assert not panel.submit.isEnabled()
    panel.field.setText("sk-x")
    assert panel.submit.isEnabled()


def test_a_self_hosted_endpoint_is_tested_and_stored_under_its_own_url(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    backend: MemoryKeyring,
    keys: ApiKeys,
    runner: TaskRunner,
) -> None:
    endpoint = FakeEndpoint(MODELS)
    panel, _ = make_panel(qtbot, keys, runner, endpoint, qloop)
    panel.set_endpoint("https://llm.example.org", "openai")
    finish(qloop, runner, KEYCHAIN_TASK)
    assert panel.heading.text() == "An API key for llm.example.org"
    assert panel.console_link.isHidden()
    # The server's own key, not one from Mistral's console.
    assert "Mistral" not in panel.explanation.text()
    assert "server" in panel.explanation.text()
    # Already a server of one's own: the link changes it, rather than offer one.
    assert panel.self_hosted.accessibleName() == "Change the server…"
    with qtbot.waitSignal(panel.key_saved):
        submit(panel, runner, qloop, "token-123")
    assert endpoint.calls == [("https://llm.example.org", "openai", "token-123")]
    assert backend.items == {("maestrale", "https://llm.example.org"): "token-123"}


def test_a_test_cancelled_before_it_ran_gives_the_field_back(
    qtbot: QtBot, qloop: qasync.QEventLoop, keys: ApiKeys, runner: TaskRunner
) -> None:
    panel, _ = make_panel(qtbot, keys, runner, FakeEndpoint(MODELS), qloop)
    panel.field.setText("sk-some-key")
    panel.submit.click()
    task = runner.get(TEST_TASK)
    assert task is not None
    assert runner.cancel(TEST_TASK)
    qloop.run_until_complete(asyncio.gather(task, return_exceptions=True))
    qloop.run_until_complete(asyncio.sleep(0))  # done callbacks run on the next turn
    assert panel.field.isEnabled()
    assert panel.submit.isEnabled()
    assert panel.submit.text() == "Test and save"


def test_the_window_can_say_why_the_panel_is_back(
    qtbot: QtBot, qloop: qasync.QEventLoop, keys: ApiKeys, runner: TaskRunner
) -> None:
    panel, _ = make_panel(qtbot, keys, runner, FakeEndpoint(MODELS), qloop)
    assert panel.status.message() == ""
    panel.set_reason("The endpoint refused the API key (401).")
    assert panel.status.tone == "warning"
    assert panel.status.message() == "The endpoint refused the API key (401)."
    panel.set_reason("")
    finish(qloop, runner, KEYCHAIN_TASK)
    assert panel.status.message() == ""


def test_messages_say_where_to_act_in_the_window_and_end_their_sentences(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    keys: ApiKeys,
    runner: TaskRunner,
) -> None:
    # "Internal failure The key was not saved.", and command-line advice in a window.
    panel, _ = make_panel(qtbot, keys, runner, FakeEndpoint(ServerError("Internal failure")), qloop)
    submit(panel, runner, qloop, "sk-some-key-42")
    assert panel.status.message() == "Internal failure. The key was not saved."
    panel.set_reason(
        "No API key for https://api.mistral.ai: run `maestrale key set` (or use Settings), "
        "or set MISTRAL_API_KEY for this session."
    )
    assert panel.status.message() == (
        "No API key for https://api.mistral.ai: add one here, or set MISTRAL_API_KEY for "
        "this session."
    )


def test_the_window_answers_while_the_keychain_waits_for_a_password(
    qtbot: QtBot, qloop: qasync.QEventLoop, runner: TaskRunner, task_errors: list[BaseException]
) -> None:
    # gnome-keyring asking to create or unlock a keyring: the call returns when answered.
    backend = BlockingKeyring()
    answered = backend.answer_later()
    panel, _ = make_panel(
        qtbot, ApiKeys({}, backend=backend), runner, FakeEndpoint(MODELS), qloop, settle=False
    )
    assert panel.status.message() == CHECKING
    assert not backend.release.is_set()
    finish(qloop, runner, KEYCHAIN_TASK)
    assert answered == [True]  # Qt's timer ran while the keychain was asked
    assert panel.status.message() == ""  # a keychain, no key in it: nothing to warn of

    # Storing a tested key waits the same way.
    answered = backend.answer_later()
    with qtbot.waitSignal(panel.key_saved):
        submit(panel, runner, qloop, "sk-good-key-42")
    assert answered == [True]
    assert backend.items == {("maestrale", MISTRAL): "sk-good-key-42"}
    assert task_errors == []


def test_an_answer_for_a_panel_that_went_is_dropped(
    qtbot: QtBot, qloop: qasync.QEventLoop, runner: TaskRunner, task_errors: list[BaseException]
) -> None:
    backend = BlockingKeyring()
    panel = FirstRunPanel(ApiKeys({}, backend=backend), runner, FakeEndpoint(MODELS))
    qloop.run_until_complete(asyncio.to_thread(backend.waiting.wait, 5))
    panel.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    backend.release.set()
    finish(qloop, runner, KEYCHAIN_TASK)
    assert task_errors == []  # and no error reached the loop (qloop checks)


def _panel_in_a_window(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    runner: TaskRunner,
    panel: FirstRunPanel,
    *,
    other: QWidget,
    other_at: int,
) -> QWidget:
    """A shown, active window of ``panel`` beside ``other`` (before it at 0, after it
    at 1); the caller keeps it."""
    window = QWidget()
    row = QHBoxLayout(window)
    row.addWidget(panel)
    row.insertWidget(other_at, other)
    finish(qloop, runner, KEYCHAIN_TASK)  # before Qt runs events outside the loop
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _typed_after_new_chat(
    qtbot: QtBot, qloop: qasync.QEventLoop, runner: TaskRunner, panel: FirstRunPanel, key: str
) -> QWidget:
    """``panel`` in a window after a button (the sidebar's "New chat", as in the app),
    ``key`` typed in its field from the keyboard; the caller keeps the window."""
    window = _panel_in_a_window(
        qtbot, qloop, runner, panel, other=QPushButton("New chat"), other_at=0
    )
    panel.setFocus()
    qtbot.keyClicks(panel.field, key)
    return window


@pytest.mark.parametrize(
    "failure",
    [REFUSED_401, NetworkError("Could not connect to https://api.mistral.ai.")],
    ids=["refused", "offline"],
)
def test_after_a_failed_test_the_keyboard_is_back_in_the_field(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    *,
    keys: ApiKeys,
    runner: TaskRunner,
    task_errors: list[BaseException],
    failure: Exception,
) -> None:
    # In the window, a button comes before the panel (the sidebar's "New chat"): the
    # field, disabled during the test, had handed the keyboard there for good.
    panel = FirstRunPanel(keys, runner, FakeEndpoint(failure))
    _window = _typed_after_new_chat(qtbot, qloop, runner, panel, "sk-wrong-key")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    assert not panel.field.isEnabled()
    finish(qloop, runner, TEST_TASK)
    assert panel.status.tone == "error"
    assert QApplication.focusWidget() is panel.field
    assert panel.field.selectedText() == "sk-wrong-key"  # a new paste replaces it
    # Tab follows the panel from left to right, top to bottom.
    stops = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        stops.append(QApplication.focusWidget())
    buttons = [panel.field.reveal, panel.submit, panel.self_hosted]
    if not panel.save_untested.isHidden():  # offered when the endpoint was not reached
        buttons.insert(1, panel.save_untested)
    assert stops[: len(buttons)] == buttons
    assert task_errors == []


def test_the_keyboard_stays_where_the_user_took_it_during_a_test(
    qtbot: QtBot, qloop: qasync.QEventLoop, keys: ApiKeys, runner: TaskRunner
) -> None:
    elsewhere = QPushButton("Search")
    panel = FirstRunPanel(keys, runner, FakeEndpoint(REFUSED_401))
    _window = _panel_in_a_window(qtbot, qloop, runner, panel, other=elsewhere, other_at=1)
    panel.field.setFocus()
    panel.field.setText("sk-wrong-key")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    elsewhere.setFocus()  # the user went on meanwhile
    finish(qloop, runner, TEST_TASK)
    assert QApplication.focusWidget() is elsewhere


def test_another_endpoint_clears_what_was_typed_and_offered_for_the_last_one(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    backend: MemoryKeyring,
    keys: ApiKeys,
    runner: TaskRunner,
) -> None:
    # Offline, a Mistral key left "Save without testing" offered: after switching to
    # another server one click stored the Mistral key, untested, for that server.
    offline = NetworkError("Could not connect to https://api.mistral.ai.")
    endpoint = FakeEndpoint(offline)
    panel, _ = make_panel(qtbot, keys, runner, endpoint, qloop)
    submit(panel, runner, qloop, "sk-mistral-key")
    assert not panel.save_untested.isHidden()
    panel.set_endpoint("http://127.0.0.1:8000", "openai")
    finish(qloop, runner, KEYCHAIN_TASK)
    assert panel.field.text() == ""
    assert panel.save_untested.isHidden()
    assert panel.status.message() == ""  # the failure was the other endpoint's
    assert not panel.submit.isEnabled()
    assert backend.items == {}

    # The same endpoint again (another setting changed): what is typed stays.
    panel.field.setText("sk-server-key")
    panel.set_endpoint("http://127.0.0.1:8000", "openai")
    assert panel.field.text() == "sk-server-key"

    # A test under way is of the endpoint before: its key is not stored for the new one.
    endpoint.result = MODELS
    panel.submit.click()
    assert runner.running(TEST_TASK)
    panel.set_endpoint("https://llm.example.org", "openai")
    finish(qloop, runner, TEST_TASK, KEYCHAIN_TASK)
    assert backend.items == {}
    assert panel.field.isEnabled()
    assert panel.field.text() == ""


def test_a_self_hosted_server_s_refusal_does_not_send_the_person_to_mistral_s_console(
    qtbot: QtBot, qloop: qasync.QEventLoop, keys: ApiKeys, runner: TaskRunner
) -> None:
    refused = AuthenticationError("The endpoint refused the API key (401).", status=401)
    panel, _ = make_panel(qtbot, keys, runner, FakeEndpoint(refused), qloop)
    panel.set_endpoint("http://127.0.0.1:8000", "mistral")
    finish(qloop, runner, KEYCHAIN_TASK)
    submit(panel, runner, qloop, "sk-wrong-key")
    assert panel.status.message() == (
        "127.0.0.1:8000 refused this key (401). Check that you copied all of it, or ask "
        "the server's administrator for the right one."
    )


def test_the_eye_in_the_key_field_is_reached_with_tab_and_works_from_the_keyboard(
    qtbot: QtBot, qloop: qasync.QEventLoop, keys: ApiKeys, runner: TaskRunner
) -> None:
    # The show/hide button in the key field could not be reached from the keyboard.
    panel = FirstRunPanel(keys, runner, FakeEndpoint(MODELS))
    _window = _typed_after_new_chat(qtbot, qloop, runner, panel, "sk-some-key")
    qtbot.keyClick(panel.field, Qt.Key.Key_Tab)
    eye = QApplication.focusWidget()
    assert isinstance(eye, QToolButton)  # not "Test and save" at once
    assert panel.field.isAncestorOf(eye)
    qtbot.keyClick(eye, Qt.Key.Key_Space)
    assert panel.field.revealed
    assert eye.text() == "Hide the key"  # what a screen reader says
    qtbot.keyClick(eye, Qt.Key.Key_Space)
    assert not panel.field.revealed
    assert eye.text() == "Show the key"
    qtbot.keyClick(eye, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.submit
    qtbot.keyClick(panel.submit, Qt.Key.Key_Backtab)
    qtbot.keyClick(eye, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is panel.field
    # Clicked, it leaves the keyboard in the field, where the key is typed.
    qtbot.mouseClick(eye, Qt.MouseButton.LeftButton)
    assert panel.field.revealed
    assert QApplication.focusWidget() is panel.field
    # Inside the field's right end; the text stops before it.
    assert panel.field.rect().contains(eye.geometry())
    assert eye.geometry().right() > panel.field.width() - 8
    assert panel.field.textMargins().right() >= eye.width()


def test_without_a_keychain_the_keyboard_goes_to_the_session_offer(
    qtbot: QtBot, qloop: qasync.QEventLoop, runner: TaskRunner
) -> None:
    keys = ApiKeys({}, backend=keyring.backends.fail.Keyring())
    panel = FirstRunPanel(keys, runner, FakeEndpoint(MODELS))
    _window = _typed_after_new_chat(qtbot, qloop, runner, panel, "sk-good-key-42")
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    finish(qloop, runner, TEST_TASK)
    assert QApplication.focusWidget() is panel.use_for_session
    with qtbot.waitSignal(panel.key_saved):
        qtbot.keyClick(panel.use_for_session, Qt.Key.Key_Space)
    assert keys.lookup(MISTRAL) == "sk-good-key-42"


def test_large_text_in_a_low_window_scrolls_the_panel_rather_than_cut_it(
    qtbot: QtBot,
    qapp: QApplication,
    tmp_path: Path,
    *,
    qloop: qasync.QEventLoop,
    keys: ApiKeys,
    runner: TaskRunner,
) -> None:
    # At 20 pt in a window 780 px high the explanation stopped mid-line, its last lines
    # behind the key field; what did not fit could not be reached.
    apply_theme(qapp, "light", 20, assets_dir=tmp_path)
    panel, _ = make_panel(qtbot, keys, runner, FakeEndpoint(MODELS), qloop)
    panel.resize(700, 520)
    panel.show()
    qtbot.waitExposed(panel)
    explanation = panel.explanation
    qtbot.waitUntil(lambda: explanation.height() >= explanation.heightForWidth(explanation.width()))
    scroll = panel.findChild(QScrollArea)
    assert scroll is not None
    assert scroll.verticalScrollBar().maximum() > 0
    panel.field.setFocus()
    scroll.ensureWidgetVisible(panel.submit)
    top = panel.submit.mapTo(scroll.viewport(), panel.submit.rect().topLeft()).y()
    assert 0 <= top <= scroll.viewport().height() - panel.submit.height()


def test_a_locked_keychain_is_read_again_on_request_and_its_key_closes_the_panel(
    qtbot: QtBot,
    qloop: qasync.QEventLoop,
    backend: MemoryKeyring,
    runner: TaskRunner,
    task_errors: list[BaseException],
) -> None:
    # Its unlock prompt was closed as the window started: the panel said to unlock it
    # and try again, with nothing to try again with but a restart.
    backend.items[("maestrale", MISTRAL)] = "sk-stored-0123"
    backend.locked = True
    panel, _ = make_panel(qtbot, ApiKeys({}, backend=backend), runner, FakeEndpoint(MODELS), qloop)
    assert "is locked: unlock it and try again" in panel.status.message()
    assert panel.retry_keychain.isVisibleTo(panel)
    saved: list[bool] = []
    panel.key_saved.connect(lambda: saved.append(True))

    # Still locked (the prompt closed again): asked all the same, and said again.
    reads = backend.reads
    qtbot.mouseClick(panel.retry_keychain, Qt.MouseButton.LeftButton)
    assert panel.status.message() == CHECKING
    assert not panel.retry_keychain.isVisibleTo(panel)
    finish(qloop, runner, KEYCHAIN_TASK)
    assert backend.reads == reads + 1
    assert "is locked" in panel.status.message()
    assert panel.retry_keychain.isVisibleTo(panel)
    assert saved == []

    # Unlocked: its key is there, the panel has nothing to ask.
    backend.locked = False
    qtbot.mouseClick(panel.retry_keychain, Qt.MouseButton.LeftButton)
    finish(qloop, runner, KEYCHAIN_TASK)
    assert saved == [True]
    assert panel.status.message() == ""
    assert task_errors == []
