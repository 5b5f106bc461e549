"""The header of a long code block kept in sight: its language and Copy, pinned at the
top of the transcript while the block's top is scrolled away and part of it still shows.

A code block is a table in its message's document (see app/rendering/markdown.py): a
header row (the language, a "Copy" link) over the code. Where each block is, and how its
header looks (fonts, colours, where its words are), is read from the document: the block
at the view's top is found by a hit test, and kept while its message's text is laid out
as it was; a scroll step costs a lookup, not a walk of the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextTable,
)
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QPushButton, QWidget

from app.rendering.schemes import COPY_SCHEME

if TYPE_CHECKING:
    from app.ui.transcript.item import MessageItem

_COPY_PAD = 6  # pixels of the pinned Copy's target on each side of the word


@dataclass(frozen=True)
class CodeBox:
    """Where a code block's box is, in its document's coordinates."""

    number: int  # its Copy anchor's: maestrale-copy:<number>
    top: float
    bottom: float
    left: float
    right: float
    header: float  # the header row's height
    copy_position: int  # where its "Copy" is in the text
    end: int  # the text position of its end


@dataclass(frozen=True)
class HeaderLook:
    """How a code block's header looks: its words, where they are drawn (from the box's
    top left corner), their fonts and colours."""

    label: str
    label_rect: QRectF
    copy_rect: QRectF
    label_font: QFont
    copy_font: QFont
    label_color: str
    copy_color: str
    background: str


def _copy_number(block: QTextBlock) -> int | None:
    fragments = block.begin()
    while not fragments.atEnd():
        href = fragments.fragment().charFormat().anchorHref()
        if href.startswith(f"{COPY_SCHEME}:"):
            number = href.removeprefix(f"{COPY_SCHEME}:")
            return int(number) if number.isdigit() else None
        fragments += 1
    return None


def _code_box(document: QTextDocument, table: QTextTable) -> CodeBox | None:
    if table.rows() != 2 or table.columns() != 2:
        return None
    copy_block = table.cellAt(0, 1).firstCursorPosition().block()
    number = _copy_number(copy_block)
    if number is None:
        return None
    layout = document.documentLayout()
    label_cell = table.cellAt(0, 0)
    code_cell = table.cellAt(1, 0)
    padding = label_cell.format().toTableCellFormat()
    label_at = layout.blockBoundingRect(label_cell.firstCursorPosition().block())
    copy_at = layout.blockBoundingRect(copy_block)
    last = layout.blockBoundingRect(code_cell.lastCursorPosition().block())
    top = label_at.top() - padding.topPadding()
    return CodeBox(
        number=number,
        top=top,
        bottom=last.bottom() + code_cell.format().toTableCellFormat().bottomPadding(),
        left=min(label_at.left(), copy_at.left()) - padding.leftPadding(),
        right=max(label_at.right(), copy_at.right()) + padding.rightPadding(),
        header=label_at.bottom() + padding.bottomPadding() - top,
        copy_position=copy_block.position(),
        end=table.lastPosition(),
    )


def header_look(document: QTextDocument, box: CodeBox) -> HeaderLook | None:
    """How the header of the code block ``box`` looks (None: it is not there)."""
    cursor = QTextCursor(document)
    cursor.setPosition(box.copy_position)
    table = cursor.currentTable()
    if table is None or table.rows() != 2 or table.columns() != 2:
        return None
    layout = document.documentLayout()
    label_cell = table.cellAt(0, 0)
    label_block = label_cell.firstCursorPosition().block()
    copy_block = table.cellAt(0, 1).firstCursorPosition().block()
    label_format = label_block.begin().fragment().charFormat()
    copy_format = copy_block.begin().fragment().charFormat()
    # Fonts as the document resolved them: its default font, "small" scaled from it.
    label_font = label_format.font()
    copy_font = copy_format.font()
    corner = QPointF(box.left, box.top)
    label_at = layout.blockBoundingRect(label_block)
    copy_at = layout.blockBoundingRect(copy_block)
    return HeaderLook(
        label=label_block.text(),
        label_rect=_text_rect(label_block, label_at, label_font).translated(-corner),
        copy_rect=_text_rect(copy_block, copy_at, copy_font).translated(-corner),
        label_font=label_font,
        copy_font=copy_font,
        label_color=label_format.foreground().color().name(),
        copy_color=copy_format.foreground().color().name(),
        background=label_cell.format().background().color().name(),
    )


def _text_rect(block: QTextBlock, at: QRectF, font: QFont) -> QRectF:
    """Where a header cell's words are drawn (its line aligns them left or right)."""
    line = block.layout().lineAt(0) if block.layout().lineCount() else None
    if line is None:
        width = QFontMetricsF(font).horizontalAdvance(block.text())
        return QRectF(at.left(), at.top(), width, at.height())
    text = line.naturalTextRect()
    return QRectF(at.left() + text.left(), at.top() + text.top(), text.width(), text.height())


