"""The tool approval bar at the normal and at large text: compact, its arguments in
whole rows (wrapped ones counted), scrolling beyond a few. Its buttons, and the
transcript's, show plainly which one has the keyboard, in both looks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QHBoxLayout, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.api.types import ToolSpec
from app.domain.messages import ToolCall
from app.tools.registry import Tool, ToolOutput
from app.ui.theme import apply_theme
from app.ui.tool_approval import ToolApprovalBar
from app.ui.transcript.item_actions import tool_button as _tool_button
from app.ui.transcript.question_editor import QuestionEditor
from tests.helpers.colors import contrast
from tests.helpers.text_rows import shown_rows

LONG = (
    "A long text argument that the model wants to send to the echo server, long enough "
    "to wrap across the width of the bar several times over, and then some more words."
)


async def _never(_arguments: dict[str, object]) -> ToolOutput:
    raise AssertionError("not run here")


ECHO = Tool(ToolSpec("echo", "Give the text back.", {"type": "object"}), "echo", _never)


@pytest.fixture
def themed(qapp: QApplication, tmp_path: Path) -> Iterator[Path]:
    """The app's look is restored after the test (it is application-wide)."""
    style, sheet = qapp.style().name(), qapp.styleSheet()
    palette, font = QPalette(qapp.palette()), QFont(qapp.font())
    yield tmp_path / "theme"
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setFont(font)
    qapp.setStyle(style)
    QGuiApplication.styleHints().unsetColorScheme()


def _window(qtbot: QtBot, width: int = 800, height: int = 790) -> tuple[QWidget, ToolApprovalBar]:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    layout.addStretch(1)  # the transcript
    bar = ToolApprovalBar()
    layout.addWidget(bar)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window, bar


def _ask(bar: ToolApprovalBar, arguments: dict[str, object]) -> None:
    bar.ask(ECHO, ToolCall("abcDEF123", "echo", json.dumps(arguments)))
    _settle(bar)


def _settle(bar: ToolApprovalBar) -> None:
    """Lay the window out now, as it would be by the next paint."""
    for _ in range(3):  # the bar's layout, the window's, then the bar at its width
        QApplication.processEvents()
        window_layout = bar.window().layout()
        assert window_layout is not None
        window_layout.activate()


def test_wrapped_arguments_show_whole_at_the_normal_size(
    qtbot: QtBot, qapp: QApplication, themed: Path
) -> None:
    apply_theme(qapp, "light", 10, assets_dir=themed)
    _host, bar = _window(qtbot)
    _ask(bar, {"text": LONG})  # 3 lines, the middle one wrapped
    whole, cut, total = shown_rows(bar.arguments)
    assert total > 3
    assert (whole, cut) == (total, 0)  # all of it, no scroll bar
    assert not bar.arguments.verticalScrollBar().isVisible()
    _ask(bar, {"text": LONG, "more": [LONG, LONG, LONG]})
    whole, cut, total = shown_rows(bar.arguments)
    assert (whole, cut) == (6, 0)  # a few rows, whole; the rest scrolls
    assert total > 6
    assert bar.arguments.verticalScrollBar().isVisible()


def test_large_text_keeps_the_bar_compact(qtbot: QtBot, qapp: QApplication, themed: Path) -> None:
    apply_theme(qapp, "light", 20, assets_dir=themed)
    window, bar = _window(qtbot, 600)
    _ask(bar, {"text": LONG, "more": [LONG, LONG]})
    question = bar.question
    assert question.height() < 1.5 * question.fontMetrics().height()  # one line
    whole, cut, _total = shown_rows(bar.arguments)
    assert (whole, cut) == (3, 0)  # fewer rows in a window of this height, whole
    assert bar.height() < 0.33 * window.height()
    assert bar.run_button.height() < 2 * bar.run_button.fontMetrics().height()
    window.resize(600, 500)  # a shorter window: fewer rows still, 2 at least
    _settle(bar)
    assert shown_rows(bar.arguments)[:2] == (2, 0)


def test_a_text_size_changed_while_a_call_waits_resizes_its_arguments(
    qtbot: QtBot, qapp: QApplication, themed: Path
) -> None:
    apply_theme(qapp, "light", 10, assets_dir=themed)
    _host, bar = _window(qtbot)
    _ask(bar, {"path": "notes.txt"})
    apply_theme(qapp, "light", 20, assets_dir=themed)
    _settle(bar)
    assert bar.arguments.font().pointSizeF() == 20
    whole, cut, total = shown_rows(bar.arguments)
    assert (whole, cut) == (total, 0)


RING = 2  # px: at least, each pixel told from the button unfocused at 3:1


def _grab(button: QAbstractButton, focused: bool, elsewhere: QWidget) -> QImage:
    (button if focused else elsewhere).setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    assert button.hasFocus() == focused
    return button.grab().toImage()


def _ring_width(button: QAbstractButton, elsewhere: QWidget) -> int:
    """How many pixels in from the button's left edge, halfway down, change plainly
    when it takes the keyboard."""
    focused = _grab(button, True, elsewhere)
    unfocused = _grab(button, False, elsewhere)
    assert focused.size() == unfocused.size()  # the ring takes no room of its own
    middle = focused.height() // 2
    width = 0
    while width < focused.width() // 2 and (
        contrast(focused.pixelColor(width, middle), unfocused.pixelColor(width, middle)) >= 3
    ):
        width += 1
    return width


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_focused_buttons_show_a_clear_ring(
    qtbot: QtBot, qapp: QApplication, themed: Path, mode: str
) -> None:
    apply_theme(qapp, mode, 10, assets_dir=themed)
    window, bar = _window(qtbot, 600)
    _ask(bar, {"text": "hello"})
    # An answer's Copy and Regenerate, and a question's editor (Cancel is borderless).
    copy = _tool_button("copy", "Copy as Markdown", "copyMessage")
    regenerate = _tool_button("regenerate", "Regenerate this answer", "regenerate")
    editor = QuestionEditor("An edited question")
    actions = QHBoxLayout()
    for button in (copy, regenerate):
        actions.addWidget(button)
    layout = window.layout()
    assert isinstance(layout, QVBoxLayout)
    layout.addLayout(actions)
    layout.addWidget(editor)
    _settle(bar)
    elsewhere = bar.arguments
    for button in (
        bar.run_button,
        bar.always_button,
        bar.decline_button,
        copy,
        regenerate,
        editor.cancel_button,
        editor.send_button,
    ):
        assert _ring_width(button, elsewhere) >= RING, button.text()
