"""The HTML really renders in QTextDocument, the way the transcript will show it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFragment,
    QTextFrame,
    QTextFrameFormat,
    QTextListFormat,
    QTextTable,
)
from PySide6.QtWidgets import QApplication

from app.rendering import Rendered, render_markdown
from app.rendering.palette import palette
from tests.unit.rendering.helpers import FakeMath

HOSTILE = """\
<script>alert(1)</script>

Text with <img src=x onerror=alert(1)> inside, and <style>p { color: red }</style>.

[bad](javascript:alert(1)) [file](file:///etc/passwd) [good](https://example.com/ok)

![remote](https://evil.example/x.png) ![local](/etc/passwd)
"""


def load(qapp: QApplication, rendered: Rendered) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(rendered.html)
    return document


def blocks(document: QTextDocument) -> Iterator[QTextBlock]:
    block = document.begin()
    while block.isValid():
        yield block
        block = block.next()


def fragments(document: QTextDocument) -> Iterator[QTextFragment]:
    for block in blocks(document):
        iterator = block.begin()
        while not iterator.atEnd():
            yield iterator.fragment()
            iterator += 1


def tables(frame: QTextFrame) -> list[QTextTable]:
    found: list[QTextTable] = []
    for child in frame.childFrames():
        if isinstance(child, QTextTable):
            found.append(child)
        found.extend(tables(child))
    return found


def cell_text(table: QTextTable, row: int, column: int) -> str:
    cell = table.cellAt(row, column)
    cursor = cell.firstCursorPosition()
    cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n").replace("\u2028", "\n")


def anchors(document: QTextDocument) -> list[str]:
    return [f.charFormat().anchorHref() for f in fragments(document) if f.charFormat().isAnchor()]


def images(document: QTextDocument) -> list[str]:
    return [
        f.charFormat().toImageFormat().name()
        for f in fragments(document)
        if f.charFormat().isImageFormat()
    ]


def test_hostile_markdown_shows_as_text(qapp: QApplication) -> None:
    document = load(qapp, render_markdown(HOSTILE, dark=False))
    assert document.toPlainText().splitlines() == [
        "<script>alert(1)</script>",
        "Text with <img src=x onerror=alert(1)> inside, and <style>p { color: red }</style>.",
        "bad file good",
        "[image: remote] [image: local]",
    ]
    assert images(document) == []
    assert anchors(document) == ["https://example.com/ok", "https://evil.example/x.png"]


def test_code_box_is_a_table_holding_the_exact_source(qapp: QApplication) -> None:
    source = 'def f(x):\t\n    return "<b>"  \n\n\tlast line  '
    rendered = render_markdown(f"Intro\n\n```python\n{source}\n```\n\nAfter", dark=True)
    document = load(qapp, rendered)
    [box] = tables(document.rootFrame())
    assert (box.rows(), box.columns()) == (2, 2)
    assert cell_text(box, 0, 0) == "python"
    assert cell_text(box, 0, 1) == "Copy"
    assert cell_text(box, 1, 0) == source
    assert anchors(document) == ["maestrale-copy:0"]
    plain = document.toPlainText()
    assert plain.startswith(f"Intro\npython\nCopy\n{source}\n")
    assert plain.endswith("\nAfter")


def test_markdown_table_becomes_a_text_table(qapp: QApplication) -> None:
    text = (
        "| Name | Qty | Price |\n|:-----|:---:|------:|\n| tea | 2 | 3.50 |\n| cake | 1 | 12.00 |\n"
    )
    document = load(qapp, render_markdown(text, dark=False))
    [table] = tables(document.rootFrame())
    assert (table.rows(), table.columns()) == (3, 3)
    assert [cell_text(table, 1, column) for column in range(3)] == ["tea", "2", "3.50"]
    alignments = [
        table.cellAt(2, column).firstCursorPosition().blockFormat().alignment()
        for column in range(3)
    ]
    assert alignments[0] & Qt.AlignmentFlag.AlignLeft
    assert alignments[1] & Qt.AlignmentFlag.AlignHCenter
    assert alignments[2] & Qt.AlignmentFlag.AlignRight


def test_plain_items_of_a_list_with_tasks_keep_a_bullet(qapp: QApplication) -> None:
    # Qt's bullets are off for a list with tasks (☐ and ☑ stand in for them): its
    # other items had no mark at all.
    text = "- plain item\n- [ ] task item\n- [x] done item\n\n* another list\n"
    document = load(qapp, render_markdown(text, dark=False))
    listed = [b.text() for b in blocks(document) if b.textList() is not None]
    assert listed == ["\u2022 plain item", "\u2610 task item", "\u2611 done item", "another list"]


@pytest.mark.parametrize("dark", [False, True])
def test_table_borders_are_flat_lines_in_the_palette_colour(qapp: QApplication, dark: bool) -> None:
    # Qt's default border style is "outset": a 3D frame whose top and left edges are
    # drawn in a lighter shade, so on a light page only the right and bottom showed.
    text = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    document = load(qapp, render_markdown(text, dark=dark))
    [table] = tables(document.rootFrame())
    table_format = table.format()
    assert table_format.borderStyle() == QTextFrameFormat.BorderStyle.BorderStyle_Solid
    assert table_format.borderCollapse()
    assert table_format.border() == 1
    expected = palette(dark=dark).table_border
    assert table_format.borderBrush().color().name() == expected


def test_lists_keep_numbers_and_task_boxes(qapp: QApplication) -> None:
    text = "3. three\n4. four\n\n- [ ] open\n- [x] closed\n\nText\n\n- plain\n"
    document = load(qapp, render_markdown(text, dark=False))
    lists = {b.text(): b.textList().format() for b in blocks(document) if b.textList() is not None}
    assert lists["three"].style() == QTextListFormat.Style.ListDecimal
    assert lists["three"].start() == 3
    assert lists["\u2610 open"].style() == QTextListFormat.Style.ListStyleUndefined
    assert lists["\u2611 closed"].style() == QTextListFormat.Style.ListStyleUndefined
    assert lists["plain"].style() == QTextListFormat.Style.ListDisc


def test_inline_formats(qapp: QApplication) -> None:
    document = load(qapp, render_markdown("## Head\n\n~~gone~~ `code` **bold**", dark=False))
    heading = next(blocks(document))
    assert heading.blockFormat().headingLevel() == 2
    formats = {f.text(): f.charFormat() for f in fragments(document)}
    assert formats["gone"].fontStrikeOut()
    assert formats["code"].fontFamilies() == ["monospace"]
    assert formats["code"].background().color().name() == "#eceff2"
    assert formats["bold"].fontWeight() >= 600


def test_math_images_name_only_math_urls(qapp: QApplication) -> None:
    text = "Inline $a$ and \\(b\\).\n\n$$\nc\n$$\n\n\\[d\\]\n\n![x](https://evil.example/i.png)"
    document = load(qapp, render_markdown(text, dark=False, math=FakeMath()))
    names = images(document)
    assert len(names) == 4
    assert all(name.startswith("maestrale-math:") for name in names)
    display = [b for b in blocks(document) if b.text() == "\ufffc"]
    assert len(display) == 2
    assert all(b.blockFormat().alignment() & Qt.AlignmentFlag.AlignHCenter for b in display)


def test_math_placeholders_show_the_tex(qapp: QApplication) -> None:
    document = load(qapp, render_markdown("Area $\\pi r^2$ here", dark=False))
    assert document.toPlainText() == "Area \\pi r^2 here"
    assert images(document) == []


@pytest.mark.parametrize("dark", [False, True])
def test_a_failed_formula_is_underlined_with_a_wave_and_says_why(
    qapp: QApplication, dark: bool
) -> None:
    from PySide6.QtGui import QTextCharFormat

    math = FakeMath(failures={"\\ce{H2O}": "\\ce is not supported"})
    text = "Water $\\ce{H2O}$ and $x$ and $y$"
    document = load(qapp, render_markdown(text, dark=dark, math=math))
    formats = {f.text(): f.charFormat() for f in fragments(document)}
    failed = formats["$\\ce{H2O}$"]  # its source as written, delimiters and all
    colors = palette(dark=dark)
    assert failed.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert failed.underlineColor().name() == colors.math_failed
    assert failed.foreground().color().name() == colors.code_text
    assert failed.toolTip() == "This formula could not be typeset: \\ce is not supported."
    waiting = load(qapp, render_markdown(text, dark=dark, math=FakeMath(ready=False)))
    pending = {f.text(): f.charFormat() for f in fragments(waiting)}["\\ce{H2O}"]
    assert pending.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    assert pending.foreground().color().name() == colors.math_placeholder
    assert not pending.toolTip()


def test_quote_is_a_table_with_a_bar(qapp: QApplication) -> None:
    document = load(qapp, render_markdown("> wise words", dark=False))
    [quote] = tables(document.rootFrame())
    assert cell_text(quote, 0, 1) == "wise words"
    assert quote.cellAt(0, 0).format().background().color().name() == "#d1d9e0"


def test_a_right_to_left_quote_has_its_bar_on_the_right(qapp: QApplication) -> None:
    # Qt lays a table's columns out left to right whatever its text: the bar cell goes
    # after the text, on the side an Arabic or Hebrew quote starts from.
    text = "> 123 — كلمات حكيمة\n> second line\n\n> wise words"
    document = load(qapp, render_markdown(text, dark=False))
    arabic, english = tables(document.rootFrame())
    assert cell_text(arabic, 0, 0).startswith("123 — كلمات")
    assert cell_text(arabic, 0, 1) == "\u200b"  # see _HtmlWriter: no other text
    assert arabic.cellAt(0, 1).format().background().color().name() == "#d1d9e0"
    assert cell_text(english, 0, 1) == "wise words"  # left to right: the bar first
    assert english.cellAt(0, 0).format().background().color().name() == "#d1d9e0"
    nested = load(qapp, render_markdown("> > שלום\n>\n> after", dark=False))
    outer, inner = tables(nested.rootFrame())
    assert cell_text(outer, 0, 1) == "\u200b"  # the outer quote's first letter is Hebrew
    assert cell_text(inner, 0, 0) == "שלום"


def test_text_after_a_quote_is_as_far_whichever_way_the_quote_reads(
    qapp: QApplication,
) -> None:
    def gap_after(quoted: str) -> float:
        document = load(qapp, render_markdown(f"> {quoted}\n\nafter", dark=False))
        layout = document.documentLayout()
        [quote] = tables(document.rootFrame())
        after = document.findBlock(quote.lastPosition() + 1)
        while after.text() != "after":
            after = after.next()
        return layout.blockBoundingRect(after).top() - layout.frameBoundingRect(quote).bottom()

    assert gap_after("كلمات") == gap_after("words") > 4


def test_single_newlines_stay_line_breaks(qapp: QApplication) -> None:
    text = (
        "Roses are red,\nViolets are blue.\n\n"
        "- Step 1\n  Step 2\n\n"
        "> quoted line\n> next quoted line\n\n"
        "```\ncode a\ncode b\n```\n\n"
        "| h |\n|---|\n| cell |\n\n"
        "$a +\nb$ after"
    )
    document = load(qapp, render_markdown(text, dark=False, math=FakeMath()))
    lines = document.toPlainText().splitlines()
    for line in ("Roses are red,", "Violets are blue.", "Step 1", "Step 2", "next quoted line"):
        assert line in [shown.strip("\u2022 ") for shown in lines]
    # Inside a paragraph: a line break, not a paragraph of its own (no gap between).
    poem = next(block for block in blocks(document) if block.text().startswith("Roses"))
    assert poem.text() == "Roses are red,\u2028Violets are blue."
    assert [line for line in lines if line.startswith("code")] == ["code a", "code b"]
    assert cell_text(tables(document.rootFrame())[-1], 1, 0) == "cell"
    assert len(images(document)) == 1  # the formula is one image, not split at its newline


@pytest.mark.parametrize("dark", [False, True])
def test_headings_five_and_six_are_headings_not_body_text(qapp: QApplication, dark: bool) -> None:
    # Qt's own: h5 smaller than the text, h6 the text itself (no weight, no space).
    from PySide6.QtGui import QFont

    text = "#### Four\n##### Five\n###### Six\n\nBody text.\n"
    document = QTextDocument()
    body_font = QFont(document.defaultFont())
    body_font.setPointSize(11)
    document.setDefaultFont(body_font)
    document.setHtml(render_markdown(text, dark=dark).html)
    shown = {b.text(): b for b in blocks(document)}
    formats = {f.text(): f.charFormat() for f in fragments(document)}
    body = formats["Body text."].font()
    for name, level in (("Four", 4), ("Five", 5), ("Six", 6)):
        assert shown[name].blockFormat().headingLevel() == level
        assert formats[name].font().pointSizeF() >= body.pointSizeF(), name
        assert formats[name].fontWeight() >= 600, name
        assert shown[name].blockFormat().topMargin() > 0, name
        assert shown[name].blockFormat().bottomMargin() > 0, name
    assert formats["Six"].font().pointSizeF() == body.pointSizeF()
    muted = palette(dark=dark).muted
    assert formats["Six"].foreground().color().name() == muted  # under h5 in the scale
    assert formats["Five"].foreground().color().name() != muted


def test_code_shows_in_the_same_weights_in_both_themes(qapp: QApplication) -> None:
    # The dark theme drew functions, classes and operators bold and comments italic,
    # the light theme none of them. Now both show code upright in one weight.
    code = (
        "```python\nimport os  # a comment\n@dataclass\nclass Point(Base):\n"
        "    def norm(self, x=1):\n        return x + 1 if x else None\n```"
    )
    for dark in (False, True):
        document = load(qapp, render_markdown(code, dark=dark))
        looks = {
            (f.charFormat().fontWeight(), f.charFormat().fontItalic()) for f in fragments(document)
        }
        assert looks == {(400, False)}
