"""The quick prompt window: its keys and states, templates, and what lands in the history."""

from __future__ import annotations

from dataclasses import replace

import keyring
import pytest
from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication

from app.domain.messages import MessageStatus, Role
from app.quick.popup import TITLE, QuickWindow
from app.quick.templates import Template
from app.ui.transcript.item import MessageItem
from tests.fake_mistral import Reply
from tests.helpers.fake_keyrings import MemoryKeyring
from tests.integration.gui.conftest import Gui, in_loop


def quick(gui: Gui) -> QuickWindow:
    window = gui.application.desktop.quick
    assert isinstance(window, QuickWindow)
    return window


def answer_of(window: QuickWindow) -> str:
    for message_id in reversed(window.transcript.message_ids):
        item = window.transcript.item(message_id)
        if item is not None and item.message.role is Role.ASSISTANT:
            return str(item.text.toPlainText())
    return ""


async def type_and_enter(gui: Gui, window: QuickWindow, text: str) -> None:
    gui.qtbot.keyClicks(window.input, text)
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Return)


async def answered_shortly(gui: Gui) -> tuple[QuickWindow, int]:
    """The quick window shown, asked "Hi" and answered in a line: it and its height."""
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(text="Short."), Reply(text="t"))
    await type_and_enter(gui, window, "Hi")
    await gui.until(lambda: settled(gui, window))
    await gui.settle(0.02)
    return window, window.height()


def settled(gui: Gui, window: QuickWindow) -> bool:
    cid = window.conversation_id
    if cid is None or gui.application.controller.is_streaming(cid):
        return False
    path = gui.store.current_path(cid)
    return bool(path) and path[-1].role is Role.ASSISTANT and path[-1].status.value != "streaming"


@in_loop
async def test_summon_shows_a_focused_window_on_top(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    assert window.isVisible()
    assert window.windowTitle() == TITLE == "Quick prompt — Maestrale"
    flags = window.windowFlags()
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert flags & Qt.WindowType.FramelessWindowHint
    assert window.focusWidget() is window.input or QGuiApplication.focusObject() in (
        window.input,
        None,
    )


@in_loop
async def test_enter_asks_and_the_exchange_is_kept_as_a_quick_conversation(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(chunks=[f"part{i} " for i in range(30)], delay=0.01))
    await type_and_enter(gui, window, "What is WAL?")
    await gui.until(lambda: "part5" in answer_of(window))
    await gui.until(lambda: settled(gui, window))
    conversation = gui.store.get_conversation(window.conversation_id)
    assert conversation.kind == "quick"
    assert next(m.content for m in gui.store.current_path(conversation.id)) == "What is WAL?"
    assert window.copy_button.isEnabled()
    window.copy_answer()
    assert QGuiApplication.clipboard().text().startswith("part0 part1")


@in_loop
async def test_esc_stops_a_running_answer_and_a_second_esc_hides(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(500)], delay=0.01))
    await type_and_enter(gui, window, "Talk")
    await gui.until(lambda: "w10" in answer_of(window))
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Escape)
    await gui.until(lambda: settled(gui, window))
    assert window.isVisible()  # the first Esc only stopped the answer
    answer = gui.store.current_path(window.conversation_id)[-1]
    assert answer.status is MessageStatus.INTERRUPTED
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Escape)
    assert not window.isVisible()


