"""Stable prefixes of a streaming answer: what is cut off must render as it would in full."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from app.rendering import (
    OpenFence,
    StreamSplitter,
    open_fence,
    render_markdown,
    stable_prefix_length,
)
from tests.unit.rendering.helpers import visible_text

DOCUMENTS = {
    "lists": (
        "Intro paragraph.\n\n- one\n- two\n\n- three, so the list is loose\n\n"
        "1. first\n2. second\n\n   continued in the item\n\n3. third\n\nAfter.\n\n"
        "5. starts at five\n6. six\n   - nested\n     - deeper\n\nEnd.\n"
    ),
    "fences": (
        "Text\n```python\ndef f():\n\n    return 1\n```\n\nMore\n\n"
        "~~~~\n```\nnot closed by backticks\n\n~~~\n~~~~\n\n"
        "  ```js\n  let x;\n\n  x = 1\n  ```\n\n"
        "````md\n```\ninner fence\n```\n\n````\n\nEnd\n"
    ),
    "tables": (
        "| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |\n\nText after the table\n\n"
        "| x | y | z |\n|---|:-:|---|\n| `c` | **b** | $m$ |\n```\ncode after a table\n```\n"
    ),
    "quotes": (
        "> quote line\n> second\n\n> another quote\nlazy line\n\nplain\n\n"
        "> > nested\n> back\n\n> ```\n> code in a quote\n>\n> more\n> ```\n\nend"
    ),
    "math": (
        "Inline $x$ and \\(y\\), costs $5 and $10.\n\n$$\n\\frac{a}{b}\n$$\n\n"
        "\\[\nx^2\n\\]\n\nText\n$$\na\n\nb\n$$\n\nThe formula:\n\\[ E = mc^2 \\]\nafter\n"
    ),
    "headings": (
        "# Title\n\nSome text\n## Sub\nSetext\n======\n\nPara\n---\n\n---\n\n***\n\n"
        "Text\n\n===\n\nend"
    ),
    "code_in_lists": (
        "1. Step one:\n   ```bash\n   echo hi\n\n   echo there\n   ```\n2. Step two\n\n"
        "- bullet\n\n    indented text in the item\n\n    more\n\nOut.\n\n"
        "    indented code\n\n    still code\n\nfinal\n\n"
        "1. Run:\n   ```bash\n   npm install\n```\n2. Then this\n\ntext\n```\n"
    ),
    "answer": (
        "## Installing\n\nFirst, create a virtual environment:\n\n```bash\npython -m venv .venv\n"
        "source .venv/bin/activate\n```\n\nThen:\n\n1. Install the package\n2. Run it:\n\n"
        "   ```python\n   import app\n\n   app.main()\n   ```\n\n3. Check the output.\n\n"
        "> **Note:** on Windows use `Scripts\\activate`.\n\n| Option | Default |\n"
        "|--------|--------:|\n| `-v` | off |\n\nThe cost is $O(n^2)$ in the worst case:\n\n"
        "$$\nT(n) = \\sum_{k=1}^{n} k\n$$\n\n- [x] done\n- [ ] to do\n\n~~old~~ new.\n"
    ),
}


def plain_text(qapp: QApplication, html: str) -> str:
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


def markdown_of(qapp: QApplication, html: str) -> str:
    """What QTextDocument makes of the HTML, as markdown: text, lists, tables, code."""
    document = QTextDocument()
    document.setHtml(html)
    return document.toMarkdown()


def render_in_pieces(text: str, cut: int) -> str:
    head = render_markdown(text[:cut], dark=False)
    tail = render_markdown(text[cut:], dark=False, first_code_index=len(head.code_blocks))
    return head.html + tail.html


def check_cuts(qapp: QApplication, text: str) -> set[int]:
    """Every prefix's stable part, rendered apart from the rest, looks like the whole."""
    whole = render_markdown(text, dark=False).html
    views: list[Callable[[str], str]] = [
        visible_text,
        lambda html: plain_text(qapp, html),
        lambda html: markdown_of(qapp, html),
    ]
    expected = [view(whole) for view in views]
    splitter = StreamSplitter()
    cuts: set[int] = set()
    previous = 0
    for length in range(len(text) + 1):
        cut = splitter.feed(text[:length])
        assert cut == stable_prefix_length(text[:length])
        assert previous <= cut <= length
        assert cut == 0 or text[cut - 1] == "\n"
        previous = cut
        if cut not in cuts:
            cuts.add(cut)
            pieces = render_in_pieces(text, cut)
            for view, wanted in zip(views, expected, strict=True):
                assert view(pieces) == wanted, f"cut at {cut}: {text[:cut]!r} | {text[cut:]!r}"
    return cuts


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_stable_prefix_renders_like_the_whole(qapp: QApplication, name: str) -> None:
    cuts = check_cuts(qapp, DOCUMENTS[name])
    assert len(cuts) >= 3  # the splitter does cut


