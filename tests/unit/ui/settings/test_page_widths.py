"""Every settings page fits its width at every text size offered, from the narrowest
window to wide ones: nothing scrolls sideways, nothing is cut off; at the normal size in
the usual window the rows keep their labels beside their fields, as they always had."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QCoreApplication, QEvent, QPoint
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.secrets import ApiKeys
from app.settings import LoadedSettings, Settings
from app.tasks import TaskRunner
from app.text_sizes import TEXT_SIZES
from app.tools.toolbox import ServerLine
from app.ui.settings.endpoint_page import TEST_TASK
from app.ui.settings.fitting import Beside, LabelledRows
from app.ui.settings.form import Page
from app.ui.settings.key_page import READ_TASK, REMOVE_TASK, SAVE_TASK
from app.ui.settings.params import OptionalNumber
from app.ui.settings_dialog import PAGES, SettingsDialog
from app.ui.theme import apply_theme

from .conftest import MISTRAL, MODELS, FakeEndpoint, finish
from .test_settings_dialog import make_dialog  # noqa: F401 - fixture
from .test_tools_page import Sources

WIDTHS = (640, 800, 1000)  # the narrowest window, and wider ones
KEY_TASKS = (READ_TASK, SAVE_TASK, REMOVE_TASK)


def settle(dialog: SettingsDialog) -> None:
    """Lay the window out until it no longer changes: a row that stacks its label above
    its field asks for a layout of its own, which may change its parent's."""
    before: list[object] = []
    for _ in range(50):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()
        # Where everything is, and how far each list scrolls (laid out a turn later).
        now: list[object] = [child.geometry() for child in dialog.findChildren(QWidget)]
        now += [
            (view.horizontalScrollBar().maximum(), view.verticalScrollBar().maximum())
            for view in dialog.findChildren(QAbstractScrollArea)
        ]
        if now == before:
            return
        before = now
    raise AssertionError("the layout never settled")


def show(dialog: SettingsDialog, loop: qasync.QEventLoop, name: str) -> None:
    """Page ``name``, laid out, once it read what it reads when shown (the keychain)."""
    dialog.show_page(name)
    finish(loop, dialog._runner, *KEY_TASKS)
    settle(dialog)


def cut_off(page: Page) -> list[str]:
    """What on ``page`` is not shown whole across its width, in words."""
    body = page.widget()
    view = page.viewport().width()
    found: list[str] = []
    for widget in body.findChildren(QWidget):
        if not widget.isVisibleTo(body) or _inside_a_view(widget, body):
            continue
        name = f"{type(widget).__name__} {widget.accessibleName() or _text(widget)!r}"
        right = widget.mapTo(body, QPoint(widget.width(), 0)).x()
        if right > view:
            found.append(f"{name} ends at {right}, past the page's {view} px")
        parent = widget.parentWidget()
        if parent is not None and not parent.rect().contains(widget.geometry()):
            found.append(f"{name} at {widget.geometry()} outside its parent {parent.rect()}")
        if isinstance(widget, QLabel) and not widget.wordWrap():
            if widget.width() < widget.sizeHint().width():
                found.append(f"{name} cut: {widget.width()} of {widget.sizeHint().width()} px")
        elif widget.width() < widget.minimumSizeHint().width():
            found.append(f"{name} squeezed: {widget.width()} < {widget.minimumSizeHint().width()}")
        if widget.hasHeightForWidth() and widget.height() < widget.heightForWidth(widget.width()):
            found.append(
                f"{name} cut at {widget.height()} px, needs {widget.heightForWidth(widget.width())}"
            )
    return found


