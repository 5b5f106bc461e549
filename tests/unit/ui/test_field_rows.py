"""Fields that grow with their text show each row whole, up to their last one.

QPlainTextEdit puts its rows whole pixels apart, rounded up (16 px for DejaVu Sans at
10 pt, whose line spacing is 15.125): sized with QFontMetrics.lineSpacing() (15), the
message field of twelve lines showed eleven, the twelfth cut, and a scroll bar.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.ui.composer import MAX_LINES, Composer
from app.ui.theme import apply_theme
from app.ui.transcript.question_editor import MAX_LINES as EDITOR_LINES
from app.ui.transcript.question_editor import QuestionEditor
from tests.helpers.text_rows import shown_rows

SIZES = [9, 10, 11, 16, 20]  # 10 and 16 pt: fractional line spacing, rounded down


@pytest.fixture
def sized(qapp: QApplication, tmp_path: Path) -> Iterator[Path]:
    """A theme folder; the application's look comes back after the test."""
    sheet, palette, font = qapp.styleSheet(), QPalette(qapp.palette()), QFont(qapp.font())
    yield tmp_path / "theme"
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setFont(font)


def _lines(count: int) -> str:
    return "\n".join(f"line {n}" for n in range(count))


def _settle(qapp: QApplication) -> None:
    for _ in range(3):
        qapp.processEvents()


def _all_whole(edit: QPlainTextEdit, rows: int) -> None:
    assert shown_rows(edit) == (rows, 0, rows)
    assert not edit.verticalScrollBar().isVisible()


@pytest.mark.parametrize("size", SIZES)
def test_the_message_field_shows_every_row_whole(
    qtbot: QtBot, qapp: QApplication, sized: Path, size: int
) -> None:
    apply_theme(qapp, "light", size, assets_dir=sized)
    window = QWidget()
    qtbot.addWidget(window)
    composer = Composer()
    QVBoxLayout(window).addWidget(composer)
    window.resize(800, 1000)
    window.show()
    for rows in (1, 3, MAX_LINES):
        composer.edit.setPlainText(_lines(rows))
        _settle(qapp)
        _all_whole(composer.edit, rows)
    composer.edit.setPlainText(_lines(MAX_LINES + 3))  # then it scrolls
    _settle(qapp)
    assert composer.edit.verticalScrollBar().isVisible()


@pytest.mark.parametrize("size", SIZES)
def test_the_question_editor_shows_every_row_whole(
    qtbot: QtBot, qapp: QApplication, sized: Path, size: int
) -> None:
    apply_theme(qapp, "light", size, assets_dir=sized)
    editor = QuestionEditor(_lines(EDITOR_LINES))
    qtbot.addWidget(editor)
    editor.resize(700, 1000)
    editor.show()
    _settle(qapp)
    _all_whole(editor.field, EDITOR_LINES)
