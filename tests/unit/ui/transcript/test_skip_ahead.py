"""Far behind a flood of text, a following reader sees the newest text: the blocks in
between are skipped and rendered afterwards into the gap they left. Once filled, the
document is the one rendering everything in order gives."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from app.rendering.blocks import StreamSplitter
from app.ui.transcript.markdown_document import MarkdownDocument
from tests.unit.ui.transcript.test_typed_on_tail import SAMPLES, shown

TEXT = "\n\n".join(SAMPLES * 3)
BUDGET = 300
COPY = re.compile(r"maestrale-copy:(\d+)")


def seen(document: QTextDocument) -> tuple[str, str]:
    """What shows (code blocks are numbered in the order they were rendered)."""
    text, marked = shown(document)
    return text, COPY.sub("", marked)


def copied_code(document: QTextDocument, markdown: MarkdownDocument) -> list[str]:
    """What each code block's Copy link copies, in the order the document shows them."""
    indices = [int(index) for index in COPY.findall(document.toHtml())]
    return [markdown.code_blocks[index].source for index in indices]


def streamed(piece_size: int, *, skip_ahead: bool) -> tuple[QTextDocument, MarkdownDocument]:
    document = QTextDocument()
    markdown = MarkdownDocument(document, math=None, dark=False)
    for start in range(0, len(TEXT), piece_size):
        markdown.append(TEXT[start : start + piece_size])
        markdown.flush(budget=BUDGET, skip_ahead=skip_ahead)
    while not markdown.flush(final=True, budget=BUDGET, skip_ahead=skip_ahead):
        pass
    return document, markdown


@pytest.mark.parametrize("piece_size", [700, 2_000, 9_000])
def test_gaps_filled_give_the_document_rendering_in_order_gives(
    qapp: QApplication, piece_size: int
) -> None:
    reference, in_order = streamed(piece_size, skip_ahead=False)
    assert not in_order.has_gaps
    document, markdown = streamed(piece_size, skip_ahead=True)
    assert markdown.has_gaps
    # What the reader followed: the end of the answer is there already.
    assert document.toPlainText().endswith(reference.toPlainText()[-200:])
    assert len(document.toPlainText()) < len(reference.toPlainText())
    fills = 0
    while not markdown.fill_gaps(BUDGET):
        fills += 1
    assert fills > 1  # a budget at a time
    assert seen(document) == seen(reference)
    assert COPY.sub("", document.toHtml()) == COPY.sub("", reference.toHtml())
    assert copied_code(document, markdown) == copied_code(reference, in_order)


def test_text_streaming_on_after_a_gap_is_filled_goes_at_the_end(qapp: QApplication) -> None:
    document = QTextDocument()
    markdown = MarkdownDocument(document, math=None, dark=False)
    half = len(TEXT) // 2
    markdown.append(TEXT[:1000])
    markdown.flush(budget=BUDGET, skip_ahead=True)
    markdown.append(TEXT[1000:half])
    markdown.flush(budget=BUDGET, skip_ahead=True)
    assert markdown.has_gaps
    assert markdown.fill_gaps()  # all at once, with an unfinished tail shown
    so_far = QTextDocument()
    MarkdownDocument(so_far, math=None, dark=False).set_markdown(TEXT[:half])
    assert shown(document)[0] == shown(so_far)[0]  # the tail is back after the gaps
    markdown.append(TEXT[half:])
    while not markdown.flush(final=True, budget=BUDGET):
        pass
    reference = QTextDocument()
    whole = MarkdownDocument(reference, math=None, dark=False)
    whole.set_markdown(TEXT)
    assert seen(document) == seen(reference)  # code blocks numbered as rendered
    assert copied_code(document, markdown) == copied_code(reference, whole)


