"""The tray as the whole app sees it: a desktop with one, and one without."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.config import load_config
from app.quick.hotkeys.backend import SETTINGS_HINT, taken_message
from app.quick.hotkeys.portal import _unavailable_message
from app.quick.hotkeys.sequence import parse_sequence
from app.quick.templates import Template
from app.quick.templates_file import templates_path
from app.ui.toast import Toast
from tests.fake_mistral import Reply
from tests.integration.gui.conftest import Gui, in_loop
from tests.integration.gui.test_quick_window import answer_of

# A tray icon made where Xvfb has no tray: Qt's X11 tray says it cannot follow one.
pytestmark = pytest.mark.qt_log_ignore("systemTrayWindowChanged")


@pytest.fixture
def with_tray(gui_options: dict[str, Any]) -> None:
    gui_options["tray_available"] = lambda: True


@pytest.fixture
def without_tray(gui_options: dict[str, Any]) -> None:
    gui_options["tray_available"] = lambda: False


@pytest.fixture
def close_to_tray_chosen(gui_environ: dict[str, str]) -> None:
    path = load_config(gui_environ).paths.settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("close_to_tray = true\n", encoding="utf-8")


@pytest.mark.usefixtures("without_tray", "close_to_tray_chosen")
@in_loop
async def test_without_a_tray_the_tray_options_say_so_and_closing_quits(gui: Gui) -> None:
    # On a plain window manager the box was offered, ticked, and did nothing: closing
    # the window ended the app (and the global shortcuts) with nothing said.
    assert gui.application.desktop.tray is None
    gui.application.open_settings("quick")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    page = dialog.quick_page
    assert not page.close_to_tray.isEnabled()
    assert not page.close_to_tray.isChecked()
    assert page.close_to_tray_detail.text() == (
        "No system tray on this desktop: closing the window quits Maestrale."
    )
    assert not page.notify_when_hidden.isEnabled()
    texts = " ".join(label.text() for label in page.findChildren(type(page.title)))
    assert "tray icon" not in texts
    assert "tray menu" not in texts
    assert page.values()["close_to_tray"] is True  # the choice is kept for another desktop
    dialog.close()
    gui.window.close()
    assert gui.application.closed.is_set()


@pytest.mark.usefixtures("with_tray", "close_to_tray_chosen")
@in_loop
async def test_with_a_tray_the_tray_options_work(gui: Gui) -> None:
    assert gui.application.desktop.tray is not None
    gui.application.open_settings("quick")
    dialog = gui.application._settings_dialog
    assert dialog is not None
    page = dialog.quick_page
    assert page.close_to_tray.isEnabled()
    assert page.close_to_tray.isChecked()
    assert "Quit from the tray menu" in page.close_to_tray_detail.text()
    assert page.notify_when_hidden.isEnabled()
    dialog.close()
    gui.window.close()
    assert not gui.window.isVisible()
    assert not gui.application.closed.is_set()  # still running, shortcuts alive


def notices(gui: Gui, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the notifications the tray shows (every answer counts as long)."""
    tray = gui.application.desktop.tray
    assert tray is not None
    monkeypatch.setattr("app.quick.tray.LONG_ANSWER_S", 0.0)
    shown: list[str] = []
    monkeypatch.setattr(tray.icon, "showMessage", lambda title, *rest: shown.append(title))
    return shown


@pytest.mark.usefixtures("with_tray")
@in_loop
async def test_clicking_a_quick_answer_s_notification_shows_it_in_the_quick_window(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The click did nothing, and calling the quick window up again showed an empty
    # prompt: the answer seemed lost.
    shown = notices(gui, monkeypatch)
    desktop = gui.application.desktop
    window = desktop.quick
    gui.window.hide()  # Maestrale in the tray, asked from another program
    window.summon()
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(40)], delay=0.01), Reply(text="t"))
    gui.qtbot.keyClicks(window.input, "Explain WAL")
    gui.qtbot.keyClick(window.input, Qt.Key.Key_Return)
    await gui.until(lambda: window.conversation_id is not None)
    asked = window.conversation_id
    window.hide()  # the user went back to their work while it answered
    await gui.until(lambda: bool(shown))
    assert shown[0].startswith("Answer ready")
    desktop.summon(None)  # a new question? No: the answer not seen yet comes first
    assert window.isVisible()
    assert window.conversation_id == asked
    assert answer_of(window).startswith("w0 w1")
    window.hide()
    assert desktop.tray is not None
    desktop.tray.icon.messageClicked.emit()
    assert window.isVisible()
    assert window.conversation_id == asked
    window.hide()
    desktop.summon(None)  # seen: a fresh prompt this time
    assert window.conversation_id is None


