"""The plain text fields questions are typed in, and the line fields, which paste a web
page's text too."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QTextDocument,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from app.ui.unbroken_runs import UnbrokenRunWrapping

_OBJECT = "\ufffc"  # where an image of the HTML stood in its text
PICTURE_NOT_PASTED = (
    "Pictures can't be pasted: Maestrale sends text only. Copy the text you want, "
    "or describe the picture in words."
)


def html_text(source: QMimeData, *, tables: bool = False, links: bool = False) -> str:
    """The text of the HTML in ``source`` ("" without any). Read by Qt's own parser,
    which loads nothing (no images, no style sheets) and leaves scripts and styles out.
    With ``tables``, each table is a Markdown table (else a line for each cell); with
    ``links``, each web or mail link is a Markdown link (else its words only)."""
    if not source.hasHtml():
        return ""
    fragment = QTextDocumentFragment.fromHtml(source.html())
    if links:
        from app.ui.html_links import with_markdown_links  # on the first paste of HTML

        fragment = QTextDocumentFragment(with_markdown_links(fragment))
    if tables:
        from app.ui.html_tables import text_with_tables  # on the first paste of HTML

        return text_with_tables(fragment).replace(_OBJECT, "")
    return fragment.toPlainText().replace(_OBJECT, "")


class PlainTextField(QPlainTextEdit):
    """A QPlainTextEdit that pastes (and takes the drop of) HTML without plain text as
    its text: some programs put a copied page on the clipboard only as text/html, which
    a plain text field ignores, so pasting did nothing. Its tables become Markdown tables,
    which keep their columns for the model, and its links Markdown links, which keep
    their addresses. Plain text, when there is some, stays what is
    pasted.

    Signals:
        paste_refused(str): what was pasted holds nothing to type (a picture, with no
            words beside it in text or HTML): why, for the window to say (the paste did
            nothing, without a word).
    """

    paste_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # A pasted blob with no space in it froze the field for seconds (see unbroken_runs).
        self._wrapping = UnbrokenRunWrapping(self)

    def setDocument(self, document: QTextDocument) -> None:  # noqa: N802 - Qt's name
        super().setDocument(document)
        self._wrapping.follow_document()

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 - Qt override
        return super().canInsertFromMimeData(source) or bool(html_text(source))

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt override
        # A browser's "Copy image" gives the picture with HTML of only <img src=…>.
        if source.hasImage() and not source.text().strip() and not html_text(source).strip():
            self.paste_refused.emit(PICTURE_NOT_PASTED)
            return
        if source.text() or not source.hasHtml():
            super().insertFromMimeData(source)
            return
        text = QMimeData()
        text.setText(html_text(source, tables=True, links=True))
        super().insertFromMimeData(text)


def pastes_html(field: QLineEdit) -> None:
    """``field``, made to paste the text of a clipboard holding only HTML (see
    PlainTextField), its lines joined by spaces. QLineEdit pastes only text/plain and has
    no insertFromMimeData to override: its Paste keys (Ctrl+V, Shift+Insert) and its
    context menu's Paste are taken over while the clipboard has no plain text."""
    field.installEventFilter(_HtmlPaste(field))


def _html_only_text(field: QLineEdit) -> str:
    """The one line ``field`` should paste for a clipboard with HTML and no plain text;
    "" when Qt's own paste applies (or the field is read-only)."""
    source = QGuiApplication.clipboard().mimeData()
    if field.isReadOnly() or source is None or source.text():
        return ""
    return " ".join(line.strip() for line in html_text(source).splitlines() if line.strip())


class _HtmlPaste(QObject):
    def __init__(self, field: QLineEdit) -> None:
        super().__init__(field)
        self._field = field

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is not self._field:
            return False
        if (
            event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Paste)
            and (text := _html_only_text(self._field))
        ):
            event.accept()  # a window shortcut on the same keys must not take it
            if event.type() == QEvent.Type.KeyPress:
                self._field.insert(text)
            return True
        if event.type() == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            return self._menu(event)
        return False

    def _menu(self, event: QContextMenuEvent) -> bool:
        if not _html_only_text(self._field):
            return False  # Qt's own menu, its Paste as Qt decides
        field = self._field
        menu = field.createStandardContextMenu()
        paste = next((a for a in menu.actions() if a.objectName() == "edit-paste"), None)
        if paste is None:
            menu.deleteLater()
            return False
        paste.setEnabled(True)  # Qt disabled it: no plain text
        # Qt's own paste still runs first: it removes a selection and inserts nothing.
        paste.triggered.connect(lambda: field.insert(_html_only_text(field)))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())
        return True
