"""Search results in the sidebar: the conversation's title, then the text around the match
with the matching words in bold. Title matches show the title with its match in bold.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from functools import lru_cache
from itertools import accumulate
from typing import Any, TypeAlias

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.store import SearchHit
from app.store.snippet_marks import ELLIPSIS, MATCH_END, MATCH_START
from app.ui.sidebar.delegate import PADDING_X, RADIUS, blend, muted
from app.ui.sidebar.line_breaks import segments
from app.ui.sidebar.search import match_runs, plain_snippet, snippet_html
from app.ui.text_direction import holds_right_to_left, line_option

_Index: TypeAlias = QModelIndex | QPersistentModelIndex
SNIPPET_LINES = 2
PADDING_Y = 6


class SearchRole(IntEnum):
    CONVERSATION_ID = Qt.ItemDataRole.UserRole + 1
    MESSAGE_ID = Qt.ItemDataRole.UserRole + 2
    """The matching message's id, or "" for a title match."""
    TITLE_HTML = Qt.ItemDataRole.UserRole + 3
    """The title as rich text, its matching words in bold."""
    SNIPPET_HTML = Qt.ItemDataRole.UserRole + 4
    """Rich text around the match ("" for a title match)."""
    TITLE_MARKED = Qt.ItemDataRole.UserRole + 5
    """The title with ``MATCH_START``/``MATCH_END`` around matches (what is painted)."""
    SNIPPET_MARKED = Qt.ItemDataRole.UserRole + 6
    """The snippet with match markers ("" for a title match)."""


class SearchResultsModel(QAbstractListModel):
    """The hits of one query, one a conversation, in the store's order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self.query = ""

    def set_results(self, query: str, hits: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        self.query = query
        self._hits = list(hits)
        self.endResetModel()

    def clear(self) -> None:
        self.set_results("", [])

    def hit_at(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        hit = self.hit_at(index.row())
        if hit is None:
            return None
        title_hit = hit.message_id is None
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.conversation_title
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            if title_hit:
                return f"{hit.conversation_title} (title)"
            return f"{hit.conversation_title}: {plain_snippet(hit.snippet)}"
        if role == SearchRole.CONVERSATION_ID:
            return hit.conversation_id
        if role == SearchRole.MESSAGE_ID:
            return hit.message_id or ""
        if role == SearchRole.TITLE_HTML:
            return snippet_html(hit.title_snippet or hit.conversation_title)
        if role == SearchRole.SNIPPET_HTML:
            return "" if title_hit else snippet_html(hit.snippet)
        if role == SearchRole.TITLE_MARKED:
            return hit.title_snippet or hit.conversation_title
        if role == SearchRole.SNIPPET_MARKED:
            return "" if title_hit else hit.snippet
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid() or self.hit_at(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


def paint_marked(
    painter: QPainter,
    area: QRect,
    marked: str,
    *,
    fonts: tuple[QFont, QFont],
    colors: tuple[QColor, QColor],
    lines: int,
) -> None:
    """Draw ``marked`` text word-wrapped into ``lines`` lines of ``area``, matches bold.

    ``fonts`` and ``colors`` are (other text, matches); text that does not fit ends
    with "…". Text with Hebrew, Arabic or the like is drawn a line at a time, each a
    QTextLayout in the text's direction: right to left from the right, mixed with Latin
    words in the order Qt draws them (drawn word by word from the left, it came out
    mirrored). Other text is drawn a word at a time: a drawText per word costs a small
    fraction of a millisecond a row; a QTextDocument with the same rich text takes a
    millisecond or more to lay out.
    """
    keys = (fonts[0].toString(), fonts[1].toString())
    metrics = (_metrics(keys[0])[1], _metrics(keys[1])[1])
    line_height = metrics[0].lineSpacing()
    placed = _placed(marked, *keys, area.width(), lines)
    plain = marked.replace(MATCH_START, "").replace(MATCH_END, "")
    if not holds_right_to_left(plain):  # most text: a word at a time, at half the cost
        for line, x, text, bold in placed:
            painter.setFont(fonts[bold])
            painter.setPen(colors[bold])
            baseline = area.top() + line * line_height + metrics[0].ascent()
            painter.drawText(QPointF(area.left() + x, baseline), text)
        return
    option = line_option(plain)
    formats = (_char_format(fonts[0], colors[0]), _char_format(fonts[1], colors[1]))
    for line, runs in enumerate(line_runs(placed, metrics)):
        layout = QTextLayout("".join(text for text, _ in runs), fonts[0])
        layout.setTextOption(option)
        ranges: list[QTextLayout.FormatRange] = []
        start = 0
        for text, bold in runs:
            piece = QTextLayout.FormatRange()
            # Qt counts UTF-16 units: an emoji is two (counted as one, the formats
            # after it slid and split it).
            length = len(text.encode("utf-16-le")) // 2
            piece.start, piece.length, piece.format = start, length, formats[bold]
            ranges.append(piece)
            start += length
        layout.setFormats(ranges)
        layout.beginLayout()
        text_line = layout.createLine()
        text_line.setLineWidth(area.width())
        layout.endLayout()
        # On the line's baseline in the text's own font (a fallback font's taller
        # ascent, an emoji's, would move the line down).
        baseline = area.top() + line * line_height + metrics[0].ascent()
        layout.draw(painter, QPointF(area.left(), baseline - text_line.ascent()))


def _char_format(font: QFont, color: QColor) -> QTextCharFormat:
    char_format = QTextCharFormat()
    char_format.setFont(font)
    char_format.setForeground(color)
    return char_format


def line_runs(
    placed: list[tuple[int, int, str, bool]], metrics: tuple[QFontMetrics, QFontMetrics]
) -> list[list[tuple[str, bool]]]:
    """The lines of ``lay_out_marked``'s pieces, each as its runs in reading order (a
    space where pieces were apart): to lay out in the text's direction."""
    lines: list[list[tuple[str, bool]]] = []
    end = 0
    for line, x, text, bold in placed:
        while len(lines) <= line:
            lines.append([])
            end = 0
        if lines[line] and x > end:
            lines[line].append((" ", False))
        lines[line].append((text, bold))
        end = x + metrics[bold].horizontalAdvance(text)
    return lines