@pytest.mark.usefixtures("with_tray")
@in_loop
async def test_clicking_a_chat_answer_s_notification_opens_it_in_the_main_window(
    gui: Gui, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = notices(gui, monkeypatch)
    gui.server.enqueue(Reply(chunks=[f"w{i} " for i in range(40)], delay=0.01), Reply(text="t"))
    await gui.ask("Plan a trip to Lyon")
    await gui.until(lambda: gui.pane.conversation_id is not None)
    asked = gui.pane.conversation_id
    gui.window.hide()  # kept in the tray
    await gui.until(lambda: bool(shown))
    other = gui.store.create_conversation(title="Other", model="mistral-large-2411")
    gui.window.open_conversation(other.id)
    tray = gui.application.desktop.tray
    assert tray is not None
    tray.icon.messageClicked.emit()
    assert gui.window.isVisible()
    assert gui.pane.conversation_id == asked
    assert not gui.application.desktop.quick.isVisible()


BROKEN = '[[template]]\nname = "Fix grammar\nshortcut = "Ctrl+Alt+G"\nprompt = "{clipboard}"\n'


@pytest.fixture
def broken_templates(gui_environ: dict[str, str]) -> None:
    path = templates_path(load_config(gui_environ).paths.config_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BROKEN, encoding="utf-8")


@pytest.mark.usefixtures("broken_templates")
@in_loop
async def test_an_unreadable_templates_file_is_announced_at_start_and_left_alone(
    gui: Gui,
) -> None:
    # Only a log line said so: the user's template shortcuts silently did nothing.
    broken_templates = templates_path(gui.application.config.paths.config_dir)
    toasts = gui.window.findChildren(Toast)
    assert len(toasts) == 1
    text = toasts[0].text
    assert text.startswith("Your templates file could not be read (templates.toml line 2:")
    assert str(broken_templates) in text
    assert "Settings → Templates shows the problem" in text
    assert broken_templates.read_text(encoding="utf-8") == BROKEN


@pytest.mark.usefixtures("with_tray")
@in_loop
async def test_the_tray_menu_shows_the_global_shortcuts_that_work(gui: Gui) -> None:
    from tests.unit.quick.hotkeys.test_backend import RecordingBackend

    desktop = gui.application.desktop
    tray = desktop.tray
    assert tray is not None
    desktop.set_templates(
        [
            Template("Fix grammar", "{clipboard}", shortcut="Ctrl+Alt+G"),
            Template("Shout", "{clipboard}", shortcut="Ctrl+Alt+Pause"),  # refused here
        ]
    )
    backend = RecordingBackend()
    desktop.hotkeys = backend
    desktop._register_all()
    assert desktop.shortcut_note == "Template “Shout”: no Pause here"  # which one, named
    tray.menu.aboutToShow.emit()
    texts = [a.text() for a in tray.menu.actions()]
    assert "Quick prompt\tCtrl+Alt+Space" in texts
    submenu = next(a.menu() for a in tray.menu.actions() if a.text() == "Templates")
    assert [a.text() for a in submenu.actions()] == ["Fix grammar\tCtrl+Alt+G", "Shout"]
    desktop.hotkeys = None
    tray.menu.aboutToShow.emit()
    assert "Quick prompt" in [a.text() for a in tray.menu.actions()]


@pytest.fixture
def templates_file(gui_environ: dict[str, str], request: pytest.FixtureRequest) -> None:
    path = templates_path(load_config(gui_environ).paths.config_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(request.param, encoding="utf-8")


@pytest.mark.parametrize(
    "templates_file",
    ['[[template]]\nname = "Clash"\nprompt = "{clipboard}"\nshortcut = "Ctrl+Alt+Space"\n'],
    indirect=True,
)
@pytest.mark.usefixtures("templates_file")
@in_loop
async def test_a_template_on_the_quick_prompt_s_shortcut_is_told_by_name(gui: Gui) -> None:
    # It said: Ctrl+Alt+Space is already the shortcut of “quick” in Maestrale (an id
    # of ours, and the template not named).
    from tests.unit.quick.hotkeys.test_backend import RecordingBackend

    desktop = gui.application.desktop
    backend = RecordingBackend()
    desktop.hotkeys = backend
    desktop._register_all()
    await gui.settle(0.02)  # a refusal of the backend's own comes queued
    path = templates_path(gui.application.config.paths.config_dir)
    said = (
        "The template “Clash” cannot use Ctrl+Alt+Space: it is Maestrale's shortcut for the "
        "quick prompt; choose another key for it in Settings → Templates, or change its "
        f"shortcut in {path}."
    )
    assert [toast.text for toast in gui.window.findChildren(Toast)] == [said]
    assert desktop.shortcut_note == said
    assert backend.registered() == {"quick": "Ctrl+Alt+Space"}
    desktop.hotkeys = None


@pytest.mark.parametrize(
    "templates_file",
    ['[[template]]\nname = "Fruity"\nprompt = "{clipboard}"\nshortcut = "Ctrl+Banana"\n'],
    indirect=True,
)
@pytest.mark.usefixtures("templates_file")
@in_loop
async def test_a_template_shortcut_of_an_unknown_key_is_announced(gui: Gui) -> None:
    # It was dropped silently: no message, no log line, an empty field in Settings.
    desktop = gui.application.desktop
    assert [(t.name, t.shortcut) for t in desktop.templates] == [("Fruity", None)]
    toasts = gui.window.findChildren(Toast)
    assert len(toasts) == 1
    assert toasts[0].text.startswith(
        "Part of your templates file could not be used: templates.toml line 1: template 1 "
        "('Fruity'): shortcut 'Ctrl+Banana': 'Banana' is not a key; use a letter, a digit, "
        "F1–F35 or a named key such as Space, Esc, Del, Home, PgUp or Left; this template "
        "gets none."
    )


@pytest.mark.parametrize(
    ("refusal", "said"),
    [
        (  # X11, Windows and macOS: another program grabbed the keys
            taken_message(parse_sequence("Ctrl+Alt+F9")),
            "Ctrl+Alt+F9 is already used by another program; ",
        ),
        (  # the Wayland portal's dialog
            "Ctrl+Alt+F9 was not allowed in the desktop's shortcut dialog; allow it there, "
            f"or {SETTINGS_HINT}",
            "Ctrl+Alt+F9 was not allowed in the desktop's shortcut dialog; allow it there, or ",
        ),
    ],
)
@in_loop
async def test_a_refused_template_shortcut_says_where_template_keys_are_chosen(
    gui: Gui, refusal: str, said: str
) -> None:
    # It said 'Template “Shout”: … choose another shortcut in Settings → Quick prompts.',
    # where only the quick prompt's key is set.
    from tests.unit.quick.hotkeys.test_backend import RecordingBackend

    desktop = gui.application.desktop
    desktop.set_templates([Template("Shout", "{clipboard}", shortcut="Ctrl+Alt+F9")])
    backend = RecordingBackend()
    backend.failed.connect(desktop._on_hotkey_failed)  # as start_hotkeys does
    desktop.hotkeys = backend
    desktop._register_all()
    serial = next(added[1] for added in backend.added if added[0] == "template:Shout")
    backend.refuse("template:Shout", serial, refusal)
    await gui.settle(0.02)  # refusals come queued
    path = templates_path(gui.application.config.paths.config_dir)
    expected = (
        f"Template “Shout”: {said}choose another key for it in Settings → Templates, or "
        f"change its shortcut in {path}."
    )
    assert desktop.shortcut_note == expected
    assert expected in [toast.text for toast in gui.window.findChildren(Toast)]
    desktop.hotkeys = None


@in_loop
async def test_two_templates_on_one_key_name_the_template_that_has_it(gui: Gui) -> None:
    from tests.unit.quick.hotkeys.test_backend import RecordingBackend

    desktop = gui.application.desktop
    desktop.set_templates(
        [
            Template("Fix grammar", "{clipboard}", shortcut="Ctrl+Alt+G"),
            Template("Shout", "{clipboard}", shortcut="Ctrl+Alt+G"),
        ]
    )
    backend = RecordingBackend()
    backend.failed.connect(desktop._on_hotkey_failed)  # as start_hotkeys does
    desktop.hotkeys = backend
    desktop._register_all()
    await gui.settle(0.02)
    path = templates_path(gui.application.config.paths.config_dir)
    assert desktop.shortcut_note == (
        "Template “Shout”: Ctrl+Alt+G is already Maestrale's shortcut to run the template "
        "Fix grammar; choose another key for it in Settings → Templates, or change its "
        f"shortcut in {path}."
    )
    desktop.hotkeys = None


@in_loop
async def test_with_shortcuts_unavailable_a_template_names_its_own_command(gui: Gui) -> None:
    from tests.unit.quick.hotkeys.test_backend import RecordingBackend

    desktop = gui.application.desktop
    desktop.set_templates([Template("Shout", "{clipboard}", shortcut="Ctrl+Alt+F9")])
    backend = RecordingBackend()
    backend.failed.connect(desktop._on_hotkey_failed)  # as start_hotkeys does
    desktop.hotkeys = backend
    desktop._register_all()
    serial = next(added[1] for added in backend.added if added[0] == "template:Shout")
    backend.refuse("template:Shout", serial, _unavailable_message("the portal went away"))
    await gui.settle(0.02)
    assert desktop.shortcut_note == (
        "Template “Shout”: Global shortcuts are unavailable (the portal went away). Bind the "
        "command “maestrale quick --template Shout” in the desktop's keyboard settings "
        "instead."
    )
    desktop.hotkeys = None
