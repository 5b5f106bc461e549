"""The model a question goes to: after an endpoint switch, a retired default, an import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app import model_refresh
from app.api.errors import NetworkError
from app.domain.messages import Role
from app.store.transfer import import_file
from app.ui.model_picker import ROLE_MODEL
from tests.fake_mistral import FakeMistral, Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_chat_window import last_item

CHATGPT_EXPORT = Path(__file__).parents[2] / "unit/store/fixtures/chatgpt_conversations.json"
IMPORTED = "67497e20-1c2c-800b-9f3e-2a1b0c9d8e7f"  # answered by gpt-4o in ChatGPT
VLLM_MODEL = "mistralai/Mistral-Large-Instruct-2411"


def sent_models(server: FakeMistral) -> list[str]:
    """The models of the questions sent (title requests left out)."""
    return [r.body["model"] for r in server.chat_requests if r.body.get("stream") is True]


def picker_items(gui: Gui) -> list[str]:
    combo = gui.pane.picker.combo
    return [combo.itemText(i) for i in range(combo.count())]


@in_loop
async def test_a_new_chat_follows_a_switch_to_a_server_with_other_models(
    gui: Gui, fake_openai: FakeMistral
) -> None:
    application, picker = gui.application, gui.pane.picker
    await application.refresh_models()
    older = gui.store.create_conversation(title="On Mistral", model="mistral-large-2411")
    application.open_settings("model")
    dialog = application._settings_dialog
    assert dialog is not None
    assert dialog.model_page.model_problem.message().startswith("mistral-large-2411: Deprecated")

    application.apply_settings(
        application.config.settings.with_values(base_url=fake_openai.base_url, dialect="openai")
    )
    await gui.until(lambda: picker.model == VLLM_MODEL)
    assert picker_items(gui) == [VLLM_MODEL]  # no model this server lacks
    assert dialog.model_page.model_problem.message().startswith(
        "This endpoint does not serve mistral-large-2411"
    )
    dialog.close()
    await gui.ask("Hello")
    await gui.until(gui.answered)
    assert sent_models(fake_openai) == [VLLM_MODEL]

    # A conversation started on Mistral keeps its model, marked as not served here.
    gui.window.open_conversation(older.id)
    assert picker.model == "mistral-large-2411"
    assert picker.combo.currentText() == "mistral-large-2411  (not on this server)"
    assert picker_items(gui) == ["mistral-large-2411  (not on this server)", VLLM_MODEL]


@in_loop
async def test_a_deprecated_default_model_is_replaced_in_one_click_in_the_settings(
    gui: Gui,
) -> None:
    # As the chat header offers it: the settings said the default model was deprecated
    # and named its replacement, with nothing to click but the list, searched by hand.
    application = gui.application
    await application.refresh_models()
    application.open_settings("model")
    dialog = application._settings_dialog
    assert dialog is not None
    page = dialog.model_page
    assert page.model_problem.message().startswith("mistral-large-2411: Deprecated")
    switch = page.switch_model
    assert switch.isVisibleTo(dialog)
    assert switch.text() == "Use mistral-large-2512 instead"
    gui.qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    assert page.model.model_id() == "mistral-large-2512"
    assert not page.model_problem.message()
    assert not switch.isVisibleTo(dialog)
    await gui.until(lambda: application.config.settings.model == "mistral-large-2512")
    dialog.close()
    await gui.ask("Hello")
    await gui.until(gui.answered)
    assert sent_models(gui.server) == ["mistral-large-2512"]


@in_loop
async def test_new_chats_leave_a_retired_default_for_its_replacement(gui: Gui) -> None:
    picker = gui.pane.picker
    await gui.application.refresh_models()
    gui.server.retired_models = {"mistral-large-2411"}  # still listed, as the server does
    await gui.ask("Hi")
    await gui.until(gui.answered)
    assert sent_models(gui.server) == ["mistral-large-2411"]
    failed = gui.store.current_path(gui.pane.conversation_id)[-1]
    assert "its replacement is mistral-large-2512" in (failed.error or "")
    # That conversation keeps its model, marked, with the one-click switch.
    assert picker.combo.currentText() == "mistral-large-2411  (retired)"
    assert picker.switch.isVisible()

    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    await gui.until(lambda: gui.pane.conversation_id is None)
    assert picker.model == "mistral-large-2512"
    gui.server.enqueue(Reply(text="Hello."))
    await gui.ask("Hi again")
    await gui.until(gui.answered)
    assert sent_models(gui.server) == ["mistral-large-2411", "mistral-large-2512"]


@in_loop
async def test_retry_after_a_retired_model_offers_its_replacement(gui: Gui) -> None:
    picker = gui.pane.picker
    await gui.application.refresh_models()
    gui.server.retired_models = {"mistral-large-2411"}
    await gui.ask("Hi")
    await gui.until(gui.answered)
    failed = last_item(gui, Role.ASSISTANT)
    # Plain Retry asked the retired model again, and failed again.
    await gui.until(lambda: failed._retry.text() == "Retry with mistral-large-2512")
    gui.server.enqueue(Reply(text="Hello from the new model."))
    failed._retry.click()
    await gui.until(lambda: len(sent_models(gui.server)) == 2 and gui.answered())
    assert sent_models(gui.server) == ["mistral-large-2411", "mistral-large-2512"]
    assert picker.model == "mistral-large-2512"  # the conversation's model from now on
    conversation = gui.store.get_conversation(gui.pane.conversation_id)
    assert conversation.model == "mistral-large-2512"
    assert gui.store.current_path(conversation.id)[-1].content == "Hello from the new model."

    # Switched in the header first, Retry already asks the conversation's new model.
    other = gui.store.create_conversation(title="Older", model="mistral-large-2411")
    gui.window.open_conversation(other.id)
    await gui.ask("Again")
    await gui.until(gui.answered)
    failed = last_item(gui, Role.ASSISTANT)
    await gui.until(lambda: failed._retry.text() == "Retry with mistral-large-2512")
    picker.switch.click()
    await gui.until(lambda: failed._retry.text() == "Retry")


@in_loop
async def test_a_failed_answer_no_longer_asks_to_choose_the_replacement_once_chosen(
    gui: Gui,
) -> None:
    picker = gui.pane.picker
    await gui.application.refresh_models()
    gui.server.retired_models = {"mistral-large-2411"}
    await gui.ask("Hi")
    await gui.until(gui.answered)
    failed = last_item(gui, Role.ASSISTANT)
    assert failed._status_label.text().endswith("choose it instead.")

    picker.switch.click()
    assert failed._status_label.text() == (
        "The model mistral-large-2411 is retired or not served by this endpoint; "
        "this conversation now uses mistral-large-2512."
    )
    assert failed._retry.text() == "Retry"
    # Back on the retired model, the advice holds again.
    picker.combo.activated.emit(picker.combo.findData("mistral-large-2411", ROLE_MODEL))
    assert picker.model == "mistral-large-2411"
    assert failed._status_label.text().endswith("choose it instead.")
    assert failed._retry.text() == "Retry with mistral-large-2512"


@in_loop
async def test_a_chat_imported_from_chatgpt_continues_on_the_default_model(gui: Gui) -> None:
    picker = gui.pane.picker
    await gui.application.refresh_models()
    import_file(gui.store, CHATGPT_EXPORT)
    gui.window.open_conversation(IMPORTED)
    assert picker.model == "mistral-large-2411"
    assert picker.combo.currentText() == "mistral-large-2411  (deprecated)"
    gui.server.enqueue(Reply(text="Like this."))
    await gui.ask("And with itertools?")
    await gui.until(lambda: len(sent_models(gui.server)) == 1 and gui.answered())
    assert sent_models(gui.server) == ["mistral-large-2411"]
    path = gui.store.current_path(IMPORTED)
    assert [m.model for m in path if m.role.value == "assistant"] == [
        "gpt-4o",  # history: what wrote the imported answers
        "gpt-4o",
        "mistral-large-2411",
    ]


@in_loop
async def test_the_closed_picker_says_why_a_model_is_marked_until_another_is_chosen(
    gui: Gui,
) -> None:
    # Its note can be cut in a narrow box (the icon stays): the tooltip says it whole.
    conversation = gui.store.create_conversation(title="Old", model="mistral-large-2411")
    await gui.application.refresh_models()
    gui.window.open_conversation(conversation.id)
    picker = gui.pane.picker
    assert "replacement: mistral-large-2512" in picker.combo.toolTip()
    picker.switch.click()
    assert picker.model == "mistral-large-2512"
    assert picker.combo.toolTip() == "mistral-large-2512"
    assert picker.combo.accessibleDescription() == ""
    older = next(i for i in range(picker.combo.count()) if "2411" in picker.combo.itemText(i))
    picker.combo.setCurrentIndex(older)
    picker.combo.activated.emit(older)
    assert picker.model == "mistral-large-2411"
    assert picker.combo.toolTip().endswith("replacement: mistral-large-2512")


@in_loop
async def test_a_conversation_on_a_model_from_elsewhere_is_marked(gui: Gui) -> None:
    # Imported before ChatGPT's model names were left out, or exported from another server.
    await gui.application.refresh_models()
    conversation = gui.store.create_conversation(title="Old import", model="gpt-4o")
    gui.window.open_conversation(conversation.id)
    assert gui.pane.picker.combo.currentText() == "gpt-4o  (not on this server)"


@in_loop
async def test_new_chats_leave_refused_models_for_a_general_one_the_picker_shows(
    gui: Gui,
) -> None:
    # They went to the list's first model, codestral-2508 (a code model), for good.
    picker = gui.pane.picker
    await gui.application.refresh_models()
    gui.server.retired_models = {"mistral-large-2411", "mistral-large-2512"}
    for _ in range(2):  # the default, then its replacement, refused
        await gui.ask("Hi")
        await gui.until(gui.answered)
        gui.qtbot.keyClick(
            gui.pane.composer.edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
        )
        await gui.until(lambda: gui.pane.conversation_id is None)
    assert sent_models(gui.server) == ["mistral-large-2411", "mistral-large-2512"]
    assert picker.model == "mistral-small-2506"
    assert picker.combo.currentText() == "mistral-small-2506"
    # Listed by the fresh list, though refused: not "not on this server".
    await gui.application.refresh_models()
    assert "mistral-large-2512  (refused lately)" in picker_items(gui)
    assert not any("not on this server" in item for item in picker_items(gui))


@in_loop
async def test_the_model_list_is_asked_again_when_the_endpoint_could_not_be_reached(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server down at start (or no network yet) left the picker without its list,
    # deprecation marks and switch offers until Maestrale was started again.
    monkeypatch.setattr(model_refresh, "MODELS_RETRY_MS", (10,))
    catalog = gui.application.catalog
    real_refresh = catalog.refresh
    tries: list[str] = []

    async def down_at_first(client: Any) -> None:
        tries.append("try")
        if len(tries) == 1:
            raise NetworkError("Could not connect to the endpoint")
        await real_refresh(client)

    monkeypatch.setattr(catalog, "refresh", down_at_first)
    await gui.application.refresh_models()
    picker = gui.pane.picker
    picker.set_model("mistral-large-2411")
    assert not picker.switch.isVisible()  # nothing known of it yet
    await gui.until(picker.switch.isVisible)
    assert picker.switch.text() == "Switch to mistral-large-2512"
    assert len(tries) == 2


@in_loop
async def test_a_new_chat_keeps_its_chosen_model_with_its_draft_until_it_is_sent(
    gui: Gui,
) -> None:
    # Back from another conversation, the unsent new chat had its question but the
    # default model, and Send asked the default one.
    picker = gui.pane.picker
    await gui.application.refresh_models()
    other = gui.store.create_conversation(title="Other", model="mistral-large-2411")
    gui.window.new_chat()
    gui.qtbot.keyClicks(gui.pane.composer.edit, "Asked of small")
    picker.combo.activated.emit(picker.combo.findData("mistral-small-2506", ROLE_MODEL))
    gui.window.open_conversation(other.id)
    assert picker.model == "mistral-large-2411"

    gui.window.new_chat()
    assert gui.pane.composer.edit.toPlainText() == "Asked of small"
    assert picker.model == "mistral-small-2506"
    gui.server.enqueue(Reply(text="Small here."))
    gui.qtbot.keyClick(gui.pane.composer.edit, Qt.Key.Key_Return)
    await gui.until(lambda: len(sent_models(gui.server)) == 1 and gui.answered())
    assert sent_models(gui.server) == ["mistral-small-2506"]

    gui.window.new_chat()  # sent: the next new chat starts from the default again
    assert picker.model == "mistral-large-2411"


@in_loop
async def test_typing_after_the_model_list_is_closed_never_changes_the_model(gui: Gui) -> None:
    # Ctrl+Shift+M, then Esc, left the keyboard on the picker: "ok" typed next chose
    # open-mistral-nemo as the chat's model. Chosen with the mouse, the same.
    await gui.application.refresh_models()
    pane, combo = gui.pane, gui.pane.picker.combo
    pane.focus_composer()
    chosen = pane.picker.model
    gui.qtbot.keyClick(
        pane.composer.edit,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    await gui.until(lambda: combo.view().isVisible())
    gui.qtbot.keyClick(combo.view(), Qt.Key.Key_Escape)
    # The window's own focus widget: without a window manager the window may not be
    # active again once the list's window closed.
    await gui.until(lambda: gui.window.focusWidget() is pane.composer.edit)
    gui.qtbot.keyClicks(pane.composer.edit, "ok")
    assert pane.composer.edit.toPlainText() == "ok"
    assert pane.picker.model == chosen
    # A click opens the list without taking the keyboard from the message field.
    gui.qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    await gui.until(lambda: combo.view().isVisible())
    combo.hidePopup()
    await gui.settle(0.05)
    assert gui.window.focusWidget() is pane.composer.edit
