"""render_markdown: model output is hostile, and must still read well."""

from __future__ import annotations

import dataclasses
import re
import time

import pytest

from app.rendering import (
    CodeBlock,
    MathRequest,
    Rendered,
    is_safe_link,
    render_markdown,
)
from app.rendering.highlight import MAX_HIGHLIGHT_CHARS
from app.rendering.palette import DARK, LIGHT, palette
from tests.unit.rendering.helpers import FakeMath, tags, visible_text

# Every element the renderer may write; anything else in the HTML came from the input.
ALLOWED_TAGS = {
    "p", "br", "em", "strong", "s", "code", "pre", "span", "a", "img", "h1", "h2", "h3",
    "h4", "h5", "h6", "ul", "ol", "li", "table", "tr", "th", "td", "hr", "sup",
}  # fmt: skip


def render(text: str, **options: object) -> Rendered:
    return render_markdown(text, dark=bool(options.pop("dark", False)), **options)  # type: ignore[arg-type]


def code_in(html: str) -> list[str]:
    """The HTML inside each <pre> of the fragment."""
    return re.findall(r"<pre[^>]*>(.*?)</pre>", html, re.DOTALL)


# Hostile input


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<style>body { display: none }</style>",
        '<a href="javascript:alert(1)">click</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<table><tr><td>fake</td></tr></table>",
    ],
)
@pytest.mark.parametrize(
    "where", ["{}", "text {} text", "- item {}", "> {}", "| h |\n|---|\n| {} |"]
)
def test_raw_html_is_shown_as_text(raw: str, where: str) -> None:
    rendered = render(where.format(raw))
    assert raw in visible_text(rendered.html)
    assert set(tags(rendered.html)) <= ALLOWED_TAGS
    assert "<img" not in rendered.html
    assert "<script" not in rendered.html.lower()
    # No link from the markup itself; the bare address inside it is one, as anywhere.
    assert set(rendered.links) <= {"https://evil.example"}


def test_raw_html_block_spanning_blank_lines_is_text() -> None:
    text = "<div onclick='x()'>\n\n*still markdown*\n\n</div>"
    rendered = render(text)
    assert "<div" not in rendered.html
    assert visible_text(rendered.html) == "<div onclick='x()'>still markdown</div>"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "file:///etc/passwd",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "/etc/passwd",
        "relative/page.html",
        "#fragment",
        "ftp://example.com/file",
        "maestrale-copy:0",
        "maestrale-math:abc",
    ],
)
def test_unsafe_links_show_only_their_label(url: str) -> None:
    rendered = render(f"see [the label]({url}) now")
    assert "<a " not in rendered.html
    assert visible_text(rendered.html) == "see the label now"
    assert rendered.links == ()


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[x](https://example.com/a?b=1&c=2)", "https://example.com/a?b=1&amp;c=2"),
        ("[x](http://example.com)", "http://example.com"),
        ("[x](mailto:someone@example.com)", "mailto:someone@example.com"),
        ("<https://example.com/auto>", "https://example.com/auto"),
        ("<someone@example.com>", "mailto:someone@example.com"),
        ('[x](https://example.com/"onmouseover="alert(1))', "https://example.com/%22onmouseover=%22alert(1)"),
        ("[x](HTTPS://EXAMPLE.COM)", "HTTPS://EXAMPLE.COM"),
    ],
)  # fmt: skip
def test_safe_links_become_escaped_anchors(markdown: str, href: str) -> None:
    rendered = render(markdown)
    assert re.findall(r'<a href="([^"]*)"', rendered.html) == [href]
    assert rendered.links == (href.replace("&amp;", "&"),)


def test_links_are_listed_once_in_order() -> None:
    rendered = render("[a](https://b.example) [b](https://a.example) [c](https://b.example)")
    assert rendered.links == ("https://b.example", "https://a.example")