def _inside_a_view(widget: QWidget, body: QWidget) -> bool:
    """Part of a list or a text field, which scrolls its own contents."""
    parent = widget.parentWidget()
    while parent is not None and parent is not body:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _text(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    value = text() if callable(text) else ""
    return value[:40] if isinstance(value, str) else ""


@pytest.fixture
def dialog(
    qloop: qasync.QEventLoop,
    keys: ApiKeys,
    runner: TaskRunner,
    make_dialog: Callable[..., SettingsDialog],  # noqa: F811
) -> Iterator[SettingsDialog]:
    """The window with what grows its pages: a stored key (Remove stored key), servers
    with a log and a long error, tools that run without asking, a connection test's
    models."""
    keys.store(MISTRAL, "sk-stored-key")
    # In ~/.config/maestrale, as in use: the test's own folder is named after the test,
    # one long word that no line can break.
    config = Path(os.environ["XDG_CONFIG_HOME"], "maestrale")
    sources = Sources(config)
    log = config / "logs" / "web.log"
    log.parent.mkdir(parents=True)
    log.write_text("npx: not found\n", encoding="utf-8")
    sources.lines = [
        ServerLine("files", "ready", "ready", "3 tools"),
        ServerLine(
            "web-search-with-a-long-name",
            "failed",
            "failed",
            "exited with code 127: npx: command not found; install Node.js",
            log,
        ),
    ]
    settings = Settings(tools_always_run="files__read_text_file, web-search__fetch_url")
    made = make_dialog(
        loaded=LoadedSettings(settings), endpoint=FakeEndpoint(MODELS), tools=sources
    )
    made.endpoint_page.test_button.click()
    finish(qloop, runner, TEST_TASK)
    made.show_page("key")  # it reads the keychain when shown
    finish(qloop, runner, *KEY_TASKS)
    yield made
    made.hide()


@pytest.mark.parametrize("size", [TEXT_SIZES[0], 9, 12, 16, 20, TEXT_SIZES[-1]])
def test_every_page_fits_its_width_at_every_text_size(
    qtbot: QtBot,
    qapp: QApplication,
    qloop: qasync.QEventLoop,
    tmp_path: Path,
    dialog: SettingsDialog,
    *,
    size: int,
) -> None:
    # At 20 pt in a window of 720 px (its least width then) six of the nine pages
    # scrolled sideways: combo boxes 18 characters wide, the shortcut field's 180 px,
    # labels beside their fields, a row of buttons, a spin box beside its slider.
    assert not dialog.endpoint_page.models.isHidden()  # the test's models, listed
    assert not dialog.key_page.remove_button.isHidden()
    apply_theme(qapp, "light", size, assets_dir=tmp_path / "theme")
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(dialog)  # grown for the text size first, as it does at once
    for width in WIDTHS:
        dialog.resize(width, 600)
        qtbot.waitUntil(lambda width=width: dialog.width() == width)
        for name, _text, _icon in PAGES:
            show(dialog, qloop, name)
            page = dialog.stack.currentWidget()
            assert isinstance(page, Page)
            where = f"{name} at {size} pt, {width} px"
            assert dialog.width() == width, where
            assert page.horizontalScrollBar().maximum() == 0, where
            assert page.widget().minimumSizeHint().width() <= page.viewport().width(), where
            assert cut_off(page) == [], where
            if page is dialog.tools_page:
                # As tall as its rows (two): sized for the text size it was built at,
                # it showed one of them at 20 pt.
                assert page.always.verticalScrollBar().maximum() == 0, where
            for view in page.widget().findChildren(QAbstractItemView):
                # Lists too: names shortened with "…", not scrolled sideways.
                if view.isVisibleTo(page):
                    assert view.horizontalScrollBar().maximum() == 0, (where, view.accessibleName())


def test_at_the_normal_size_the_rows_keep_their_labels_beside_their_fields(
    qtbot: QtBot,
    qapp: QApplication,
    qloop: qasync.QEventLoop,
    tmp_path: Path,
    dialog: SettingsDialog,
) -> None:
    # Stacking is for large text in little room: at 10 pt in the usual window every
    # row reads as before, each label beside its field, buttons beside what they act on.
    apply_theme(qapp, "light", 10, assets_dir=tmp_path / "theme")
    dialog.show()
    qtbot.waitExposed(dialog)
    settle(dialog)
    dialog.resize(900, 660)  # its size at 10 pt on a screen with room for it
    qtbot.waitUntil(lambda: dialog.width() == 900)
    for name, _text, _icon in PAGES:
        show(dialog, qloop, name)
        page = dialog.stack.currentWidget()
        assert isinstance(page, Page)
        assert page.side_margin == Page.MARGIN, name
        for rows in page.findChildren(LabelledRows):
            assert rows.beside, name
        for number in page.findChildren(OptionalNumber):
            assert number.one_line, name
        for pair in page.findChildren(Beside):
            assert pair.beside, name
    assert dialog.templates_page.buttons.columns == 5  # one row