def test_a_flood_from_the_start_shows_its_first_block_then_the_newest_text(
    qapp: QApplication,
) -> None:
    document = QTextDocument()
    markdown = MarkdownDocument(document, math=None, dark=False)
    markdown.append(TEXT)
    markdown.flush(budget=BUDGET, skip_ahead=True)
    # A gap needs a block before it: the first block, and no more of the beginning
    # (a budget of it showed for a frame, then the next frame jumped to the end).
    assert markdown.has_gaps
    first_block = QTextDocument()
    MarkdownDocument(first_block, math=None, dark=False).set_markdown(TEXT.split("\n\n")[0])
    assert document.firstBlock().text() == first_block.firstBlock().text() != ""
    assert len(document.toPlainText()) < BUDGET * 3
    whole = QTextDocument()
    MarkdownDocument(whole, math=None, dark=False).set_markdown(TEXT)
    assert document.toPlainText().endswith(whole.toPlainText()[-BUDGET // 2 :])
    while not markdown.fill_gaps(BUDGET):
        pass
    while not markdown.flush(final=True, budget=BUDGET, skip_ahead=True):
        pass
    assert seen(document) == seen(whole)


def test_no_gap_after_a_long_first_block_nor_without_skip_ahead(qapp: QApplication) -> None:
    document = QTextDocument()
    markdown = MarkdownDocument(document, math=None, dark=False)
    long_first = " ".join(["word"] * BUDGET) + "\n\n" + TEXT  # longer than a budget
    markdown.append(long_first)
    markdown.flush(budget=BUDGET, skip_ahead=True)
    assert not markdown.has_gaps  # the first piece renders from the start: that block
    assert document.toPlainText().strip() == " ".join(["word"] * BUDGET)  # alone
    markdown.flush(budget=BUDGET, skip_ahead=True)
    assert markdown.has_gaps
    document = QTextDocument()
    markdown = MarkdownDocument(document, math=None, dark=False)
    markdown.append(TEXT)
    markdown.flush(budget=BUDGET, skip_ahead=False)
    assert not markdown.has_gaps


def test_a_block_longer_than_the_budget_fills_its_gap_alone(qapp: QApplication) -> None:
    long_block = " ".join(["long"] * (BUDGET * 2))
    text = f"{TEXT}\n\n{long_block}\n\n{TEXT}\n\n{TEXT}"
    document = QTextDocument()
    markdown = MarkdownDocument(document, math=None, dark=False)
    for start in range(0, len(text), 2_000):
        markdown.append(text[start : start + 2_000])
        markdown.flush(budget=BUDGET, skip_ahead=True)
    while not markdown.flush(final=True, budget=BUDGET, skip_ahead=True):
        pass
    assert markdown.has_gaps
    grown: list[int] = []
    filled = False
    while not filled:
        before = len(document.toPlainText())
        filled = markdown.fill_gaps(BUDGET)
        grown.append(len(document.toPlainText()) - before)
    # The long block came in a piece of its own, not with the rest of its gap.
    assert max(grown) < len(long_block) + BUDGET
    reference = QTextDocument()
    MarkdownDocument(reference, math=None, dark=False).set_markdown(text)
    assert seen(document) == seen(reference)


@pytest.mark.parametrize("skip_ahead", [False, True])
def test_a_last_block_longer_than_the_budget_renders_when_the_answer_ends(
    qapp: QApplication, skip_ahead: bool
) -> None:
    text = TEXT + "\n\n" + " ".join(["end"] * BUDGET)  # still the tail until the end
    document = QTextDocument()
    markdown = MarkdownDocument(document, math=None, dark=False)
    markdown.append(text)
    for _ in range(100):
        if markdown.flush(budget=BUDGET, skip_ahead=skip_ahead):
            break
    for _ in range(100):
        if markdown.flush(final=True, budget=BUDGET, skip_ahead=skip_ahead):
            break
    else:
        raise AssertionError("the end never rendered")
    markdown.fill_gaps()
    reference = QTextDocument()
    MarkdownDocument(reference, math=None, dark=False).set_markdown(text)
    assert seen(document) == seen(reference)


@pytest.mark.parametrize("share", [0.05, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9, 0.95])
def test_a_text_rendered_from_a_readers_place_first_ends_as_rendered_in_order(
    qapp: QApplication, share: float
) -> None:
    # A long answer rendered anew for another look: the first block, then the text from
    # the block the reader is in, then what follows, and what was skipped last.
    document = QTextDocument()
    markdown = MarkdownDocument(document, math=None, dark=False)
    markdown.append(TEXT)
    offset = int(len(TEXT) * share)
    assert markdown.skip_to(offset, BUDGET)
    markdown.flush(final=True, budget=BUDGET)
    reference = QTextDocument()
    in_order = MarkdownDocument(reference, math=None, dark=False)
    in_order.set_markdown(TEXT)
    from_there = QTextDocument()
    blocks = StreamSplitter()
    blocks.feed(TEXT)
    block_start = blocks.cut_before(offset)  # the markdown block holding the offset
    assert 0 < block_start <= offset
    MarkdownDocument(from_there, math=None, dark=False).set_markdown(TEXT[block_start:])
    first = document.firstBlock().text()
    assert first == reference.firstBlock().text()
    after_first = document.toPlainText()[len(first) :].lstrip("\n")
    # Its place's block (a block that starts with a quote or a list starts a new frame:
    # empty lines before it, rendered after the first block as alone).
    assert after_first.startswith(from_there.toPlainText().lstrip("\n")[:60].rstrip())
    assert len(document.toPlainText()) < len(reference.toPlainText()) * (1 - share) + BUDGET * 2
    while not markdown.flush(final=True, budget=BUDGET):
        pass
    assert markdown.has_gaps
    while not markdown.fill_gaps(BUDGET):
        pass
    assert seen(document) == seen(reference)
    assert copied_code(document, markdown) == copied_code(reference, in_order)


def test_nothing_is_skipped_for_a_place_in_the_first_block_or_after_a_long_one(
    qapp: QApplication,
) -> None:
    markdown = MarkdownDocument(QTextDocument(), math=None, dark=False)
    markdown.append(TEXT)
    assert not markdown.skip_to(5, BUDGET)  # in the first block: rendered in order
    long_first = " ".join(["word"] * BUDGET) + "\n\n" + TEXT
    markdown = MarkdownDocument(QTextDocument(), math=None, dark=False)
    markdown.append(long_first)
    assert not markdown.skip_to(len(long_first) // 2, BUDGET)  # a stall of its own
    assert not markdown.has_gaps
