"""A streaming answer's last paragraph grows by typing plain words on, not by rendering
it again at every frame; what shows is the same as rendering it again would show."""

from __future__ import annotations

import random

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from app.ui.transcript import markdown_document as module
from app.ui.transcript.markdown_document import MarkdownDocument

SAMPLES = [
    "Plain words flowing on and on, with commas, periods. And more words here.\n\n"
    "A second paragraph with 'quotes' and \"double\" ones - dashes / slashes 50% @home.",
    "- first item with words\n- second item with **bold** words and more\n- third item\n\n"
    "After the list.",
    "1. one thing here\n2. another thing here\n\nTitle line\n===\n\nText after a heading.",
    "## A heading here\n\nSome `code` and *emphasis* and [a link](https://example.org) then.",
    "```python\nprint('hello world')\nx = 1\n```\n\nAfter code words.",
    "| a | b |\n|---|---|\n| one two | three four |\n\nWords after the table.",
    "> quoted words go here\n> and more quoted words\n\nThen plain.",
    "Math $x^2$ and more words, then \\(y\\) and text.\n\n$$\na+b\n$$\n\nEnd words.",
    "Line one words\n- a list item now\n\nword word\n1\n\nmore 1. words",
    "Setext candidate words\n---\n\nA rule follows\n\n***\n\nwords after the rule end",
    "Trailing spaces here  \nhard break above and words.   \n\nNext para with   many   spaces.",
    "- [ ] task one words\n- [x] task two words\n  - nested item words here\n  - nested two\n\n"
    "1) paren list words\n2) second words",
    "~~struck words~~ and more, 2024 was a year. Emoji 🎉 words and CJK 漢字 text, café naïve.",
    "Tags <b>bold?</b> and &amp; entities &copy; words, plus a_b and snake_case_words here.",
    "~~~\ntilde fenced code words\n~~~\n\nText 3 > 2 and 1 < 4 words here.",
    "A line with a [link](http://x.y) then words, and an image ![alt](http://x/y.png) after.",
    "Price $5 and $10 words here, not math at all. Then a sentence ending with a colon:",
    "    indented code block words\n    more indented words\n\nparagraph after indented words",
    "# H1 words #\n\n###### h6 words here\n\nword &amp word &#169; done",
    # Under 80 characters a line: Qt's markdown writer wraps longer ones where fragments
    # meet, which a reader does not see.
    "Bare https://example.org/a_b?x=1 and words,\nthen http://x.y. End words.",
]


def shown(document: QTextDocument) -> tuple[str, str]:
    """What a reader sees: the text, and its structure and emphasis (as markdown).
    Spaces at the ends of lines are not seen."""
    text = "\n".join(line.rstrip() for line in document.toPlainText().split("\n"))
    marked = "\n".join(line.rstrip() for line in document.toMarkdown().split("\n"))
    return text, marked


@pytest.mark.parametrize("sample", SAMPLES, ids=range(len(SAMPLES)))
def test_typed_on_text_shows_as_rendering_it_again_would(qapp: QApplication, sample: str) -> None:
    for seed in range(12):
        pieces = random.Random(seed)
        typed, rendered = QTextDocument(), QTextDocument()
        fast = MarkdownDocument(typed, math=None, dark=False)
        reference = MarkdownDocument(rendered, math=None, dark=False, append_plain_text=False)
        position = 0
        while position < len(sample):
            piece = sample[position : position + pieces.randint(1, 6)]
            position += len(piece)
            fast.append(piece)
            reference.append(piece)
            fast.flush()
            reference.flush()
            assert shown(typed) == shown(rendered), (seed, sample[:position])
        fast.flush(final=True)
        reference.flush(final=True)
        assert shown(typed) == shown(rendered)


def test_a_growing_paragraph_is_not_rendered_again_at_every_frame(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    renders: list[str] = []
    original = module.render_markdown

    def counted(text: str, **options: object) -> object:
        renders.append(text)
        return original(text, **options)

    monkeypatch.setattr(module, "render_markdown", counted)
    document = MarkdownDocument(QTextDocument(), math=None, dark=False)
    words = [f" word{i}" for i in range(200)]
    document.append("Streaming a long paragraph:")
    document.flush()
    for word in words:
        document.append(word)
        document.flush()
    assert len(renders) < 10  # not one per frame
    assert document.text.endswith("word199")


def test_a_streamed_line_break_shows_as_in_the_finished_message(qapp: QApplication) -> None:
    sample = "Roses are red,\nViolets are blue,\nsugar is sweet.\n\n- one\n  two"
    streamed, finished = QTextDocument(), QTextDocument()
    stream = MarkdownDocument(streamed, math=None, dark=False)
    for start in range(0, len(sample), 3):
        stream.append(sample[start : start + 3])
        stream.flush()
    MarkdownDocument(finished, math=None, dark=False).set_markdown(sample)
    assert "Roses are red,\u2028Violets are blue,\u2028sugar is sweet." in finished.toRawText()
    assert "one\u2028two" in finished.toRawText()
    assert streamed.toRawText() == finished.toRawText()  # the tail too, still streaming
    stream.flush(final=True)
    assert streamed.toRawText() == finished.toRawText()
