"""Pasted HTML's links as Markdown, for the fields questions are typed in: Qt's plain
text of a page keeps a link's words and drops its address, which the model then never
saw."""

from __future__ import annotations

from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument, QTextDocumentFragment

from app.rendering.links import openable

_OBJECT = "\ufffc"  # an image in the text: no words of its own


def with_markdown_links(fragment: QTextDocumentFragment) -> QTextDocument:
    """A copy of ``fragment`` (it reads no file and no address) whose http, https and
    mailto links are written ``[text](address)``, or the address alone when the text is
    it; any other link (a page's relative one, javascript:) keeps its text only."""
    document = QTextDocument()
    QTextCursor(document).insertFragment(fragment)
    # From the end: a replacement moves the positions after it, not those before.
    for start, end, href in reversed(_links(document)):
        cursor = QTextCursor(document)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        written = _markdown(cursor.selectedText(), href)
        if written is not None:
            cursor.insertText(written, QTextCharFormat())
    return document


def _links(document: QTextDocument) -> list[tuple[int, int, str]]:
    """Each run of text linking to one address: start, end, address; in order."""
    runs: list[tuple[int, int, str]] = []
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            text_format = fragment.charFormat()
            href = text_format.anchorHref() if text_format.isAnchor() else ""
            start, end = fragment.position(), fragment.position() + fragment.length()
            if href and runs and runs[-1][1] == start and runs[-1][2] == href:
                runs[-1] = (runs[-1][0], end, href)  # a bold word inside the link
            elif href:
                runs.append((start, end, href))
            fragments += 1
        block = block.next()
    return runs


def _markdown(text: str, href: str) -> str | None:
    """The link as Markdown; None to keep its text as it is."""
    address = href.strip()
    if not openable(address):
        return None
    words = " ".join(text.replace(_OBJECT, " ").split())
    if words in (address, address.removeprefix("mailto:")):
        return words
    safe = address.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    if not words:
        return safe  # an image's link: the address is all there is
    label = words.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({safe})"
