"""Settings → Endpoint: "Test connection" stays where it is while the person uses it.

It went down a line as "A server of your own" was chosen (its hint under the address
came), and up again with La Plateforme; and when a test's result or models made the page
scroll, the scroll bar narrowed the page, the text above wrapped anew and the button
moved, at some text sizes and window sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.api.errors import NetworkError
from app.ui.settings.endpoint_page import TEST_TASK, EndpointPage
from app.ui.settings_dialog import SettingsDialog
from app.ui.theme import apply_theme

from .conftest import MODELS, FakeEndpoint, finish
from .test_page_widths import settle
from .test_settings_dialog import make_dialog  # noqa: F401 - fixture

SIZES = [8, 10, 16, 24]  # pt: the smallest text size offered, the usual, large ones


def _shown(
    qtbot: QtBot,
    qapp: QApplication,
    tmp_path: Path,
    make: Callable[..., SettingsDialog],
    *,
    size: int,
    endpoint: FakeEndpoint | None = None,
) -> tuple[SettingsDialog, EndpointPage]:
    apply_theme(qapp, "light", size, assets_dir=tmp_path / "theme")
    dialog = make(endpoint=endpoint or FakeEndpoint(MODELS))
    dialog.show_page("endpoint")
    qtbot.waitExposed(dialog)
    settle(dialog)
    return dialog, dialog.endpoint_page


def _button_at(where: QWidget, page: EndpointPage) -> QPoint:
    return page.test_button.mapTo(where, QPoint(0, 0))


@pytest.mark.parametrize("size", SIZES)
def test_choosing_a_server_of_your_own_does_not_move_test_connection(
    qtbot: QtBot,
    qapp: QApplication,
    tmp_path: Path,
    make_dialog: Callable[..., SettingsDialog],  # noqa: F811
    *,
    size: int,
) -> None:
    dialog, page = _shown(qtbot, qapp, tmp_path, make_dialog, size=size)
    assert page.mistral.isChecked()
    assert page.validation.message() == ""  # nothing said of an address not in use
    # On the page (which scrolls to the address field, focused, at large sizes).
    body = page.widget()
    where = _button_at(body, page)
    page.custom.click()
    settle(dialog)
    assert page.validation.message().startswith("Enter the server's address")
    assert page.validation.text.isVisible()
    assert _button_at(body, page) == where
    page.mistral.click()
    settle(dialog)
    assert not page.validation.text.isVisible()
    assert _button_at(body, page) == where


def _just_fitting(dialog: SettingsDialog, page: EndpointPage) -> None:
    """The window as tall as the page needs: anything more on it makes it scroll."""
    body = page.widget()
    spare = page.viewport().height() - body.heightForWidth(page.viewport().width())
    dialog.resize(dialog.width(), dialog.height() - spare)
    settle(dialog)
    assert page.verticalScrollBar().maximum() == 0


@pytest.mark.parametrize("fails", [False, True])
@pytest.mark.parametrize("size", SIZES)
def test_a_test_s_result_does_not_move_test_connection_nor_what_is_above(
    qtbot: QtBot,
    qapp: QApplication,
    qloop: qasync.QEventLoop,
    tmp_path: Path,
    make_dialog: Callable[..., SettingsDialog],  # noqa: F811
    *,
    size: int,
    fails: bool,
) -> None:
    failure = NetworkError(
        "Could not reach http://127.0.0.1:1: the connection failed (ConnectError). Is the "
        "server running? If it is, check its address here."
    )
    endpoint = FakeEndpoint(failure if fails else MODELS)
    dialog, page = _shown(qtbot, qapp, tmp_path, make_dialog, size=size, endpoint=endpoint)
    dialog.resize(max(dialog.minimumWidth(), 760), dialog.height())
    settle(dialog)
    _just_fitting(dialog, page)
    card = page.mistral.parentWidget()
    where, wide = _button_at(dialog, page), card.width()
    page.test_button.click()
    finish(qloop, page._runner, TEST_TASK)
    settle(dialog)
    assert page.result.tone == ("error" if fails else "success")
    assert page.verticalScrollBar().maximum() > 0  # the page scrolls now
    assert card.width() == wide  # the scroll bar took the margin's room, not the card's
    assert _button_at(dialog, page) == where