def test_bare_web_addresses_are_linked_with_their_scheme_only() -> None:
    rendered = render(
        "visit https://example.com/a_b_c. or (http://example.org/x?y=1), "
        "not setup.py, example.com, javascript:alert(1) nor `https://in.code`"
    )
    assert re.findall(r'<a href="([^"]*)"', rendered.html) == [
        "https://example.com/a_b_c",
        "http://example.org/x?y=1",
    ]
    assert rendered.links == ("https://example.com/a_b_c", "http://example.org/x?y=1")
    assert visible_text(rendered.html) == (
        "visit https://example.com/a_b_c. or (http://example.org/x?y=1), "
        "not setup.py, example.com, javascript:alert(1) nor https://in.code"
    )


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("![a cat](https://evil.example/x.png)", '<a href="https://evil.example/x.png"'),
        ("![](http://evil.example/x.png)", '<a href="http://evil.example/x.png"'),
        ("![b](/etc/passwd)", None),
        ("![c](file:///etc/passwd)", None),
        ("![d](data:image/png;base64,AAAA)", None),
        ("![e](javascript:alert(1))", None),
    ],
)
def test_images_are_never_loaded(markdown: str, expected: str | None) -> None:
    rendered = render(markdown)
    assert "<img" not in rendered.html
    text = visible_text(rendered.html)
    assert text.startswith("[image")
    assert text.endswith("]")
    if expected is None:
        assert "<a " not in rendered.html
        assert rendered.links == ()
    else:
        assert expected in rendered.html
        assert len(rendered.links) == 1


def test_image_alt_text_is_shown() -> None:
    assert visible_text(render("![a *fat* cat](https://x.example/c.png)").html) == (
        "[image: a fat cat]"
    )


def test_image_inside_a_link_is_text_within_the_one_anchor() -> None:
    rendered = render("[![logo](https://img.example/l.png)](https://site.example)")
    assert rendered.html.count("<a ") == 1
    assert rendered.links == ("https://site.example",)
    assert visible_text(rendered.html) == "[image: logo]"


def test_entities_stay_escaped() -> None:
    rendered = render("&lt;script&gt; &amp; &#60;b&#62; &quot;")
    assert "<script" not in rendered.html
    assert "<b>" not in rendered.html
    assert visible_text(rendered.html) == '<script> & <b> "'


def test_nul_and_control_characters_do_not_break_out() -> None:
    rendered = render("a\x00b\x08c <b\x00>")
    assert set(tags(rendered.html)) <= ALLOWED_TAGS
    assert "\x00" not in rendered.html


# Code


def test_fenced_code_block_source_is_exact() -> None:
    source = 'def f(x):\t\n    return "<b>" & x  \n\n\tlast  '
    rendered = render(f"Intro\n\n```python\n{source}\n```\n")
    assert rendered.code_blocks == (CodeBlock(language="python", source=source),)
    assert 'href="maestrale-copy:0"' in rendered.html
    assert ">Copy</a>" in rendered.html
    assert ">python</span>" in rendered.html
    [code] = code_in(rendered.html)
    assert visible_text(code) == source
    assert "white-space:pre-wrap" in rendered.html
    assert '<span style="color:' in code  # highlighted


def test_indented_code_block_is_a_text_box() -> None:
    rendered = render("Para\n\n    x = 1\n\t  y = 2\n")
    assert rendered.code_blocks == (CodeBlock(language="", source="x = 1\n  y = 2"),)
    assert ">text</span>" in rendered.html
    assert "maestrale-copy:0" in rendered.html


def test_copy_anchors_count_from_the_first_code_index() -> None:
    text = "```\na\n```\n\n- item\n\n  ~~~js\n  b\n  ~~~\n"
    rendered = render(text, first_code_index=5)
    assert re.findall(r'href="maestrale-copy:(\d+)"', rendered.html) == ["5", "6"]
    assert [block.source for block in rendered.code_blocks] == ["a", "b"]
    assert [block.language for block in rendered.code_blocks] == ["", "js"]


def test_code_cannot_escape_its_box() -> None:
    source = "</pre></td></tr></table><script>alert(1)</script><img src=x>"
    for language in ("html", "nonexistent", ""):
        rendered = render(f"```{language}\n{source}\n```")
        assert set(tags(rendered.html)) <= ALLOWED_TAGS
        assert "<img" not in rendered.html
        assert rendered.html.count("</table>") == 1
        assert rendered.code_blocks[0].source == source


def test_unknown_language_is_plain_text_with_its_name() -> None:
    rendered = render("```klingon-script\nqapla'\n```")
    assert ">klingon-script</span>" in rendered.html
    assert code_in(rendered.html) == ["qapla'"]


