"""The markdown dialect of model output: CommonMark, tables, strikethrough, task lists,
footnotes, TeX math, bare http(s) addresses as links, and `<br>` as a line break.

Math comes in four spellings: `$x$` and `\\(x\\)` inline, `$$x$$` and `\\[x\\]` displayed.
Displayed math never spans a blank line (TeX forbids one there too), so a blank line
outside a fenced code block always ends the markdown block before it (see blocks.py).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from linkify_it import LinkifyIt  # type: ignore[import-untyped]
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

if TYPE_CHECKING:
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline

_DISPLAY_DELIMITERS = (("$$", "$$"), ("\\[", "\\]"))
_BREAKS = frozenset({"softbreak", "hardbreak"})
_FENCES = ("```", "~~~")
# An amount and a dash just before a "$": "$20-", "$1,000 – ", "$50k-".
_RANGE_START = re.compile(r"\$\d[\d,.]*[A-Za-z]{0,3} ?[-\u2013\u2014] ?\Z")
_LINE_BREAK_TAGS = re.compile(r"<br ?/?>", re.IGNORECASE)  # <br>, <br/>, <br />


class _SchemedLinks(LinkifyIt):  # type: ignore[misc]  # the library has no types
    """Bare addresses become links only with their scheme: "setup.py" and "example.com"
    stay text (.py is a country's domain), as in the chat apps people know."""

    def __init__(self) -> None:
        super().__init__(options={"fuzzy_link": False, "fuzzy_email": False})
        for scheme in ("ftp:", "//", "mailto:"):
            self.add(scheme, None)

    def pretest(self, text: str) -> bool:
        # The library's quick test is a large expression (~40 µs a paragraph, half the
        # parse time): with only schemed http(s) links, a substring says it.
        return "://" in text


class _Parser(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        # Every link becomes a link token; the HTML writer alone decides which become
        # anchors, and shows the label of the others (markdown-it would show their source).
        return True


@functools.cache
def parser() -> MarkdownIt:
    """The shared parser. It keeps no state between calls, so threads may share it."""
    md = _Parser("commonmark", {"html": False, "linkify": True})
    md.enable(["table", "strikethrough", "linkify"])
    md.linkify = _SchemedLinks()
    md.use(tasklists_plugin)
    # `Text[^1]` with `[^1]: note` below; not pandoc's inline `^[note]`, which would take
    # "x^[2]" in plain text for a note.
    md.use(footnote_plugin, inline=False)
    # Currency stays text: "$5 and $10" is not math, because a closing "$" may not be
    # followed by a digit nor preceded by a space.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.inline.ruler.before("math_inline", "range_amount", _range_amount)
    md.disable("math_block")  # replaced by display_math, which may interrupt a paragraph
    md.block.ruler.before(
        "fence",
        "display_math",
        _display_math,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("escape", "bracket_math", _bracket_math)
    md.inline.ruler.before("autolink", "line_break_tag", _line_break_tag)
    md.core.ruler.push("display_math_paragraphs", _lift_display_math)
    return md


def _display_math(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """`$$ ... $$` or `\\[ ... \\]` starting a line, closed at the end of a later line."""
    if state.is_code_block(start_line):
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    first = state.src[begin : state.eMarks[start_line]]
    delimiters = [pair for pair in _DISPLAY_DELIMITERS if first.startswith(pair[0])]
    if not delimiters:
        return False
    opener, closer = delimiters[0]
    rest = first[len(opener) :].rstrip()
    if rest.endswith(closer) and rest:
        parts = [rest[: -len(closer)]]
        last = start_line
    elif closer in rest:
        return False  # closed mid-line: inline math in a paragraph
    else:
        parts = [rest]
        last = start_line + 1
        while True:
            if last >= end_line or state.isEmpty(last) or state.sCount[last] < state.blkIndent:
                return False
            line = state.src[state.bMarks[last] + state.tShift[last] : state.eMarks[last]].rstrip()
            if line.startswith(_FENCES) and not state.is_code_block(last):
                return False  # a code fence ends any block, so a stream may be cut before it
            if line.endswith(closer):
                parts.append(line[: -len(closer)])
                break
            parts.append(line)
            last += 1
    tex = "\n".join(parts).strip()
    if not tex:
        return False
    if not silent:
        token = state.push("math_block", "math", 0)
        token.block = True
        token.content = tex
        token.markup = opener
        token.map = [start_line, last + 1]
    state.line = last + 1
    return True


def _range_amount(state: StateInline, silent: bool) -> bool:
    """The "$" of a range's second amount, "$20-$30", is text, not a formula's opening.

    The closing rule alone kept "$20-$30" as text, but not with a formula after it:
    "$20-$30 and "$x$"" typeset `30 and "` (the "$" of "$x$" closing it).
    """
    pos = state.pos
    if state.src[pos] != "$" or not _RANGE_START.search(state.src, max(0, pos - 32), pos):
        return False
    if not silent:
        state.pending += "$"
    state.pos = pos + 1
    return True


def _bracket_math(state: StateInline, silent: bool) -> bool:
    """`\\(x\\)`, inline; runs before the rule for backslash escapes.

    Displayed `\\[x\\]` is a block of its own lines only (see _display_math): within a
    line of text, "\\[1\\]" is how markdown writes a literal "[1]".
    """
    pos = state.pos
    src = state.src
    if not src.startswith("\\(", pos) or pos + 2 > state.posMax:
        return False
    # A failed search is remembered, or many unclosed "\(" would cost quadratic time.
    miss = state.env.get("bracket_math_miss")
    if miss is not None and miss[0] is src and miss[1] <= pos and miss[2] >= state.posMax:
        return False
    end = src.find("\\)", pos + 2, state.posMax)
    if end < 0:
        state.env["bracket_math_miss"] = (src, pos, state.posMax)
        return False
    tex = src[pos + 2 : end].strip()
    if not tex:
        return False
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = tex
        token.markup = "\\("
    state.pos = end + 2
    return True


def _line_break_tag(state: StateInline, silent: bool) -> bool:
    """`<br>`, `<br/>` or `<br />`: a line break, the one piece of HTML that is rendered.

    Models write it in table cells, where markdown has no other way to break a line
    ("Install Python<br>Then create a venv"). Raw HTML stays off (model output is
    untrusted): every other tag is text. Code spans and blocks are not parsed inline,
    and "\\<br>" is an escaped "<", so those keep it as written. Before the end of a
    line or of the text it adds nothing: the line ends there anyway.
    """
    if not state.src.startswith("<", state.pos):
        return False
    match = _LINE_BREAK_TAGS.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        rest = _LINE_BREAK_TAGS.sub("", state.src[match.end() : state.posMax]).lstrip(" \t")
        if rest and not rest.startswith("\n"):
            state.push("hardbreak", "br", 0)
    state.pos = match.end()
    return True


def _lift_display_math(state: StateCore) -> None:
    """`$$x$$` written within a paragraph's lines becomes a block between paragraphs.

    "The sum $$\\sum x$$ grows" is one paragraph to CommonMark; shown in a paragraph of
    its own, the formula can be centred like any other displayed formula.
    """
    tokens = state.tokens
    if not any(_has_display_math(token) for token in tokens):
        return
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if (
            token.type == "paragraph_open"
            and index + 2 < len(tokens)
            and _has_display_math(tokens[index + 1])
        ):
            _split_paragraph(tokens[index : index + 3], out)
            index += 3
        else:
            out.append(token)
            index += 1
    state.tokens = out


def _has_display_math(token: Token) -> bool:
    return token.type == "inline" and any(
        child.type == "math_inline_double" for child in token.children or ()
    )


def _split_paragraph(paragraph: list[Token], out: list[Token]) -> None:
    opening, inline, closing = paragraph
    segment: list[Token] = []

    def emit_segment() -> None:
        while segment and _is_blank(segment[0]):
            segment.pop(0)
        while segment and _is_blank(segment[-1]):
            segment.pop()
        if not segment:
            return
        text = Token("inline", "", 0, children=list(segment), level=inline.level, block=True)
        out.extend((opening, text, closing))
        segment.clear()

    for child in inline.children or ():
        if child.type != "math_inline_double":
            segment.append(child)
            continue
        if not child.content.strip():  # "$$ $$" is no formula
            text = f"{child.markup}{child.content}{child.markup}"
            segment.append(Token("text", "", 0, content=text))
            continue
        emit_segment()
        math = Token("math_block", "math", 0, content=child.content.strip(), block=True)
        math.markup = child.markup
        math.level = opening.level
        out.append(math)
    emit_segment()


def _is_blank(token: Token) -> bool:
    return token.type in _BREAKS or (token.type == "text" and not token.content.strip())
