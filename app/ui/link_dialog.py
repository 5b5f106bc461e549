"""Opening a link from an answer: only after the person saw the whole, true address.

A message box cuts a long address without spaces at its edge (``…&redirect_uri=`` of
an OAuth link would vanish): the address sits in a read-only field that wraps
anywhere, with what ``app.rendering.links`` found to warn about, and Cancel is the
default button.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QShowEvent, QTextOption
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.rendering.links import LinkCheck, check_link, openable
from app.ui.text_rows import row_pitch

Confirm = Callable[[LinkCheck], bool]
Opener = Callable[[QUrl], bool]
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
        self._fit_address(1 + len(check.address) // 60)  # a guess until it is laid out
        # Wrapped again at each width: then as tall as its lines really are.
        self.address.document().documentLayout().documentSizeChanged.connect(
            lambda size: self._fit_address(int(size.height()))
        )
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

    def _fit_address(self, lines: int) -> None:
        """As tall as the address's lines, up to MAX_ADDRESS_LINES (then it scrolls)."""
        field = self.address
        field.ensurePolished()  # the style sheet's padding and border count
        margins = field.contentsMargins()
        shown = min(MAX_ADDRESS_LINES, max(1, lines))
        # All of it shows: a scroll bar could only move it by a pixel or so.
        field.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            if lines <= MAX_ADDRESS_LINES
            else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        field.setFixedHeight(
            shown * row_pitch(field.font())
            + round(2 * field.document().documentMargin())
            + margins.top()
            + margins.bottom()
            + 1  # without it, the field's own scroll bar showed to scroll one pixel
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._fit_address(int(self.address.document().size().height()))  # laid out now


def ask_before_opening(parent: QWidget) -> Confirm:
    def confirm(check: LinkCheck) -> bool:
        return LinkDialog(check, parent).exec() == QDialog.DialogCode.Accepted

    return confirm


def open_link(
    url: QUrl,
    confirm: Confirm,
    *,
    text: str = "",
    tell: Callable[[str], object] | None = None,
    opener: Opener | None = None,
) -> bool:
    """Open ``url`` if it is http(s) or mailto and ``confirm`` agrees; True if opened.
    ``text``, the link's words, is told of when it names another address.

    Without a browser (or mail program) to start, Qt only prints a line to stderr and
    nothing happened after "Open": the address is then copied, and ``tell`` says so."""
    address = url.toString()
    if not openable(address):
        return False
    check = check_link(address, text)
    if not confirm(check):
        return False
    if (opener or QDesktopServices.openUrl)(QUrl(check.address)):
        return True
    if tell is not None:
        tell(not_opened(check))
    return False


def not_opened(check: LinkCheck) -> str:
    """Copies what the person can still use of the link and says so."""
    clipboard = QGuiApplication.clipboard()
    if check.mail:
        recipients = urlsplit(check.address).path
        clipboard.setText(recipients or check.address)
        return (
            "No mail program could be started for this link. "
            f"The mail address ({recipients}) is copied: paste it into your mail."
            if recipients
            else "No mail program could be started for this link. Its address is copied."
        )
    clipboard.setText(check.address)
    return (
        "No web browser could be started for this link. "
        "Its address is copied: paste it into your browser's address bar."
    )