def test_info_string_words_after_the_language_are_ignored() -> None:
    rendered = render('```python title="x.py"\npass\n```')
    assert rendered.code_blocks[0].language == "python"


def test_huge_code_block_renders_fast_and_plain() -> None:
    line = "x = compute(value, other)  # a line of generated code <tag>\n"
    source = line * (5_000_000 // len(line))
    render("```python\nwarm = 1\n```")
    started = time.perf_counter()
    rendered = render(f"```python\n{source}```\n")
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{elapsed:.2f} s for a 5 MB code block"
    assert rendered.code_blocks[0].source == source.removesuffix("\n")
    [code] = code_in(rendered.html)
    assert "<span" not in code
    assert visible_text(code) == rendered.code_blocks[0].source


def test_highlighting_stops_at_the_size_limit() -> None:
    small = "x = 1\n" * 100
    big = "x = 1\n" * (MAX_HIGHLIGHT_CHARS // 6 + 1)
    assert "<span style" in code_in(render(f"```python\n{small}```").html)[0]
    assert "<span" not in code_in(render(f"```python\n{big}```").html)[0]


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("```py\nx = 1\n", False),
        ("```py\nx = 1\n```\n", True),
        ("````py\nx = 1\n```\n", False),
        ("> ```py\n> x = 1\n> ```", True),
        ("- a\n  ```py\n  x = 1\n  ```\n", True),
        ("- a\n  ```py\n  x = 1\n", False),
    ],
)
def test_streaming_leaves_an_open_code_block_plain(text: str, closed: bool) -> None:
    streaming = render(text, streaming=True)
    finished = render(text)
    assert ("<span" in code_in(streaming.html)[0]) is closed
    assert "<span" in code_in(finished.html)[0]
    assert visible_text(streaming.html) == visible_text(finished.html)
    assert streaming.code_blocks == finished.code_blocks


def test_inline_code_has_a_background_and_is_escaped() -> None:
    rendered = render("call `<f>(x)` now")
    assert f'<code style="background-color:{LIGHT.inline_code_bg}">&lt;f&gt;(x)</code>' in (
        rendered.html
    )


# Markdown structure


def test_table_with_alignment() -> None:
    rendered = render("| L | C | R | N |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n")
    assert re.findall(r'<th align="(\w+)"', rendered.html) == ["left", "center", "right", "left"]
    assert re.findall(r'<td align="(\w+)"', rendered.html) == ["left", "center", "right", "left"]
    assert f'bgcolor="{LIGHT.table_header_bg}"' in rendered.html
    assert 'border="1"' in rendered.html


def test_task_list_shows_boxes() -> None:
    rendered = render("- [ ] to do\n- [x] done\n- [X] also done\n- plain")
    assert "<input" not in rendered.html
    # Qt's bullets are off for the list: its plain item has one written.
    assert visible_text(rendered.html) == "\u2610 to do\u2611 done\u2611 also done\u2022 plain"
    assert "list-style-type:none" in rendered.html


def test_strikethrough_emphasis_and_headings() -> None:
    rendered = render("# Title\n\n### Sub\n\n~~old~~ *it* **bold**")
    html = rendered.html
    assert "<h1>Title</h1>" in html
    assert "<h3>Sub</h3>" in html
    assert "<s>old</s>" in html
    assert "<em>it</em>" in html
    assert "<strong>bold</strong>" in html


def test_ordered_list_keeps_its_start_number() -> None:
    assert re.search(r'<ol start="7"', render("7. seven\n8. eight").html)
    assert "<ol style" in render("1. one\n2. two").html


def test_nested_lists_have_no_extra_margin() -> None:
    html = render("- a\n  - b\n").html
    assert html.count("margin-top:4px") == 1
    assert html.count("margin-top:0px") == 1


def test_blockquote_has_a_coloured_bar_in_each_theme() -> None:
    for dark, colors in ((False, LIGHT), (True, DARK)):
        html = render("> quoted *text*", dark=dark).html
        assert f'bgcolor="{colors.quote_bar}"' in html
        assert f"color:{colors.quote_text}" in html
        assert visible_text(html) == "quoted text"


def test_horizontal_rule_in_the_palettes_rule_colour() -> None:
    # Qt draws a rule in its block's background colour: without one, a heavy black line.
    rule = f'<hr style="background-color:{palette(dark=False).table_border}"/>'
    assert rule in render("a\n\n---\n\nb").html


