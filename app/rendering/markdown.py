"""Markdown from the model turned into HTML for QTextDocument, treating the text as hostile.

Only tags this module writes reach the HTML: raw HTML in the input is shown as text (but
`<br>`, read as a line break: see _syntax.py), links become anchors only for http, https
and mailto, and no image is ever loaded (an `<img>` names only a `maestrale-math:`
formula the caller already holds). Anchors the transcript must handle itself:
`maestrale-copy:<n>` (copy code block n), `#<name>` (a footnote or its reference, in the
same message: see FOOTNOTE_ANCHOR) and the links listed in `Rendered.links`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from markdown_it.token import Token

from app.rendering._syntax import parser
from app.rendering.bidi import LRI, PDI, strong_direction
from app.rendering.highlight import highlight_html, language_of
from app.rendering.palette import Palette, palette
from app.rendering.schemes import COPY_SCHEME, MATH_SCHEME

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Names of the anchors in a message: a footnote n, and its reference (the k-th of them).
FOOTNOTE_ANCHOR = "fn{n}"
FOOTNOTE_REFERENCE_ANCHOR = "fnref{n}-{k}"
# The start of the tooltip of a formula that could not be typeset; the reason follows.
FAILED_FORMULA = "This formula could not be typeset"

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_ALIGN = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# A table cell's sides: the table's cellpadding (5) left words a few pixels from the
# border on the right, where a glyph has almost no side bearing ("Docker|"). Top and
# bottom keep the cellpadding. app/ui/transcript/wide_tables.py reads them back.
_CELL_SIDES = "padding-left:8px; padding-right:8px"
_MAX_LABEL_CHARS = 40
_CLOSERS = {"\\(": "\\)", "\\[": "\\]"}  # others close as they open: $ and $$
_UNCHECKED = "\u2610"  # ☐
_CHECKED = "\u2611"  # ☑
# From this number on, an item's number may need more room than a list level has: the
# room for "000. " (see app/ui/transcript/text_view.list_indent), and "100." in bold.
_WIDE_NUMBER = 100


@dataclass(frozen=True)
class CodeBlock:
    """A code block as written: `source` is what "Copy" puts on the clipboard."""

    language: str
    source: str


@dataclass(frozen=True)
class MathRequest:
    """A formula the math source could not give at once."""

    tex: str
    display: bool


class MathSource(Protocol):
    """Typeset formulas the transcript already holds as images."""

    def image_url(self, tex: str, display: bool) -> str | None:
        """A `maestrale-math:<key>` URL when the image is ready, else None."""
        ...

    def failure(self, tex: str, display: bool) -> str | None:
        """Why the formula could not be typeset, once it is known it cannot; else None."""
        ...


# Characters counted as wider than one width unit (see TableSize): past ASCII (CJK,
# emoji, digraphs such as U+01C4: up to about an em and a half), and the widest
# (ligatures such as U+FDFD, cuneiform, and the rest outside the Basic Multilingual
# Plane).
_WIDE = re.compile(r"[^\x00-\x7f]")
_WIDEST = re.compile(r"[\ufb50-\ufdff\U00010000-\U0010ffff]")


def width_units(text: str) -> int:
    """How wide ``text`` is at most, in units no narrower than any ASCII character:
    3 for another one, 12 for the widest."""
    return len(text) + 2 * len(_WIDE.findall(text)) + 9 * len(_WIDEST.findall(text))


@dataclass(frozen=True)
class TableSize:
    """A markdown table's text: enough to tell it fits a width without laying it out.

    Attributes:
        depth: the lists and quotes it is in.
        columns: for each column, its widest cell's source in width units (see
            width_units); the source is never narrower than what shows of it.
    """

    depth: int
    columns: tuple[int, ...]


@dataclass(frozen=True)
class Rendered:
    """One markdown text as HTML, and what the transcript needs to act on it.

    Attributes:
        html: a fragment for QTextDocument.setHtml() or QTextCursor.insertHtml().
        code_blocks: the blocks whose "Copy" anchors are `maestrale-copy:<first_code_index + i>`.
        math_pending: formulas shown as TeX for now; typeset them and render again.
        links: the addresses of the anchors, each http, https or mailto.
        list_room: a list numbers past 99, or an item holds a box (a code block, a
            quote, a table): the room these take depends on the text's size, and the
            transcript fits it (app/ui/transcript/list_room.py).
        tables: the size of each table's text, in the order written.
    """

    html: str
    code_blocks: tuple[CodeBlock, ...]
    math_pending: tuple[MathRequest, ...]
    links: tuple[str, ...]
    list_room: bool = False
    tables: tuple[TableSize, ...] = ()


def render_markdown(
    text: str,
    *,
    dark: bool,
    math: MathSource | None = None,
    first_code_index: int = 0,
    streaming: bool = False,
    code_hang: int = 0,
) -> Rendered:
    """Render model output for a light or dark transcript.

    Args:
        text: markdown, untrusted.
        dark: choose colours for a dark background.
        math: typeset formulas; without one every formula is shown as TeX and pending.
        first_code_index: the number of the first code block, for rendering a message
            in pieces whose copy anchors must not collide.
        streaming: the text is the unfinished end of an answer, rendered again at every
            frame: a code block still open at its end is not highlighted yet (that would
            cost time in proportion to the block at every frame).
        code_hang: pixels that the rows a long code line wraps onto start further in
            than the line's first row (a hanging indent): not read as lines of their own.
    """
    writer = _HtmlWriter(
        palette(dark=dark),
        dark=dark,
        math=math,
        first_code=first_code_index,
        text=text,
        streaming=streaming,
        code_hang=code_hang,
    )
    writer.write(parser().parse(text, {}))
    return Rendered(
        html="".join(writer.out),
        code_blocks=tuple(writer.code_blocks),
        math_pending=tuple(writer.math_pending),
        links=tuple(writer.links),
        list_room=writer.list_room,
        tables=tuple(TableSize(depth, tuple(columns)) for depth, columns in writer.tables),
    )


def is_safe_link(url: str) -> bool:
    """Whether a link may become an anchor: only http, https and mailto addresses."""
    match = _SCHEME.match(url)
    return match is not None and match.group(1).lower() in LINK_SCHEMES


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


class _OpenQuote:
    """A quote the writer is in: where its opening is in the output, and which way its
    text reads (None: no letter yet)."""

    __slots__ = ("at", "right_to_left")

    def __init__(self, at: int) -> None:
        self.at = at
        self.right_to_left: bool | None = None


class _HtmlWriter:
    """Walks markdown-it tokens; any token it does not know shows as escaped text."""

    def __init__(
        self,
        colors: Palette,
        *,
        dark: bool,
        math: MathSource | None,
        first_code: int,
        text: str,
        streaming: bool,
        code_hang: int = 0,
    ) -> None:
        self.out: list[str] = []
        self.code_blocks: list[CodeBlock] = []
        # Dicts keep the first occurrence of each, in order.
        self.math_pending: dict[MathRequest, None] = {}
        self.links: dict[str, None] = {}
        self._colors = colors
        self._dark = dark
        self._math = math
        self._first_code = first_code
        self._source = text
        self._streaming = streaming
        self._code_hang = code_hang
        self._lines: list[str] | None = None
        self._anchors: list[bool] = []  # for each open link: did it become an <a>?
        self._list_depth = 0
        # For each open list: does it hold task items? Its other items then have no
        # bullet from Qt (it is turned off for the list), so they get one written.
        self._task_lists: list[bool] = []
        self._numbers: list[int | None] = []  # for each open list: its next item's number
        self.list_room = False  # see Rendered
        # For each table: its depth and its columns' widths (see TableSize).
        self.tables: list[tuple[int, list[int]]] = []
        self._column = 0  # the next cell's column in the row being written
        self._cell_column: int | None = None  # the column whose text comes next
        self._bullet_due = False
        self._right_to_left = False  # the paragraph being written reads right to left
        c = colors
        # Qt draws h5 smaller than the text and h6 as the text itself; h1 to h4 go from
        # twice the text's size down to its size, bold. h5 and h6 carry on down the
        # scale: bold at the text's size, h6 in the muted colour, spaced as h4.
        heading = "font-size:medium; font-weight:bold; margin-top:12px; margin-bottom:12px"
        self._heading_styles = {"h5": heading, "h6": f"{heading}; color:{c.muted}"}
        # Boxes: written by _box.
        self._boxes: dict[str, str] = {
            "table_open": (
                '<table border="1" cellspacing="0" cellpadding="5" '
                f'style="border-collapse:collapse; border-color:{c.table_border}; '
                # Qt's default style, "outset", shades the top and left edges lighter:
                # on a light page only the right and bottom lines showed.
                'border-style:solid; margin-top:6px; margin-bottom:6px">'
            ),
        }
        # A quote: its bar beside the text, on the side the text starts from (see
        # _quote_close), and the text.
        quote = (
            '<table width="100%" cellspacing="0" cellpadding="0" '
            'style="margin-top:4px; margin-bottom:4px"><tr>'
        )
        bar = f'<td width="4" bgcolor="{c.quote_bar}"></td>'
        # On the right, the bar is the row's last cell: one with no text made Qt's HTML
        # reader leave out the empty line it puts after a table whose last cell has
        # some, and the text after the quote came 12 px closer than after any other.
        # A zero-width space there keeps the two alike (a copy leaves the bar out).
        last_bar = f'<td width="4" bgcolor="{c.quote_bar}">\u200b</td>'
        self._quote_html = {
            False: (
                f'{quote}{bar}<td style="padding-left:10px; color:{c.quote_text}">',
                "</td></tr></table>",
            ),
            True: (
                f'{quote}<td style="padding-right:10px; color:{c.quote_text}">',
                f"</td>{last_bar}</tr></table>",
            ),
        }
        self._quotes: list[_OpenQuote] = []  # open where the writer is, outermost first
        self._tags: dict[str, str] = {
            "list_item_close": "</li>",
            "table_close": "</table>",
            "tr_close": "</tr>",
            "th_close": "</th>",
            "td_close": "</td>",
            # Qt draws a rule in its block's background colour, else in black.
            "hr": f'<hr style="background-color:{c.table_border}"/>',
            "em_open": "<em>",
            "em_close": "</em>",
            "strong_open": "<strong>",
            "strong_close": "</strong>",
            "s_open": "<s>",
            "s_close": "</s>",
            # A single newline stays a line break, as in the chat apps people know
            # (CommonMark allows it): a poem's lines, an address, "Step 1" and "Step 2"
            # would otherwise run on as one paragraph.
            "softbreak": "<br/>",
            "hardbreak": "<br/>",
            "thead_open": "",
            "thead_close": "",
            "tbody_open": "",
            "tbody_close": "",
        }
        self._handlers: dict[str, Callable[[Token], None]] = {
            "blockquote_open": self._quote_open,
            "blockquote_close": self._quote_close,
            "table_open": self._box,
            "paragraph_open": self._paragraph,
            "paragraph_close": self._paragraph,
            "heading_open": self._heading,
            "heading_close": self._heading,
            "bullet_list_open": self._list_open,
            "ordered_list_open": self._list_open,
            "bullet_list_close": self._list_close,
            "list_item_open": self._list_item,
            "ordered_list_close": self._list_close,
            "tr_open": self._row,
            "th_open": self._cell,
            "td_open": self._cell,
            "fence": self._code_block,
            "code_block": self._code_block,
            "math_block": self._display_math,
            "inline": self._inline,
            "text": self._text,
            "code_inline": self._code_inline,
            "link_open": self._link_open,
            "link_close": self._link_close,
            "image": self._image,
            "math_inline": self._inline_math,
            "math_inline_double": self._inline_math,
            "html_inline": self._html_inline,
            "footnote_ref": self._footnote_reference,
            "footnote_block_open": self._footnotes,
            "footnote_block_close": self._footnotes,
            "footnote_open": self._footnote,
            "footnote_close": self._footnote,
            "footnote_anchor": self._footnote_back,
        }

    def write(self, tokens: Sequence[Token]) -> None:
        """Write block or inline tokens."""
        for token in tokens:
            tag = self._tags.get(token.type)
            if tag is not None:
                self.out.append(tag)
                continue
            handler = self._handlers.get(token.type)
            if handler is not None:
                handler(token)
            elif token.children:
                self.write(token.children)
            elif token.content:
                self.out.append(_escape(token.content))

    # Blocks

    def _paragraph(self, token: Token) -> None:
        if not token.hidden:  # a tight list item's text has no paragraph
            self.out.append("<p>" if token.nesting > 0 else "</p>")

    def _heading(self, token: Token) -> None:
        tag = token.tag if token.tag in _HEADINGS else "h6"
        if token.nesting < 0:
            self.out.append(f"</{tag}>")
            return
        style = self._heading_styles.get(tag)
        self.out.append(f'<{tag} style="{style}">' if style else f"<{tag}>")

    def _list_open(self, token: Token) -> None:
        # Qt puts a paragraph's worth of space around every list, nested ones too.
        margin = 0 if self._list_depth else 4
        style = f"margin-top:{margin}px; margin-bottom:{margin}px"
        self._list_depth += 1
        self._task_lists.append("contains-task-list" in str(token.attrs.get("class", "")))
        if token.type == "ordered_list_open":
            start = token.attrs.get("start")
            number = f' start="{start}"' if isinstance(start, int) else ""
            self._numbers.append(start if isinstance(start, int) else 1)
            if token.markup == ")":
                # "1)" as written (CommonMark keeps the delimiter); Qt writes "1." else.
                style += "; -qt-list-number-suffix:')'"
            self.out.append(f'<ol{number} style="{style}">')
            return
        self._numbers.append(None)
        if "contains-task-list" in str(token.attrs.get("class", "")):
            self.out.append(f'<ul style="{style}; list-style-type:none">')  # ☐ ☑ are bullets
        else:
            self.out.append(f'<ul style="{style}">')

    def _list_close(self, token: Token) -> None:
        self._list_depth -= 1
        self._task_lists.pop()
        self._numbers.pop()
        self.out.append("</ol>" if token.type == "ordered_list_close" else "</ul>")

    def _box(self, token: Token) -> None:
        """A table: in a list item, its place depends on the text's size (a quote's too)."""
        self.list_room = self.list_room or self._list_depth > 0
        self.tables.append((self._list_depth + len(self._quotes), []))
        self.out.append(self._boxes[token.type])

    def _row(self, _token: Token) -> None:
        self._column = 0
        self.out.append("<tr>")

    def _quote_open(self, _token: Token) -> None:
        self.list_room = self.list_room or self._list_depth > 0  # see _box
        self._quotes.append(_OpenQuote(len(self.out)))
        self.out.append(self._quote_html[False][0])

    def _quote_close(self, _token: Token) -> None:
        # Its bar goes on the side its text starts from, known only now (from its first
        # letter, see _inline): an Arabic or Hebrew quote has it on the right.
        quote = self._quotes.pop()
        opening, closing = self._quote_html[quote.right_to_left is True]
        self.out[quote.at] = opening
        self.out.append(closing)

    def _cell(self, token: Token) -> None:
        self._cell_column, self._column = self._column, self._column + 1
        align = _ALIGN.get(str(token.attrs.get("style", "")), "left")
        if token.type == "th_open":
            self.out.append(
                f'<th align="{align}" bgcolor="{self._colors.table_header_bg}" '
                f'style="{_CELL_SIDES}">'
            )
        else:
            self.out.append(f'<td align="{align}" style="{_CELL_SIDES}">')

    def _code_block(self, token: Token) -> None:
        self.list_room = self.list_room or self._list_depth > 0  # see _box
        language = language_of(token.info)
        source = token.content.removesuffix("\n")  # markdown ends every block with one
        number = self._first_code + len(self.code_blocks)
        self.code_blocks.append(CodeBlock(language=language, source=source))
        code = None
        if not (self._streaming and token.type == "fence" and not self._closed(token)):
            code = highlight_html(source, language, dark=self._dark)
        if code is None:
            code = html.escape(source, quote=False)
        label = _escape(language[:_MAX_LABEL_CHARS] or "text")
        c = self._colors
        hang = self._code_hang
        hanging = f" margin-left:{hang}px; text-indent:-{hang}px;" if hang > 0 else ""
        header = (
            f'bgcolor="{c.code_header_bg}" style="padding:4px; padding-left:8px; padding-right:8px"'
        )
        self.out.append(
            f'<table width="100%" cellspacing="0" cellpadding="0" bgcolor="{c.code_bg}" '
            'style="margin-top:6px; margin-bottom:6px">'
            f'<tr><td {header}><span style="color:{c.muted}; font-size:small">{label}</span></td>'
            f'<td align="right" {header}><a href="{COPY_SCHEME}:{number}" '
            f'style="color:{c.link}; text-decoration:none; font-size:small">Copy</a></td></tr>'
            '<tr><td colspan="2" style="padding:8px">'
            # Left to right whatever its first letter: Qt gives a line that starts with
            # Arabic or Hebrew (a comment, a string) the right-to-left direction, which
            # pushed it to the right and its first row, pulled back by the hang, out of
            # the box.
            f'<pre dir="ltr" style="margin:0;{hanging} white-space:pre-wrap; '
            f'color:{c.code_text}">'
            f"{code}</pre>"
            "</td></tr></table>"
        )

    def _closed(self, fence: Token) -> bool:
        """Whether a fence token ends with a closing fence (not with the text)."""
        if fence.map is None or fence.map[1] - fence.map[0] < 2:
            return False
        if self._lines is None:
            self._lines = self._source.split("\n")
        last = fence.map[1] - 1
        line = self._lines[last].lstrip(" \t>").rstrip() if last < len(self._lines) else ""
        marker = fence.markup
        return len(line) >= len(marker) and line == marker[0] * len(line)

    def _display_math(self, token: Token) -> None:
        formula = self._formula(token.content, display=True, opener=token.markup or "$$")
        self.out.append(f'<p align="center">{formula}</p>')

    def _footnotes(self, token: Token) -> None:
        # The notes, after a rule, at the end of the message (the parser moves them there).
        if token.nesting > 0:
            self.out.append(self._tags["hr"] + '<ol style="margin-top:4px; margin-bottom:4px">')
        else:
            self.out.append("</ol>")

    def _footnote(self, token: Token) -> None:
        if token.nesting < 0:
            self.out.append("</li>")
            return
        name = FOOTNOTE_ANCHOR.format(n=_footnote_number(token))
        self.out.append(f'<li><a name="{name}"></a>')

    def _footnote_reference(self, token: Token) -> None:
        number = _footnote_number(token)
        name = FOOTNOTE_REFERENCE_ANCHOR.format(n=number, k=_footnote_use(token))
        target = FOOTNOTE_ANCHOR.format(n=number)
        self.out.append(
            f'<sup><a name="{name}" href="#{target}" '
            f'style="color:{self._colors.link}; text-decoration:none">{number}</a></sup>'
        )

    def _footnote_back(self, token: Token) -> None:
        target = FOOTNOTE_REFERENCE_ANCHOR.format(n=_footnote_number(token), k=_footnote_use(token))
        # U+FE0E: the arrow as text, not as an emoji.
        self.out.append(
            f' <a href="#{target}" style="color:{self._colors.link}; text-decoration:none">'
            "\u21a9\ufe0e</a>"
        )

    # Inline

    def _list_item(self, token: Token) -> None:
        number = self._numbers[-1] if self._numbers else None
        if number is not None:
            self.list_room = self.list_room or number >= _WIDE_NUMBER
            self._numbers[-1] = number + 1
        tasks = bool(self._task_lists and self._task_lists[-1])
        if number is None and not tasks:
            # The transcript draws the bullet: Qt's showed as a dotted box under a
            # selection (see app/ui/transcript/bullets.py).
            self.out.append('<li style="list-style-type:none">')
        else:
            self.out.append("<li>")
        task = "task-list-item" in str(token.attrs.get("class", ""))
        self._bullet_due = tasks and not task

    def _inline(self, token: Token) -> None:
        column = self._cell_column
        if column is not None and self.tables:
            columns = self.tables[-1][1]
            columns.extend([0] * (column + 1 - len(columns)))
            columns[column] = max(columns[column], width_units(token.content))
            self._cell_column = None
        if self._bullet_due:
            self._bullet_due = False
            self.out.append("\u2022 ")  # • as wide as ☐ and ☑, near enough
        direction = strong_direction(token.children or ())
        self._right_to_left = direction is True
        for quote in self._quotes:  # the first letter of a quote tells its direction
            if quote.right_to_left is None:
                quote.right_to_left = direction
        self.write(token.children or ())

    def _text(self, token: Token) -> None:
        self.out.append(_escape(token.content))

    def _code_inline(self, token: Token) -> None:
        color = self._colors.inline_code_bg
        code = f'<code style="background-color:{color}">{_escape(token.content)}</code>'
        # See app/rendering/bidi.py; a copy of the text leaves the isolates out.
        self.out.append(f"{LRI}{code}{PDI}" if self._right_to_left else code)

    def _link_open(self, token: Token) -> None:
        href = str(token.attrs.get("href", ""))
        # A link inside a link (an image link's label) cannot be an anchor of its own.
        anchor = is_safe_link(href) and not any(self._anchors)
        self._anchors.append(anchor)
        if anchor:
            self.links[href] = None
            self.out.append(f'<a href="{_escape(href)}" style="color:{self._colors.link}">')

    def _link_close(self, token: Token) -> None:
        if self._anchors.pop():
            self.out.append("</a>")

    def _image(self, token: Token) -> None:
        alt = _plain_text(token.children or ())
        label = _escape(f"[image: {alt}]" if alt else "[image]")
        src = str(token.attrs.get("src", ""))
        # Never loaded: an http(s) image is a link the user may choose to open.
        if src.lower().startswith(("http:", "https:")) and not any(self._anchors):
            self.links[src] = None
            color = self._colors.link
            self.out.append(f'<a href="{_escape(src)}" style="color:{color}">{label}</a>')
        else:
            self.out.append(label)

    def _inline_math(self, token: Token) -> None:
        tex = token.content.strip()
        if not tex:  # "$$ $$" in a heading or a table cell is no formula
            self.out.append(_escape(f"{token.markup}{token.content}{token.markup}"))
            return
        display = token.type == "math_inline_double"
        self.out.append(self._formula(tex, display=display, opener=token.markup))

    def _html_inline(self, token: Token) -> None:
        # With raw HTML disabled, only the task-list plugin makes these: its checkboxes.
        content = token.content
        if content.startswith("<input") and "task-list-item-checkbox" in content:
            self.out.append(_CHECKED if 'checked="checked"' in content else _UNCHECKED)
        else:
            self.out.append(_escape(content))

    def _formula(self, tex: str, *, display: bool, opener: str) -> str:
        # The TeX in the delimiters the answer used: what a copy of the text gives.
        source = f"{opener}{tex}{_CLOSERS.get(opener, opener)}"
        url = self._math.image_url(tex, display) if self._math is not None else None
        if url is None:
            failure = self._math.failure(tex, display) if self._math is not None else None
            if failure is not None:
                return self._failed_formula(source, failure)
            self.math_pending[MathRequest(tex=tex, display=display)] = None
            color = self._colors.math_placeholder
            return f'<code style="color:{color}">{_escape(tex)}</code>'
        if not url.startswith(f"{MATH_SCHEME}:"):
            raise ValueError(f"a math source gave {url!r}, not a {MATH_SCHEME}: URL")
        align = "" if display else ' style="vertical-align:middle"'
        return f'<img src="{_escape(url)}" alt="{_escape(source)}"{align}/>'

    def _failed_formula(self, source: str, failure: str) -> str:
        """TeX that could not be typeset: its source as written, underlined with a wavy
        line as a misspelt word is, and why on hover. In the placeholder's purple it
        looked like a formula still being typeset."""
        c = self._colors
        style = (
            f"color:{c.code_text}; text-underline-style:wave; text-decoration-color:{c.math_failed}"
        )
        title = _escape(f"{FAILED_FORMULA}: {failure}.")
        return f'<code title="{title}" style="{style}">{_escape(source)}</code>'


def _footnote_number(token: Token) -> int:
    meta = token.meta or {}
    return int(meta.get("id", 0)) + 1


def _footnote_use(token: Token) -> int:
    """Which reference to its footnote this is: 1 for the first."""
    meta = token.meta or {}
    return int(meta.get("subId", 0)) + 1


def _plain_text(tokens: Sequence[Token]) -> str:
    """The text of inline tokens without their markup (an image's alt text)."""
    parts: list[str] = []
    for token in tokens:
        if token.children:
            parts.append(_plain_text(token.children))
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type in ("text", "code_inline", "math_inline", "math_inline_double"):
            parts.append(token.content)
    return "".join(parts)
