"""The plain text fields questions are typed in, which paste a web page's text too."""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QPlainTextEdit

_OBJECT = "\ufffc"  # where an image of the HTML stood in its text


def html_text(source: QMimeData) -> str:
    """The text of the HTML in ``source`` ("" without any). Read by Qt's own parser,
    which loads nothing (no images, no style sheets) and leaves scripts and styles out."""
    if not source.hasHtml():
        return ""
    return QTextDocumentFragment.fromHtml(source.html()).toPlainText().replace(_OBJECT, "")


class PlainTextField(QPlainTextEdit):
    """A QPlainTextEdit that pastes (and takes the drop of) HTML without plain text as
    its text: some programs put a copied page on the clipboard only as text/html, which
    a plain text field ignores, so pasting did nothing. Plain text, when there is some,
    stays what is pasted."""

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 - Qt override
        return super().canInsertFromMimeData(source) or bool(html_text(source))

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt override
        if source.text() or not source.hasHtml():
            super().insertFromMimeData(source)
            return
        text = QMimeData()
        text.setText(html_text(source))
        super().insertFromMimeData(text)
