"""Plain text fields whose paragraphs each align by their own direction."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QTextBlock, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout, QPlainTextEdit


class ParagraphAlignedLayout(QPlainTextDocumentLayout):
    """QPlainTextEdit's layout, each paragraph at the side its direction starts from.

    It lays every paragraph out with the document's one text option, and its AlignLeft
    is the left edge whatever the text's direction (QTextEdit resolves it by each
    paragraph's direction): typed Arabic or Hebrew flowed right to left pushed against
    the left edge. The alignment is given when a paragraph is placed, which the field
    asks before drawing it, its cursor included; it moves no line (no new layout).
    """

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 - Qt override
        rect = super().blockBoundingRect(block)
        layout = block.layout()
        if layout is not None:
            option = layout.textOption()
            rtl = block.textDirection() == Qt.LayoutDirection.RightToLeft
            side = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
            if option.alignment() != side:
                option.setAlignment(side)
                layout.setTextOption(option)
        return rect


def align_paragraphs_by_direction(edit: QPlainTextEdit) -> None:
    """Give ``edit`` a document laid out by ParagraphAlignedLayout (before any text)."""
    document = QTextDocument(edit)
    document.setDocumentLayout(ParagraphAlignedLayout(document))
    document.setDocumentMargin(edit.document().documentMargin())
    document.setDefaultFont(edit.document().defaultFont())
    edit.setDocument(document)
