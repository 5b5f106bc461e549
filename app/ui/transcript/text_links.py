"""Where a message's links are, for Tab and Shift+Tab through its text (see MessageText).

A link here is what Qt's keyboard stops on in a text browser: an anchor with an address
(a code block's "Copy" too; a footnote's name alone is none).
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
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


def link_text_at(document: QTextDocument, position: int, url: QUrl) -> str | None:
    """The words of the link to ``url`` beside ``position`` (between two characters:
    the one after it, then the one before); None when neither is on such a link."""
    for at in (position, position - 1):
        pieces: list[tuple[str, str]] = []  # each fragment of the block: href, text
        hit = None
        block = document.findBlock(at)
        fragments = block.begin() if block.isValid() else None
        while fragments is not None and not fragments.atEnd():
            fragment = fragments.fragment()
            text_format = fragment.charFormat()
            if fragment.position() <= at < fragment.position() + fragment.length():
                hit = len(pieces)
            pieces.append(
                (text_format.anchorHref() if _is_link(text_format) else "", fragment.text())
            )
            fragments += 1
        if hit is None or not pieces[hit][0] or QUrl(pieces[hit][0]) != url:
            continue
        # A bold word inside a link is a fragment of its own: the run around the hit.
        href = pieces[hit][0]
        first, last = hit, hit
        while first > 0 and pieces[first - 1][0] == href:
            first -= 1
        while last + 1 < len(pieces) and pieces[last + 1][0] == href:
            last += 1
        return "".join(text for _, text in pieces[first : last + 1])
    return None