def lay_out_marked(
    marked: str, metrics: tuple[QFontMetrics, QFontMetrics], width: int, lines: int
) -> list[tuple[int, int, str, bool]]:
    """Where each piece of ``marked`` goes: (line, x, text, is a match).

    Lines break at spaces, and between Chinese and Japanese characters (``segments``):
    text without spaces fitted whole or was dropped ("会話223…" for a title). Laid out
    before anything is drawn: text cut at the last line ends with "…", and when "…"
    does not fit after the last piece that does, that piece gives way to it (it was
    left out, and a cut title looked whole).
    """
    placed: list[tuple[int, int, str, bool]] = []
    x = line = 0
    for unit in _units(match_runs(marked)):
        advance = sum(metrics[bold].horizontalAdvance(text) for text, bold in unit)
        if all(text.isspace() for text, _ in unit):
            x += advance if x else 0  # no space at the start of a line
            continue
        if x and x + advance > width:
            if line + 1 == lines:
                return _end_with_ellipsis(placed, metrics, width, line)
            line, x = line + 1, 0
        for text, bold in unit:
            shown = text
            advance = metrics[bold].horizontalAdvance(text)
            if x + advance > width:  # one word wider than the line
                shown = metrics[bold].elidedText(text, Qt.TextElideMode.ElideRight, width - x)
                advance = metrics[bold].horizontalAdvance(shown)
            placed.append((line, x, shown, bold))
            x += advance
            if shown != text:
                break
    return placed


def _units(runs: list[tuple[str, bool]]) -> list[list[tuple[str, bool]]]:
    """The text of ``runs`` in the pieces a line breaks between (``segments``), each as
    its parts in and out of matches: "熊猫…" stays together across the match's end."""
    plain = "".join(text for text, _ in runs)
    ends = list(accumulate(len(text) for text, _ in runs))
    units: list[list[tuple[str, bool]]] = []
    start = run = 0
    for segment in segments(plain):
        end = start + len(segment)
        unit: list[tuple[str, bool]] = []
        while start < end:
            while ends[run] <= start:
                run += 1
            stop = min(end, ends[run])
            unit.append((plain[start:stop], runs[run][1]))
            start = stop
        units.append(unit)
    return units


def _end_with_ellipsis(
    placed: list[tuple[int, int, str, bool]],
    metrics: tuple[QFontMetrics, QFontMetrics],
    width: int,
    line: int,
) -> list[tuple[int, int, str, bool]]:
    ellipsis = metrics[0].horizontalAdvance(ELLIPSIS)
    at = 0  # the ellipsis's place: after the last word it fits after
    while placed and placed[-1][0] == line:
        _, x, text, bold = placed[-1]
        end = x + metrics[bold].horizontalAdvance(text)
        if end + ellipsis <= width:
            at = end
            break
        at = x
        placed.pop()
    return [*placed, (line, at, ELLIPSIS, False)]


