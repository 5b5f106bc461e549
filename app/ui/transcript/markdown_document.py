"""A message's QTextDocument, filled from markdown at a cost that does not grow with length.

While an answer streams, the text splits into a stable part (complete blocks, rendered
once and never touched again) and a tail (the unfinished last block, re-rendered at
each frame). Finished blocks are appended after the last stable block; only the tail
is removed and replaced. So the work per frame depends on the new text and the tail,
not on how long the answer already is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QTextCursor, QTextDocument, QTextDocumentFragment

from app.rendering.blocks import StreamSplitter, stable_prefix_length

if TYPE_CHECKING:
    from app.rendering.markdown import CodeBlock, MathRequest, MathSource


def render_markdown(text: str, **options: Any) -> Any:
    # markdown-it and Pygments are imported with the first message rendered, not at
    # start-up (a new chat shows none).
    from app.rendering.markdown import render_markdown as render

    return render(text, **options)


# An empty paragraph that Qt's HTML reader keeps. Inserted HTML merges its first
# paragraph into the block at the cursor; starting each piece with this one makes the
# merge harmless, so the real first block keeps its own format.
_SEPARATOR = '<p style="-qt-paragraph-type:empty; margin:0px;"><br /></p>'


class MarkdownDocument:
    """Renders markdown into ``document``, all at once or incrementally while streaming.

    Args:
        document: the QTextDocument of the message's view.
        math: gives formula images that are ready (see ``MathImages``).
        dark: render for a dark background.
        on_math_pending: told formulas that are not rendered yet.
    """

    def __init__(
        self,
        document: QTextDocument,
        *,
        math: MathSource | None,
        dark: bool,
        on_math_pending: Callable[[tuple[MathRequest, ...]], None] | None = None,
    ) -> None:
        self._document = document
        self._math = math
        self._dark = dark
        self._on_math_pending = on_math_pending
        self._reset()

    def _reset(self) -> None:
        self._parts: list[str] = []
        self._text = ""
        self._splitter = StreamSplitter()
        self._stable_rendered = 0  # characters of markdown rendered as stable blocks
        self._tail_position: int | None = None  # document position where the tail starts
        self._tail_text = ""
        self.code_blocks: list[CodeBlock] = []
        self._stable_codes = 0  # code blocks that belong to stable blocks
        self.has_pending_math = False

    @property
    def text(self) -> str:
        if self._parts:
            self._text += "".join(self._parts)
            self._parts.clear()
        return self._text

    def set_dark(self, dark: bool) -> None:
        self._dark = dark

    def set_markdown(self, text: str) -> None:
        """Replace everything with ``text`` rendered at once (a finished message)."""
        self._reset()
        rendered = render_markdown(text, dark=self._dark, math=self._math)
        self._document.setHtml(rendered.html)
        self._text = text
        self._stable_rendered = len(text)
        self.code_blocks = list(rendered.code_blocks)
        self._stable_codes = len(self.code_blocks)
        self._note_math(rendered.math_pending)

    def append(self, piece: str) -> None:
        """Queue more streamed text; ``flush`` shows it (the view calls it once a frame)."""
        self._parts.append(piece)

    @property
    def dirty(self) -> bool:
        return bool(self._parts)

    def flush(self, *, final: bool = False, budget: int | None = None) -> bool:
        """Bring the document up to date with the streamed text; True when it is.

        With ``final`` the tail is complete too and is rendered as stable. With a
        ``budget`` (characters), at most about that much stable text is rendered now
        and the tail waits: a server far faster than reading speed must not make one
        frame long enough to stall the window. Call again until it returns True.
        """
        text = self.text
        stable = len(text) if final else self._splitter.feed(text)
        if stable > self._stable_rendered:
            end = stable
            if budget is not None and stable - self._stable_rendered > budget:
                window = text[self._stable_rendered : self._stable_rendered + budget]
                # A block boundary inside the budget; a single longer block goes whole.
                end = self._stable_rendered + (
                    stable_prefix_length(window) or (stable - self._stable_rendered)
                )
            self._remove_tail()
            self._insert(text[self._stable_rendered : end])
            self._stable_rendered = end
            if end < stable:
                return False
        tail = text[stable:]
        if tail != self._tail_text or (tail and self._tail_position is None):
            self._remove_tail()
            if tail:
                cursor = QTextCursor(self._document)
                cursor.movePosition(QTextCursor.MoveOperation.End)
                self._tail_position = cursor.position()
                self._insert(tail, is_tail=True)
            self._tail_text = tail
        return True

    def _remove_tail(self) -> None:
        if self._tail_position is None:
            return
        cursor = QTextCursor(self._document)
        cursor.setPosition(self._tail_position)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._tail_position = None
        self._tail_text = ""
        # Code blocks of the tail were provisional.
        del self.code_blocks[self._stable_codes :]

    def _insert(self, markdown: str, *, is_tail: bool = False) -> None:
        rendered = render_markdown(
            markdown,
            dark=self._dark,
            math=self._math,
            first_code_index=len(self.code_blocks),
            # An unfinished code block in the tail is left unhighlighted until it closes.
            streaming=is_tail,
        )
        cursor = QTextCursor(self._document)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        html = rendered.html if self._document.isEmpty() else _SEPARATOR + rendered.html
        cursor.insertFragment(QTextDocumentFragment.fromHtml(html))
        self.code_blocks.extend(rendered.code_blocks)
        if not is_tail:
            self._stable_codes = len(self.code_blocks)
        self._note_math(rendered.math_pending)

    def _note_math(self, pending: tuple[MathRequest, ...]) -> None:
        if pending:
            self.has_pending_math = True
            if self._on_math_pending is not None:
                self._on_math_pending(pending)