def test_colours_follow_the_theme() -> None:
    text = "[l](https://x.example) `c`\n\n```\nz\n```"
    light, dark = render(text).html, render(text, dark=True).html
    for colors, html in ((LIGHT, light), (DARK, dark)):
        assert f"color:{colors.link}" in html
        assert f"background-color:{colors.inline_code_bg}" in html
        assert f'bgcolor="{colors.code_bg}"' in html
    assert LIGHT.link != DARK.link
    assert LIGHT.code_bg != DARK.code_bg


def test_rendered_is_frozen() -> None:
    rendered = render("x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rendered.html = "y"  # type: ignore[misc]


def test_empty_text() -> None:
    assert render("") == Rendered(html="", code_blocks=(), math_pending=(), links=())


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://a", True),
        ("HTTP://a", True),
        ("mailto:x@y", True),
        ("javascript:x", False),
        (" https://a", False),
        ("//a", False),
        ("", False),
    ],
)
def test_is_safe_link(url: str, safe: bool) -> None:
    assert is_safe_link(url) is safe


# Math


MATH_TEXT = "Inline $a^2$ and \\(b_1\\).\n\n$$\n\\frac{c}{d}\n$$\n\n\\[\n\\sqrt{e}\n\\]\n"


def test_math_in_all_four_delimiters_becomes_images() -> None:
    math = FakeMath()
    rendered = render(MATH_TEXT, math=math)
    assert math.asked == [
        ("a^2", False),
        ("b_1", False),
        ("\\frac{c}{d}", True),
        ("\\sqrt{e}", True),
    ]
    sources = re.findall(r'<img src="([^"]*)"', rendered.html)
    assert sources == [
        "maestrale-math:i1",
        "maestrale-math:i2",
        "maestrale-math:d3",
        "maestrale-math:d4",
    ]
    assert rendered.html.count('<p align="center"><img') == 2
    assert rendered.html.count("vertical-align:middle") == 2
    assert rendered.math_pending == ()
    assert "$" not in visible_text(rendered.html)
    assert "\\(" not in visible_text(rendered.html)
    assert "\\[" not in visible_text(rendered.html)  # fmt: skip


def test_math_without_a_source_is_pending_and_shown_as_tex() -> None:
    rendered = render(MATH_TEXT + "\nAgain $a^2$.")
    assert "<img" not in rendered.html
    assert rendered.math_pending == (
        MathRequest("a^2", display=False),
        MathRequest("b_1", display=False),
        MathRequest("\\frac{c}{d}", display=True),
        MathRequest("\\sqrt{e}", display=True),
    )
    assert f'<code style="color:{LIGHT.math_placeholder}">a^2</code>' in rendered.html
    assert '<p align="center"><code' in rendered.html


def test_math_not_ready_is_pending() -> None:
    rendered = render("$x$", math=FakeMath(ready=False))
    assert rendered.math_pending == (MathRequest("x", display=False),)


@pytest.mark.parametrize(
    "text",
    [
        "It costs $5 and $10.",
        "Between $5-$10 a day",
        "From $1,000 to $2,000",
        "Prices: $5, $6 and $7",
        "A $ sign alone, and another $ here",
        "escaped \\$x\\$ dollars",
    ],
)
def test_currency_stays_text(text: str) -> None:
    rendered = render(text, math=FakeMath())
    assert rendered.math_pending == ()
    assert "<img" not in rendered.html
    assert "<code" not in rendered.html
    assert "$" in visible_text(rendered.html)