@in_loop
async def test_ctrl_shift_c_copies_and_ctrl_enter_continues_in_the_main_window(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(text="Copied answer."), Reply(text="title"))
    await type_and_enter(gui, window, "Hi")
    await gui.until(lambda: settled(gui, window))
    QGuiApplication.clipboard().clear()
    gui.qtbot.keyClick(
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert QGuiApplication.clipboard().text() == "Copied answer."
    conversation_id = window.conversation_id
    gui.qtbot.keyClicks(window.input, "and a follow-up")
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()
    assert gui.pane.conversation_id == conversation_id
    assert gui.store.get_conversation(conversation_id).kind == "chat"
    # The follow-up typed there goes on in the main window's field (it stayed hidden in
    # the quick window), and the quick window no longer follows the conversation: an
    # answer asked in the main window brought it back at the next summon.
    assert gui.pane.composer.edit.toPlainText() == "and a follow-up"
    gui.server.enqueue(Reply(text="From the main window."))
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Return)
    await gui.until(gui.answered)
    window.summon()
    assert window.conversation_id is None
    assert window.input.toPlainText() == ""


@in_loop
async def test_slash_lists_templates_and_enter_chooses_one(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    await gui.settle(0.02)
    compact = window.height()
    gui.qtbot.keyClicks(window.input, "/transl")
    assert window.completions.isVisible()
    assert window.height() > compact  # room for the list
    names = [window.completions.item(i).text() for i in range(window.completions.count())]
    assert names
    assert all("Translate" in name for name in names)
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Down)
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Return)
    assert window.chip.isVisible()
    assert "Translate to French" in window.chip.text()
    assert window.input.toPlainText() == ""
    assert gui.server.request_count == 0
    await gui.settle(0.02)
    assert window.height() == compact  # the list gone, no empty space under the footer


@in_loop
async def test_the_template_chip_says_which_text_it_will_use(gui: Gui) -> None:
    # Before anything is sent: the chip names the clipboard, its tooltip quotes it.
    QGuiApplication.clipboard().setText("Le chat dort sur le canapé, " + "très " * 40)
    window = quick(gui)
    window.summon()
    gui.qtbot.keyClicks(window.input, "/translate to fr")
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Return)
    assert window.chip.text() == "Translate to French · clipboard  ✕"
    assert window.chip.accessibleName() == (
        "Template Translate to French, on the clipboard; press to remove it"
    )
    tip = window.chip.toolTip()
    assert tip.startswith("Acts on the clipboard: “Le chat dort sur le canapé, très")
    assert "…”\n" in tip  # its start only
    assert tip.endswith("Press to remove the template.")
    assert window.chip.accessibleDescription() == tip
    # Copied anew while it shows: the quote follows.
    QGuiApplication.clipboard().setText("Bonjour")
    await gui.until(lambda: "“Bonjour”" in window.chip.toolTip())
    # Called up again with the clipboard empty: said before Enter is pressed.
    QGuiApplication.clipboard().clear()
    window.summon("Translate to French")
    assert window.chip.toolTip().startswith("The clipboard is empty: copy the text first.")
    assert gui.server.request_count == 0


@in_loop
async def test_a_template_with_an_empty_clipboard_says_so_and_sends_nothing(gui: Gui) -> None:
    QGuiApplication.clipboard().clear()
    window = quick(gui)
    window.summon("Summarize", run=True)
    assert window.notice.isVisible()
    assert "clipboard is empty" in window.notice.text().lower()
    assert gui.server.request_count == 0


@in_loop
async def test_a_template_runs_at_once_on_the_clipboard(gui: Gui) -> None:
    QGuiApplication.clipboard().setText("Le chat dort sur le canapé.")
    window = quick(gui)
    gui.server.enqueue(Reply(text="The cat sleeps on the sofa."), Reply(text="t"))
    gui.application.desktop.summon("Translate to English", run=True)
    await gui.until(lambda: settled(gui, window))
    sent = gui.server.chat_requests[0].body["messages"][-1]["content"]
    assert "Le chat dort sur le canapé." in sent
    assert "English" in sent
    assert gui.server.chat_requests[0].body.get("temperature") == 0.2
    assert "The cat sleeps" in answer_of(window)


