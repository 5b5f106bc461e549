"""Where a message's links are, for Tab and Shift+Tab through its text (see MessageText).

A link here is what Qt's keyboard stops on in a text browser: an anchor with an address
(a code block's "Copy" too; a footnote's name alone is none).
"""

from __future__ import annotations

from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument, QTextFormat


def _is_link(text_format: QTextCharFormat) -> bool:
    # As QWidgetTextControl::findNextPrevAnchor tells them.
    return text_format.isAnchor() and text_format.hasProperty(QTextFormat.Property.AnchorHref)


def on_link(cursor: QTextCursor) -> bool:
    """Whether the selection of ``cursor`` starts on a link (Tab went to it)."""
    if not cursor.hasSelection():
        return False
    first = QTextCursor(cursor.document())
    first.setPosition(cursor.selectionStart() + 1)  # the format of the character before
    return _is_link(first.charFormat())


def link_before(document: QTextDocument, position: int) -> bool:
    """Whether a link starts before ``position`` in ``document``."""
    block = document.begin()
    while block.isValid() and block.position() < position:
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.position() >= position:
                return False
            if _is_link(fragment.charFormat()):
                return True
            fragments += 1
        block = block.next()
    return False