def test_streamed_view_matches_the_prefix_rendered_whole(qapp: QApplication) -> None:
    text = DOCUMENTS["answer"]
    splitter = StreamSplitter()
    for length in range(0, len(text) + 1, 7):
        prefix = text[:length]
        cut = splitter.feed(prefix)
        assert plain_text(qapp, render_in_pieces(prefix, cut)) == plain_text(
            qapp, render_markdown(prefix, dark=False).html
        )


FRAGMENTS = [
    "", "", "", "text line", "- item", "* star item", "1. one", "2) two", "10. ten", " 3. three",
    "   indented 3", "  indented 2", "    indented 4", "      indented 6", "\t tab", "+ plus",
    "```", "```py", "~~~", "````", "  ```", "   ```", "    ```", "   ~~~", "~~~~",
    "> quote", "> ```", ">", "> - item", "| a | b |", "|---|---|", "# head", "===", "---",
    "$$", "\\[", "\\]", "$$ x $$", "$$ a", "b $$", "\\[ x \\]", "$x$ and $5", "\\( x", "y \\)",
    "- [ ] task", " - sub", "  - nested", "été accent", "日本語の文", "a | b", "x\tword",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(60))
def test_stable_prefix_of_random_documents(qapp: QApplication, seed: int) -> None:
    rng = random.Random(seed)
    lines = [rng.choice(FRAGMENTS) for _ in range(rng.randint(3, 25))]
    check_cuts(qapp, "\n".join(lines) + rng.choice(["", "\n"]))


# The rules, one by one


def test_cut_after_a_blank_line_once_the_next_block_starts() -> None:
    assert stable_prefix_length("Para one.\n\n") == 0
    assert stable_prefix_length("Para one.\n\nPara") == 0  # the line is not complete
    assert stable_prefix_length("Para one.\n\nPara two.\n") == len("Para one.\n\n")


def test_no_cut_inside_a_fence_with_blank_lines() -> None:
    text = "```\ncode\n\nmore\n\nx\n"
    assert stable_prefix_length(text) == 0
    assert stable_prefix_length(text + "```\n\nafter\n") == len(text) + 5


@pytest.mark.parametrize(
    ("opening", "closing", "closes"),
    [
        ("```", "```", True),
        ("```", "````", True),
        ("````", "```", False),
        ("~~~", "```", False),
        ("```", "~~~", False),
        ("~~~~", "~~~~~", True),
        ("```", "   ```", True),
        ("```", "    ```", False),
        ("```", "``` trailing words", False),
        ("```", "```  ", True),
        ("   ```python", "```", True),
    ],
)
def test_fence_closes_with_the_same_character_and_length(
    opening: str, closing: str, closes: bool
) -> None:
    text = f"{opening}\ncode\n\n{closing}\n\nafter\n"
    cut = stable_prefix_length(text)
    assert (cut == text.index("after")) is closes
    assert (open_fence(text, 0) is None) is closes


def test_backtick_info_string_with_a_backtick_is_not_a_fence() -> None:
    text = "```not`fence\n\nafter\n"
    assert stable_prefix_length(text) == text.index("after")


def test_cut_before_a_fence_in_the_first_column() -> None:
    assert stable_prefix_length("Here is code:\n```py\n") == len("Here is code:\n")
    assert stable_prefix_length("- item\n```\n") == len("- item\n")


def test_no_cut_between_items_of_one_list() -> None:
    text = "- a\n\n- b\n\n- c\n"
    assert stable_prefix_length(text) == 0
    assert stable_prefix_length(text + "\nafter\n") == len(text) + 1


def test_no_cut_before_an_indented_line() -> None:
    assert stable_prefix_length("1. a\n\n   more of a\n") == 0
    assert stable_prefix_length("    code\n\n    more code\n") == 0


def test_a_fence_in_a_list_item_ends_with_the_item() -> None:
    text = "1. Run:\n   ```bash\n   npm i\n```\n2. Then\n"
    # The unindented ``` is not in the item: it opens a new fence that runs to the end.
    assert stable_prefix_length(text) == text.index("```\n2.")
    fence = open_fence(text, stable_prefix_length(text))
    assert fence is not None
    assert fence.lines(text) == ["2. Then"]


def test_displayed_math_is_never_split_from_its_delimiters() -> None:
    text = "$$\na\n$$\n\nnext\n"
    assert stable_prefix_length(text) == text.index("next")
    assert stable_prefix_length("\\[\nx\ny\n") == 0


def test_a_growing_partial_line_is_scanned_once() -> None:
    splitter = StreamSplitter()
    text = ""
    elapsed = 0.0
    for _ in range(20_000):
        text += "x" * 100  # one line, 2 MB long, that never ends
        started = time.perf_counter()
        splitter.feed(text)
        elapsed += time.perf_counter() - started
    # Scanning the whole line at each call would cost 20,000 x 1 MB on average.
    assert elapsed < 0.5
    assert splitter.feed(text + "\n\nnext\n") == len(text) + 2