@in_loop
async def test_it_hides_on_focus_loss_unless_pinned(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.window.activateWindow()  # the focus goes elsewhere
    window.changeEvent(QEvent(QEvent.Type.ActivationChange))
    await gui.until(lambda: not window.isVisible())
    window.summon()
    window.pin.setChecked(True)
    gui.window.activateWindow()
    window.changeEvent(QEvent(QEvent.Type.ActivationChange))
    await gui.until(lambda: not window._hide_unfocused.isActive())
    assert window.isVisible()


@in_loop
async def test_a_moment_without_the_focus_does_not_hide_it(gui: Gui) -> None:
    # Summoned by the global shortcut, the window gets the focus as the shortcut's key
    # grab ends, and X11 then says for a moment that no window is active. Hidden at that
    # moment, the window was gone: the question typed next went to the main window.
    window = quick(gui)
    window.summon()
    await gui.until(window.isActiveWindow)
    gui.window.activateWindow()
    await gui.until(lambda: not window.isActiveWindow())
    window.changeEvent(QEvent(QEvent.Type.ActivationChange))
    assert window.isVisible()
    window.activateWindow()  # the focus is back
    await gui.until(window.isActiveWindow)
    window.changeEvent(QEvent(QEvent.Type.ActivationChange))
    assert not window._hide_unfocused.isActive()
    assert window.isVisible()
    await type_and_enter(gui, window, "Still here?")
    await gui.until(lambda: settled(gui, window))
    assert gui.store.get_conversation(window.conversation_id).kind == "quick"


@in_loop
async def test_it_remembers_its_size_and_place(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    window.setGeometry(60, 90, 700, 300)  # within the test's 800 px wide screen
    window.hide()
    window.summon()
    assert (window.x(), window.y(), window.width()) == (60, 90, 700)
    state = gui.application.desktop.quick._state
    assert state.get("quick.geometry")[:3] == [60, 90, 700]


@in_loop
async def test_a_fresh_prompt_is_compact_after_an_answer_grew_the_window(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    compact = window.height()
    gui.server.enqueue(Reply(text="A long answer.\n\n" * 20), Reply(text="t"))
    await type_and_enter(gui, window, "Tell me a lot")
    await gui.until(lambda: settled(gui, window))
    assert window.height() > compact
    x, width = window.x(), window.width()
    window.hide()
    window.summon()
    assert window.height() == compact  # no empty space under the footer
    assert (window.x(), window.width()) == (x, width)  # still where it was


@in_loop
async def test_each_summon_starts_a_new_exchange_and_keeps_the_last(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(text="one"), Reply(text="two"))
    await type_and_enter(gui, window, "First")
    await gui.until(lambda: settled(gui, window))
    first = window.conversation_id
    window.hide()
    window.summon()
    assert window.conversation_id is None
    await type_and_enter(gui, window, "Second")
    await gui.until(lambda: settled(gui, window))
    assert window.conversation_id != first
    quick_ones = gui.store.list_conversations(kind="quick")
    assert {c.id for c in quick_ones} == {first, window.conversation_id}


@in_loop
async def test_a_question_edited_in_the_quick_window_is_asked_again(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(text="First answer"), Reply(text="Quick"), Reply(text="Second answer"))
    await type_and_enter(gui, window, "quick one")
    await gui.until(lambda: settled(gui, window))
    await gui.until_titled()  # its request goes first: "Second answer" is not its reply
    question = next(
        item
        for message_id in window.transcript.message_ids
        if (item := window.transcript.item(message_id)) is not None
        and item.message.role is Role.USER
    )
    question.edit_submitted.emit(question.message.id, "quick two")  # the editor's Send
    await gui.until(lambda: "Second answer" in answer_of(window))
    await gui.until(lambda: settled(gui, window))
    asked = [m.content for m in gui.store.current_path(window.conversation_id)]
    assert asked == ["quick two", "Second answer"]
    asked_again = [r for r in gui.server.chat_requests if r.body["messages"][0]["role"] == "user"]
    assert asked_again[-1].body["messages"] == [{"role": "user", "content": "quick two"}]


async def _answer_with_a_link(gui: Gui, window: QuickWindow) -> MessageItem:
    window.summon()
    gui.server.enqueue(Reply(text="See [the page](https://example.org/page)."))
    await type_and_enter(gui, window, "link please")
    await gui.until(lambda: settled(gui, window))
    answer = window.transcript.item(window.transcript.message_ids[-1])
    assert answer is not None
    return answer


@in_loop
async def test_links_in_a_quick_answer_ask_first_and_esc_hides_from_the_answer(
    gui: Gui,
) -> None:
    window = quick(gui)
    asked: list[str] = []
    window._confirm_link = lambda check: asked.append(check.address) or False
    answer = await _answer_with_a_link(gui, window)
    answer.text.anchorClicked.emit(QUrl("https://example.org/page"))
    assert asked == ["https://example.org/page"]
    answer.text.setFocus()
    gui.qtbot.keyClick(answer.text, Qt.Key.Key_Escape)  # focus in the answer, not the field
    assert not window.isVisible()


@in_loop
async def test_a_quick_answer_link_no_browser_opens_is_said(gui: Gui, monkeypatch) -> None:
    # "Open" did nothing: Qt found no browser and only printed to stderr.
    monkeypatch.setattr("app.ui.link_dialog.QDesktopServices.openUrl", lambda url: False)
    window = quick(gui)
    window._confirm_link = lambda check: True
    answer = await _answer_with_a_link(gui, window)
    answer.text.anchorClicked.emit(QUrl("https://example.org/page"))
    assert window.notice.isVisible()
    assert window.notice.text().startswith("No web browser could be started for this link.")


@in_loop
async def test_the_quick_prompt_follows_a_theme_change(gui: Gui) -> None:
    # It kept the theme it was built with: dark code boxes on a light window.
    window = quick(gui)
    application = gui.application
    dark = application.theme.is_dark
    application.apply_settings(
        replace(application.config.settings, theme="light" if dark else "dark")
    )
    await gui.settle(0.05)
    assert application.theme.is_dark is not dark
    assert window.transcript.dark is application.theme.is_dark
    assert gui.pane.transcript.dark is application.theme.is_dark


@in_loop
async def test_a_template_with_a_literal_input_in_braces_runs_by_its_shortcut(gui: Gui) -> None:
    # "{{input}}" is the literal text {input}, not the placeholder: nothing to wait for.
    QGuiApplication.clipboard().setText("x = 1")
    desktop = gui.application.desktop
    desktop.set_templates(
        [
            Template("Literal", "Explain what {{input}} means in:\n{clipboard}"),
            Template("Waits", "Explain {input} in:\n{clipboard}"),
        ]
    )
    window = quick(gui)
    gui.server.enqueue(Reply(text="It is a placeholder."), Reply(text="t"))
    desktop.summon("literal", run=True)
    assert window.conversation_id is not None  # asked at once
    await gui.until(lambda: settled(gui, window))
    sent = gui.server.chat_requests[0].body["messages"][-1]["content"]
    assert sent == "Explain what {input} means in:\nx = 1"
    window.hide()
    desktop.summon("Waits", run=True)  # chosen, waiting for the text to explain
    assert window.chip.isVisible()
    assert "Waits" in window.chip.text()
    assert window.conversation_id is None
    assert len(gui.server.chat_requests) <= 2  # the first answer's and its title's


@in_loop
async def test_copy_answer_is_offered_only_when_there_is_an_answer_to_copy(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(status=400), Reply(text="Second try."), Reply(text="t"))
    await type_and_enter(gui, window, "Fail first")
    await gui.until(lambda: settled(gui, window))
    failed = gui.store.current_path(window.conversation_id)[-1]
    assert failed.status is MessageStatus.ERROR
    assert not window.copy_button.isEnabled()  # nothing to copy
    gui.application.controller.retry(failed.id)
    await gui.until(lambda: "Second try." in answer_of(window))
    await gui.until(lambda: settled(gui, window))
    assert window.copy_button.isEnabled()


@in_loop
async def test_answer_copied_is_said_in_the_footer_without_moving_the_window(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(text="To copy."), Reply(text="t"))
    await type_and_enter(gui, window, "Hi")
    await gui.until(lambda: settled(gui, window))
    await gui.settle(0.02)
    height = window.height()
    window.copy_answer()
    await gui.settle(0.02)
    assert window.hint.text() == "Answer copied."
    assert window.hint.property("tone") == "success"  # not the warning colour
    assert not window.notice.isVisible()
    assert window.height() == height


@in_loop
async def test_backspace_in_the_empty_field_removes_the_template(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    plain = window.input.placeholderText()
    assert "/ for templates" in plain
    gui.qtbot.keyClicks(window.input, "/transl")
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Return)
    assert window.chip.isVisible()
    assert "/ for templates" not in window.input.placeholderText()  # one is chosen
    gui.qtbot.keyClicks(window.input, "ab")
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Backspace)
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Backspace)
    assert window.chip.isVisible()  # those took the typed text
    # Held down to clear the text, its repeats stop at the empty field.
    held = QKeyEvent(
        QEvent.Type.KeyPress, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier, "", True
    )
    QApplication.sendEvent(window.input, held)
    assert window.chip.isVisible()
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Backspace)
    assert not window.chip.isVisible()
    assert window.input.placeholderText() == plain


