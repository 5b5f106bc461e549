"""Where a reader was in a long answer, found again once it is rendered anew for another
look (a new document): in its markdown, to render from there first, and in the new
document, to show that text at the view's top."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication

from app.ui.transcript.markdown_document import MarkdownDocument
from app.ui.transcript.text_place import TextPlace, place_again, source_offset, spot_of

# Paragraphs alike but for their number and their inline markup, which the document
# shows otherwise than the markdown has it; the first ones with long addresses, not
# shown: a share of the way through the document is far from the same share of the
# markdown.
ADDRESSES = ["https://example.org/" + ("x" * 300 if n < 100 else str(n)) for n in range(300)]
MARKDOWN = "\n\n".join(
    f"Step {n}: run **`make check`** in [the tree]({address}) and wait."
    for n, address in enumerate(ADDRESSES)
)


def rendered(markdown: str) -> QTextDocument:
    document = QTextDocument()
    document.setTextWidth(600)
    MarkdownDocument(document, math=None, dark=False).set_markdown(markdown)
    return document


def place_in(document: QTextDocument, block_number: int, column: int) -> TextPlace:
    block = document.findBlockByNumber(block_number)
    cursor = QTextCursor(document)
    cursor.setPosition(block.position() + column)
    return TextPlace("answer", cursor, block.text(), 5)


@pytest.mark.parametrize("step", [3, 150, 297])
def test_the_spot_is_found_in_the_markdown_at_its_own_paragraph(
    qapp: QApplication, step: int
) -> None:
    document = rendered(MARKDOWN)
    spot = spot_of(place_in(document, step, 4))
    assert spot.block_text.startswith(f"Step {step}: run make check")
    offset = source_offset(MARKDOWN, spot)
    paragraph_start = MARKDOWN.index(f"Step {step}:")
    assert paragraph_start <= offset < MARKDOWN.index("\n\n", paragraph_start)


def test_repeated_text_is_taken_nearest_the_same_share_of_the_way(qapp: QApplication) -> None:
    markdown = "\n\n".join(["The same sentence again, word for word."] * 200)
    document = rendered(markdown)
    spot = spot_of(place_in(document, 120, 0))
    offset = source_offset(markdown, spot)
    assert abs(markdown.count("\n\n", 0, offset) - 120) <= 2


def test_text_not_found_falls_back_to_the_share(qapp: QApplication) -> None:
    document = rendered(MARKDOWN)
    spot = spot_of(place_in(document, 150, 0))
    other = "x" * 10_000
    assert source_offset(other, spot) == round(spot.share * len(other))


def test_the_spot_is_placed_again_in_a_document_rendered_anew(qapp: QApplication) -> None:
    before = rendered(MARKDOWN)
    spot = spot_of(place_in(before, 150, 7))
    whole = rendered(MARKDOWN)
    again = place_again(spot, whole)
    assert again is not None
    assert again.cursor.blockNumber() == 150
    assert again.cursor.position() - again.cursor.block().position() == 7
    assert again.offset == 5


def test_after_a_skip_the_spot_is_the_first_block_rendered_from_there(
    qapp: QApplication,
) -> None:
    markdown = "\n\n".join(["Step one.", *["The same sentence again, word for word."] * 200])
    before = rendered(markdown)
    spot = spot_of(place_in(before, 150, 0))
    document = QTextDocument()
    parts = MarkdownDocument(document, math=None, dark=False)
    parts.append(markdown)
    assert parts.skip_to(source_offset(markdown, spot), 500)
    parts.flush(final=True, budget=500)
    gap = parts.first_gap_position
    assert gap is not None
    again = place_again(spot, document, after=gap)
    assert again is not None
    assert again.cursor.blockNumber() == 1  # not the first block: what follows the gap
    other = rendered("Other text.")
    assert place_again(spot_of(place_in(other, 0, 0)), document) is None


# A long code block: its closing lines alike, told apart by the lines after them.
CODE = (
    "Some steps.\n\nFirst, what they are for.\n\nThen, in code:\n\n```rust\n"
    + "".join(f"fn step_{n}() {{\n    run({n});\n}}\n" for n in range(300))
    + "```\n\nThat is all."
)


def closing_line(document: QTextDocument, step: int) -> int:
    """The block number of the closing "}" of ``step_{step}``."""
    found = document.find(f"fn step_{step}() {{")
    assert not found.isNull()
    number = found.blockNumber() + 2
    assert document.findBlockByNumber(number).text() == "}"
    return number


def test_a_line_of_code_found_all_over_is_found_by_the_lines_after_it(
    qapp: QApplication,
) -> None:
    before = rendered(CODE)
    spot = spot_of(place_in(before, closing_line(before, 150), 0))
    assert spot.block_text == "}"
    offset = source_offset(CODE, spot)
    assert CODE[offset:].startswith("}\nfn step_151() {")
    # Told apart by their number, too: the "}" before the line with the first words.
    counted = spot_of(place_in(before, closing_line(before, 150), 0), whole=True)
    assert counted.shown
    assert source_offset(CODE, counted) == offset
    whole = rendered(CODE)
    again = place_again(spot, whole)
    assert again is not None
    assert again.cursor.blockNumber() == closing_line(whole, 150)
    # Rendered from there: the code block is one block, rendered whole after the gap,
    # and the line is found in it, not the first "}" after the gap.
    document = QTextDocument()
    parts = MarkdownDocument(document, math=None, dark=False)
    parts.append(CODE)
    assert parts.skip_to(offset, 500)
    parts.flush(final=True, budget=500)
    gap = parts.first_gap_position
    assert gap is not None
    again = place_again(spot, document, after=gap)
    assert again is not None
    assert again.cursor.blockNumber() == closing_line(document, 150)


# Paragraphs shown word for word alike, the first third with long addresses, not shown:
# the share of the way through the document is many copies off in the markdown.
ALIKE = "\n\n".join(
    f"Run **`make check`** in [the tree]({address}) and wait." for address in ADDRESSES
)


def paragraph_at(markdown: str, offset: int) -> int:
    """The number of the paragraph that begins at ``offset`` (it must begin there)."""
    assert offset == 0 or markdown[offset - 2 : offset] == "\n\n"
    return markdown.count("\n\n", 0, offset)


@pytest.mark.parametrize("number", [0, 40, 150, 299])
def test_a_paragraph_among_copies_alike_is_found_as_the_same_copy(
    qapp: QApplication, number: int
) -> None:
    document = rendered(ALIKE)
    block = document.findBlockByNumber(number)
    assert block.text() == "Run make check in the tree and wait."
    spot = spot_of(place_in(document, number, 4), whole=True)
    assert spot.shown_at == block.position()
    assert paragraph_at(ALIKE, source_offset(ALIKE, spot)) == number
    whole = rendered(ALIKE)
    again = place_again(spot, whole)
    assert again is not None
    assert again.cursor.blockNumber() == number
    assert again.cursor.position() - again.cursor.block().position() == 4


def test_text_shown_once_or_part_of_a_message_is_not_counted(qapp: QApplication) -> None:
    # Its text alone finds it (no copy to tell apart), or the document holds part of
    # its message (rendered from a place on, with a gap before it): not all its copies.
    assert not spot_of(place_in(rendered(MARKDOWN), 150, 0), whole=True).shown
    assert not spot_of(place_in(rendered(ALIKE), 150, 0)).shown


def test_copies_that_differ_from_the_markdown_fall_back_to_the_share(
    qapp: QApplication,
) -> None:
    # The markdown has one more paragraph alike than the document had copies: the
    # copy's number means nothing in it. The same sentence again within a paragraph is
    # no copy of a paragraph: the copies are those of the document.
    document = rendered(ALIKE)
    spot = spot_of(place_in(document, 150, 0), whole=True)
    assert spot.shown
    longer = ALIKE + "\n\n" + "Run make check in the tree and wait. " * 3
    uncounted = replace(spot, shown="", shown_at=-1)
    assert source_offset(longer, spot) == source_offset(longer, uncounted)  # the share
    inline = ALIKE.replace("and wait.", "and wait. Run make check in the tree and wait.")
    assert paragraph_at(inline, source_offset(inline, spot)) == 150
