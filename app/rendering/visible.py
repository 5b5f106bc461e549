"""The text a reader sees of an answer, without rendering it: for finding words in it.

Near enough to the plain text of the rendered message (app/rendering/markdown.py) that
a word is found in one as in the other: no link addresses nor markdown syntax, a code
block with its header ("python", "Copy"), a formula as one object character (an
image), blocks on lines of their own.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

from app.rendering._syntax import parser
from app.rendering.bidi import LRI, PDI, right_to_left
from app.rendering.highlight import language_of

_MATH = frozenset({"math_inline", "math_inline_double", "math_block"})
_FORMULA = "\ufffc"  # how Qt's plain text shows an image
# What Qt's plain text of a document writes for these (QTextDocument::toPlainText): a
# line or paragraph separator breaks the line, a no-break space is a space. One
# character for one: places stay.
_AS_PLAIN = {0x2028: "\n", 0x2029: "\n", 0xA0: " "}


def visible_text(markdown: str) -> str:
    """The words of rendered ``markdown``, blocks separated by line breaks."""
    out: list[str] = []
    _walk(parser().parse(markdown, {}), out)
    return "".join(out).translate(_AS_PLAIN)


def _walk(tokens: Sequence[Token], out: list[str], isolate_code: bool = False) -> None:
    for token in tokens:
        if token.type == "image":
            alt = "".join(child.content for child in token.children or ())
            out.append(f"[image: {alt}]" if alt else "[image]")
        elif token.children:
            _walk(token.children, out, right_to_left(token.children))
        elif isolate_code and token.type == "code_inline":
            out.append(f"{LRI}{token.content}{PDI}")  # as rendered: see bidi.py
        else:
            out.append(_leaf(token))


def _leaf(token: Token) -> str:
    kind = token.type
    if kind in ("text", "code_inline"):
        return token.content
    if kind in ("fence", "code_block"):
        # A code block is HTML's <pre>, which drops a line break right after its start.
        code = token.content.removeprefix("\n")
        return f"\n{language_of(token.info) or 'text'}\nCopy\n{code}\n"
    if kind in _MATH:
        return _FORMULA if token.content.strip() else token.markup * 2
    if kind == "html_inline":
        if "task-list-item-checkbox" in token.content:
            return "\u2611" if 'checked="checked"' in token.content else "\u2610"
        return token.content
    if kind == "footnote_ref":
        return str(int((token.meta or {}).get("id", 0)) + 1)
    if kind == "footnote_anchor":
        return " \u21a9\ufe0e"
    return "\n" if token.block or kind in ("softbreak", "hardbreak") else ""