@in_loop
async def test_at_large_text_the_field_shows_two_lines_and_copy_says_it_copied(
    gui: Gui,
) -> None:
    # At 24 pt the field was 64 px, one line (a template's placeholder cut in half), and
    # "Answer copied." was squeezed out of the footer: nothing said the copy was made.
    gui.application.theme.apply("light", 24)
    window = quick(gui)
    window.summon()
    await gui.settle(0.05)
    assert window.input.height() >= 2 * window.input.fontMetrics().lineSpacing()
    gui.server.enqueue(Reply(text="Copy me."), Reply(text="t"))
    await type_and_enter(gui, window, "Hi")
    await gui.until(lambda: settled(gui, window))
    window.copy_button.click()
    assert window.copy_button.text() == "Copied"
    await gui.until(lambda: window.copy_button.text() == "Copy answer", timeout=5)
    # A lone "/" left in the field is no draft to keep: the next summon is fresh.
    gui.qtbot.keyClicks(window.input, "/")
    window.hide()
    window.summon()
    assert window.conversation_id is None
    assert window.input.toPlainText() == ""


async def lose_focus(gui: Gui, window: QuickWindow) -> None:
    gui.window.activateWindow()  # the focus goes elsewhere
    await gui.until(lambda: not window.isActiveWindow())
    window.changeEvent(QEvent(QEvent.Type.ActivationChange))
    await gui.until(lambda: not window.isVisible())