def test_the_text_may_not_shrink() -> None:
    splitter = StreamSplitter()
    splitter.feed("abc\n\ndef\n")
    with pytest.raises(ValueError, match="only grow"):
        splitter.feed("ab")
    splitter.reset()
    assert splitter.feed("ab") == 0


def test_a_splitter_may_start_after_a_known_stable_prefix() -> None:
    text = "# Done\n\n```py\nx = 1\n\ny\n"
    splitter = StreamSplitter(start=8)
    assert splitter.feed(text) == 8
    assert splitter.stable == 8


# Open fences


def test_open_fence_reports_language_and_complete_lines() -> None:
    text = "Intro\n\n```python title=x\nimport os\n\tx = 1  \npart"
    start = stable_prefix_length(text)
    assert start == text.index("```")
    fence = open_fence(text, start)
    assert fence == OpenFence(
        language="python",
        start=start,
        body_start=text.index("import"),
        body_end=text.index("part"),
        indent=0,
    )
    assert fence.lines(text) == ["import os", "\tx = 1  "]


def test_open_fence_none_when_closed_or_absent() -> None:
    assert open_fence("```\nx\n```\n", 0) is None
    assert open_fence("plain text\n", 0) is None
    assert open_fence("```", 0) is None  # the opening line is not complete yet


def test_open_fence_with_no_code_yet() -> None:
    fence = open_fence("```js\n", 0)
    assert fence is not None
    assert (fence.language, fence.body_start, fence.body_end) == ("js", 6, 6)
    assert fence.lines("```js\n") == []


def test_open_fence_removes_the_fence_indentation() -> None:
    text = "  ~~~\n  a\n    b\nc\n"
    fence = open_fence(text, 0)
    assert fence is not None
    assert fence.indent == 2
    assert fence.lines(text) == ["a", "  b", "c"]
    rendered = render_markdown(text + "  ~~~\n", dark=False)
    assert rendered.code_blocks[0].source == "\n".join(fence.lines(text))


def test_open_fence_in_a_list_item_matches_the_rendered_block() -> None:
    text = "Steps:\n\n1. Run:\n   ```bash\n   npm i\n     indented\n   done\n"
    fence = open_fence(text, stable_prefix_length(text))
    assert fence is not None
    assert fence.language == "bash"
    assert fence.lines(text) == ["npm i", "  indented", "done"]
    [block] = render_markdown(text, dark=False).code_blocks
    assert block.source == "\n".join(fence.lines(text))


def test_splitter_tracks_the_open_fence_as_it_grows() -> None:
    splitter = StreamSplitter()
    text = "Intro\n\n```c\n"
    splitter.feed(text)
    for line in range(100):
        text += f"line {line};\n"
        splitter.feed(text)
        fence = splitter.open_fence()
        assert fence is not None
        assert fence.body_end == len(text)
    assert splitter.stable == text.index("```")
    text += "```\n"
    splitter.feed(text)
    assert splitter.open_fence() is None


def test_splitter_is_fast_on_a_long_answer_in_small_pieces() -> None:
    paragraph = "Some words of an answer, with `code` and *emphasis*.\n\n"
    block = "```python\n" + "x = [i for i in range(10)]\n\n" * 20 + "```\n\n"
    text = ((paragraph * 10 + block + "- a\n- b\n\n") * 200)[:400_000]
    pieces = [text[start : start + 4] for start in range(0, len(text), 4)]
    splitter = StreamSplitter()
    received = ""
    elapsed = 0.0
    for piece in pieces:
        received += piece  # how the transcript keeps the text is its own cost
        started = time.perf_counter()
        splitter.feed(received)
        elapsed += time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.2f} s for 100,000 pieces"
    assert received == text
    assert splitter.stable == stable_prefix_length(text)
    assert len(text) - splitter.stable < 2000  # the unstable tail stays short


def test_cut_after_gives_the_places_a_growing_text_was_cut() -> None:
    text = (
        "Intro words.\n\n- a\n- b\n\n- c\n\nPara\n```py\nx\n\ny\n```\n\n> q\n\n"
        "| a |\n|---|\n| 1 |\n\nEnd.\n\nTail"
    )
    growing = StreamSplitter()
    seen = {0}
    for end in range(len(text) + 1):
        seen.add(growing.feed(text[:end]))
    splitter = StreamSplitter()
    stable = splitter.feed(text)
    cuts = sorted({splitter.cut_after(offset) for offset in range(len(text) + 1)})
    assert cuts == sorted(seen - {0})
    assert splitter.cut_after(len(text)) == stable  # nothing after: the stable end
    assert splitter.cut_after(1) == text.index("- a")
