"""Opening a link from an answer: only after the person saw the whole, true address.

A message box cuts a long address without spaces at its edge (``…&redirect_uri=`` of
an OAuth link would vanish): the address sits in a read-only field that wraps
anywhere, with what ``app.rendering.links`` found to warn about, and Cancel is the
default button.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.rendering.links import LinkCheck, check_link, openable

Confirm = Callable[[LinkCheck], bool]
MAX_ADDRESS_LINES = 8


class LinkDialog(QDialog):
    def __init__(self, check: LinkCheck, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open link?")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The answer links to:"))
        self.address = QPlainTextEdit(check.address)
        self.address.setObjectName("linkAddress")
        self.address.setAccessibleName("Link address")
        self.address.setReadOnly(True)
        self.address.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.address.setTabChangesFocus(True)
        lines = min(MAX_ADDRESS_LINES, 1 + len(check.address) // 60)
        self.address.setFixedHeight(self.address.fontMetrics().lineSpacing() * lines + 16)
        layout.addWidget(self.address)
        self.warnings: list[QLabel] = []
        for warning in check.warnings:
            label = QLabel(f"⚠ {warning}")
            label.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the address
            label.setObjectName("linkWarning")
            label.setWordWrap(True)
            layout.addWidget(label)
            self.warnings.append(label)
        place = "your mail program" if check.mail else "your browser"
        layout.addWidget(QLabel(f"Open it in {place}?"))
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton("Open", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.open_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)  # Enter right after the click does not open
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.cancel_button.setFocus()


def ask_before_opening(parent: QWidget) -> Confirm:
    def confirm(check: LinkCheck) -> bool:
        return LinkDialog(check, parent).exec() == QDialog.DialogCode.Accepted

    return confirm


def open_link(url: QUrl, confirm: Confirm) -> bool:
    """Open ``url`` if it is http(s) or mailto and ``confirm`` agrees; True if opened."""
    address = url.toString()
    if not openable(address):
        return False
    check = check_link(address)
    if not confirm(check):
        return False
    return QDesktopServices.openUrl(QUrl(check.address))
