"""The window people use: asking, streaming, stopping, branches, errors, links."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication, QTextDocument
from PySide6.QtWidgets import QApplication, QToolTip

from app.domain.messages import MessageStatus, Role
from app.store.transfer import export_json
from tests.fake_mistral import FakeMistral, Reply
from tests.integration.gui.conftest import Gui, in_loop

VLLM_MODEL = "mistralai/Mistral-Large-Instruct-2411"  # the openai fake's model
# Text far faster than rendering: 12,000 words in paragraphs, 500 of them per write.
FLOOD = [f"flood{i} " + ("\n\n" if i % 40 == 39 else "") for i in range(12000)]


def last_item(gui: Gui, role: Role):
    for message_id in reversed(gui.pane.transcript.message_ids):
        item = gui.pane.transcript.item(message_id)
        if item is not None and item.message.role is role:
            return item
    raise AssertionError(f"no {role} message shown")


def answer_text(gui: Gui) -> str:
    """The text of the last answer on screen ("" before there is one)."""
    for message_id in reversed(gui.pane.transcript.message_ids):
        item = gui.pane.transcript.item(message_id)
        if item is not None and item.message.role is Role.ASSISTANT:
            return str(item.text.toPlainText())
    return ""


@in_loop
async def test_enter_sends_and_the_answer_streams_in(gui: Gui) -> None:
    gui.server.enqueue(
        Reply(chunks=[f"word{i} " for i in range(80)], delay=0.01), Reply(text="Counting words")
    )
    await gui.ask("Count to eighty")
    await gui.until(lambda: gui.pane.conversation_id is not None)
    # The new chat's row in the list is marked as the open one.
    view = gui.window.sidebar.list_view
    await gui.until(lambda: view.current_conversation_id() == gui.pane.conversation_id)
    assert view.selectionModel().isSelected(view.currentIndex())
    # While streaming: Send became Stop and the text grows.
    await gui.until(lambda: gui.pane.composer.button.text() == "Stop")
    await gui.until(lambda: "word10" in answer_text(gui))
    await gui.until(gui.answered)
    answer = last_item(gui, Role.ASSISTANT)
    assert answer.text.toPlainText().strip().endswith("word79")
    assert gui.pane.composer.button.text() == "Send"
    assert gui.pane.composer.edit.toPlainText() == ""
    stored = gui.store.current_path(gui.pane.conversation_id)
    assert [m.role for m in stored] == [Role.USER, Role.ASSISTANT]
    assert stored[1].status is MessageStatus.COMPLETE
    await gui.until(lambda: gui.window.windowTitle() == "Counting words — Maestrale")


@in_loop
async def test_sending_a_new_chats_first_question_clears_and_titles_it_once(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="Soup is warm."), Reply(text="Warm soup"))
    edit = gui.pane.composer.edit
    gui.qtbot.keyClicks(edit, "Is soup warm?")
    cleared: list[str] = []
    titles: list[str] = []
    edit.textChanged.connect(lambda: cleared.append(edit.toPlainText()))
    gui.pane.title_changed.connect(titles.append)
    gui.qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert cleared == [""]  # once, not again once sent
    assert titles == ["Is soup warm?"]  # not again for the question stored
    await gui.until(gui.answered)
    await gui.until(lambda: titles[-1] == "Warm soup")
    assert titles == ["Is soup warm?", "Warm soup"]  # the answer's end told nothing new
    # Another conversation of the same title is still told (the window remembers the
    # conversation open last by it).
    twin = gui.store.create_conversation(title="Warm soup", model="m")
    first = gui.pane.conversation_id
    gui.window.open_conversation(twin.id)
    gui.window.open_conversation(first)
    assert titles[-2:] == ["Warm soup", "Warm soup"]


@in_loop
async def test_text_wraps_again_when_the_window_gets_narrower(gui: Gui) -> None:
    long_line = " ".join(f"word{i}" for i in range(400))
    gui.server.enqueue(Reply(text=long_line), Reply(text="Words"))
    await gui.ask("Words, please")
    await gui.until(gui.answered)
    await gui.settle(0.2)
    answer = last_item(gui, Role.ASSISTANT)
    question = last_item(gui, Role.USER)
    wide_height = answer.height()
    gui.window.resize(700, 760)
    await gui.until(lambda: answer.text.width() < 600)
    await gui.settle(0.2)
    for item in (answer, question):
        document = item.text.document()
        # Wrapped at the view's new width: nothing runs past its right edge.
        assert document.textWidth() == item.text.width()
        assert document.idealWidth() <= item.text.width()
    assert answer.height() > wide_height  # more lines now
    assert answer.text.height() >= answer.text.document().size().height()


@in_loop
async def test_a_flood_shows_its_newest_text_and_all_of_it_at_the_end(gui: Gui) -> None:
    gui.server.enqueue(Reply(chunks=FLOOD, batch=500), Reply(text="Flood"))
    transcript = gui.pane.transcript
    viewport = transcript.viewport()
    switched: list[bool] = []
    original = viewport.setUpdatesEnabled

    def record(enabled: bool) -> None:
        switched.append(enabled)
        original(enabled)

    viewport.setUpdatesEnabled = record  # type: ignore[method-assign]
    await gui.ask("Flood me")
    # Far behind, the reader (following the end) is shown the newest text: blocks in
    # between are skipped for now.
    await gui.until(lambda: transcript.filling_gaps, timeout=30)
    await gui.until(gui.answered, timeout=30)
    await gui.until(lambda: not transcript.rendering, timeout=30)
    assert answer_text(gui).rstrip().endswith("flood11999")
    # Then the skipped blocks are rendered in their place, a frame's worth at a time
    # with repaints held back meanwhile, until the answer shows whole and in order.
    await gui.until(lambda: not transcript.filling_gaps, timeout=30)
    assert False in switched
    assert viewport.updatesEnabled()
    words = answer_text(gui).split()
    assert words == [piece.strip() for piece in FLOOD]


@in_loop
async def test_a_reader_who_scrolls_up_in_a_flood_gets_the_skipped_text_at_once(
    gui: Gui,
) -> None:
    # The flood, then the stream stays open (a stall) so the answer is still streaming.
    gui.server.enqueue(Reply(chunks=FLOOD, stall_after=len(FLOOD) - 1, stall_seconds=20))
    transcript = gui.pane.transcript
    await gui.ask("Flood me")
    await gui.until(lambda: transcript.filling_gaps, timeout=30)
    await gui.until(lambda: "flood11998" in answer_text(gui), timeout=30)
    transcript.verticalScrollBar().setValue(0)  # no longer following the end
    assert not transcript.following
    await gui.until(lambda: not transcript.filling_gaps, timeout=30)
    assert gui.application.controller.is_streaming(gui.pane.conversation_id)
    words = answer_text(gui).split()
    assert words == [piece.strip() for piece in FLOOD[: len(words)]]
    assert len(words) >= len(FLOOD) - 2
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Escape)
    await gui.until(gui.answered)


@in_loop
async def test_finding_text_skipped_in_a_flood_renders_it(gui: Gui) -> None:
    gui.server.enqueue(Reply(chunks=FLOOD, batch=500), Reply(text="Flood"))
    transcript = gui.pane.transcript
    await gui.ask("Flood me")
    await gui.until(lambda: transcript.filling_gaps, timeout=30)
    await gui.until(gui.answered, timeout=30)
    await gui.until(lambda: not transcript.rendering, timeout=30)
    transcript._frames.timer.stop()  # as if the gaps had not been reached yet
    assert transcript.filling_gaps
    assert transcript.find_text("flood5000") == (1, 1)  # the answer, the one message with it
    assert not transcript.filling_gaps
    item = last_item(gui, Role.ASSISTANT)
    assert item.text.extraSelections()  # the match is highlighted
    assert answer_text(gui).split() == [piece.strip() for piece in FLOOD]


@in_loop
async def test_leaving_a_chat_in_a_flood_leaves_the_transcript_painting(gui: Gui) -> None:
    gui.server.enqueue(Reply(chunks=FLOOD, batch=500), Reply(text="Flood"))
    viewport = gui.pane.transcript.viewport()
    await gui.ask("Flood me")
    await gui.until(lambda: "flood100" in answer_text(gui))
    viewport.setUpdatesEnabled(False)  # as a frame behind the flood leaves it
    gui.pane.new_chat()
    assert viewport.updatesEnabled()


@in_loop
async def test_shift_enter_is_a_newline_not_a_send(gui: Gui) -> None:
    edit = gui.pane.composer.edit
    gui.qtbot.keyClicks(edit, "line one")
    gui.qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    gui.qtbot.keyClicks(edit, "line two")
    assert edit.toPlainText() == "line one\nline two"
    assert gui.server.request_count == 0


@in_loop
async def test_stop_keeps_the_partial_answer(gui: Gui) -> None:
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(500)], delay=0.01))
    await gui.ask("Talk a lot")
    await gui.until(lambda: gui.pane.conversation_id is not None)
    await gui.until(lambda: "w20" in answer_text(gui))
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Escape)
    await gui.until(gui.answered)
    answer = gui.store.current_path(gui.pane.conversation_id)[-1]
    assert answer.status is MessageStatus.INTERRUPTED
    assert answer.content.startswith("w0 w1 w2")
    assert "w499" not in answer.content
    item = last_item(gui, Role.ASSISTANT)
    assert item._status.isVisible()
    assert item._continue.isVisible()


async def _two_versions(gui: Gui) -> None:
    """A question answered, then answered again: its answer shows "2 / 2"."""
    gui.server.enqueue(
        Reply(text="First answer."), Reply(text="title"), Reply(text="Second answer.")
    )
    await gui.ask("Question")
    await gui.until(gui.answered)
    await gui.until_titled()
    first = last_item(gui, Role.ASSISTANT)
    first.regenerate_requested.emit(first.message.id)
    await gui.until(lambda: "Second answer." in answer_text(gui))
    await gui.until(gui.answered)


@in_loop
async def test_regenerate_makes_a_branch_and_the_switcher_moves_between_them(gui: Gui) -> None:
    await _two_versions(gui)
    second = last_item(gui, Role.ASSISTANT)
    assert second._branch_label.text() == "2 / 2"
    second._previous.click()
    await gui.until(lambda: "First answer." in answer_text(gui))
    assert last_item(gui, Role.ASSISTANT)._branch_label.text() == "1 / 2"
    exported = export_json(gui.store)["conversations"][0]["messages"]
    assert sorted(m["content"] for m in exported if m["role"] == "assistant") == [
        "First answer.",
        "Second answer.",
    ]


@in_loop
async def test_the_keyboard_stays_on_the_switcher_when_it_switches_versions(gui: Gui) -> None:
    # The composer took the keyboard after each switch: a second Space, meant to switch
    # back, typed a space into the message field.
    await _two_versions(gui)
    edit = gui.pane.composer.edit
    last_item(gui, Role.ASSISTANT)._previous.setFocus(Qt.FocusReason.TabFocusReason)
    gui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    await gui.until(lambda: "First answer." in answer_text(gui))
    shown = last_item(gui, Role.ASSISTANT)
    assert shown._branch_label.text() == "1 / 2"
    assert QApplication.focusWidget() is shown._next  # "<" is disabled at 1 / 2
    gui.qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    await gui.until(lambda: "Second answer." in answer_text(gui))
    assert QApplication.focusWidget() is last_item(gui, Role.ASSISTANT)._previous
    assert edit.toPlainText() == ""
    # A click leaves the keyboard where it was (the buttons take none from a click).
    edit.setFocus()
    last_item(gui, Role.ASSISTANT)._previous.click()
    await gui.until(lambda: "First answer." in answer_text(gui))
    assert QApplication.focusWidget() is edit


@in_loop
async def test_a_question_is_edited_in_place_with_cancel_and_send(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="About cats."), Reply(text="title"), Reply(text="About dogs."))
    await gui.ask("Tell me about cats")
    await gui.until(gui.answered)
    await gui.until_titled()
    question = last_item(gui, Role.USER)
    narrow = question._bubble.width()
    question._action.click()  # the pencil under the question
    editor = question._editor
    assert editor is not None
    assert editor.field.hasFocus()
    await gui.settle(0.05)
    assert question._bubble.width() > narrow  # room to edit a short question
    # The editor's own buttons act: Copy and Edit (of the text hidden) go meanwhile.
    assert not question._copy.isVisible()
    assert not question._action.isVisible()
    first_height = editor.field.height()
    for line in ("and dogs", "and birds", "and fish"):
        gui.qtbot.keyClick(editor.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        gui.qtbot.keyClicks(editor.field, line)
        await gui.settle(0.05)
        # The buttons stay under the text, inside the bubble, as the text grows.
        assert editor.send_button.geometry().top() > editor.field.geometry().bottom()
        assert editor.geometry().bottom() < question._bubble.height()
    assert editor.field.height() > first_height

    editor.cancel_button.click()
    assert question._editor is None
    assert question.text.isVisible()
    assert question._copy.isVisible()
    assert question._action.isVisible()
    assert question.message.content == "Tell me about cats"
    assert len(gui.server.chat_requests) == 2  # nothing sent

    question._action.click()
    editor = question._editor
    assert editor is not None
    editor.field.selectAll()
    gui.qtbot.keyClick(editor.field, Qt.Key.Key_Delete)
    assert not editor.send_button.isEnabled()  # an empty question cannot be sent
    gui.qtbot.keyClicks(editor.field, "Tell me about dogs")
    assert editor.send_button.isEnabled()
    gui.qtbot.keyClick(editor.field, Qt.Key.Key_Return)  # as the Send button does
    await gui.until(lambda: "About dogs." in answer_text(gui))
    await gui.until(gui.answered)
    questions = [
        m.content for m in gui.store.messages(gui.pane.conversation_id) if m.role is Role.USER
    ]
    assert questions == ["Tell me about cats", "Tell me about dogs"]  # nothing overwritten
    assert last_item(gui, Role.USER)._branch_label.text() == "2 / 2"


@in_loop
async def test_the_keyboard_goes_back_to_the_composer_when_an_edit_ends(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="About cats."), Reply(text="title"), Reply(text="Again."))
    await gui.ask("Tell me about cats")
    await gui.until(gui.answered)
    await gui.until_titled()
    edit = gui.pane.composer.edit
    question = last_item(gui, Role.USER)
    # Up in the empty composer, then Esc: typing goes on in the composer.
    gui.qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert question._editor is not None
    assert question._editor.field.hasFocus()
    gui.qtbot.keyClick(question._editor.field, Qt.Key.Key_Escape)
    assert question._editor is None
    assert QApplication.focusWidget() is edit
    # The same text sent again: nothing to branch, and the composer has the keyboard.
    gui.qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert question._editor is not None
    gui.qtbot.keyClick(question._editor.field, Qt.Key.Key_Return)
    assert question._editor is None
    assert QApplication.focusWidget() is edit
    # With the Cancel button, and with a changed question sent.
    gui.qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert question._editor is not None
    question._editor.cancel_button.setFocus()
    question._editor.cancel_button.click()
    assert QApplication.focusWidget() is edit
    gui.qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert question._editor is not None
    gui.qtbot.keyClicks(question._editor.field, " and dogs")
    gui.qtbot.keyClick(question._editor.field, Qt.Key.Key_Return)
    await gui.until(lambda: "Again." in answer_text(gui))
    await gui.until(gui.answered)
    assert QApplication.focusWidget() is edit


@in_loop
async def test_a_question_of_several_lines_opens_for_editing_without_a_scroll_bar(
    gui: Gui,
) -> None:
    gui.server.enqueue(Reply(text="Received."), Reply(text="title"))
    edit = gui.pane.composer.edit
    edit.setFocus()
    for number, line in enumerate(("line one", "line two", "", "line four after blank")):
        if number:
            gui.qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        gui.qtbot.keyClicks(edit, line)
    gui.qtbot.keyClick(edit, Qt.Key.Key_Return)
    await gui.until(gui.answered)
    question = last_item(gui, Role.USER)
    question._action.click()
    editor = question._editor
    assert editor is not None
    await gui.settle(0.05)
    assert editor.field.verticalScrollBar().maximum() == 0  # every line in sight


@in_loop
async def test_up_in_an_empty_composer_edits_the_last_question(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="Yes."))
    await gui.ask("Is it raining?")
    await gui.until(gui.answered)
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Up)
    question = last_item(gui, Role.USER)
    assert question._editor is not None
    assert question._editor.field.toPlainText() == "Is it raining?"


@in_loop
async def test_a_failed_answer_shows_why_and_retry_works(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="partial text here", cut_after=2), Reply(text="Full answer."))
    await gui.ask("Hi")
    await gui.until(gui.answered)
    failed = last_item(gui, Role.ASSISTANT)
    assert failed._status.isVisible()
    assert "connection" in failed._status_label.text()
    failed._retry.click()
    await gui.until(lambda: "Full answer." in answer_text(gui))
    await gui.until(gui.answered)
    contents = [
        m.content for m in gui.store.messages(gui.pane.conversation_id) if m.role is Role.ASSISTANT
    ]
    assert contents == ["partial text", "Full answer."]


@in_loop
async def test_an_answer_that_failed_before_any_text_offers_retry_not_copy(gui: Gui) -> None:
    gui.server.enqueue(Reply(status=400))  # refused: not retried
    await gui.ask("Hi")
    await gui.until(gui.answered)
    failed = last_item(gui, Role.ASSISTANT)
    assert failed._status.isVisible()
    assert failed._retry.isVisible()
    assert not failed._copy.isVisible()  # nothing to copy
    assert not failed.text.isVisible()  # nor an empty line above why it failed
    assert last_item(gui, Role.USER)._copy.isVisible()


@in_loop
async def test_a_failed_answer_has_no_gap_between_its_header_and_why(gui: Gui) -> None:
    # The answer kept the height of the icons it showed before (measured from a stale
    # layout): an empty band of their height above the red panel.
    transcript = gui.pane.transcript
    both = {Role.USER, Role.ASSISTANT}
    await gui.until(lambda: transcript._spares.ready == both)
    gui.server.enqueue(Reply(status=400))
    await gui.ask("Hi")
    await gui.until(gui.answered)
    conversation_id = gui.pane.conversation_id
    for reopen in (False, True):
        if reopen:  # in an item made ahead of need, laid out with its icons
            await gui.until(lambda: transcript._spares.ready == both)
            gui.pane.new_chat()
            gui.pane.open_conversation(conversation_id)
        failed = last_item(gui, Role.ASSISTANT)
        width = transcript._column_width()
        fresh = transcript._new_item(failed.message, (0, 1), width)
        assert transcript._by_id[failed.message.id].height == fresh.height_for_width(width)
        fresh.deleteLater()
        await gui.until(failed._status.isVisible)
        header = failed._header.geometry()
        gap = failed._status.geometry().top() - (header.y() + header.height())
        assert gap <= 2 * failed._layout.spacing(), reopen
        assert header.height() <= failed._header.sizeHint().height(), reopen


@in_loop
async def test_continue_carries_on_from_the_partial_text(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="one two three four", cut_after=2))
    await gui.ask("Count")
    await gui.until(gui.answered)
    gui.server.enqueue(Reply(text=" three four."))
    cut_id = last_item(gui, Role.ASSISTANT).message.id
    last_item(gui, Role.ASSISTANT)._continue.click()
    await gui.until(lambda: "four." in answer_text(gui))
    await gui.until(gui.answered)
    continued = [r.body for r in gui.server.chat_requests if r.body["messages"][-1].get("prefix")]
    assert len(continued) == 1
    assert continued[0]["messages"][-1] == {
        "role": "assistant",
        "content": "one two",
        "prefix": True,
    }
    assert gui.store.current_path(gui.pane.conversation_id)[-1].content == "one two three four."
    # On screen: the same answer, its text carried on in the same paragraph, and no
    # "2 / 2": the cut text is its start, not a version of its own.
    shown = [
        item
        for item in map(gui.pane.transcript.item, gui.pane.transcript.message_ids)
        if item is not None and item.message.role is Role.ASSISTANT
    ]
    assert len(shown) == 1
    assert shown[0].message.id == cut_id
    assert shown[0].text.toPlainText() == "one two three four."
    assert shown[0]._switcher is None or not shown[0]._switcher.isVisible()
    assert not shown[0]._status.isVisible()


@in_loop
async def test_a_continue_cut_again_keeps_all_the_text_and_offers_continue(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="one two three four", cut_after=2))
    await gui.ask("Count")
    await gui.until(gui.answered)
    gui.server.enqueue(Reply(text=" three four five six", cut_after=1))
    last_item(gui, Role.ASSISTANT)._continue.click()
    await gui.until(lambda: "three" in answer_text(gui))
    await gui.until(gui.answered)
    item = last_item(gui, Role.ASSISTANT)
    assert item.message.status is MessageStatus.ERROR
    assert item.text.toPlainText() == "one two three"
    assert gui.store.get_message(item.message.id).content == "one two three"
    assert item._switcher is None or not item._switcher.isVisible()
    await gui.until(item._status.isVisible)
    assert item._continue.isVisible()
    assert item._continue.isEnabled()
    assert item._retry.isVisible()


@in_loop
async def test_a_failed_retry_of_an_older_answer_shows_its_versions_at_once(gui: Gui) -> None:
    # The failed attempt (nothing came, so its row was stored only at its end) showed
    # without a switcher, as if the later exchange under the older answer were gone;
    # "2 / 2" came only once the conversation was opened again. (A Continue that fails
    # so stores nothing: see test_continue_older_answer.)
    gui.server.enqueue(Reply(text="one two three four", cut_after=2), Reply(text="Later answer."))
    await gui.ask("Count")
    await gui.until(gui.answered)
    await gui.ask("Later question")
    await gui.until(lambda: "Later answer." in answer_text(gui))
    await gui.until(gui.answered)
    older = gui.pane.transcript.item(gui.pane.transcript.message_ids[1])
    assert older is not None
    assert older._retry.isVisible()
    gui.server.enqueue(Reply(status=402))  # refused: not retried
    older._retry.click()
    await gui.until(lambda: len(gui.pane.transcript.message_ids) == 2 and gui.answered())
    failed = last_item(gui, Role.ASSISTANT)
    assert failed.message.status is MessageStatus.ERROR
    assert failed._switcher is not None
    assert failed._switcher.isVisible()
    assert failed._branch_label.text() == "2 / 2"
    failed._previous.click()
    await gui.until(lambda: "Later answer." in answer_text(gui))


@in_loop
async def test_continue_on_an_openai_compatible_server_continues_the_same_turn(
    gui: Gui, fake_openai: FakeMistral
) -> None:
    application = gui.application
    application.apply_settings(
        application.config.settings.with_values(base_url=fake_openai.base_url, dialect="openai")
    )
    await gui.until(lambda: gui.pane.picker.model == VLLM_MODEL)
    fake_openai.enqueue(Reply(text="one two three four", cut_after=2))
    await gui.ask("Count")
    await gui.until(gui.answered)
    fake_openai.enqueue(Reply(text=" three four."))
    last_item(gui, Role.ASSISTANT)._continue.click()
    await gui.until(lambda: "four." in answer_text(gui))
    await gui.until(gui.answered)
    # The last question sent (a title request may come after it).
    continued = [r.body for r in fake_openai.chat_requests if r.body.get("stream")][-1]
    assert continued["messages"][-1] == {"role": "assistant", "content": "one two"}
    # vLLM's own parameters: without them its chat template starts a new answer.
    assert continued["continue_final_message"] is True
    assert continued["add_generation_prompt"] is False
    assert fake_openai.schema_violations == []


@in_loop
async def test_code_copy_button_copies_the_exact_source(gui: Gui) -> None:
    source = "def f(x):\n\treturn x  # tab and trailing spaces   \n"
    gui.server.enqueue(Reply(text=f"Here:\n\n```python\n{source}```\n\nDone."))
    await gui.ask("Code please")
    await gui.until(gui.answered)
    answer = last_item(gui, Role.ASSISTANT)
    answer.text.anchorClicked.emit(QUrl("maestrale-copy:0"))
    assert QGuiApplication.clipboard().text() == source.removesuffix("\n")  # fence newline
    assert QToolTip.text() == "Copied"  # said where the link was
    # The message's own Copy button shows a check mark for a moment.
    copy = answer._copy
    plain = copy.icon().cacheKey()
    copy.click()
    assert QGuiApplication.clipboard().text() == answer.message.content
    assert copy.toolTip() == "Copied"
    assert copy.icon().cacheKey() != plain
    await gui.until(lambda: copy.toolTip() == "Copy as Markdown", timeout=5)


@in_loop
async def test_hostile_markdown_is_inert(gui: Gui, monkeypatch) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(
        "app.ui.link_dialog.QDesktopServices.openUrl", lambda url: opened.append(url) or True
    )
    hostile = (
        "<script>alert(1)</script>\n\n"
        "[click](javascript:alert(1)) [file](file:///etc/passwd)\n\n"
        "![remote](https://evil.example/x.png) ![local](/etc/passwd)\n\n"
        '<img src="https://evil.example/y.png">\n\n'
        "[safe](https://example.org/page)"
    )
    gui.server.enqueue(Reply(text=hostile))
    await gui.ask("Be hostile")
    await gui.until(gui.answered)
    answer = last_item(gui, Role.ASSISTANT)
    text = answer.text.toPlainText()
    assert "<script>alert(1)</script>" in text  # shown, not run
    html = answer.text.toHtml()
    assert "javascript:" not in html
    assert "file://" not in html
    assert "<img" not in html.replace("maestrale-math", "")
    # Neither the view nor the document's own fallback reads the network or the disk.
    document = answer.text.document()
    for kind in (QTextDocument.ResourceType.ImageResource, QTextDocument.ResourceType.HtmlResource):
        for url in ("https://evil.example/x.png", "file:///etc/passwd", "/etc/passwd"):
            assert answer.text.loadResource(kind.value, QUrl(url)).isEmpty()
            assert document.resource(kind.value, QUrl(url)).isEmpty()
    # A safe link opens only after the user confirmed the full address.
    shown: list[str] = []
    gui.pane._confirm_link = lambda check: shown.append(check.address) or False
    answer.text.anchorClicked.emit(QUrl("https://example.org/page"))
    assert shown == ["https://example.org/page"]
    assert opened == []
    gui.pane._confirm_link = lambda check: True
    answer.text.anchorClicked.emit(QUrl("https://example.org/page"))
    answer.text.anchorClicked.emit(QUrl("javascript:alert(1)"))
    answer.text.anchorClicked.emit(QUrl("file:///etc/passwd"))
    # A lookalike opens as shown: the browser gets the ASCII name the person saw.
    answer.text.anchorClicked.emit(QUrl("https://аpple.com/login"))
    assert opened == [QUrl("https://example.org/page"), QUrl("https://xn--pple-43d.com/login")]


def test_an_answer_finished_behind_a_flood_renders_its_rest_at_once(gui: Gui) -> None:
    from dataclasses import replace

    from app.domain.messages import Message, MessageStatus, utc_now
    from app.ui.transcript.frames import FLOOD_FRAME_MS

    transcript = gui.pane.transcript
    streaming = Message(
        id="m1",
        conversation_id="c1",
        parent_id=None,
        role=Role.ASSISTANT,
        content="",
        created_at=utc_now(),
        status=MessageStatus.STREAMING,
    )
    transcript.add_message(streaming)
    text = "".join(FLOOD)
    transcript.append_delta("m1", text)
    transcript._frames.timer.stop()
    transcript._frames.timer.setInterval(FLOOD_FRAME_MS)  # as the frames of a flood leave it
    transcript.finish_message(replace(streaming, content=text, status=MessageStatus.COMPLETE))
    assert transcript.rendering  # more than one frame's worth is left ...
    assert transcript._frames.timer.isActive()
    assert transcript._frames.timer.interval() == 0  # ... and the next frame comes at once
    gui.qtbot.waitUntil(lambda: not transcript.rendering, timeout=10_000)


@in_loop
async def test_formulas_grow_with_the_text(gui: Gui) -> None:
    gui.server.enqueue(Reply(text="Energy: $E=mc^2$ and more."), Reply(text="Physics"))
    await gui.ask("Formula")
    await gui.until(gui.answered)
    math = gui.application.math

    def formula_height() -> int:
        url = math.image_url("E=mc^2", False)
        image = math.image(QUrl(url)) if url else None
        return round(image.height() / image.devicePixelRatio()) if image else 0

    await gui.until(lambda: formula_height() > 0, timeout=10)
    small = formula_height()
    for _ in range(4):
        gui.window.actions_by_id["zoom_in"].trigger()
    await gui.until(lambda: formula_height() > small, timeout=10)  # drawn again, larger
    answer = last_item(gui, Role.ASSISTANT)
    assert "maestrale-math:" in answer.text.toHtml()  # shown as an image, not TeX


@in_loop
async def test_retry_after_a_rejected_key_reads_the_key_again(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # The key was replaced outside the window (`maestrale key set`, as the error says).
    gui.server.api_key = "the-new-key"
    await gui.ask("Hello")
    await gui.until(gui.answered)
    failed = last_item(gui, Role.ASSISTANT)
    assert failed.message.status is MessageStatus.ERROR
    gui_environ["MISTRAL_API_KEY"] = "the-new-key"
    gui.server.enqueue(Reply(text="Hello again."), Reply(text="Greeting"))
    failed._retry.click()
    await gui.until(lambda: "Hello again." in answer_text(gui))
    assert gui.server.chat_requests[-1].headers["authorization"] == "Bearer the-new-key"


@in_loop
async def test_parameters_chosen_for_a_new_chat_stay_with_it(gui: Gui) -> None:
    from app.domain.messages import ChatParams
    from app.ui.params_dialog import ParamsDialog

    gui.pane.params_button.click()
    dialog = next(d for d in gui.window.findChildren(ParamsDialog) if d.isVisible())
    dialog.system_prompt.setPlainText("Talk like a pirate.")
    dialog.params.set_params(ChatParams(temperature=1.0))
    dialog.apply_button.click()
    gui.server.enqueue(Reply(text="Arr."), Reply(text="Pirate"))
    await gui.ask("Hello")
    await gui.until(gui.answered)
    first = gui.server.chat_requests[0].body
    assert first["messages"][0] == {"role": "system", "content": "Talk like a pirate."}
    assert first["temperature"] == 1.0
    # The next new chat starts from the defaults again.
    gui.window.new_chat()
    asked = len(gui.server.chat_requests)
    gui.server.enqueue(Reply(text="Hi."), Reply(text="Greeting"))
    await gui.ask("Hello again")
    await gui.until(lambda: len(gui.server.chat_requests) > asked)
    await gui.until(gui.answered)
    later = next(
        r.body
        for r in gui.server.chat_requests
        if r.body["messages"][-1]["content"] == "Hello again"
    )
    assert later["messages"][0]["role"] == "user"  # no system prompt
    assert "temperature" not in later
    assert gui.application.config.settings.system_prompt == ""  # the defaults untouched


@in_loop
async def test_long_answers_with_formulas_show_to_their_last_line(gui: Gui) -> None:
    # Each answer ends after a table, code, a displayed formula and a quote: measured
    # with the formula's source, answers kept that height once the image came, and
    # their last line was cut off until the window was resized.
    content = (
        "Intro.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n\n"
        "$$\n\\int_0^1 x^2 dx = \\frac{1}{3}\n$$\n\n> a quoted line\n\nEnd of answer"
    )
    conversation = gui.store.create_conversation(title="Formulas", model="m")
    parent = None
    for number in range(6):
        question = gui.store.add_message(
            conversation.id, role=Role.USER, content=f"Question {number}", parent_id=parent
        )
        parent = gui.store.add_message(
            conversation.id, role=Role.ASSISTANT, content=content, parent_id=question.id
        ).id
    gui.window.open_conversation(conversation.id)
    transcript = gui.pane.transcript
    width = transcript._column_width()

    math = gui.application.math
    await gui.until(lambda: math.image_url("\\int_0^1 x^2 dx = \\frac{1}{3}", True) is not None)
    await gui.settle(0.5)
    shown = [transcript.item(m) for m in transcript.message_ids]
    answers = [i for i in shown if i is not None and i.message.role is Role.ASSISTANT]
    assert answers
    kept = [(transcript._by_id[i.message.id].height, i.height()) for i in answers]  # as shown
    needed = [i.height_for_width(width) for i in answers]  # measured now
    assert kept == [(height, height) for height in needed]


@in_loop
async def test_earlier_messages_cannot_be_asked_again_while_an_answer_is_written(
    gui: Gui,
) -> None:
    gui.server.enqueue(Reply(text="First."), Reply(text="title"))
    await gui.ask("One")
    await gui.until(gui.answered)
    first = last_item(gui, Role.ASSISTANT)
    assert first._action.isEnabled()  # regenerate
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(200)], delay=0.01))
    await gui.ask("Two")
    await gui.until(lambda: gui.pane.composer.button.text() == "Stop")
    assert not first._action.isEnabled()  # greyed, rather than ignoring the click
    question = next(
        gui.pane.transcript.item(m)
        for m in gui.pane.transcript.message_ids
        if gui.pane.transcript.item(m) is not None
        and gui.pane.transcript.item(m).message.content == "One"
    )
    assert not question._action.isEnabled()  # edit
    gui.pane.stop()
    await gui.until(gui.answered)
    assert first._action.isEnabled()
    assert question._action.isEnabled()


@in_loop
async def test_a_rate_limited_request_says_it_waits_and_then_answers(gui: Gui) -> None:
    gui.server.enqueue(Reply(status=429, retry_after="2"), Reply(text="Now it works."))
    await gui.ask("Busy?")
    transcript = gui.pane.transcript

    def pending() -> str:
        label = transcript._pending
        return label.text() if label is not None and label.isVisible() else ""

    await gui.until(lambda: "Asking again in 2 s" in pending(), timeout=5)
    assert pending().startswith("Rate limit reached (429). ")
    assert "try again" not in pending()  # it is asking again itself: no advice to
    await gui.until(lambda: "Asking again in 1 s" in pending(), timeout=5)  # counts down
    await gui.until(lambda: "Now it works." in answer_text(gui), timeout=10)


@in_loop
async def test_a_reasoning_models_thinking_shows_until_its_answer_comes(gui: Gui) -> None:
    # Magistral thinks aloud first; the window said "Mistral is thinking…" all along,
    # however long that took, and the thoughts went nowhere.
    thought = " ".join(f"step{n}" for n in range(60))
    gui.server.enqueue(Reply(thinking=thought, text="The answer is 42.", delay=0.01))
    await gui.ask("Hard question")
    transcript = gui.pane.transcript

    def pending() -> str:
        label = transcript._pending
        return label.text() if label is not None and label.isVisible() else ""

    await gui.until(lambda: pending().startswith("Thinking…") and "step3" in pending())
    await gui.until(lambda: "step59" in pending() or answer_text(gui) != "")
    await gui.until(gui.answered)
    assert answer_text(gui) == "The answer is 42."
    assert pending() == ""
    stored = gui.store.current_path(gui.pane.conversation_id or "")[-1]
    assert stored.content == "The answer is 42."  # the thoughts are not the answer


@in_loop
async def test_an_answers_actions_show_once_it_is_written(gui: Gui) -> None:
    # Greyed copy and regenerate icons showed under an answer still being written,
    # and a failed answer offered regenerate beside its own Retry.
    gui.server.enqueue(Reply(chunks=[f"w{n} " for n in range(200)], delay=0.01))
    await gui.ask("Talk")
    transcript = gui.pane.transcript
    await gui.until(lambda: answer_text(gui) != "")
    item = transcript.item(transcript.message_ids[-1])
    assert item is not None
    assert not item._copy.isVisible()
    assert not item._action.isVisible()
    height = item.height()
    await gui.until(gui.answered)
    await gui.settle(0.05)
    assert item._copy.isVisible()
    assert item._action.isVisible()
    assert item.height() >= height  # the footer had its room all along
    await gui.until_titled()  # the title's request takes no reply meant for regenerate
    gui.server.enqueue(Reply(status=400))
    gui.pane.regenerate_last()
    await gui.until(lambda: gui.pane.composer.button.text() == "Send")
    await gui.settle(0.05)
    failed = transcript.item(transcript.message_ids[-1])
    assert failed is not None
    assert failed._retry.isVisible()
    assert not failed._action.isVisible()


@in_loop
async def test_an_answers_tool_calls_show_and_the_next_question_keeps_them(gui: Gui) -> None:
    gui.server.enqueue(Reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}]))
    await gui.ask("Weather in Paris?")
    await gui.until(gui.answered)
    answer = last_item(gui, Role.ASSISTANT)
    # Not an empty bubble: the call, its arguments as indented JSON, and why no result.
    panel = answer._tool_calls
    assert panel is not None
    assert panel.isVisible()
    shown = panel.texts()
    assert shown[:2] == ["Called get_weather", '{\n  "city": "Paris"\n}']
    # Tools are off: said so, and how to carry on.
    assert shown[-1].startswith("Tools were off, so this call did not run and no result")
    assert "turn tools on (Settings → Tools)" in shown[-1]
    # Copy gives the calls, as the export writes them (it had no Copy at all).
    assert answer._copy.isVisible()
    answer._copy.click()
    assert QGuiApplication.clipboard().text() == (
        'Tool call `get_weather`:\n\n```json\n{\n  "city": "Paris"\n}\n```'
    )
    await gui.until_titled()
    await gui.ask("And tomorrow?")
    await gui.until(lambda: len(gui.store.current_path(gui.pane.conversation_id)) == 4)
    await gui.until(gui.answered)
    sent = [r.body for r in gui.server.chat_requests if r.body.get("stream")][-1]["messages"]
    # The call's turn is kept, told in words: two questions in a row, or calls without
    # their results, a strict server refuses.
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
    assert "tool_calls" not in sent[1]
    assert "get_weather" in sent[1]["content"]


@in_loop
async def test_an_answer_whose_text_stops_coming_says_so(gui: Gui) -> None:
    # A stalled stream showed its text and a Stop button, and nothing else, for the
    # 90 s until the client gave up: it looked like a slow model, or a hung app.
    transcript = gui.pane.transcript
    transcript._silence.setInterval(300)  # 15 s in use

    def pending() -> str:
        label = transcript._pending
        return label.text() if label is not None and label.isVisible() else ""

    gui.server.enqueue(
        Reply(text="First part. Second part. Third part.", stall_after=2, stall_seconds=3)
    )
    await gui.ask("Slow?")
    await gui.until(lambda: pending().startswith("Nothing new for"), timeout=5)
    assert "Stop (Esc) keeps the text so far" in pending()
    await gui.until(lambda: pending().startswith("Nothing new for 1 s"), timeout=5)
    streaming = transcript._entries[-1].message
    assert streaming is not None
    transcript.append_delta(streaming.id, " more")  # text again: said no more
    assert pending() == ""
    await gui.until(lambda: pending().startswith("Nothing new for"), timeout=5)
    await gui.until(gui.answered, timeout=10)
    assert pending() == ""  # the answer ended (the connection was cut): nothing to wait for


@in_loop
async def test_retry_replaces_a_failed_attempt_that_brought_no_text(gui: Gui) -> None:
    # The switcher said "1/2", version 1 only the red error card (and export listed it).
    gui.server.enqueue(
        Reply(status=402), Reply(status=402), Reply(text="Hello there."), Reply(text="Greeting")
    )
    await gui.ask("Hi")
    await gui.until(gui.answered)
    conversation_id = gui.pane.conversation_id
    failed = last_item(gui, Role.ASSISTANT).message
    last_item(gui, Role.ASSISTANT)._retry.click()  # fails again: still one version
    await gui.until(lambda: gui.store.current_path(conversation_id)[-1].id != failed.id)
    await gui.until(gui.answered)
    await gui.settle()
    again = last_item(gui, Role.ASSISTANT)
    assert again.message.status is MessageStatus.ERROR
    assert again._switcher is None or not again._switcher.isVisible()
    again._retry.click()
    await gui.until(lambda: "Hello there." in answer_text(gui))
    await gui.until(gui.answered)
    answer = last_item(gui, Role.ASSISTANT)
    assert answer._switcher is None or not answer._switcher.isVisible()
    # The title asked for after the first answer: done before the test ends.
    await gui.until(lambda: gui.store.get_conversation(conversation_id).title == "Greeting")
    stored = gui.store.messages(conversation_id)
    assert [(m.role, m.content) for m in stored] == [
        (Role.USER, "Hi"),
        (Role.ASSISTANT, "Hello there."),
    ]


@in_loop
async def test_retry_keeps_an_attempt_that_brought_text(gui: Gui) -> None:
    gui.server.enqueue(
        Reply(chunks=["Part ", "of it"], cut_after=2), Reply(text="Whole."), Reply(text="Greeting")
    )
    await gui.ask("Hi")
    await gui.until(gui.answered)
    cut = last_item(gui, Role.ASSISTANT).message
    assert cut.content
    gui.pane.regenerate_last()
    await gui.until(lambda: "Whole." in answer_text(gui))
    await gui.until(gui.answered)
    assert last_item(gui, Role.ASSISTANT)._branch_label.text() == "2 / 2"
    assert cut.id in {m.id for m in gui.store.messages(gui.pane.conversation_id)}
    # The title asked for after the first whole answer: done before the test ends.
    conversation_id = gui.pane.conversation_id
    await gui.until(lambda: gui.store.get_conversation(conversation_id).title == "Greeting")
