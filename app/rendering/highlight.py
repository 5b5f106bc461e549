"""Syntax highlighting of code blocks: Pygments lexers and colours, as inline-styled HTML spans.

Pygments is imported on first use, so importing this module costs nothing.
"""

from __future__ import annotations

import functools
import html
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Protocol

# Pygments ships no type hints; it is typed here by what this module uses of it. The
# imports say "unused-ignore" too, so that installing types-Pygments changes nothing.

# Past either limit a block is shown as plain text: Pygments lexes about 0.5-3 s per
# megabyte, and the transcript must stay responsive while a huge block streams in.
MAX_HIGHLIGHT_CHARS = 100_000
MAX_HIGHLIGHT_LINES = 3000

# Info strings that name no lexer of their own, or mean "no highlighting".
_ALIASES = {"jsonc": "json", "svelte": "html", "env": "bash", "shellsession": "console"}
_PLAIN = frozenset({"", "text", "txt", "plain", "plaintext", "none", "output", "log"})
_MAX_LANGUAGE_CHARS = 40
_ITALIC = "font-style:italic"

# Bold and italic, alike in both themes: GitHub shows code upright and in one weight, in
# its light and dark themes, and so do these; only markup that means emphasis keeps it (a
# diff's or a Markdown block's headings, *emphasis* and **strong** text). Pygments'
# github-dark made functions, classes, decorators and every operator bold and comments
# italic, which the light theme did not: the same code read differently in each. The
# themes' colours come from their schemes; these replace whatever weights those give.
_EMPHASIS = {
    "Generic.Heading": "font-weight:bold",
    "Generic.Subheading": "font-weight:bold",
    "Generic.Strong": "font-weight:bold",
    "Generic.Emph": _ITALIC,
    "Generic.EmphStrong": f"font-weight:bold;{_ITALIC}",
}

# GitHub's light theme ("Primer prettylights"), its colours; Pygments ships only the dark one.
_GITHUB_LIGHT = {
    "Comment": "#6e7781",
    "Comment.Preproc": "#cf222e",
    "Keyword": "#cf222e",
    "Keyword.Constant": "#0550ae",
    "Keyword.Type": "#cf222e",
    "Operator.Word": "#cf222e",
    "Name.Builtin": "#0550ae",
    "Name.Builtin.Pseudo": "#953800",
    "Name.Function": "#8250df",
    "Name.Function.Magic": "#0550ae",
    "Name.Class": "#953800",
    "Name.Decorator": "#8250df",
    "Name.Exception": "#953800",
    "Name.Constant": "#0550ae",
    "Name.Variable": "#953800",
    "Name.Namespace": "#24292f",
    "Name.Tag": "#116329",
    "Name.Attribute": "#0550ae",
    "Name.Entity": "#0550ae",
    "Name.Label": "#0550ae",
    "Literal.String": "#0a3069",
    "Literal.String.Escape": "#0550ae",
    "Literal.String.Regex": "#116329",
    "Literal.String.Symbol": "#0550ae",
    "Literal.Number": "#0550ae",
    "Generic.Deleted": "#82071e",
    "Generic.Inserted": "#116329",
    "Generic.Heading": "#0550ae",
    "Generic.Subheading": "#8250df",
    "Generic.Prompt": "#6e7781",
    "Error": "#82071e",
}


class Lexer(Protocol):
    """What this module uses of a Pygments lexer."""

    def get_tokens(self, text: str) -> Iterable[tuple[Any, str]]:
        """(token type, text) pairs whose texts, joined, give back the whole text."""
        ...


def language_of(info: str) -> str:
    """The language named by a fence's info string: its first word (```python title="x")."""
    words = info.split(maxsplit=1)
    return words[0] if words else ""


@functools.lru_cache(maxsize=128)
def find_lexer(language: str) -> Lexer | None:
    """The lexer for a fence language (alias, name or file extension), or None for plain text.

    Args:
        language: what the fence names, any case: "python", "py", "C++", "Dockerfile", "rs".
    """
    name = language.strip().lower()
    if name in _PLAIN or len(name) > _MAX_LANGUAGE_CHARS:
        return None
    name = _ALIASES.get(name, name)
    from pygments.lexers import (  # type: ignore[import-untyped, unused-ignore]
        get_lexer_by_name,
        get_lexer_for_filename,
    )
    from pygments.util import ClassNotFound  # type: ignore[import-untyped, unused-ignore]

    # The exact text must come back: no stripped or added newlines.
    options = {"stripnl": False, "ensurenl": False}
    lexer: Lexer
    try:
        lexer = get_lexer_by_name(name, **options)
    except ClassNotFound:
        filename = name if "." in name else f"code.{name}"
        try:
            lexer = get_lexer_for_filename(filename, **options)
        except ClassNotFound:
            return None
    return lexer


