"""The message field's look: it shows when it has the keyboard, as the other fields do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.composer import Composer
from app.ui.theme import apply_theme, current_colors


@pytest.fixture
def restore_look(qapp: QApplication) -> Iterator[None]:
    """The theme is application-wide: the tests after these get Qt's look back."""
    style, sheet = qapp.style().name(), qapp.styleSheet()
    palette, font = QPalette(qapp.palette()), QFont(qapp.font())
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setFont(font)
    qapp.setStyle(style)
    QGuiApplication.styleHints().unsetColorScheme()


def _near(color: QColor, target: QColor) -> bool:
    return (
        abs(color.red() - target.red())
        + abs(color.green() - target.green())
        + abs(color.blue() - target.blue())
        < 60
    )


@pytest.mark.usefixtures("restore_look")
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_message_field_shows_when_it_has_the_keyboard(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, mode: str
) -> None:
    # Every other field got a ring of the accent colour; the message field, the one
    # typed in most, showed nothing: a keyboard user could not tell it was there.
    apply_theme(qapp, mode, 0, assets_dir=tmp_path)
    accent = QColor(current_colors().accent)
    window = QWidget()
    layout = QVBoxLayout(window)
    composer = Composer()
    other = QLineEdit()
    layout.addWidget(composer)
    layout.addWidget(other)
    qtbot.addWidget(window)
    window.resize(600, 200)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    def accent_on_its_left_edge() -> int:
        image = composer.grab().toImage()
        middle = image.height() // 2
        return sum(
            _near(image.pixelColor(x, y), accent)
            for x in range(2)
            for y in range(middle - 4, middle + 5)
        )

    other.setFocus()
    assert accent_on_its_left_edge() == 0
    composer.edit.setFocus()
    assert composer.edit.hasFocus()
    assert accent_on_its_left_edge() > 0
    other.setFocus()
    assert accent_on_its_left_edge() == 0


def test_the_placeholder_stays_on_one_line_in_a_narrow_field(qtbot: QtBot) -> None:
    # At 24 pt in a narrow conversation "Message Mistral…" wrapped, its second line cut
    # by the field's one-line height.
    composer = Composer()
    qtbot.addWidget(composer)
    font = QFont(composer.edit.font())
    font.setPointSize(24)
    composer.edit.setFont(font)
    composer.resize(330, 80)
    composer.show()
    qtbot.waitExposed(composer)
    edit = composer.edit
    shown = edit.placeholderText()
    assert shown.startswith("Message")
    assert shown.endswith("…")
    assert edit.fontMetrics().horizontalAdvance(shown) <= edit.viewport().width()
    composer.resize(1200, 80)  # room again: whole
    qtbot.waitUntil(lambda: edit.placeholderText() == "Message Mistral…")


@pytest.mark.usefixtures("restore_look")
def test_the_field_keeps_its_width_when_send_becomes_stop(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    # The two labels differ in width: the field narrowed and widened by a few pixels
    # at every answer's start and end, its lines wrapped anew.
    apply_theme(qapp, "light", 0, assets_dir=tmp_path)
    composer = Composer()
    qtbot.addWidget(composer)
    composer.resize(600, 80)
    composer.show()
    qtbot.waitExposed(composer)
    layout = composer.layout()
    assert layout is not None

    def places() -> tuple[QRect, QRect]:
        layout.activate()
        return composer.button.geometry(), composer.edit.geometry()

    sending = places()
    composer.set_busy(True)
    assert composer.button.text() == "Stop"
    assert places() == sending
    composer.set_busy(False)
    assert places() == sending
    # Room for either label, in the button's own (bold) font.
    button = composer.button
    room = button.width() - (
        button.sizeHint().width() - button.fontMetrics().size(0, "Send").width()
    )
    for label in ("Send", "Stop"):
        assert button.fontMetrics().size(0, label).width() <= room
