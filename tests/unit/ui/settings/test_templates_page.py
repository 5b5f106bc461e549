"""The Quick prompts and Templates pages: what they write, what they refuse, what they say."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.api.models import ModelCard
from app.quick.templates import Template
from app.quick.templates_file import (
    builtin_templates,
    export_templates,
    import_templates,
    load_templates,
    save_templates,
)
from app.secrets import ApiKeys
from app.settings import LoadedSettings, Settings, load_settings
from app.tasks import TaskRunner
from app.ui.settings.quick_page import QuickPage
from app.ui.settings.templates_page import TemplatesPage
from app.ui.settings_dialog import SettingsDialog
from app.ui.theme import apply_theme

from .conftest import MODELS, FakeEndpoint

MODEL_CARDS = (ModelCard("mistral-large-latest"), ModelCard("mistral-small-latest"))


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def make_dialog(
    qtbot: QtBot, config: Path, keys: ApiKeys, runner: TaskRunner
) -> Callable[..., SettingsDialog]:
    def make(*, settings: Settings | None = None) -> SettingsDialog:
        loaded = LoadedSettings(settings or Settings())
        dialog = SettingsDialog(
            settings_path=config / "settings.toml",
            loaded=loaded,
            settings=loaded.settings,
            keys=keys,
            runner=runner,
            test_connection=FakeEndpoint(MODELS),
            presets_path=config / "presets.toml",
            models=MODEL_CARDS,
        )
        qtbot.addWidget(dialog)
        return dialog

    return make


@pytest.fixture
def make_page(qtbot: QtBot, config: Path) -> Callable[..., TemplatesPage]:
    def make(**kwargs: Any) -> TemplatesPage:
        page = TemplatesPage(config / "templates.toml", MODEL_CARDS, **kwargs)
        qtbot.addWidget(page)
        return page

    return make


def names(page: TemplatesPage) -> list[str]:
    return [page.list.item(row).text() for row in range(page.list.count())]


def file_templates(config: Path) -> list[Template]:
    templates, problems = load_templates(config / "templates.toml")
    assert problems == []
    return templates


# The Templates page


def test_the_dialog_keeps_templates_beside_presets_and_starts_from_the_builtins(
    config: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    dialog = make_dialog()
    dialog.show_page("templates")
    assert dialog.current_page() == "templates"
    assert dialog.stack.currentWidget() is dialog.templates_page
    page = dialog.templates_page
    assert names(page)[:3] == ["Summarize", "Explain code", "Fix grammar and spelling"]
    assert dialog.templates == builtin_templates()[0]
    assert page.problems.message() == ""
    assert page.name.text() == "Summarize"
    assert "{clipboard}" in page.prompt.toPlainText()
    assert page.model.model_id() == ""  # the conversation default
    assert page.temperature.value() == 0.3
    # Nothing is written until something changes.
    assert dialog.flush()
    assert not (config / "templates.toml").exists()


def test_editing_a_template_saves_it_to_templates_toml(
    qtbot: QtBot, config: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    save_templates(
        config / "templates.toml", [Template("One", "{clipboard}"), Template("Two", "x")]
    )
    dialog = make_dialog()
    page = dialog.templates_page
    page.list.setCurrentRow(1)
    with qtbot.waitSignal(dialog.templates_changed, timeout=2000) as blocker:
        page.name.setText("Reply")
        page.description.setText("Answer an email")
        page.prompt.setPlainText("Reply to this saying {input}:\n{clipboard}")
        page.model.setEditText("mistral-small-latest")
        page.temperature.spin.setValue(0.8)
        page.shortcut.keys.setFocus()
        qtbot.keyClick(
            page.shortcut.keys,
            Qt.Key.Key_R,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
        )
    expected = [
        Template("One", "{clipboard}"),
        Template(
            "Reply",
            "Reply to this saying {input}:\n{clipboard}",
            "Answer an email",
            "mistral-small-latest",
            0.8,
            "Ctrl+Alt+R",
        ),
    ]
    assert blocker.args[0] == expected
    assert file_templates(config) == expected
    assert names(page) == ["One", "Reply"]
    assert page.list.item(1).toolTip() == "Answer an email\nShortcut: Ctrl+Alt+R"
    # Back to "conversation default" and unset temperature, and no shortcut.
    page.model.setEditText("")
    page.temperature.reset.click()
    page.shortcut.clear_button.click()
    assert page.flush()
    assert file_templates(config)[1] == Template(
        "Reply", "Reply to this saying {input}:\n{clipboard}", "Answer an email"
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda page: page.prompt.setPlainText("Summarize {foo}"),
            "unknown placeholder {foo}: use {clipboard}, {selection} or {input}",
        ),
        (
            lambda page: page.prompt.setPlainText("Return {json}"),
            "unknown placeholder {json}: use {clipboard}, {selection} or {input}",
        ),
        (
            lambda page: page.prompt.setPlainText("a { b"),
            "lone { in the prompt (line 1, column 3): write {{ for a literal brace, or use "
            "{clipboard}, {selection} or {input}",
        ),
        (lambda page: page.prompt.setPlainText("   "), "a template needs a prompt"),
        (lambda page: page.name.setText(""), "a template needs a name"),
        (lambda page: page.name.setText("two"), "Another template is already named 'two'."),
        (
            lambda page: page.shortcut.record("Ctrl+Alt+T"),
            "Ctrl+Alt+T already runs 'Two': choose other keys.",
        ),
        (
            lambda page: page.shortcut.record("Ctrl+Alt+Space"),
            "Ctrl+Alt+Space opens the quick window: choose other keys.",
        ),
        (
            lambda page: page.shortcut.record("Q"),
            "'Q' would take that key from every program: add Ctrl, Alt or Meta",
        ),
    ],
)
def test_bad_edits_show_the_exact_reason_and_are_not_saved(
    config: Path,
    make_dialog: Callable[..., SettingsDialog],
    edit: Callable[[TemplatesPage], None],
    message: str,
) -> None:
    original = [Template("One", "{clipboard}"), Template("Two", "x", shortcut="Ctrl+Alt+T")]
    save_templates(config / "templates.toml", original)
    dialog = make_dialog()
    page = dialog.templates_page
    edit(page)
    assert page.validation.tone == "error"
    assert page.validation.message() == message
    assert dialog.flush()
    assert file_templates(config) == original
    assert dialog.templates == original


def test_placeholder_buttons_insert_at_the_cursor(
    make_page: Callable[..., TemplatesPage], config: Path
) -> None:
    page = make_page()
    page.prompt.setPlainText("Translate: ")
    page.prompt.moveCursor(QTextCursor.MoveOperation.End)
    page.insert_buttons["selection"].click()
    assert page.prompt.toPlainText() == "Translate: {selection}"
    assert page.templates[0].prompt == "Translate: {selection}"
    assert "{{ and }}" in page.hint.text()
    assert page.flush()
    assert file_templates(config)[0].prompt == "Translate: {selection}"


@pytest.mark.parametrize(("size", "narrowest"), [(10, False), (10, True), (20, False), (20, True)])
def test_the_list_buttons_make_even_rows_at_each_text_size_and_width(
    qtbot: QtBot,
    qapp: QApplication,
    tmp_path: Path,
    make_dialog: Callable[..., SettingsDialog],
    size: int,
    *,
    narrowest: bool,
) -> None:
    # The fixed rows wrapped them as New, Duplicate / Delete / Import…, Export…: three
    # rows, Delete alone on its own, even where one row had room for all five. And at
    # 20 pt in the narrowest window three columns were wider than the page, which
    # scrolled sideways: there they go one a row.
    apply_theme(qapp, "light", size, assets_dir=tmp_path / "theme")
    dialog = make_dialog()
    # The window's usual size for the text size on a 1400 x 900 screen, or its narrowest.
    dialog.resize(720 if narrowest else {10: 900, 20: 1330}[size], 660)
    dialog.show_page("templates")
    dialog.show()
    qtbot.waitExposed(dialog)
    page = dialog.templates_page
    buttons = [
        page.add_button,
        page.duplicate_button,
        page.delete_button,
        page.import_button,
        page.export_button,
    ]
    body = page.widget()
    assert body is not None
    # Laid out for the page's final width: the grid as wide as the list, none of its
    # buttons narrower than its text asks (cut), as it must end up.
    qtbot.waitUntil(
        lambda: (
            body.width() >= page.viewport().width()
            and page.buttons.width() == page.list.width()
            and all(b.width() >= b.sizeHint().width() for b in buttons)
        )
    )
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    places = [item.mapTo(body, item.rect().topLeft()) for item in buttons]
    tops = sorted({place.y() for place in places})
    rows = [[b for b, p in zip(buttons, places, strict=True) if p.y() == top] for top in tops]
    expected = {(10, False): [5], (10, True): [3, 2], (20, False): [5], (20, True): [1] * 5}
    assert [len(row) for row in rows] == expected[size, narrowest]
    for item in buttons:
        assert item.mapTo(body, item.rect().topRight()).x() <= body.width()
    one_row = sum(b.sizeHint().width() for b in buttons) + 8 * 4
    assert (len(rows) == 1) is (page.list.width() >= one_row)
    if len(rows) > 1:  # a grid: one width, the next rows under the first one's columns
        assert len({item.width() for item in buttons}) == 1
        for row in rows[1:]:
            assert [b.x() for b in row] == [b.x() for b in rows[0][: len(row)]]
        # As many columns as the list's width has room for, up to three.
        columns = len(rows[0])
        widest = buttons[0].width()
        assert columns == 3 or (columns + 1) * widest + 8 * columns > page.list.width()


def test_every_page_offers_the_reset_to_the_model_s_default_the_same_way(
    make_dialog: Callable[..., SettingsDialog],
) -> None:
    # The × showed only where a value was set: on Templates (Summarize's 0.30) but not on
    # Presets or Model & parameters, whose values were unset, so it seemed to be missing.
    dialog = make_dialog()
    numbers = [
        (dialog.templates_page, dialog.templates_page.temperature),
        (dialog.presets_page, dialog.presets_page.params.temperature),
        (dialog.presets_page, dialog.presets_page.params.top_p),
        (dialog.model_page, dialog.model_page.params.temperature),
        (dialog.model_page, dialog.model_page.params.top_p),
    ]
    for page, number in numbers:
        number.set_value(None)
        assert number.reset.isVisibleTo(page)
        assert not number.reset.isEnabled()  # already the model's default
        number.set_value(0.5)
        assert number.reset.isVisibleTo(page)
        assert number.reset.isEnabled()
        number.reset.click()
        assert number.value() is None
        assert number.spin.text() == "Default"
        assert not number.reset.isEnabled()


def test_add_duplicate_and_delete(make_page: Callable[..., TemplatesPage], config: Path) -> None:
    save_templates(
        config / "templates.toml",
        [Template("A", "{input}", "d", "mistral-large-latest", 0.2, "Ctrl+Alt+A")],
    )
    page = make_page()
    page.duplicate_button.click()
    assert names(page) == ["A", "A copy"]
    assert page.name.text() == "A copy"
    page.add_button.click()
    page.add_button.click()
    assert names(page) == ["A", "A copy", "New template", "New template 2"]
    page.list.setCurrentRow(0)
    page.delete_button.click()
    assert page.status.message() == "Deleted 'A'."
    assert page.flush()
    assert file_templates(config) == [
        Template("A copy", "{input}", "d", "mistral-large-latest", 0.2),  # shortcut not copied
        Template("New template", "{clipboard}"),
        Template("New template 2", "{clipboard}"),
    ]
    for _ in range(3):
        page.delete_button.click()
    assert not page.editor.isEnabled()
    assert not page.export_button.isEnabled()
    assert page.flush()
    assert load_templates(config / "templates.toml") == ([], [])  # none, not the built-ins


def test_restore_builtins_brings_back_missing_ones_and_asks_before_resetting(
    make_page: Callable[..., TemplatesPage], config: Path
) -> None:
    builtins = builtin_templates()[0]
    questions: list[str] = []
    answers = [False, True]

    def confirm(question: str) -> bool:
        questions.append(question)
        return answers.pop(0)

    mine = Template("Mine", "{input}")
    changed = Template("Summarize", "Just the gist: {clipboard}", shortcut="Ctrl+Alt+G")
    save_templates(config / "templates.toml", [changed, mine])
    page = make_page(confirm=confirm)
    page.restore_button.click()
    assert questions == ["Reset 'Summarize' to the built-in text? Your changes to it will be lost."]
    assert page.templates == [changed, mine]  # declined: nothing happened
    page.restore_button.click()
    assert page.templates == [builtins[0], mine, *builtins[1:]]
    assert page.status.message() == (
        f"Restored {len(builtins)} built-in templates (replacing 'Summarize')."
    )
    assert page.flush()
    assert file_templates(config) == [builtins[0], mine, *builtins[1:]]
    page.restore_button.click()
    assert len(questions) == 2
    assert page.status.message() == "All the built-in templates are here, unchanged."


def test_import_merges_through_the_injected_dialog(
    make_page: Callable[..., TemplatesPage], config: Path, tmp_path: Path
) -> None:
    save_templates(config / "templates.toml", [Template("Keep", "k"), Template("Swap", "old")])
    shared = tmp_path / "shared.toml"
    export_templates(shared, [Template("swap", "new {clipboard}"), Template("Extra", "e")])
    questions: list[str] = []
    page = make_page(choose_import=lambda: shared, confirm=lambda q: questions.append(q) is None)
    page.import_button.click()
    assert questions == ["Replace 'swap' with the imported version from shared.toml?"]
    assert page.templates == [
        Template("Keep", "k"),
        Template("swap", "new {clipboard}"),
        Template("Extra", "e"),
    ]
    assert page.name.text() == "swap"
    assert page.status.tone == "success"
    assert page.status.message() == "Imported 2 templates from shared.toml (replacing 'Swap')."
    assert page.flush()
    assert file_templates(config) == page.templates


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '[[template]]\nname = "Good"\nprompt = "g"\n\n[[template]]\nname = "Bad"\n',
            "Nothing was imported from bad.toml:\n"
            "bad.toml line 5: template 2 ('Bad') has no prompt (prompt = \"...\")",
        ),
        (
            '[[template]]\nname = "Typo"\nprompt = "{clipbaord}"\n',
            "Nothing was imported from bad.toml:\nbad.toml line 1: template 1 ('Typo'): "
            "unknown placeholder {clipbaord}: use {clipboard}, {selection} or {input}",
        ),
        (
            "[[template]\n",
            "Nothing was imported from bad.toml:\nbad.toml line 1: expected ']]' at the end "
            "of an array declaration (column 11).",
        ),
        (
            '[[template]]\nname = "Clash"\nprompt = "c"\nshortcut = "Ctrl+Alt+K"\n',
            "Nothing was imported from bad.toml:\n'Keep' and 'Clash' both use Ctrl+Alt+K: "
            "change one.",
        ),
    ],
)
def test_a_bad_import_changes_nothing_and_says_why(
    make_page: Callable[..., TemplatesPage],
    config: Path,
    tmp_path: Path,
    content: str,
    message: str,
) -> None:
    original = [Template("Keep", "k", shortcut="Ctrl+Alt+K")]
    save_templates(config / "templates.toml", original)
    before = (config / "templates.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(content, encoding="utf-8")
    page = make_page(choose_import=lambda: bad)
    page.import_button.click()
    assert page.status.tone == "error"
    assert page.status.message() == message
    assert page.templates == original
    assert names(page) == ["Keep"]
    assert page.flush()
    assert (config / "templates.toml").read_text(encoding="utf-8") == before


def test_export_writes_every_template_through_the_injected_dialog(
    make_page: Callable[..., TemplatesPage], tmp_path: Path
) -> None:
    target = tmp_path / "out" / "mine.toml"
    target.parent.mkdir()
    chosen: list[Path | None] = [None, target]
    page = make_page(choose_export=lambda: chosen.pop(0))
    page.export_button.click()  # cancelled
    assert not target.exists()
    assert page.status.message() == ""
    page.export_button.click()
    assert import_templates(target) == builtin_templates()[0]
    count = len(builtin_templates()[0])
    assert page.status.message() == f"Exported {count} templates to {target}."


def test_export_to_a_folder_that_cannot_be_written_is_reported(
    make_page: Callable[..., TemplatesPage], tmp_path: Path
) -> None:
    target = tmp_path / "missing-folder" / "mine.toml"
    page = make_page(choose_export=lambda: target)
    page.export_button.click()
    assert page.status.tone == "error"
    assert page.status.message() == f"Could not write {target}: No such file or directory"


def test_a_file_with_bad_entries_is_reported_on_the_page(
    make_page: Callable[..., TemplatesPage], config: Path
) -> None:
    config.mkdir()
    (config / "templates.toml").write_text(
        '[[template]]\nname = "Ok"\nprompt = "fine"\n\n[[template]]\nname = "Hot"\n'
        'prompt = "x"\ntemperature = 2\n',
        encoding="utf-8",
    )
    page = make_page()
    assert names(page) == ["Ok"]
    assert page.problems.tone == "warning"
    assert page.problems.message().startswith(
        "templates.toml line 5: template 2 ('Hot'): temperature must be at most 1.5; skipped."
    )


# The Quick prompts page


def test_quick_page_saves_the_shortcut_and_tray_options_to_settings_toml(
    qtbot: QtBot, config: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    dialog = make_dialog()
    dialog.show_page("quick")
    assert dialog.stack.currentWidget() is dialog.quick_page
    page = dialog.quick_page
    assert page.shortcut.shortcut() == "Ctrl+Alt+Space"
    assert not page.close_to_tray.isChecked()
    assert page.notify_when_hidden.isChecked()
    with qtbot.waitSignal(dialog.settings_changed, timeout=2000) as blocker:
        page.shortcut.keys.setFocus()
        qtbot.keyClick(
            page.shortcut.keys,
            Qt.Key.Key_K,
            Qt.KeyboardModifier.MetaModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        page.close_to_tray.setChecked(True)
        page.notify_when_hidden.setChecked(False)
    settings = blocker.args[0]
    assert (settings.quick_shortcut, settings.close_to_tray, settings.notify_when_hidden) == (
        "Meta+Shift+K",
        True,
        False,
    )
    data = tomllib.loads((config / "settings.toml").read_text(encoding="utf-8"))
    assert data == {
        "quick_shortcut": "Meta+Shift+K",
        "close_to_tray": True,
        "notify_when_hidden": False,
    }
    page.shortcut.clear_button.click()
    assert not page.shortcut.clear_button.isEnabled()
    assert dialog.flush()
    assert load_settings(config / "settings.toml").settings.quick_shortcut == ""


def test_quick_page_refuses_unusable_shortcuts_and_keeps_the_previous_one(
    config: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    save_templates(
        config / "templates.toml", [Template("Sum", "{clipboard}", shortcut="Ctrl+Alt+S")]
    )
    dialog = make_dialog()
    page = dialog.quick_page
    page.shortcut.record("X")
    assert page.shortcut_problem.message() == (
        "'X' would take that key from every program: add Ctrl, Alt or Meta."
    )
    page.shortcut.record("Ctrl+Alt+S")
    assert page.shortcut_problem.message() == (
        "Ctrl+Alt+S already runs the template 'Sum': choose other keys."
    )
    page.shortcut.record("F5")  # every desktop would refuse it: not saved to fail later
    assert page.shortcut_problem.message() == (
        "“F5” has no modifier; a global shortcut needs Ctrl, Alt, Shift or Meta so that it "
        "does not take the key away from every other program."
    )
    assert page.values()["quick_shortcut"] == "Ctrl+Alt+Space"
    assert dialog.flush()
    assert not (config / "settings.toml").exists()
    page.shortcut.record("Ctrl+Alt+J")
    assert page.shortcut_problem.message() == ""
    assert dialog.flush()
    assert load_settings(config / "settings.toml").settings.quick_shortcut == "Ctrl+Alt+J"


def _recording_on_the_quick_page(
    qtbot: QtBot, make_dialog: Callable[..., SettingsDialog]
) -> tuple[SettingsDialog, QuickPage]:
    """Settings open on the quick page, Ctrl+Alt+J in effect, the keyboard in the
    shortcut field."""
    dialog = make_dialog(settings=Settings(quick_shortcut="Ctrl+Alt+J"))
    dialog.show_page("quick")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    page = dialog.quick_page
    page.shortcut.keys.setFocus()
    return dialog, page


def test_esc_in_the_shortcut_field_cancels_then_closes_and_backspace_clears(
    qtbot: QtBot, config: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Esc was recorded as the global shortcut, and the one in use was lost.
    dialog, page = _recording_on_the_quick_page(qtbot, make_dialog)
    qtbot.keyClick(page.shortcut.keys, Qt.Key.Key_Escape)
    assert page.shortcut.shortcut() == "Ctrl+Alt+J"
    assert page.shortcut_problem.message() == ""
    assert dialog.isVisible()
    qtbot.keyClick(page.shortcut.keys, Qt.Key.Key_Escape)  # a second Esc closes
    assert not dialog.isVisible()
    assert not (config / "settings.toml").exists()
    dialog.show_page("quick")
    page.shortcut.keys.setFocus()
    qtbot.keyClick(page.shortcut.keys, Qt.Key.Key_Backspace)
    assert page.shortcut.shortcut() == ""
    assert dialog.flush()
    assert load_settings(config / "settings.toml").settings.quick_shortcut == ""


@pytest.mark.parametrize(
    ("pressed", "message"),
    [
        ("Ctrl+N", "Ctrl+N is the main window's shortcut for New chat: choose other keys."),
        ("Ctrl+,", "Ctrl+, is the main window's shortcut for Settings: choose other keys."),
        (
            "Ctrl+Return",
            "Ctrl+Return is the quick prompt's shortcut for Continue in the main window: "
            "choose other keys.",
        ),
    ],
)
def test_the_app_s_own_shortcuts_are_refused_as_global_ones(
    config: Path, make_dialog: Callable[..., SettingsDialog], pressed: str, message: str
) -> None:
    # Ctrl+N, grabbed system-wide, opened the quick prompt instead of a new chat.
    save_templates(config / "templates.toml", [Template("Sum", "{clipboard}")])
    dialog = make_dialog()
    dialog.quick_page.shortcut.record(pressed)
    assert dialog.quick_page.shortcut_problem.message() == message
    templates = dialog.templates_page
    templates.shortcut.record(pressed)
    assert templates.validation.message() == message
    assert dialog.flush()
    assert not (config / "settings.toml").exists()
    assert dialog.templates == [Template("Sum", "{clipboard}")]


def test_the_two_pages_keep_shortcuts_apart_after_saving(
    qtbot: QtBot, config: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    save_templates(config / "templates.toml", [Template("Sum", "{clipboard}")])
    dialog = make_dialog()
    dialog.quick_page.shortcut.record("Ctrl+Alt+Q")
    assert dialog.flush()
    templates = dialog.templates_page
    templates.shortcut.record("Ctrl+Alt+Q")
    assert templates.validation.message() == "Ctrl+Alt+Q opens the quick window: choose other keys."
    with qtbot.waitSignal(dialog.templates_changed, timeout=2000):
        templates.shortcut.record("Ctrl+Alt+W")
    dialog.quick_page.shortcut.record("Ctrl+Alt+W")
    assert dialog.quick_page.shortcut_problem.message() == (
        "Ctrl+Alt+W already runs the template 'Sum': choose other keys."
    )


def test_quick_page_shows_a_note_set_by_the_app(
    make_dialog: Callable[..., SettingsDialog],
) -> None:
    dialog = make_dialog()
    page = dialog.quick_page
    assert page.shortcut_note.isHidden()
    note = (
        "This desktop does not let programs set global shortcuts. In its keyboard settings, "
        "bind Ctrl+Alt+Space to the command: maestrale quick"
    )
    page.set_shortcut_note(note)
    assert page.shortcut_note.message() == note
    assert page.shortcut_note.tone == "info"
    page.set_shortcut_note("Ctrl+Alt+Space is already used by another program.", "warning")
    assert page.shortcut_note.tone == "warning"
    page.set_shortcut_note("")
    assert page.shortcut_note.message() == ""
    assert page.shortcut_note.isHidden()


def test_an_explicit_templates_path_is_used(
    qtbot: QtBot, tmp_path: Path, keys: ApiKeys, runner: TaskRunner
) -> None:
    elsewhere = tmp_path / "elsewhere" / "t.toml"
    save_templates(elsewhere, [Template("Only", "{input}")])
    dialog = SettingsDialog(
        settings_path=tmp_path / "settings.toml",
        loaded=LoadedSettings(Settings()),
        settings=Settings(),
        keys=keys,
        runner=runner,
        test_connection=FakeEndpoint(MODELS),
        presets_path=tmp_path / "presets.toml",
        templates_path=elsewhere,
    )
    qtbot.addWidget(dialog)
    assert dialog.templates == [Template("Only", "{input}")]


def test_keys_refused_by_the_field_leave_the_shortcut_in_effect(
    qtbot: QtBot, config: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # Qt empties the field when a recording starts: taken as "no shortcut", refused
    # keys (Ctrl+N, F5) left the user with none at all.
    dialog, page = _recording_on_the_quick_page(qtbot, make_dialog)
    qtbot.keyClick(page.shortcut.keys, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.shortcut_problem.message() != "")
    assert "New chat" in page.shortcut_problem.message()
    assert page.shortcut.shortcut() == "Ctrl+Alt+J"  # shown again: still in effect
    assert dialog.flush()
    saved = config / "settings.toml"
    assert not saved.exists() or load_settings(saved).settings.quick_shortcut == "Ctrl+Alt+J"


def test_a_refused_template_shortcut_shows_why_in_view_and_the_saved_one_again(
    qtbot: QtBot, config: Path, make_dialog: Callable[..., SettingsDialog]
) -> None:
    # The refusal showed below the fold, so nothing looked wrong, and the refused keys
    # stayed in the field: the dialog is kept, so they still showed when it was reopened.
    save_templates(
        config / "templates.toml", [Template("Fix grammar", "{clipboard}", shortcut="Ctrl+Alt+G")]
    )
    dialog = make_dialog()
    dialog.resize(720, 480)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_page("templates")
    page = dialog.templates_page
    QApplication.processEvents()  # laid out as the user sees it
    page.shortcut.record("Ctrl+Alt+Space")
    assert page.validation.message() == (
        "Ctrl+Alt+Space opens the quick window: choose other keys."
    )
    QApplication.processEvents()
    viewport = page.viewport()
    top = page.validation.mapTo(viewport, QPoint(0, 0)).y()
    assert top >= 0
    assert top + page.validation.height() <= viewport.height()
    assert page.shortcut.shortcut() == "Ctrl+Alt+G"
    dialog.close()
    dialog.show()
    assert page.shortcut.shortcut() == "Ctrl+Alt+G"
    assert dialog.flush()
    assert file_templates(config)[0].shortcut == "Ctrl+Alt+G"
