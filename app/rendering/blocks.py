"""Where a streaming answer can be cut: finished markdown blocks are rendered once and kept.

The text before a cut renders the same whatever follows it, so the transcript re-renders
only the unfinished tail at each frame. Scanning is line by line and incremental: a
`StreamSplitter` fed the growing answer looks only at the new characters.

A cut is made before a line that starts in the first column and either
- follows a blank line, unless both it and the block before are list items (one list), or
- opens a fenced code block (a fence ends any paragraph, list or quote before it),
and never inside a fenced code block. Displayed math cannot hold a blank line (see
_syntax.py), and indented lines may continue a list item or a code block, so neither is
ever cut.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.rendering.highlight import language_of

if TYPE_CHECKING:
    from markdown_it.token import Token

_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
_LIST_ITEM = re.compile(r" {0,3}(?:[-+*]|[0-9]{1,9}[.)])( *)")
_BLANK = " \t\r"


@dataclass(frozen=True)
class OpenFence:
    """An unclosed fenced code block at the end of the text.

    Attributes:
        language: the language its info string names ("" if none).
        start: the offset of the opening fence line.
        body_start: the offset of the first line of code.
        body_end: the offset just after the last complete line of code (a partial
            last line is still arriving).
        indent: the spaces before the opening fence, removed from each line of code.
    """

    language: str
    start: int
    body_start: int
    body_end: int
    indent: int

    def lines(self, text: str) -> list[str]:
        """The complete lines of code so far, as the rendered block shows them."""
        body = text[self.body_start : self.body_end]
        lines = body.split("\n")[:-1] if body else []
        if self.indent:
            lines = [_dedent(line, self.indent) for line in lines]
        return lines


@dataclass
class _Fence:
    char: str
    length: int
    indent: int
    start: int
    body_start: int
    language: str
    item_indent: int  # in a list item: a line indented less ends the item, and the fence


class StreamSplitter:
    """Finds the stable prefix of a growing text, at a cost proportional to what was added.

    Feed it the whole text each time; the text may only grow (call reset() otherwise).

    Args:
        start: where to begin scanning (a line start); what comes before is taken as
            stable, so a prefix already known to be stable need not be scanned again.
    """

    def __init__(self, *, start: int = 0) -> None:
        self.reset(start=start)

    def reset(self, *, start: int = 0) -> None:
        """Forget the text: the next feed() starts a new one."""
        self._length = start
        self._line_start = start  # the first line not yet scanned
        self._search_from = start  # where the next line break may be
        self._stable = start
        self._cuts: list[int] = []
        self._fence: _Fence | None = None
        self._after_blank = False
        self._in_list = False
        self._item_indent = 0  # where the text of the last list item begins

    @property
    def stable(self) -> int:
        """The length of the stable prefix found so far."""
        return self._stable

    def cut_after(self, offset: int) -> int:
        """The first place to cut found so far at or after ``offset`` (else the stable
        prefix's length): where a later part of the stable text can start rendering."""
        index = bisect.bisect_left(self._cuts, offset)
        return self._cuts[index] if index < len(self._cuts) else self._stable

    def cut_before(self, offset: int) -> int:
        """The last place to cut found so far at or before ``offset`` (else 0): where
        the block holding ``offset`` starts."""
        index = bisect.bisect_right(self._cuts, offset)
        return self._cuts[index - 1] if index else 0

    def _cut(self, offset: int) -> None:
        if offset > self._stable:
            self._cuts.append(offset)
        self._stable = offset

    def feed(self, text: str) -> int:
        """Scan what was added since the last call; return the stable prefix's length.

        The result never decreases; it is always at the start of a line.
        """
        if len(text) < self._length:
            raise ValueError("a StreamSplitter's text may only grow; call reset() first")
        self._length = len(text)
        find = text.find
        while (end := find("\n", self._search_from)) >= 0:
            self._scan_line(text, self._line_start, end)
            self._line_start = self._search_from = end + 1
        self._search_from = len(text)
        return self._stable

    def open_fence(self) -> OpenFence | None:
        """The fenced code block still open at the end of the scanned text, if any."""
        fence = self._fence
        if fence is None:
            return None
        return OpenFence(
            language=fence.language,
            start=fence.start,
            body_start=fence.body_start,
            body_end=max(self._line_start, fence.body_start),
            indent=fence.indent,
        )

    def _scan_line(self, text: str, start: int, end: int) -> None:
        line = text[start:end]
        if self._fence is None and line[:1].isalpha():
            # Most lines: words from the first column, so no indentation, list item nor
            # fence; what the checks below come to for them, at a third of the cost.
            if self._after_blank:
                self._after_blank = False
                self._cut(start)
                self._in_list = False
            return
        content = line.lstrip(_BLANK)
        if self._fence is not None and self._inside_fence(line, content):
            return
        if not content:
            self._after_blank = True
            return
        after_blank = self._after_blank
        self._after_blank = False
        indent = _columns(line)
        if indent > 3:
            return  # indented code, or the text of a list item: never a place to cut
        item = _list_item(line)
        if item:
            self._item_indent = item
        opening = _fence_opening(line, content)
        if indent == 0 and opening is not None:
            self._cut(start)  # a fence ends any block before it
            self._in_list = False
        elif indent == 0 and after_blank:
            if not (item and self._in_list):
                self._cut(start)
            self._in_list = bool(item)
        elif item:
            self._in_list = True
        if opening is not None:
            self._open(text, opening, start, end, indent)

    def _inside_fence(self, line: str, content: str) -> bool:
        """Whether the line belongs to the open fence (as code or as its closing line)."""
        fence = self._fence
        assert fence is not None
        if fence.item_indent and content and _columns(line) < fence.item_indent:
            self._fence = None  # the list item ends here, and its code block with it
            return False
        if _closes(line, fence):
            self._fence = None
        else:
            self._after_blank = bool(fence.item_indent) and not content
        return True

    def _open(self, text: str, opening: re.Match[str], start: int, end: int, indent: int) -> None:
        # Whether an indented fence is code in a list item, or itself ends the list,
        # depends on the list item's indentation: markdown-it decides.
        item_indent = self._enclosing_item_indent(text, end) if indent else 0
        if not item_indent:
            self._in_list = False
        marker = opening.group(2)
        self._fence = _Fence(
            char=marker[0],
            length=len(marker),
            indent=indent,
            start=start,
            body_start=end + 1,
            language=language_of(opening.group(3)),
            item_indent=item_indent,
        )

    def _enclosing_item_indent(self, text: str, end: int) -> int:
        """The text indentation of the list item holding the fence ending at `end`, or 0."""
        # The parser is imported here, not at start-up: the window opens without it.
        from app.rendering._syntax import parser

        chunk = text[self._stable : end]
        md = parser()
        tokens: list[Token] = []
        md.block.parse(chunk, md, {}, tokens)
        fences = [token for token in tokens if token.type == "fence"]
        if not fences or fences[-1].level == 0:
            return 0
        # Only a top-level item (level 1, in its list) can hold a fence indented 1-3 spaces.
        items = [
            token.map[0]
            for token in tokens[: tokens.index(fences[-1])]
            if token.type == "list_item_open" and token.level == 1 and token.map
        ]
        if not items:
            return 0
        return _list_item(chunk.split("\n", items[-1] + 1)[items[-1]])


def stable_prefix_length(text: str) -> int:
    """The length of the longest prefix of complete blocks that later text cannot change."""
    return StreamSplitter().feed(text)


def open_fence(text: str, start: int) -> OpenFence | None:
    """The fenced code block left open at the end of `text[start:]`, if any.

    Args:
        text: the whole text; offsets in the result are into it.
        start: where the unstable tail begins (a line start, as stable_prefix_length gives).
    """
    splitter = StreamSplitter(start=start)
    splitter.feed(text)
    return splitter.open_fence()


def _fence_opening(line: str, content: str) -> re.Match[str] | None:
    if content[0] not in "`~":
        return None
    opening = _FENCE.match(line)
    if opening is not None and opening.group(2)[0] == "`" and "`" in opening.group(3):
        return None  # ```x` is inline code, not a fence
    return opening


def _list_item(line: str) -> int:
    """The column where a list item's text begins, if the line starts one, else 0."""
    match = _LIST_ITEM.match(line)
    if match is None:
        return 0
    marker, spaces = match.start(1), len(match.group(1))
    rest = line[match.end() :]
    if rest[:1] not in ("", "\t", "\r") and not spaces:
        return 0  # "-x" or "1.5" is text
    # One space when the text starts with a tab, with 5+ spaces (indented code) or is empty.
    return marker + (spaces if 1 <= spaces <= 4 and rest.strip(_BLANK) else 1)


def _columns(line: str) -> int:
    """The width of a line's indentation, a tab reaching the next multiple of 4."""
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _closes(line: str, fence: _Fence) -> bool:
    content = line.lstrip(" ")
    if len(line) - len(content) > fence.item_indent + 3 or not content.startswith(
        fence.char * fence.length
    ):
        return False
    return not content.lstrip(fence.char).strip(_BLANK)


def _dedent(line: str, indent: int) -> str:
    removable = len(line) - len(line.lstrip(" "))
    return line[min(indent, removable) :]