def code_table_at(document: QTextDocument, y: float) -> QTextTable | None:
    """The code block's table at height ``y`` of ``document``, if one is there: a hit
    test, not a walk of the text (a long answer has hundreds of blocks, and the view
    looks at every scroll step, at every frame of a stream that it follows)."""
    layout = document.documentLayout()
    # The middle of the text column: a code block spans its column, in a list item or
    # a quote too (in from the left, or the right in a right-to-left answer).
    middle = document.textWidth() / 2 if document.textWidth() > 0 else 1.0
    position = layout.hitTest(QPointF(middle, y), Qt.HitTestAccuracy.FuzzyHit)
    if position < 0:
        return None
    cursor = QTextCursor(document)
    cursor.setPosition(position)
    # The innermost table: code holds no table of its own, so it is the block's or none.
    return cursor.currentTable()


class _Geometry:
    """The code box at a place of the message the view's top is in: found by a hit test,
    and kept while that message's text is laid out as it was, so that the scroll steps
    through one block look it up once."""

    def __init__(self) -> None:
        self._layout: tuple[str, QTextDocument, int, float, float] | None = None
        self._boxes: dict[int, CodeBox | None] = {}  # by their table's first position

    def box_at(self, message_id: str, item: MessageItem, y: float) -> CodeBox | None:
        document = item.text.document()
        # Its text (the revision), its width, and its height (formulas, a theme or a
        # text size lay it out anew, and change its revision or its size).
        layout = (
            message_id,
            document,
            document.revision(),
            document.textWidth(),
            document.documentLayout().documentSize().height(),
        )
        if layout != self._layout:
            self._layout = layout
            self._boxes.clear()
        table = code_table_at(document, y)
        if table is None:
            return None
        first = table.firstPosition()
        if first not in self._boxes:
            self._boxes[first] = _code_box(document, table)
        return self._boxes[first]

    def clear(self) -> None:
        self._layout = None
        self._boxes.clear()


