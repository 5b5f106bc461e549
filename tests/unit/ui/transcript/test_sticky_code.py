"""Where a message's code blocks are, for the pinned code header: found once per layout,
found again only after the place the text changed (a stream's new text), and the look
of a block's header read from the block itself."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.rendering.palette import palette
from app.ui.transcript import sticky_code
from app.ui.transcript.markdown_document import MarkdownDocument
from app.ui.transcript.sticky_code import CodeBox, code_boxes, header_look
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


def _where(boxes: list[CodeBox]) -> list[tuple[int, float, float, float, float]]:
    return [(box.number, box.top, box.bottom, box.left, box.right) for box in boxes]


def test_each_code_block_is_found_with_its_place(qapp: QApplication) -> None:
    quoted = _block("sql", 2).replace("\n", "\n> ")
    text, _ = _text(
        f"Intro\n\n{_block('python', 5)}\n\n> quoted\n>\n> {quoted}\n\n"
        f"| a | b |\n|---|---|\n| 1 | 2 |\n\n{_block('rust', 3)}\n"
    )
    boxes = code_boxes(text.document())
    assert [box.number for box in boxes] == [0, 1, 2]  # the quote's too, not the table
    assert [header_look(text.document(), box).label for box in boxes] == [  # type: ignore[union-attr]
        "python",
        "sql",
        "rust",
    ]
    tops = [box.top for box in boxes]
    assert tops == sorted(tops)
    for box in boxes:
        assert box.top < box.top + box.header < box.bottom


def test_while_an_answer_streams_only_the_new_text_is_searched(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, markdown = _text()
    item: Any = SimpleNamespace(text=text)
    geometry = sticky_code._Geometry()
    markdown.append(f"Start\n\n{_block('python', 30)}\n\nMiddle\n\n{_block('bash', 10)}\n\n")
    markdown.flush()
    # The next block begins: the two before it are done (stable: never rendered again).
    markdown.append("More\n\n```go\n")
    markdown.flush()
    first, _ = geometry.boxes("answer", item)
    kept = first[:2]
    assert [box.number for box in first] == [0, 1, 2]
    searched_from: list[int] = []
    real = sticky_code.code_boxes

    def counted(document: Any, start: int = 0) -> list[CodeBox]:
        searched_from.append(start)
        return real(document, start)

    monkeypatch.setattr(sticky_code, "code_boxes", counted)
    # A scroll step with nothing new: nothing is searched.
    assert geometry.boxes("answer", item)[0] is first
    assert searched_from == []
    # The code block being written at the end, line by line.
    for i in range(20):
        markdown.append(f"line_{i} := {i}\n")
        markdown.flush()
        boxes, bottoms = geometry.boxes("answer", item)
        assert _where(boxes) == _where(real(text.document()))
        assert bottoms == [box.bottom for box in boxes]
        assert boxes[:2] == kept  # the blocks before it were not searched again
        assert boxes[0] is kept[0]
        assert boxes[1] is kept[1]
    assert searched_from
    assert all(start > kept[1].end for start in searched_from)
    # A new width lays everything out anew: all is searched again.
    text.set_text_width(400)
    boxes, _ = geometry.boxes("answer", item)
    assert _where(boxes) == _where(real(text.document()))
    assert searched_from[-1] == 0
    geometry.clear()


@pytest.mark.parametrize("dark", [False, True])
def test_the_header_looks_as_the_blocks_own(qapp: QApplication, dark: bool) -> None:
    text, _ = _text(f"{_block('python', 3)}\n", dark=dark)
    document = text.document()
    (box,) = code_boxes(document)
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
