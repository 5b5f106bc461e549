"""A message's QTextDocument, filled from markdown at a cost that does not grow with length.

While an answer streams, the text splits into a stable part (complete blocks, rendered
once and never touched again) and a tail (the unfinished last block). Finished blocks
are appended after the last stable block; only the tail is removed and rendered again,
and when new text only adds plain words to its last line, they are typed on instead.
So the work per frame depends on the new text and the tail, not on how long the
answer already is.

A server can send text far faster than it can be rendered. While the reader follows
the end, what they see is the newest text: far behind, the blocks in between are
skipped, leaving a gap that ``fill_gaps`` renders afterwards, piece by piece.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QTextCursor, QTextDocument, QTextDocumentFragment

from app.rendering.blocks import StreamSplitter, stable_prefix_length
from app.ui.transcript.code_wrap import code_hang, fit_wrap_indents
from app.ui.transcript.list_room import fit_list_room
from app.ui.transcript.wide_tables import fit_wide_tables, surely_fit

if TYPE_CHECKING:
    from app.rendering.markdown import CodeBlock, MathRequest, MathSource, Rendered


def render_markdown(text: str, **options: Any) -> Any:
    # markdown-it and Pygments are imported with the first message rendered, not at
    # start-up (a new chat shows none).
    from app.rendering.markdown import render_markdown as render

    return render(text, **options)


# An empty paragraph that Qt's HTML reader keeps. Inserted HTML merges its first
# paragraph into the block at the cursor; starting each piece with this one makes the
# merge harmless, so the real first block keeps its own format.
_SEPARATOR = '<p style="-qt-paragraph-type:empty; margin:0px;"><br /></p>'


# Characters that can change how the text before them renders (or start a construct):
# new text holding one re-renders the tail; text without any is only appended.
_MARKUP = re.compile(r"[\n\t*_`~\[\]()<>!#|$\\&=;]")


# A footnote's definition ("[^1]: note"). A reference renders as one only in a text that
# holds its definition, and notes are numbered and listed per text rendered: an answer
# with notes, streamed in pieces, is rendered again whole once it ends.
_FOOTNOTE_DEFINITION = re.compile(r"^[ >]*\[\^[^\]\s]+\]:", re.MULTILINE)
# Above this many characters an answer is not rendered again whole (a stall): its notes
# stay as streamed.
WHOLE_RENDER_LIMIT = 60_000


# Skip ahead when the stable text waiting to render is more than this many budgets.
SKIP_AHEAD_BUDGETS = 2


@dataclass
class _Gap:
    """Stable markdown ``[start, end)`` not rendered yet, due at document ``position``
    (the end of the block before it: pieces go in there as they go in at the end)."""

    start: int
    end: int
    position: int


@contextmanager
def laid_out_once(document: QTextDocument) -> Iterator[None]:
    """Changes made in the block are laid out once, when it ends: a frame's removal of
    the tail, its pieces and the tail again were each laid out in turn (the end of a
    20,000-token answer: 11.1 ms of rendering, 8.8 in one edit block)."""
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    try:
        yield
    finally:
        cursor.endEditBlock()


def _appends_plainly(before: str, extra: str, *, shown_as_typed: bool) -> bool:
    """Whether markdown ``before + extra`` renders as ``before`` followed by ``extra``
    as it is, in the format of ``before``'s last character.

    True only for plain words continuing a line that already holds a word: no markup
    in ``extra``; ``before`` not ending in markup (its last character is then plain
    text of its block, whose format the new text takes), nor in a space that rendering
    dropped (``shown_as_typed``: the text shown ends as ``before`` does); no double
    space (HTML would show one); and a last line with a space and a letter or digit, so
    that it is no setext underline, rule or bare list marker, which new text could turn
    into another block; and no web address in the word typed on (a link when rendered).
    """
    if not before or not extra or _MARKUP.search(extra):
        return False
    last = before[-1]
    # A bare address becomes a link: the word being typed on must not hold one. (Its
    # end only: the paragraph before it can be long, and this runs at every frame.)
    word = "" if last.isspace() else before[-300:].rsplit(None, 1)[-1]
    if "://" in word or "://" in word[-2:] + extra:
        return False
    if last == " " and not shown_as_typed:
        return False
    if not (last.isalnum() or last in " .,;:?'\"-/%@+"):
        return False
    if "  " in before[-1:] + extra[:1] or "  " in extra:
        return False
    line = before.rsplit("\n", 1)[-1].strip()
    return " " in line and any(c.isalnum() for c in line)


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
        append_plain_text: bool = True,
    ) -> None:
        self._document = document
        self._math = math
        self._dark = dark
        self._on_math_pending = on_math_pending
        self._append_plain_text = append_plain_text
        self._reset()

    def _reset(self) -> None:
        self._parts: list[str] = []
        self._text = ""
        self._splitter = StreamSplitter()
        self._stable_rendered = 0  # characters of markdown rendered as stable blocks
        self._tail_position: int | None = None  # document position where the tail starts
        self._tail_text = ""
        # The tail's rendering ends in a plain block of the main frame showing its last
        # character (no table, as code blocks and quotes are), where plain text can be
        # typed on: see _appends_plainly.
        self._tail_open = False
        self._typed_on = False  # the tail's last words were typed on, not rendered
        # In the order rendered (gaps are filled late): a block's index is its place here.
        self.code_blocks: list[CodeBlock] = []
        self._stable_codes = 0  # code blocks that belong to stable blocks
        self._gaps: list[_Gap] = []  # in text order; any text after them is rendered
        self.gaps_made = 0
        self.has_pending_math = False
        self._in_pieces = False  # rendered by more than one piece of markdown

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
        if not text:
            # Nothing to render (a spare item, an answer yet to come): no need to load
            # the renderer for that, which a spare built at start-up would do.
            self._document.setHtml("")
            return
        rendered = render_markdown(
            text,
            dark=self._dark,
            math=self._math,
            code_hang=code_hang(self._document.defaultFont()),
        )
        cursor = QTextCursor(self._document)
        if rendered.list_room:
            # The room lists need is measured on the text laid out.
            self._document.setHtml(rendered.html)
            end = self._document.characterCount()
            with laid_out_once(self._document):
                if rendered.code_blocks:
                    self._fit_wrap_indents(0, end, cursor)
                fit_list_room(self._document, 0, end, self._document.defaultFont(), cursor)
        else:
            # Laid out once with its code lines' indents: laid out, then again with them,
            # it took a long conversation a tenth longer to open. (Its tables are among
            # its frames only once the edit block ends: they are fitted after.)
            with laid_out_once(self._document):
                self._document.setHtml(rendered.html)
                if rendered.code_blocks:
                    self._fit_wrap_indents(0, self._document.characterCount(), cursor)
        self._fit_tables(rendered)  # in the room its list item leaves it
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

    def flush(
        self, *, final: bool = False, budget: int | None = None, skip_ahead: bool = False
    ) -> bool:
        """Bring the document up to date with the streamed text; True when it is.

        With ``final`` the tail is complete too and is rendered as stable. With a
        ``budget`` (characters), at most about that much stable text is rendered now
        and the tail waits: a server far faster than reading speed must not make one
        frame long enough to stall the window. Call again until it returns True.
        With ``skip_ahead`` (the reader follows the end), stable text more than
        SKIP_AHEAD_BUDGETS budgets behind is left in a gap for ``fill_gaps``.
        """
        text = self.text
        if (
            final
            and self._in_pieces
            and len(text) <= WHOLE_RENDER_LIMIT
            and _FOOTNOTE_DEFINITION.search(text)
        ):
            self.set_markdown(text)
            return True
        with laid_out_once(self._document):
            return self._bring_up_to_date(text, final=final, budget=budget, skip_ahead=skip_ahead)

    def _bring_up_to_date(
        self, text: str, *, final: bool, budget: int | None, skip_ahead: bool
    ) -> bool:
        stable = self._splitter.feed(text)
        if skip_ahead and budget is not None:
            self._skip_ahead(stable, budget)
        if final:
            stable = len(text)
        if stable > self._stable_rendered:
            end = stable
            if budget is not None and stable - self._stable_rendered > budget:
                window = text[self._stable_rendered : self._stable_rendered + budget]
                # A block boundary inside the budget; a single longer block goes whole
                # (it alone: all the stable text went with it, a stall in a flood).
                end = self._stable_rendered + stable_prefix_length(window)
                if end == self._stable_rendered:
                    cut = self._splitter.cut_after(end + 1)
                    # None yet: the final tail, stable now, is that block.
                    end = cut if end < cut < stable else stable
            self._remove_tail()
            self._insert(text[self._stable_rendered : end])
            self._stable_rendered = end
            if end < stable:
                return False
        tail = text[stable:]
        if tail != self._tail_text or (tail and self._tail_position is None):
            previous = self._tail_text
            if (
                self._append_plain_text
                and self._tail_open
                and self._tail_position is not None
                and tail.startswith(previous)
                and _appends_plainly(previous, tail[len(previous) :], shown_as_typed=self._typed_on)
            ):
                # Most frames of a stream add a few words to a paragraph: typing them
                # on costs far less than rendering the whole paragraph again.
                cursor = QTextCursor(self._document)
                cursor.movePosition(QTextCursor.MoveOperation.End)
                cursor.insertText(tail[len(previous) :])
                self._typed_on = True
            else:
                self._typed_on = False
                self._remove_tail()
                if tail:
                    cursor = QTextCursor(self._document)
                    cursor.movePosition(QTextCursor.MoveOperation.End)
                    self._tail_position = cursor.position()
                    self._insert(tail, is_tail=True)
                    at_end = QTextCursor(self._document)
                    at_end.movePosition(QTextCursor.MoveOperation.End)
                    shown = at_end.block().text().rstrip()
                    self._tail_open = (
                        at_end.currentTable() is None
                        and at_end.currentFrame() == self._document.rootFrame()
                        # The last block shows the tail's last character: no empty block
                        # after a table or a quote's frame, where typing would go astray.
                        and bool(shown)
                        and shown[-1] == tail.rstrip()[-1:]
                    )
            self._tail_text = tail
        return True

    def _skip_ahead(self, stable: int, budget: int) -> None:
        if stable - self._stable_rendered <= SKIP_AHEAD_BUDGETS * budget:
            return
        if self._document.isEmpty():
            # A gap needs a block before it (see _Gap): the first block renders, then
            # the newest text. (The first budget's worth rendered instead showed the
            # beginning for one frame, and the next, at once, jumped to the end.)
            first = self._splitter.cut_after(self._stable_rendered + 1)
            if first - self._stable_rendered > budget:
                return  # a long first block: it renders as the first piece
            self._insert(self.text[self._stable_rendered : first])
            self._stable_rendered = first
        cut = self._splitter.cut_after(stable - budget)
        if cut <= self._stable_rendered:
            return
        self._remove_tail()
        end = QTextCursor(self._document)
        end.movePosition(QTextCursor.MoveOperation.End)
        self._gaps.append(_Gap(self._stable_rendered, cut, end.position()))
        self.gaps_made += 1
        self._stable_rendered = cut

    def skip_to(self, offset: int, budget: int) -> bool:
        """Render the first block of the text appended, and leave the stable text from
        there to the block holding ``offset`` in a gap: what ``flush`` renders next is
        the text where a reader is (a long answer rendered anew for another look), and
        ``fill_gaps`` the rest above it. False, skipping nothing, when some text is
        rendered already, when that block is the first, or when the first block is
        longer than ``budget`` (it would be a stall of its own)."""
        if self._stable_rendered or not self._document.isEmpty():
            return False
        text = self.text
        self._splitter.feed(text)
        first = self._splitter.cut_after(1)
        start = self._splitter.cut_before(offset)
        if start <= first or first > budget:
            return False
        self._insert(text[:first])
        end = QTextCursor(self._document)
        end.movePosition(QTextCursor.MoveOperation.End)
        self._gaps.append(_Gap(first, start, end.position()))
        self.gaps_made += 1
        self._stable_rendered = start
        return True

    @property
    def has_gaps(self) -> bool:
        return bool(self._gaps)

    @property
    def first_gap_position(self) -> int | None:
        """Where in the document the first gap's text is due, if there is a gap."""
        return self._gaps[0].position if self._gaps else None

    def fill_gaps(self, budget: int | None = None) -> bool:
        """Render skipped text, the last gap first (filling it moves no earlier gap);
        with a ``budget``, about that much. True when no gap is left."""
        if not self._gaps:
            return True
        with laid_out_once(self._document):
            return self._fill_gaps(budget)

    def _fill_gaps(self, budget: int | None) -> bool:
        # The tail's code blocks are provisional and last in code_blocks: it goes, and
        # comes back once the gap's piece is in.
        had_tail = self._tail_position is not None
        self._remove_tail()
        while self._gaps:
            gap = self._gaps[-1]
            end = gap.end
            if budget is not None and end - gap.start > budget:
                window = self.text[gap.start : gap.start + budget]
                end = gap.start + stable_prefix_length(window)
                if end == gap.start:  # a single longer block: it alone
                    end = min(self._splitter.cut_after(gap.start + 1), gap.end)
            before = self._document.characterCount()
            self._insert(self.text[gap.start : end], at=gap.position)
            gap.position += self._document.characterCount() - before
            gap.start = end
            if gap.start >= gap.end:
                self._gaps.pop()
            if budget is not None:
                break
        if had_tail:
            self.flush(budget=budget)
        return not self._gaps

    def _remove_tail(self) -> None:
        if self._tail_position is None:
            return
        cursor = QTextCursor(self._document)
        cursor.setPosition(self._tail_position)
        # The block the tail began in is the stable text's last (a rule's, say): removing
        # a selection across blocks would give it the format of the tail's last block.
        kept = cursor.blockFormat()
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        cursor.setBlockFormat(kept)
        self._tail_position = None
        self._tail_text = ""
        self._tail_open = False
        # Code blocks of the tail were provisional.
        del self.code_blocks[self._stable_codes :]

    def _insert(self, markdown: str, *, is_tail: bool = False, at: int | None = None) -> None:
        """Render ``markdown`` at the end, or ``at`` a gap's position."""
        rendered = render_markdown(
            markdown,
            dark=self._dark,
            math=self._math,
            first_code_index=len(self.code_blocks),
            # An unfinished code block in the tail is left unhighlighted until it closes.
            streaming=is_tail,
            code_hang=code_hang(self._document.defaultFont()),
        )
        cursor = QTextCursor(self._document)
        if at is None:
            cursor.movePosition(QTextCursor.MoveOperation.End)
        else:
            cursor.setPosition(at)
        if self._document.isEmpty():
            html = rendered.html
        else:
            html = _SEPARATOR + rendered.html
            self._in_pieces = True
        fragment = QTextDocumentFragment.fromHtml(html)
        if rendered.list_room:
            fragment = self._with_list_room(fragment)
        if rendered.code_blocks:
            cursor.beginEditBlock()  # laid out once, with the code lines' indents
            start = cursor.position()
            cursor.insertFragment(fragment)
            self._fit_wrap_indents(start, cursor.position(), QTextCursor(self._document))
            cursor.endEditBlock()
        else:
            cursor.insertFragment(fragment)
        self._fit_tables(rendered)
        self.code_blocks.extend(rendered.code_blocks)
        if not is_tail:
            self._stable_codes = len(self.code_blocks)
        self._note_math(rendered.math_pending)

    def _fit_tables(self, rendered: Rendered) -> None:
        """Fit the document's tables to its width, unless those ``rendered`` just now
        surely fit (the others were fitted when they came)."""
        width = self._document.textWidth()
        if width <= 0 or not rendered.tables:
            return
        page = width - 2 * self._document.documentMargin()
        if not surely_fit(rendered.tables, page, self._document.defaultFont()):
            fit_wide_tables(self._document, width)

    def _fit_wrap_indents(self, start: int, end: int, cursor: QTextCursor) -> None:
        fit_wrap_indents(self._document, start, end, self._document.defaultFont(), cursor)

    def _with_list_room(self, fragment: QTextDocumentFragment) -> QTextDocumentFragment:
        """``fragment`` with the room its lists need (see list_room), made before it goes
        in. Not in the document: the tables an edit block inserts (a code block in a list
        item) are among its frames only once the block ends, and fitting them then laid
        the text out again, at every frame of such a list being streamed."""
        scratch = QTextDocument()  # never laid out, so nothing in it is ever loaded
        scratch.setDefaultFont(self._document.defaultFont())
        scratch.setIndentWidth(self._document.indentWidth())
        QTextCursor(scratch).insertFragment(fragment)
        cursor = QTextCursor(scratch)
        fit_list_room(scratch, 0, scratch.characterCount(), scratch.defaultFont(), cursor)
        return QTextDocumentFragment(scratch)

    def _note_math(self, pending: tuple[MathRequest, ...]) -> None:
        if pending:
            self.has_pending_math = True
            if self._on_math_pending is not None:
                self._on_math_pending(pending)