def lead_in(marked: str, metrics: QFontMetrics, width: int, room: int = 0) -> str:
    """``marked`` with the words before its first match cut to ``width`` pixels or less
    (an ellipsis in their place), so the match shows in a narrow sidebar's two lines;
    whole when all of it fits in ``room`` pixels (its lines' widths together).

    Snippets keep a sentence's worth of context before the match: in the sidebar that
    could push the match past the last line, where it was cut off.
    """
    before, found, after = marked.partition(MATCH_START)
    if not found or metrics.horizontalAdvance(before) <= width:
        return marked
    # A bold match is a little wider: a tenth more room taken, to be safe.
    plain = marked.replace(MATCH_START, "").replace(MATCH_END, "")
    if metrics.horizontalAdvance(plain) * 1.1 <= room:
        return marked  # nothing hidden: cutting its start would only lose words
    # The match in sight with the text's end cut: its start kept ("Plan a trip to
    # Sicily #…", not "…a trip to Sicily #51", read as another title).
    match = metrics.horizontalAdvance(after.partition(MATCH_END)[0]) * 1.1
    if metrics.horizontalAdvance(f"{before}{ELLIPSIS}") + match <= room:
        return marked
    # Cut where a line may break: at a word, or a character of Chinese or Japanese.
    pieces = segments(before.removeprefix(ELLIPSIS))
    while pieces and (
        pieces[0].isspace() or metrics.horizontalAdvance(ELLIPSIS + "".join(pieces)) > width
    ):
        pieces.pop(0)
    return ELLIPSIS + "".join(pieces) + found + after


def room_in(marked: str, metrics: QFontMetrics, width: int, lines: int) -> int:
    """The width of ``marked`` that ``lines`` lines of ``width`` pixels surely hold:
    each line but the last breaks before a word that does not fit, and may end up to
    that word's width (and a space) short."""
    plain = marked.replace(MATCH_START, "").replace(MATCH_END, "")
    widest = max(
        (metrics.horizontalAdvance(piece) for piece in segments(plain) if not piece.isspace()),
        default=0,
    )
    return lines * width - (lines - 1) * (widest + metrics.horizontalAdvance(" "))


def title_font_for(font: QFont) -> QFont:
    """A hit's title: semi-bold where the font has such a face; else regular, as a
    bold face for both left the title's matching words (bold) unmarked (DejaVu Sans,
    Linux's usual font, has no semi-bold)."""
    return QFont(_title_font(font.toString()))  # a copy: the cached one stays as it is


@lru_cache(maxsize=8)
def _title_font(font_key: str) -> QFont:
    font = _metrics(font_key)[0]
    title = QFont(font)
    title.setWeight(QFont.Weight.DemiBold)
    bold = QFont(font)
    bold.setWeight(QFont.Weight.Bold)
    if QFontInfo(title).styleName() == QFontInfo(bold).styleName():
        title.setWeight(QFont.Weight.Normal)
    return title


def shown_snippet(snippet: str, font: QFont, width: int) -> str:
    """The snippet as painted in ``width`` pixels: the match on the first line, after at
    most half a line of context, unless the snippet fits whole in its lines."""
    return _shown_snippet(snippet, font.toString(), width)