class PinnedCodeHeader(QFrame):
    """A copy of a code block's header (language and Copy), pinned at the top of the
    view over the block whose top is scrolled away (see ``follow``). Its Copy copies
    the block as the block's own Copy does; it never takes the keyboard."""

    def __init__(self, viewport: QWidget) -> None:
        super().__init__(viewport)
        self.setObjectName("pinnedCodeHeader")
        self.setAccessibleName("Code block header")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # A click gives the keyboard to the nearest widget under it that takes one: the
        # transcript, behind this header. The header takes it instead, for the widget
        # that has it already (its focus proxy): a click on Copy leaves it there.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._keep_keyboard_in_place)
        self._label = QLabel(self)
        self._label.setTextFormat(Qt.TextFormat.PlainText)  # the model's words
        self._label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setObjectName("pinnedCodeCopy")
        self.copy_button.setAccessibleName("Copy code")
        self.copy_button.setToolTip("Copy this code")
        self.copy_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.copy_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.copy_button.clicked.connect(self._copy)
        self._geometry = _Geometry()
        self._item: MessageItem | None = None
        self._box: CodeBox | None = None
        self._look: HeaderLook | None = None
        self._style = ""
        self.hide()

    def _keep_keyboard_in_place(self, _before: QWidget | None, _now: QWidget | None) -> None:
        # The window's, not the application's: a click that activates the window again
        # gives it back to the widget the window remembers.
        keeper = self.window().focusWidget()
        if keeper is None or keeper is self or self.isAncestorOf(keeper):
            self.setFocusProxy(cast("QWidget", None))  # none (Qt takes a null pointer)
            self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        elif keeper is not self.focusProxy():
            # The policy before the proxy: Qt sets a widget's policy on its focus proxy
            # too, and the widget with the keyboard (the message field, a tool call's
            # Run) lost its place in the Tab order, for good.
            self.setFocusProxy(cast("QWidget", None))
            self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            self.setFocusProxy(keeper)

    @property
    def language(self) -> str:
        """The language shown ("" while hidden)."""
        return self._label.text() if self.isVisible() else ""

    @property
    def code_number(self) -> int | None:
        """The number of the code block pinned, None while none is."""
        return self._box.number if self._box is not None and self.isVisible() else None

    def forget(self) -> None:
        """The messages shown went (another conversation, another branch)."""
        self._geometry.clear()
        self._item = None
        self._box = None
        self.hide()

    def follow(
        self,
        view_top: int,
        message: tuple[str, MessageItem] | None,
        canvas: QWidget,
        canvas_y: int,
    ) -> None:
        """Pin the header of the code block of ``message`` under the view's top edge.

        Args:
            view_top: the view's top in the canvas's coordinates.
            message: the message (id, widget) the view's top is in, if any.
            canvas: the widget the messages are laid out on.
            canvas_y: where the canvas's top is in the viewport (minus the scrolling).
        """
        found = self._box_at(view_top, message, canvas)
        if found is None:
            if self.isVisible():
                self.hide()
            self._item = None
            self._box = None
            return
        item, box, origin = found
        self._item = item
        if box is not self._box:  # found again: the text changed or was laid out anew
            look = header_look(item.text.document(), box)
            if look is None:
                self.hide()
                return
            # Shown again only when it looks different (a theme, a text size): a stream
            # changes the text at every frame, mostly not this block.
            if box != self._box or look != self._look:
                self._show_box(box, look)
            self._box, self._look = box, look
        # Down with the view's top; up with the block's end, never over what follows.
        top = min(view_top, origin.y() + round(box.bottom) - self.height())
        x = origin.x() + round(box.left)
        if self.pos() != QPoint(x, top + canvas_y):
            self.move(x, top + canvas_y)
        if not self.isVisible():
            self._keep_keyboard_in_place(None, None)
            self.show()
            self.raise_()

    def _box_at(
        self, view_top: int, message: tuple[str, MessageItem] | None, canvas: QWidget
    ) -> tuple[MessageItem, CodeBox, QPoint] | None:
        if message is None:
            return None
        message_id, item = message
        text = item.text
        if not text.markdown or not text.isVisible() or item.editing:
            return None
        # The document's origin on the canvas (a wide table scrolls the text sideways).
        origin = text.viewport().mapTo(canvas, QPoint(-text.horizontalScrollBar().value(), 0))
        y = view_top - origin.y()
        box = self._geometry.box_at(message_id, item, y)
        if box is None:
            return None
        # Pinned once the block's own header starts to go out of sight, while some of
        # the block is still in view below the pinned one.
        if not box.top < y < box.bottom:
            return None
        return item, box, origin

    def _show_box(self, box: CodeBox, look: HeaderLook) -> None:
        style = _style(look)
        if style != self._style:  # first: a style sets sizes of its own
            self._style = style
            self.setStyleSheet(style)
        self.resize(round(box.right - box.left), round(box.header))
        self._label.setText(look.label)
        self.copy_button.setAccessibleDescription(f"Copies the {look.label} code block")
        self._label.setFont(look.label_font)
        self.copy_button.setFont(look.copy_font)
        label = look.label_rect.toAlignedRect()
        copy = look.copy_rect.toAlignedRect()
        # Room up to the Copy (on its left in a right-to-left answer): the same words
        # measured by a label may take a pixel more than in the document.
        if copy.x() >= label.x():
            label.setRight(copy.x() - 8)
            self._label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        else:
            label.setLeft(copy.right() + 8)
            self._label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._label.setGeometry(label)
        # A target as tall as the header, a little wider than the word, centred on
        # where the block's own "Copy" is.
        pad = _COPY_PAD
        self.copy_button.setFixedSize(copy.width() + 2 * pad, round(box.header))
        self.copy_button.move(copy.x() - pad, 0)

    def _copy(self) -> None:
        if self._item is not None and self._box is not None:
            self._item.copy_code(self._box.number)


def _style(look: HeaderLook) -> str:
    # Its own rules: the application's push button (a framed, padded box) must not show.
    return (
        f"#pinnedCodeHeader {{ background: {look.background}; border: none; }}\n"
        f"#pinnedCodeHeader QLabel {{ color: {look.label_color}; background: transparent; "
        f"font-size: {look.label_font.pointSizeF():.2f}pt; font-weight: normal; }}\n"
        f"#pinnedCodeCopy {{ color: {look.copy_color}; background: transparent; border: none; "
        f"padding: 0; margin: 0; min-height: 0; border-radius: 0; "
        f"font-size: {look.copy_font.pointSizeF():.2f}pt; font-weight: normal; }}\n"
        "#pinnedCodeCopy:hover { text-decoration: underline; }\n"
    )
