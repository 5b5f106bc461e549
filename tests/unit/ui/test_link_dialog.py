"""The link confirmation: the whole address, the warnings, and Cancel by default."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.rendering.links import check_link
from app.ui.link_dialog import MAX_ADDRESS_LINES, LinkDialog, open_link
from app.ui.theme import apply_theme

LONG = (
    "https://accounts.example.com/oauth/authorize?client_id=" + "a" * 80 + "&redirect_uri="
    "https%3A%2F%2Fevil.example%2Fcallback"
    + "b" * 80
    + "&scope=all&state="
    + "z" * 80
    + "&end=THE_END"
)


def test_a_long_address_is_shown_whole_with_cancel_as_the_default(qtbot: QtBot) -> None:
    dialog = LinkDialog(check_link(LONG))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.address.toPlainText() == LONG
    assert dialog.address.isReadOnly()
    # Wrapped inside the field, whose height shows several lines of it.
    assert dialog.address.document().lineCount() >= 1
    assert dialog.address.height() > 3 * dialog.address.fontMetrics().lineSpacing()
    assert dialog.cancel_button.isDefault()
    assert not dialog.open_button.isDefault()
    assert dialog.warnings == []


def test_warnings_show_and_a_mail_link_says_where_it_opens(qtbot: QtBot) -> None:
    dialog = LinkDialog(check_link("mailto:a@example.com?attach=/etc/passwd"))
    qtbot.addWidget(dialog)
    assert dialog.address.toPlainText() == "mailto:a@example.com"
    [warning] = dialog.warnings
    assert "attach" in warning.text()
    labels = [child.text() for child in dialog.findChildren(type(warning))]
    assert "Open it in your mail program?" in labels
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None


def test_only_a_confirmed_web_or_mail_link_is_opened(monkeypatch: object) -> None:
    opened: list[QUrl] = []
    import app.ui.link_dialog as module

    monkeypatch.setattr(  # type: ignore[attr-defined]
        module.QDesktopServices, "openUrl", lambda url: opened.append(url) or True
    )
    assert not open_link(QUrl("https://example.org"), lambda check: False)
    assert not open_link(QUrl("file:///etc/passwd"), lambda check: True)
    assert open_link(QUrl("https://example.com/\u202egpj.exe"), lambda check: True)
    assert opened == [QUrl("https://example.com/%E2%80%AEgpj.exe")]


@pytest.mark.parametrize("length", [30, 120, 300])
def test_the_address_field_is_as_tall_as_its_lines_without_a_scroll_bar(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, length: int
) -> None:
    # With the app's style sheet a one-line address showed a scroll bar for one pixel.
    sheet, palette = qapp.styleSheet(), QPalette(qapp.palette())
    apply_theme(qapp, "light", 0, assets_dir=tmp_path / "theme")
    try:
        url = "https://example.com/" + "a" * (length - len("https://example.com/"))
        dialog = LinkDialog(check_link(url))
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        field = dialog.address
        lines = int(field.document().size().height())
        assert lines < MAX_ADDRESS_LINES
        assert not field.verticalScrollBar().isVisible()
        assert field.viewport().height() >= lines * field.fontMetrics().lineSpacing()
        assert field.height() < (lines + 2) * field.fontMetrics().lineSpacing() + 24  # no more
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setPalette(palette)