@in_loop
async def test_unsent_text_is_kept_when_the_window_hides(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.qtbot.keyClicks(window.input, "A long question, half written")
    await lose_focus(gui, window)
    window.summon()
    assert window.input.toPlainText() == "A long question, half written"
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Escape)  # hides, the text kept too
    assert not window.isVisible()
    window.summon()
    assert window.input.toPlainText() == "A long question, half written"


@in_loop
async def test_a_follow_up_left_unsent_comes_back_with_its_exchange(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(text="one"), Reply(text="t"))
    await type_and_enter(gui, window, "First")
    await gui.until(lambda: settled(gui, window))
    first = window.conversation_id
    gui.qtbot.keyClicks(window.input, "and then?")
    await lose_focus(gui, window)
    window.summon()
    assert window.conversation_id == first
    assert window.input.toPlainText() == "and then?"
    window.input.clear()  # nothing left unsent: the next summon is a new exchange
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Escape)
    window.summon()
    assert window.conversation_id is None


def asked(gui: Gui, text: str) -> dict[str, object]:
    """The body of the streamed request whose last message is ``text``."""
    return next(
        r.body
        for r in gui.server.chat_requests
        if r.body.get("stream") and r.body["messages"][-1]["content"] == text
    )


TO_ENGLISH = Template(
    "To English", "Translate: {clipboard}", model="mistral-small-latest", temperature=0.1
)