# What the 28 money cases of a QA session render as: amounts stay text, and only the
# formulas written between "$"s are typeset.
MONEY = [
    ("It costs $5 and $10.", []),
    ("Plans: $5/month or $50/year.", []),
    ("Between $20-$30 and $40-$50 per hour.", []),
    ("The range is $1,000–$2,000 (USD).", []),
    ("Price: $5.99; tax: $0.50.", []),
    ("Revenue grew from $1.2B to $3.4B.", []),
    ("Costs ($5) and fees ($10) apply.", []),
    ("Pay $5, then $x$ more.", ["x"]),
    ("Use $HOME and $PATH in bash.", []),
    ("Set `$HOME` and $PATH.", []),
    ("The cost is $5 per item (so $n$ items cost $5n$).", ["n", "5n"]),
    ("Total: $100 + $200 = $300", []),
    ("$5 off: was $25, now $20!", []),
    ("From $5 to $6 a share", []),
    ("echo $USER's home is $HOME.", []),
    ("In jQuery, $('.x') and $(this) are common.", []),
    ("Price is 5$ and 10$.", []),
    ("He paid $5.It was cheap and $6.", []),
    ("Costs: US$5, CA$7, A$9.", []),
    ("Salary $50k-$70k, bonus $5k.", []),
    ("Pay $5 (or $4 on sale).", []),
    ('Costs "$5" and "$10".', []),
    ("A $5 bill and a $10 bill.", []),
    ("**$5** and **$10**", []),
    ("*$5* and *$10*", []),
    ("Prices: $5/$10/$15", []),
    ("Options: [$5] and [$10]", []),
    ("Call f($x) with $y.", []),
    # A range's second amount opened a formula closed by the next formula's "$".
    ('Price range $20-$30 and "$x$ = 3".', ["x"]),
    ("From $1,000 – $2,000, or $y$ a year", ["y"]),
    ("Salary $50k-$70k; $z$ in total", ["z"]),
    ("Terms 1-$n$ and $a$-$b$", ["n", "a", "b"]),  # no amount before the dash
]


@pytest.mark.parametrize(("text", "formulas"), MONEY)
def test_amounts_stay_text_beside_formulas(text: str, formulas: list[str]) -> None:
    math = FakeMath()
    rendered = render(text, math=math)
    assert [tex for tex, _ in math.asked] == formulas
    if not formulas:
        assert "$" in visible_text(rendered.html)


def test_displayed_math_inside_a_paragraph_gets_its_own_paragraph() -> None:
    rendered = render("The formula is:\n$$\nE = mc^2\n$$\nwhere c is fast.", math=FakeMath())
    assert rendered.html == (
        "<p>The formula is:</p>"
        '<p align="center"><img src="maestrale-math:d1" alt="$$E = mc^2$$"/></p>'
        "<p>where c is fast.</p>"
    )


@pytest.mark.parametrize(
    "text", ["$$\n$$", "a $$ $$ b", "# h $$ $$", "| $$ $$ |\n|-|\n|x|", "\\[ \\]"]
)
def test_empty_formulas_stay_text(text: str) -> None:
    rendered = render(text, math=FakeMath())
    assert rendered.math_pending == ()
    assert "<img" not in rendered.html
    assert "$$" in visible_text(rendered.html) or "[ ]" in visible_text(rendered.html)


def test_escaped_brackets_within_a_line_stay_brackets() -> None:
    rendered = render("See \\[1\\] and \\[2\\].\n\n\\[3\\] Third reference", math=FakeMath())
    assert rendered.math_pending == ()
    assert "<img" not in rendered.html
    assert visible_text(rendered.html) == "See [1] and [2].[3] Third reference"


def test_bracketed_display_math_may_follow_text_directly() -> None:
    math = FakeMath()
    rendered = render("The formula:\n\\[ E = mc^2 \\]\nwhere\n\\[\nx\n\\]\nend", math=math)
    assert math.asked == [("E = mc^2", True), ("x", True)]
    assert visible_text(rendered.html) == "The formula:whereend"


def test_displayed_math_may_not_span_a_blank_line() -> None:
    rendered = render("$$\na\n\nb\n$$", math=FakeMath())
    assert rendered.math_pending == ()
    assert "<img" not in rendered.html


def test_displayed_math_keeps_markdown_characters() -> None:
    text = "\\[\n- a\n# b\n> c\n\\]"
    math = FakeMath()
    render(text, math=math)
    assert math.asked == [("- a\n# b\n> c", True)]


def test_math_in_list_items_tables_and_quotes() -> None:
    math = FakeMath()
    rendered = render("- $x$\n\n| $y$ |\n|---|\n| \\(z\\) |\n\n> $$w$$", math=math)
    assert [tex for tex, _ in math.asked] == ["x", "y", "z", "w"]
    assert rendered.html.count("<img") == 4


