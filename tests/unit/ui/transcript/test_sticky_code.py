"""Where a message's code blocks are, for the pinned code header: the one at a place
found by a hit test and kept while the text is laid out as it was (never every block,
at every frame of a stream), and the look of a block's header read from the block
itself."""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.rendering.palette import palette
from app.ui.transcript import sticky_code
from app.ui.transcript.markdown_document import MarkdownDocument
from app.ui.transcript.sticky_code import CodeBox, header_look
from app.ui.transcript.text_view import MessageText


def _block(language: str, lines: int) -> str:
    body = "\n".join(f"{language}_{i} = {i}" for i in range(lines))
    return f"```{language}\n{body}\n```"


def _text(markdown: str = "", *, dark: bool = False) -> tuple[MessageText, MarkdownDocument]:
    text = MessageText(None)
    text.markdown = True
    document = MarkdownDocument(text.document(), math=None, dark=dark)
    text.set_text_width(600)
    if markdown:
        document.set_markdown(markdown)
    return text, document


def _boxes_down(text: MessageText) -> list[CodeBox]:
    """The code boxes met going down the text a pixel at a time, each once."""
    geometry = sticky_code._Geometry()
    item: Any = SimpleNamespace(text=text)
    found: list[CodeBox] = []
    height = int(text.document().documentLayout().documentSize().height())
    for y in range(height):
        box = geometry.box_at("answer", item, y)
        if box is not None and box.top < y < box.bottom and box not in found:
            found.append(box)
    return found


def test_each_code_block_is_found_with_its_place(qapp: QApplication) -> None:
    quoted = _block("sql", 2).replace("\n", "\n> ")
    listed = _block("go", 2).replace("\n", "\n     ")
    text, _ = _text(
        f"Intro\n\n{_block('python', 5)}\n\n> quoted\n>\n> {quoted}\n\n"
        f"| a | b |\n|---|---|\n| 1 | 2 |\n\n{_block('rust', 3)}\n\n"
        f"- item\n  1. nested\n\n     {listed}\n"
    )
    boxes = _boxes_down(text)
    # The quote's and the list item's too, not the table.
    assert [box.number for box in boxes] == [0, 1, 2, 3]
    assert [header_look(text.document(), box).label for box in boxes] == [  # type: ignore[union-attr]
        "python",
        "sql",
        "rust",
        "go",
    ]
    for box, after in itertools.pairwise(boxes):
        assert box.bottom < after.top
    for box in boxes:
        assert box.top < box.top + box.header < box.bottom
        assert 0 <= box.left < box.right <= 600
    # Nested ones begin further in.
    assert boxes[1].left > boxes[0].left
    assert boxes[3].left > boxes[0].left


def test_a_block_is_looked_up_where_the_view_is_not_every_block(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A long answer of many blocks, followed at every frame of its stream: finding
    # every block's box at each change of its text cost 1 ms a frame, 44 ms in all for
    # 20,000 tokens.
    text, markdown = _text()
    item: Any = SimpleNamespace(text=text)
    measured: list[int] = []
    real = sticky_code._code_box

    def counted(document: Any, table: Any) -> CodeBox | None:
        measured.append(table.firstPosition())
        return real(document, table)

    monkeypatch.setattr(sticky_code, "_code_box", counted)
    geometry = sticky_code._Geometry()
    markdown.append("\n\n".join(f"Step {i}\n\n{_block('python', 4)}" for i in range(60)))
    markdown.flush(final=True)
    layout = text.document().documentLayout()
    boxes = _boxes_down(text)
    assert len(boxes) == 60
    last = boxes[-1]
    measured.clear()
    # Scroll steps through the last block: it is measured once, no other block is.
    for y in range(int(last.top) + 1, int(last.bottom), 3):
        assert geometry.box_at("answer", item, y) == last
    assert len(measured) == 1
    # The text goes on under it: the block is measured again (it may have moved), alone.
    markdown.append("\n\nMore words after it.")
    markdown.flush(final=True)
    middle = (last.top + last.bottom) / 2
    assert geometry.box_at("answer", item, middle) == last
    assert len(measured) == 2
    # Between blocks there is none.
    assert geometry.box_at("answer", item, (boxes[0].bottom + boxes[1].top) / 2) is None
    # A new width lays everything out anew: the box is where the block is now.
    text.set_text_width(400)
    narrow = geometry.box_at("answer", item, layout.documentSize().height() - 60)
    assert narrow is not None
    assert narrow.number == last.number
    assert narrow.right - narrow.left < last.right - last.left
    geometry.clear()


@pytest.mark.parametrize("dark", [False, True])
def test_the_header_looks_as_the_blocks_own(qapp: QApplication, dark: bool) -> None:
    text, _ = _text(f"{_block('python', 3)}\n", dark=dark)
    document = text.document()
    (box,) = _boxes_down(text)
    look = header_look(document, box)
    assert look is not None
    colors = palette(dark=dark)
    assert look.label == "python"
    assert look.background == colors.code_header_bg
    assert look.label_color == colors.muted
    assert look.copy_color == colors.link
    assert look.label_font.pointSizeF() < document.defaultFont().pointSizeF()  # "small"
    # The language at the left, Copy at the right, both within the box's header row.
    width = box.right - box.left
    assert 0 < look.label_rect.left() < look.copy_rect.left()
    assert look.copy_rect.right() < width
    assert look.label_rect.top() > 0
    assert look.label_rect.bottom() < box.header
