"""Dialog buttons as the app's other buttons: no stock icons."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QProxyStyle, QStyle, QStyleFactory
from pytestqt.qtbot import QtBot

from app.ui.stylesheet import build_stylesheet
from app.ui.theme import LIGHT


def test_dialog_buttons_get_no_stock_icons_where_the_desktop_would_give_them(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # Under X11 without a desktop (and KDE), Qt puts its stock bitmaps on dialog buttons:
    # a red cross on each Cancel, blurred on a high-DPI screen, unlike every other button.
    class IconsOnButtons(QProxyStyle):
        def styleHint(self, hint, option=None, widget=None, returnData=None):  # type: ignore[no-untyped-def]  # noqa: N802, N803
            if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
                return 1
            return super().styleHint(hint, option, widget, returnData)

        def standardIcon(self, icon, option=None, widget=None):  # type: ignore[no-untyped-def]  # noqa: N802
            pixmap = QPixmap(16, 16)
            pixmap.fill(Qt.GlobalColor.red)
            return QIcon(pixmap)  # as the desktop's bitmaps (offscreen has none)

    box = QMessageBox()
    qtbot.addWidget(box)
    style = IconsOnButtons(QStyleFactory.create("Fusion"))  # kept: setStyle does not own it
    box.findChild(QDialogButtonBox).setStyle(style)
    assert not box.addButton(QMessageBox.StandardButton.Ok).icon().isNull()  # the desktop's
    box.setStyleSheet(build_stylesheet(LIGHT, 10.0, tmp_path))
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    assert cancel.icon().isNull()
