"""The zoom keys save the text size into settings.toml: a file that cannot be written
back as it was is kept aside, and the window says so, and where."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from app.config import load_config
from app.quick.templates_file import templates_path
from app.text_sizes import zoomed_text_size
from app.ui.theme import system_text_size
from app.ui.toast import Toast
from tests.integration.gui.conftest import Gui, in_loop, write_settings

UNREADABLE = '# my notes\nfont_size = 12\ntheme = "dark\n'
WRONG_TYPES = '# my notes\nfont_size = "big"\ntheme = "solarized"\n'


def _open_toasts(gui: Gui) -> list[str]:
    return [toast.text for toast in gui.window.findChildren(Toast) if toast.is_open]


def _start(gui: Gui) -> tuple[Path, str]:
    """The settings file, and the one notice shown about it at start."""
    [notice] = _open_toasts(gui)
    return gui.application.config.paths.settings_file, notice


async def _zoom_in(gui: Gui) -> int:
    """Ctrl++ once; the text size it should give, from the system's size."""
    gui.window.actions_by_id["zoom_in"].trigger()
    await gui.settle(0.05)
    return zoomed_text_size(0, system_text_size(), 1)


def _kept(path: Path, tag: str, text: str) -> Path:
    """The one copy of ``path`` kept aside as ``tag``, holding ``text``."""
    [kept] = path.parent.glob(f"{path.name}.{tag}-*")
    assert kept.read_text(encoding="utf-8") == text
    return kept


@pytest.fixture
def settings_file(request: pytest.FixtureRequest, gui_environ: dict[str, str]) -> None:
    """settings.toml holding the test's parameter when the window starts."""
    write_settings(gui_environ, request.param)


@pytest.mark.parametrize("settings_file", [UNREADABLE], indirect=True)
@pytest.mark.usefixtures("settings_file")
@in_loop
async def test_zooming_over_an_unreadable_settings_file_says_where_it_went(gui: Gui) -> None:
    # The file was replaced and kept aside with no word, and the toast went on saying it
    # "could not be read … until it is fixed".
    path, start = _start(gui)
    assert start.startswith(f"Your settings file {path} could not be read: not valid TOML (")
    assert start.count("until") == 1
    assert start.count(str(path)) == 1
    expected = await _zoom_in(gui)
    assert tomllib.loads(path.read_text(encoding="utf-8"))["font_size"] == expected
    kept = _kept(path, "unreadable", UNREADABLE)
    assert _open_toasts(gui) == [
        f"{path.name} could not be read, so saving the text size wrote a new one, with "
        f"every other setting at its default. Your file as it was is kept as {kept}; copy "
        "from it anything you still want."
    ]
    assert gui.application.app.font().pointSizeF() == expected


@pytest.mark.parametrize("settings_file", [WRONG_TYPES], indirect=True)
@pytest.mark.usefixtures("settings_file")
@in_loop
async def test_zooming_over_wrong_values_says_where_the_file_went(gui: Gui) -> None:
    path, start = _start(gui)
    assert start == (
        f'Part of your settings file {path} could not be used: font_size = "big" must '
        "be a whole number; using the default (0). There is 1 more problem; Settings "
        "shows them all."
    )
    expected = await _zoom_in(gui)
    written = path.read_text(encoding="utf-8")
    assert tomllib.loads(written)["font_size"] == expected
    assert "# my notes" not in written
    assert "solarized" not in written
    kept = _kept(path, "kept", WRONG_TYPES)
    assert _open_toasts(gui) == [
        f"{path.name} held values Maestrale could not use or comments of yours, so "
        f"saving the text size wrote it without them. Your file as it was is kept as "
        f"{kept}; copy from it anything you still want."
    ]
    assert gui.application.app.font().pointSizeF() == expected


@pytest.mark.parametrize("settings_file", [WRONG_TYPES], indirect=True)
@pytest.mark.usefixtures("settings_file")
@in_loop
async def test_zooming_after_settings_was_closed_still_says_where_the_file_went(
    gui: Gui,
) -> None:
    # Review: once the Settings window had been opened, the zoom keys saved through it,
    # and the file kept aside was said only inside the closed window.
    path, _start_notice = _start(gui)
    gui.application.open_settings("appearance")
    dialog = gui.application.settings_opening.dialog
    assert dialog is not None
    dialog.close()
    await gui.settle(0.05)
    await _zoom_in(gui)
    kept = _kept(path, "kept", WRONG_TYPES)
    assert _open_toasts(gui) == [
        f"{path.name} held values Maestrale could not use or comments of yours, so "
        f"saving the text size wrote it without them. Your file as it was is kept as "
        f"{kept}; copy from it anything you still want."
    ]


@in_loop
async def test_the_first_zoom_from_the_system_size_changes_the_text(
    gui: Gui, gui_environ: dict[str, str]
) -> None:
    # At the system's size (font_size = 0) the first Ctrl++ wrote font_size = 10 and
    # nothing on screen changed; only the second press did.
    path = write_settings(gui_environ, "font_size = 0\n")
    before = gui.application.app.font().pointSizeF()
    edit = gui.pane.composer.edit
    shown = edit.font().pointSizeF()
    expected = await _zoom_in(gui)
    assert load_config(gui_environ).settings.font_size == expected
    assert tomllib.loads(path.read_text(encoding="utf-8"))["font_size"] == expected
    assert gui.application.app.font().pointSizeF() == expected != before
    assert edit.font().pointSizeF() == expected != shown


@pytest.fixture
def broken_templates(gui_environ: dict[str, str]) -> None:
    path = templates_path(load_config(gui_environ).paths.config_dir)
    path.write_text('[[template]]\nname = "Fix\n', encoding="utf-8")


@pytest.mark.parametrize("settings_file", [WRONG_TYPES], indirect=True)
@pytest.mark.usefixtures("settings_file", "broken_templates")
@in_loop
async def test_the_kept_notice_comes_before_the_notices_still_waiting(gui: Gui) -> None:
    # The templates file's notice waits for the settings file's; replaced by the kept
    # notice, that one is shown first, and the templates notice once it closes.
    path, start = _start(gui)
    assert start.startswith("Part of your settings file")
    await _zoom_in(gui)
    kept = _kept(path, "kept", WRONG_TYPES)
    [notice] = [t for t in gui.window.findChildren(Toast) if t.is_open]
    assert notice.text.endswith(f"kept as {kept}; copy from it anything you still want.")
    notice.dismiss()
    await gui.settle(0.05)
    [templates] = _open_toasts(gui)
    assert templates.startswith("Your templates file could not be read")


@pytest.mark.parametrize("settings_file", [WRONG_TYPES], indirect=True)
@pytest.mark.usefixtures("settings_file", "broken_templates")
@in_loop
async def test_another_notice_is_not_shown_over_by_the_notices_waiting(gui: Gui) -> None:
    # Review: another notice (a deletion's Undo) replacing the settings file's brought up
    # the waiting templates notice at once, the two shown over each other.
    _path, start = _start(gui)
    assert start.startswith("Part of your settings file")
    other = Toast.show_message(gui.window, "Deleted “Zeppelins”.", "Undo", lambda: None)
    await gui.settle(0.05)
    assert _open_toasts(gui) == ["Deleted “Zeppelins”."]
    other.dismiss()
    await gui.settle(0.05)
    [templates] = _open_toasts(gui)
    assert templates.startswith("Your templates file could not be read")