# Remembered, as the rows' layouts below: a row's height asks for its snippet, its paint
# again, and every repaint (a hover, a scroll step, the keyboard's row moving) once more;
# measured word by word, a row took a millisecond each time.
@lru_cache(maxsize=512)
def _shown_snippet(snippet: str, font_key: str, width: int) -> str:
    metrics = _metrics(font_key)[1]
    return lead_in(snippet, metrics, width // 2, room_in(snippet, metrics, width, SNIPPET_LINES))


@lru_cache(maxsize=512)
def _title_shown(title: str, font_key: str, width: int) -> str:
    # A long title's match shows too, as the snippet's does.
    return lead_in(title, _metrics(font_key)[1], width // 2, width)


@lru_cache(maxsize=512)
def _placed(
    marked: str, font_key: str, bold_key: str, width: int, lines: int
) -> list[tuple[int, int, str, bool]]:
    metrics = (_metrics(font_key)[1], _metrics(bold_key)[1])
    return lay_out_marked(marked, metrics, width, lines)


@lru_cache(maxsize=8)
def _metrics(font_key: str) -> tuple[QFont, QFontMetrics, QFontMetrics]:
    font = QFont()
    font.fromString(font_key)
    bold = QFont(font)
    bold.setWeight(QFont.Weight.Bold)
    return font, QFontMetrics(font), QFontMetrics(bold)


@lru_cache(maxsize=2048)
def _snippet_lines(snippet: str, font_key: str, width: int) -> int:
    _, metrics, bold = _metrics(font_key)
    plain = snippet.replace(MATCH_START, "").replace(MATCH_END, "")
    if metrics.horizontalAdvance(plain) * 1.1 <= width:
        return 1  # most short snippets: no layout needed
    # One line or more is all there is to know: a run's width, not each word's (a
    # pixel or two spare for the words' own rounding).
    shown = _shown_snippet(snippet, font_key, width).strip()
    both = (metrics, bold)
    wide = sum(both[is_match].horizontalAdvance(run) for run, is_match in match_runs(shown))
    return 1 if wide + 2 <= width else SNIPPET_LINES


def snippet_lines(snippet: str, font: QFont, width: int) -> int:
    """How many lines (1 to SNIPPET_LINES) ``snippet`` takes in ``width`` pixels."""
    # Remembered: the view asks every row's height again at each relayout.
    return _snippet_lines(snippet, font.toString(), width)


class SearchResultDelegate(QStyledItemDelegate):
    """Two parts per hit: the title line, then one or two lines of snippet."""

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: _Index
    ) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()
        width = option.rect.width()
        view = self.parent()
        if isinstance(view, QListView):  # the option's rect has no width here
            width = view.viewport().width()
        width = width or 200
        snippet = str(index.data(SearchRole.SNIPPET_MARKED) or "")
        lines = 1
        if snippet:  # a one-line snippet left a blank band under it (a three-line row)
            lines += snippet_lines(snippet, option.font, max(1, width - 2 * PADDING_X))
        return QSize(width, lines * line + 2 * PADDING_Y + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state = option.state
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = palette.color(QPalette.ColorRole.Text)
        box = QRectF(rect.adjusted(4, 1, -4, -1))
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(blend(palette.color(QPalette.ColorRole.Highlight), 0.30))
            painter.drawRoundedRect(box, RADIUS, RADIUS)
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(blend(text, 0.08))
            painter.drawRoundedRect(box, RADIUS, RADIUS)
        font = QFont(option.font)
        bold = QFont(font)
        bold.setWeight(QFont.Weight.Bold)
        title_font = title_font_for(font)
        line = QFontMetrics(font).lineSpacing()
        content = rect.adjusted(PADDING_X, PADDING_Y, -PADDING_X, -PADDING_Y)
        title_area = QRect(content.left(), content.top(), content.width(), line)
        paint_marked(
            painter,
            title_area,
            _title_shown(
                str(index.data(SearchRole.TITLE_MARKED) or ""),
                title_font.toString(),
                title_area.width(),
            ),
            fonts=(title_font, bold),
            colors=(text, text),
            lines=1,
        )
        snippet = str(index.data(SearchRole.SNIPPET_MARKED) or "")
        if snippet:
            top = content.top() + line
            area = QRect(content.left(), top, content.width(), SNIPPET_LINES * line)
            paint_marked(
                painter,
                area,
                shown_snippet(snippet, font, area.width()),
                fonts=(font, bold),
                # On the chosen row's tint the secondary colour read 1.9:1: its text
                # colour there (the matches stay bold).
                colors=(text if selected else muted(palette), text),
                lines=SNIPPET_LINES,
            )
        painter.restore()


class SearchResultsView(QListView):
    """The list of hits. Enter or a click chooses one.

    Signals:
        result_chosen(int): the row of the hit to open.
    """

    result_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setAccessibleName("Search results")
        self.setItemDelegate(SearchResultDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMouseTracking(True)
        self.setWordWrap(True)
        # Each row's height follows its snippet's lines at the list's width.
        self.setUniformItemSizes(False)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        # Rows measured a few dozen at a time: a keystroke's 200 results do not hold
        # the typing up.
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(40)
        self.clicked.connect(lambda index: self.result_chosen.emit(index.row()))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the rows' lines are taller or shorter
            self.scheduleDelayedItemsLayout()

    def move_current(self, step: int) -> None:
        """Move the current hit by ``step`` rows (the search field's Up/Down)."""
        count = self.model().rowCount() if self.model() else 0
        if count == 0:
            return
        row = self.currentIndex().row()
        row = 0 if row < 0 else max(0, min(count - 1, row + step))
        self.setCurrentIndex(self.model().index(row, 0))

    def choose_current(self) -> bool:
        """Choose the current hit (the first when none is current); False when empty."""
        model = self.model()
        if model is None or model.rowCount() == 0:
            return False
        row = max(0, self.currentIndex().row())
        self.result_chosen.emit(row)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.choose_current()
            event.accept()
            return
        super().keyPressEvent(event)