@in_loop
async def test_a_template_shortcut_starts_its_own_exchange_while_an_answer_streams(
    gui: Gui,
) -> None:
    desktop = gui.application.desktop
    desktop.set_templates([TO_ENGLISH])
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(200)], delay=0.01))
    await type_and_enter(gui, window, "Talk")
    await gui.until(lambda: "w3" in answer_of(window))
    first = window.conversation_id
    assert first is not None
    gui.qtbot.keyClicks(window.input, "half a follow-up")
    QGuiApplication.clipboard().setText("Bonjour")
    desktop.summon("To English", run=True)  # its global shortcut
    assert window.conversation_id not in (None, first)
    assert gui.application.controller.is_streaming(first)
    await gui.until(lambda: settled(gui, window))
    body = asked(gui, "Translate: Bonjour")  # the typed text is no part of it
    assert (body["model"], body["temperature"]) == ("mistral-small-latest", 0.1)
    # Put aside, not left in the field: Enter sent it as a follow-up to the template's
    # answer, with the template's model and temperature.
    assert window.input.toPlainText() == ""
    # The earlier answer went on in its own conversation, to its end.
    await gui.until(lambda: not gui.application.controller.is_streaming(first))
    answer = gui.store.current_path(first)[-1]
    assert answer.status is MessageStatus.COMPLETE
    assert answer.content.endswith("w199 ")
    window.hide()
    window.summon()  # back at the next summon, as a question of its own
    assert window.conversation_id is None
    assert window.input.toPlainText() == "half a follow-up"


@in_loop
async def test_a_template_chosen_after_an_answer_asks_in_a_new_exchange_with_its_settings(
    gui: Gui,
) -> None:
    gui.application.desktop.set_templates([TO_ENGLISH])
    QGuiApplication.clipboard().setText("Merci")
    window = quick(gui)
    window.summon()
    await type_and_enter(gui, window, "Hello")
    await gui.until(lambda: settled(gui, window))
    first = window.conversation_id
    gui.qtbot.keyClicks(window.input, "/to eng")
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Return)  # chooses it
    assert window.chip.isVisible()
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Return)  # runs it
    assert window.conversation_id not in (None, first)
    await gui.until(lambda: settled(gui, window))
    body = asked(gui, "Translate: Merci")
    assert body["messages"] == [{"role": "user", "content": "Translate: Merci"}]
    assert (body["model"], body["temperature"]) == ("mistral-small-latest", 0.1)
    assert [m.content for m in gui.store.current_path(first)] == ["Hello", "Echo: Hello"]


