"""Footnotes of a streamed answer: shown as they would be had it come whole."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from app.rendering import render_markdown
from app.ui.transcript.markdown_document import MarkdownDocument

ANSWER = (
    "First claim[^1].\n\nMore text here.\n\n```python\nprint(1)\n```\n\n"
    "Second claim[^two], and the first again[^1].\n\n"
    "[^1]: The first note.\n[^two]: The second note.\n\nThe end.\n"
)


def test_a_streamed_answer_ends_with_its_notes_as_when_rendered_whole(qapp: QApplication) -> None:
    whole = QTextDocument()
    whole.setHtml(render_markdown(ANSWER, dark=False).html)
    document = QTextDocument()
    streamed = MarkdownDocument(document, math=None, dark=False)
    for start in range(0, len(ANSWER), 5):
        streamed.append(ANSWER[start : start + 5])
        assert streamed.flush()
    assert streamed.flush(final=True)
    assert "[^" not in document.toPlainText()  # references rendered before their notes
    assert document.toPlainText() == whole.toPlainText()
    assert len(streamed.code_blocks) == 1  # the Copy link still copies the block
    assert streamed.code_blocks[0].source == "print(1)"
