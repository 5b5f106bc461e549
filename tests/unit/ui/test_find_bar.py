"""The find bar: its count keeps one width, so its field does not jump as one types."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.ui.find_bar import FindBar


def test_the_field_keeps_its_width_as_the_count_changes(qtbot: QtBot) -> None:
    bar = FindBar()
    qtbot.addWidget(bar)
    bar.resize(600, 40)
    bar.open_bar()
    bar.field.setText("word")
    widths = []
    for found in ((1, 2), (135, 135), (0, 0)):
        bar.set_result(found)
        bar.layout().activate()
        widths.append(bar.field.width())
    assert len(set(widths)) == 1
