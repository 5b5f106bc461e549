"""Pygments helpers: finding lexers, keeping the code exact, two themes."""

from __future__ import annotations

import re

import pytest

from app.rendering.highlight import (
    MAX_HIGHLIGHT_CHARS,
    MAX_HIGHLIGHT_LINES,
    find_lexer,
    highlight_html,
    language_of,
)
from tests.unit.rendering.helpers import visible_text

PYTHON = 'import os\n\n\ndef f(x):\t# tab before\n    """Doc <b>."""\n    return x & 0x1F  \n'


@pytest.mark.parametrize(
    ("language", "lexer_name"),
    [
        ("python", "Python"),
        ("Python", "Python"),
        ("py", "Python"),
        ("js", "JavaScript"),
        ("TypeScript", "TypeScript"),
        ("c++", "C++"),
        ("rs", "Rust"),
        ("sh", "Bash"),
        ("jsonc", "JSON"),
        ("kt", "Kotlin"),  # by file extension
        ("Dockerfile", "Docker"),
        ("setup.py", "Python"),  # a file name
    ],
)
def test_find_lexer(language: str, lexer_name: str) -> None:
    lexer = find_lexer(language)
    assert lexer is not None
    assert lexer.name == lexer_name  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["", "text", "plaintext", "klingon", "x" * 200, "../../etc"])
def test_no_lexer_means_plain_text(language: str) -> None:
    assert find_lexer(language) is None
    assert highlight_html("a < b", language, dark=False) is None


def test_lexers_are_cached() -> None:
    assert find_lexer("python") is find_lexer("python")


@pytest.mark.parametrize("dark", [False, True])
def test_highlighting_keeps_the_code_exact(dark: bool) -> None:
    html = highlight_html(PYTHON, "python", dark=dark)
    assert html is not None
    assert visible_text(html) == PYTHON
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert "&amp;" in html


def test_spans_never_hold_a_line_break() -> None:
    html = highlight_html('x = """a\nb\nc"""\n', "python", dark=False)
    assert html is not None
    assert all("\n" not in span for span in re.findall(r"<span[^>]*>.*?</span>", html, re.DOTALL))


def test_the_two_themes_use_their_own_colours() -> None:
    light = highlight_html(PYTHON, "python", dark=False)
    dark = highlight_html(PYTHON, "python", dark=True)
    assert light is not None
    assert dark is not None
    assert '<span style="color:#cf222e">import' in light  # GitHub light keyword red
    assert '<span style="color:#ff7b72">import' in dark  # GitHub dark keyword
    assert '<span style="color:#8b949e"># tab before' in dark  # a comment, upright


CODE = {
    "python": (
        "import os  # a comment\n@dataclass\nclass Point(Base):\n"
        '    def norm(self, x=1):\n        """Doc."""\n        return x + 0x1F if x else None\n'
    ),
    "c": "#include <stdio.h>\nint main(void) { return 0; } // done\n",
    "diff": "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n",
    "markdown": "# Title\n\nSome *emphasis*, **strong** and ***both***.\n",
}


def _weights(html: str) -> list[tuple[str, bool, bool]]:
    """Each visible character of highlighted code, and whether it is bold and italic."""
    marks = []
    for part in re.split(r'(<span style="[^"]*">[^<]*</span>)', html):
        found = re.fullmatch(r'<span style="([^"]*)">([^<]*)</span>', part)
        css, text = found.groups() if found else ("", part)
        bold, italic = "font-weight:bold" in css, "font-style:italic" in css
        marks.extend((char, bold, italic) for char in text if not char.isspace())
    return marks


@pytest.mark.parametrize("language", list(CODE))
def test_the_two_themes_use_the_same_weights_and_styles(language: str) -> None:
    # The dark theme made functions, classes, decorators and every operator bold and
    # comments italic; the light theme none of them: the same code read differently.
    light = highlight_html(CODE[language], language, dark=False)
    dark = highlight_html(CODE[language], language, dark=True)
    assert light is not None
    assert dark is not None
    assert _weights(light) == _weights(dark)


def _styled(html: str | None, text: str) -> set[tuple[bool, bool]]:
    """The weights and styles the characters of ``text`` (no spaces) are shown in."""
    assert html is not None
    marks = _weights(html)
    start = "".join(char for char, _, _ in marks).index(text)
    return {(bold, italic) for _, bold, italic in marks[start : start + len(text)]}


def test_code_is_upright_and_in_one_weight_but_markup_emphasis() -> None:
    # As GitHub shows code, in its light and dark themes alike.
    for dark in (False, True):
        python = highlight_html(CODE["python"], "python", dark=dark)
        assert python is not None
        assert "font-weight" not in python
        assert "font-style" not in python
        markdown = highlight_html(CODE["markdown"], "markdown", dark=dark)
        assert _styled(markdown, "#Title") == {(True, False)}
        assert _styled(markdown, "*emphasis*") == {(False, True)}
        assert _styled(markdown, "**strong**") == {(True, False)}
        assert _styled(markdown, "***both***") == {(True, True)}


def test_text_in_the_default_colour_has_no_span() -> None:
    html = highlight_html("foo", "python", dark=True)
    assert html == "foo"


@pytest.mark.parametrize(
    "source",
    ["x = 1\n" * MAX_HIGHLIGHT_LINES, "x" * (MAX_HIGHLIGHT_CHARS + 1)],
)
def test_large_code_is_not_highlighted(source: str) -> None:
    assert highlight_html(source, "python", dark=False) is None


@pytest.mark.parametrize(
    ("info", "language"),
    [("python", "python"), ('python title="a b"', "python"), ("  js  ", "js"), ("", "")],
)
def test_language_of_an_info_string(info: str, language: str) -> None:
    assert language_of(info) == language


@pytest.mark.parametrize("dark", [False, True])
def test_the_last_line_of_a_diff_is_coloured_like_the_others(dark: bool) -> None:
    # A code block's text has no final newline: line-based lexers made its last line
    # an error, red, so an added line looked removed.
    source = "- old line\n+ new line"
    html = highlight_html(source, "diff", dark=dark)
    assert html is not None
    assert visible_text(html) == source  # no newline added to the code
    colours = re.findall(r'<span style="color:(#[0-9a-f]{6})[^"]*">([^<]*)</span>', html)
    removed, added = dict((text, colour) for colour, text in colours).values()
    assert removed != added
    ended = highlight_html(source + "\n", "diff", dark=dark)
    assert ended is not None
    assert added in ended  # the colour of an added line when the line ends