def highlight_html(source: str, language: str, *, dark: bool) -> str | None:
    """Source as escaped HTML with colour spans, ready to go inside a `<pre>`.

    Text in the style's default colour gets no span: the caller's `<pre>` sets that colour.

    Return:
        None when the language is unknown or plain, or the source is too large to
        highlight quickly; the caller then shows escaped plain text.
    """
    if len(source) > MAX_HIGHLIGHT_CHARS or source.count("\n") >= MAX_HIGHLIGHT_LINES:
        return None
    if find_lexer(language) is None:
        return None
    return _highlight(source, language.strip().lower(), dark)


# Streaming re-renders an unfinished list or quote at every frame, with any complete code
# block inside it: the cache makes that cost one dictionary look-up per frame.
@functools.lru_cache(maxsize=32)
def _highlight(source: str, language: str, dark: bool) -> str:
    lexer = find_lexer(language)
    assert lexer is not None
    css_for = _css_for(dark)
    out: list[str] = []
    run: list[str] = []
    run_css = ""

    def flush() -> None:
        source_text = "".join(run)
        text = html.escape(source_text, quote=False)
        css = run_css
        if _ITALIC in css and _has_arabic_letters(source_text):
            # Arabic has no italic, and fonts such as DejaVu none for its letters: Qt
            # drew italic Arabic (then a dark theme's comment; now *emphasis* in a
            # Markdown block) as a row of empty boxes.
            css = ";".join(part for part in css.split(";") if part != _ITALIC)
        if not css:
            out.append(text)
            return
        # Spans never hold a line break, so every line of the <pre> is self-contained.
        out.append(
            "\n".join(
                f'<span style="{css}">{line}</span>' if line else "" for line in text.split("\n")
            )
        )

    # Line-based lexers (diff, make, console sessions) need each line to end: without
    # its newline, the last line came out as an error, red ("+ new" looked removed).
    ended = source.endswith("\n")
    for ttype, value in lexer.get_tokens(source if ended else source + "\n"):
        # Whitespace looks the same in any colour: it joins the current run.
        css = run_css if value.isspace() else css_for(ttype)
        if css != run_css:
            if run:
                flush()
                run.clear()
            run_css = css
        run.append(value)
    if run:
        flush()
    result = "".join(out)
    return result if ended else result.removesuffix("\n")


def _has_arabic_letters(text: str) -> bool:
    """Whether ``text`` holds letters of the Arabic script (or Syriac, Thaana)."""
    return any(unicodedata.bidirectional(character) == "AL" for character in text)


@functools.cache
def _css_for(dark: bool) -> Callable[[Any], str]:
    """The inline CSS for each Pygments token type in the theme's style."""
    from pygments.token import (  # type: ignore[import-untyped, unused-ignore]
        Token,
        string_to_tokentype,
    )

    style = _style(dark)
    base = style.style_for_token(Token)
    emphasis = {string_to_tokentype(name): value for name, value in _EMPHASIS.items()}

    @functools.cache
    def css(ttype: Any) -> str:
        parts = []
        # Token types unknown to the style take the style of their nearest known parent.
        known = ttype
        while not style.styles_token(known) and known.parent is not None:
            known = known.parent
        entry = style.style_for_token(known)
        if entry["color"] and entry["color"] != base["color"]:
            parts.append(f"color:#{entry['color']}")
        while ttype not in emphasis and ttype.parent is not None:
            ttype = ttype.parent
        if ttype in emphasis:
            parts.append(emphasis[ttype])
        return ";".join(parts)

    return css


@functools.cache
def _style(dark: bool) -> Any:
    """The Pygments style class for the theme: GitHub dark, or GitHub light."""
    from pygments.style import Style  # type: ignore[import-untyped, unused-ignore]
    from pygments.styles import get_style_by_name  # type: ignore[import-untyped, unused-ignore]
    from pygments.token import string_to_tokentype  # type: ignore[import-untyped, unused-ignore]

    if dark:
        return get_style_by_name("github-dark")
    # Made by Style's metaclass, as a class statement would, which resolves inheritance.
    styles = {string_to_tokentype(name): value for name, value in _GITHUB_LIGHT.items()}
    return type(Style)("GitHubLight", (Style,), {"styles": styles, "background_color": "#f6f8fa"})