@pytest.fixture
def empty_keychain(no_key_environ: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A keychain that works and holds no key."""
    monkeypatch.setattr(keyring, "get_keyring", MemoryKeyring)


@pytest.mark.usefixtures("empty_keychain")
@in_loop
async def test_without_a_key_the_quick_window_says_so_and_opens_the_settings(gui: Gui) -> None:
    gui.window.hide()  # in the tray: its first-run panel is no help
    window = quick(gui)
    window.summon()
    await type_and_enter(gui, window, "my precious question")
    assert window.notice.isVisible()
    assert window.notice.text().startswith("No API key for http://127.0.0.1:")
    assert "add one in Settings → API key" in window.notice.text()
    assert window.input.toPlainText() == "my precious question"  # nothing lost
    assert gui.store.count_conversations() == 0
    assert window.settings_button.isVisible()
    window.settings_button.click()
    dialog = gui.application._settings_dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.current_page() == "key"
    assert not window.isVisible()  # out of the dialog's way, the question kept
    window.summon()
    assert window.input.toPlainText() == "my precious question"
    assert not window.notice.isVisible()  # of the last try: a key may be there now
    dialog.close()


@in_loop
async def test_with_a_refused_endpoint_the_quick_window_opens_its_settings(gui: Gui) -> None:
    # One given at start is dropped for the saved one (see test_settings_problems): here
    # it comes afterwards, plain http and not local.
    settings = gui.application.config.settings
    gui.application.apply_settings(settings.with_values(base_url="http://models.example.com"))
    window = quick(gui)
    window.summon()
    await type_and_enter(gui, window, "anyone there?")
    assert "Refusing the plain http:// endpoint" in window.notice.text()
    window.settings_button.click()
    dialog = gui.application._settings_dialog
    assert dialog is not None
    assert dialog.current_page() == "endpoint"
    dialog.close()


@in_loop
async def test_an_answer_asked_in_the_main_window_is_not_brought_to_the_quick_one(
    gui: Gui,
) -> None:
    # The quick window followed its last conversation: an answer asked in it from the
    # main window came back at the next summon, as if it were the quick one's.
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(text="one"), Reply(text="t"))
    await type_and_enter(gui, window, "First")
    await gui.until(lambda: settled(gui, window))
    conversation_id = window.conversation_id
    window.hide()
    gui.window.open_conversation(conversation_id)
    gui.server.enqueue(Reply(text="asked in the main window"))
    await gui.ask("From the main window")
    await gui.until(gui.answered)
    window.summon()
    assert window.conversation_id is None  # a new exchange, as every summon


@in_loop
async def test_the_quick_window_comes_back_within_its_screen(gui: Gui) -> None:
    # Left by the screen's edge, then grown by a larger text size, it stood partly past
    # the edge at the next summon.
    from app.quick.place_and_size import GEOMETRY_KEY

    window = quick(gui)
    window.summon()
    await gui.settle(0.02)
    area = window.screen().availableGeometry()
    window.hide()  # (which saves its place: the one below is set after)
    gui.application.state.set(GEOMETRY_KEY, [area.right() - 300, area.top() + 40, 400, 200])
    window.summon()
    await gui.settle(0.02)
    assert area.contains(window.frameGeometry())


@pytest.mark.parametrize("close", ["escape", "choose", "erase"])
@in_loop
async def test_the_template_list_closing_after_an_answer_gives_its_room_back(
    gui: Gui, close: str
) -> None:
    # Grown for the list under an answer, the window kept that height once it closed.
    window, answered = await answered_shortly(gui)
    gui.qtbot.keyClicks(window.input, "/")
    assert window.completions.isVisible()
    await gui.settle(0.02)
    assert window.height() > answered  # room for the list
    if close == "escape":
        gui.qtbot.keyClick(window.input, Qt.Key.Key_Escape)
    elif close == "choose":
        gui.qtbot.keyClick(window.input, Qt.Key.Key_Return)
        assert window.chip.isVisible()
    else:
        gui.qtbot.keyClick(window.input, Qt.Key.Key_Backspace)
    assert not window.completions.isVisible()
    assert window.isVisible()
    await gui.settle(0.02)
    assert window.height() == answered


@in_loop
async def test_the_template_list_gives_its_room_back_within_what_the_window_needs(
    gui: Gui,
) -> None:
    # The text grown while the list is open: the height before it is too small now.
    window, answered = await answered_shortly(gui)
    gui.qtbot.keyClicks(window.input, "/")
    gui.application.theme.apply("light", 24)
    await gui.settle(0.05)
    with_list = window.height()
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Escape)
    await gui.settle(0.05)
    assert not window.completions.isVisible()
    assert answered < window.height() < with_list
    assert window.height() >= window.minimumSizeHint().height()
    assert window.screen().availableGeometry().contains(window.frameGeometry())


@in_loop
async def test_a_continue_keeps_the_title_and_the_keyboard_in_the_question_field(gui: Gui) -> None:
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(text="one two", finish_reason="length"), Reply(text="Counting"))
    await type_and_enter(gui, window, "Count")
    await gui.until(lambda: settled(gui, window))
    await gui.until_titled()
    item = window.transcript.item(window.transcript.message_ids[-1])
    gui.server.enqueue(Reply(text=" three four."))
    item._continue.setFocus()
    assert QApplication.focusWidget() is item._continue
    gui.qtbot.keyClick(item._continue, Qt.Key.Key_Space)
    await gui.until(lambda: settled(gui, window) and answer_of(window).endswith("four."))
    await gui.until(lambda: not item.streaming)
    assert QApplication.focusWidget() is window.input
    # Named after its first answer: not again after the Continue.
    title = gui.application.runner.get(f"title:{window.conversation_id}")
    if title is not None:
        await title
    assert gui.store.get_conversation(window.conversation_id).title == "Counting"


@pytest.mark.parametrize("end", ["stopped", "refused"])
@in_loop
async def test_a_continue_of_an_older_answer_that_brings_nothing_leaves_the_exchange_as_it_was(
    gui: Gui, end: str
) -> None:
    window = quick(gui)
    window.summon()
    window.pin.setChecked(True)  # kept open whichever window the test's display activates
    gui.server.enqueue(Reply(text="one two three", cut_after=2), Reply(text="Later answer."))
    await type_and_enter(gui, window, "Count")
    await gui.until(lambda: settled(gui, window))
    await type_and_enter(gui, window, "Later question")
    await gui.until(lambda: settled(gui, window) and answer_of(window) == "Later answer.")
    ids = window.transcript.message_ids
    assert len(ids) == 4
    stored = gui.store.messages(window.conversation_id)
    older = window.transcript.item(ids[1])
    assert older is not None
    gui.server.enqueue(
        Reply(text=" three", stall_after=0, stall_seconds=30)
        if end == "stopped"
        else Reply(status=402)
    )
    older._continue.click()
    if end == "stopped":
        # Meanwhile its question shows alone, the new version awaited under it.
        await gui.until(lambda: window.transcript.message_ids == ids[:1] and window._busy)
        gui.qtbot.keyClick(window.input, Qt.Key.Key_Escape)
    await gui.until(lambda: settled(gui, window) and window.transcript.message_ids == ids)
    # No version made of the cut text: the exchange as it was, here and in the history.
    assert gui.store.messages(window.conversation_id) == stored
    shown = window.transcript.item(ids[1])
    assert shown is not None
    assert shown._switcher is None or not shown._switcher.isVisible()
    assert answer_of(window) == "Later answer."
    assert window.isVisible()
    if end == "refused":
        assert window.notice.isVisible()
        assert window.notice.text().startswith("Continue failed; the answer is unchanged.")
        assert "(402)" in window.notice.text()
    else:
        assert not window.notice.isVisible()


@in_loop
async def test_asking_a_deprecated_model_here_says_so_and_names_its_replacement(gui: Gui) -> None:
    # The main window's picker marks a deprecated model; the quick window named no model
    # at all, and asked it without a word (QA).
    await gui.application.refresh_models()
    window = quick(gui)
    window.summon()
    gui.server.enqueue(Reply(text="Short."), Reply(text="t"))
    await type_and_enter(gui, window, "Hi")
    await gui.until(lambda: settled(gui, window))
    # The default model, mistral-large-2411, which the fake server lists as deprecated.
    assert [r.body["model"] for r in gui.server.chat_requests if r.body.get("stream")] == [
        "mistral-large-2411"
    ]
    assert window.notice.isVisible()
    assert "deprecated" in window.notice.text().lower()
    assert "replacement: mistral-large-2512" in window.notice.text()
    assert "Settings → Model" in window.notice.text()