def test_a_formula_that_could_not_be_typeset_is_marked_and_says_why() -> None:
    # It showed in the same purple as a formula still being typeset: nothing said that
    # it never would be.
    math = FakeMath(
        failures={"\\frac{1}{": "it ends too soon", "\\ce{H2O}": "\\ce is not supported"}
    )
    rendered = render("Broken $\\frac{1}{$ and \\(\\ce{H2O}\\), fine $x$.", math=math)
    assert rendered.math_pending == ()  # not waited for
    failed = LIGHT.math_failed
    style = f"color:{LIGHT.code_text}; text-underline-style:wave; text-decoration-color:{failed}"
    assert (
        '<code title="This formula could not be typeset: it ends too soon." '
        f'style="{style}">$\\frac{{1}}{{$</code>'
    ) in rendered.html
    assert (
        '<code title="This formula could not be typeset: \\ce is not supported." '
        f'style="{style}">\\(\\ce{{H2O}}\\)</code>'
    ) in rendered.html
    assert LIGHT.math_placeholder not in rendered.html
    assert rendered.html.count("<img") == 1
    dark = render("$$\\frac{1}{$$", math=math, dark=True)
    assert f"text-decoration-color:{DARK.math_failed}" in dark.html
    assert '<p align="center"><code title="This formula could not' in dark.html
    assert ">$$\\frac{1}{$$</code>" in dark.html


def test_math_tex_is_escaped() -> None:
    rendered = render('$a<b "c"$')
    assert "&lt;b &quot;c&quot;" in rendered.html


def test_math_source_must_give_math_urls() -> None:
    class Rogue:
        def image_url(self, tex: str, display: bool) -> str | None:
            return "https://evil.example/x.png"

        def failure(self, tex: str, display: bool) -> str | None:
            return None

    with pytest.raises(ValueError, match="maestrale-math"):
        render("$x$", math=Rogue())


def test_many_unclosed_brackets_are_fast() -> None:
    text = "\\( x " * 20_000
    started = time.perf_counter()
    render(text)
    assert time.perf_counter() - started < 1.0


# Footnotes

FOOTNOTED = (
    "Water boils at 100 °C[^1], at sea level[^sea].\n\n"
    "[^1]: In degrees Celsius.\n[^sea]: Lower on a mountain.\n\nAfter."
)


def test_footnote_references_are_superscript_anchors_within_the_message() -> None:
    rendered = render(FOOTNOTED)
    html = rendered.html
    assert "[^" not in visible_text(html)  # no raw markdown left
    assert '<sup><a name="fnref1-1" href="#fn1"' in html
    assert '<sup><a name="fnref2-1" href="#fn2"' in html
    assert rendered.links == ()  # nothing to open, nor to confirm
    # The notes, numbered, after the rest of the message, each with a way back.
    notes = html[html.index("<hr") :]
    assert html.index("After.") < html.index("<hr")
    assert re.search(
        r'<ol[^>]*><li><a name="fn1"></a><p>In degrees Celsius\. <a href="#fnref1-1"', notes
    )
    assert '<li><a name="fn2"></a><p>Lower on a mountain.' in notes


def test_a_footnote_referenced_twice_links_back_to_each_reference() -> None:
    html = render("One[^a], two[^a].\n\n[^a]: Note.").html
    assert html.count('href="#fn1"') == 2
    assert 'href="#fnref1-1"' in html
    assert 'href="#fnref1-2"' in html


def test_a_reference_without_a_note_stays_text() -> None:
    assert visible_text(render("See [^9] and x^[2].").html) == "See [^9] and x^[2]."


@pytest.mark.parametrize(
    ("text", "needs_room"),
    [
        ("1. one\n2. two\n", False),
        ("98. a\n99. b\n", False),
        ("- a\n- b\n\n```\ncode\n```\n\n> quote\n\n| a |\n|---|\n| 1 |\n", False),
        ("99. a\n100. b\n", True),  # "100." in bold is wider than the indent
        ("2023. a year\n", True),
        ("- a\n\n  ```\n  code\n  ```\n", True),
        ("1. a\n\n   > quote\n", True),
        ("- a\n\n  | a |\n  |---|\n  | 1 |\n", True),
        ("> - a\n>\n>   > nested quote\n", True),
    ],
)
def test_it_says_when_lists_need_room_fitted(text: str, needs_room: bool) -> None:
    # Lists with wide numbers or boxes in their items are fitted to the text's size by
    # the transcript (app/ui/transcript/list_room.py); the others cost nothing more.
    assert render(text).list_room is needs_room
