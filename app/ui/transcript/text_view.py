"""One message's text: a read-only rich text view that loads nothing and opens nothing.

Model output is untrusted. The view never fetches a resource (only the formula images
Maestrale rendered itself), and a link is only reported on click; the transcript asks
the user before anything is opened.
"""

from __future__ import annotations

import functools
import html
from typing import Any, cast

import shiboken6
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QMimeData,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLine,
    QTextOption,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QTextEdit,
    QToolTip,
    QWidget,
)

from app.rendering.schemes import COPY_SCHEME, MATH_SCHEME
from app.ui.transcript.bullets import bullets_in, paint_bullets
from app.ui.transcript.code_wrap import code_hang, fit_wrap_indents
from app.ui.transcript.fitted_images import FittedImages
from app.ui.transcript.list_room import fit_list_room
from app.ui.transcript.table_edges import TableEdges
from app.ui.transcript.text_links import link_before, link_text_at, on_link
from app.ui.transcript.wide_tables import fit_wide_tables
from app.ui.transcript.wrapped_code_marks import paint_wrap_marks
from app.ui.unbroken_runs import UnbrokenRunWrapping

_CLICKS = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)


def anchor_position(document: QTextDocument, name: str) -> int | None:
    """Where the anchor named ``name`` (``<a name=...>``) is in ``document``."""
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if name in fragment.charFormat().anchorNames():
                return fragment.position()
            fragments += 1
        block = block.next()
    return None


def tab_stop(font: QFont) -> float:
    """Four columns of code: Qt's default, 80 px, spread Go's tab-indented code wide."""
    return _tab_stop(font.pointSizeF())


@functools.lru_cache(maxsize=16)  # every message asks; few sizes exist
def _tab_stop(points: float) -> float:
    code = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if points > 0:
        code.setPointSizeF(points)
    return QFontMetricsF(code).horizontalAdvance(" ") * 4


def list_indent(metrics: QFontMetrics) -> float:
    """How far each list level is indented: room for a marker such as "100." and a gap.

    Qt's default, 40 px whatever the font, pushed nested lists far to the right at
    ordinary sizes and left big numbers no room at large ones. A list with wider
    numbers ("2023.") gets the room they need on top (see list_room).
    """
    return float(metrics.horizontalAdvance("000. "))


def _sideways(event: QWheelEvent) -> QWheelEvent | None:
    """The turn of ``event`` across, for a horizontal scroll bar; None for a turn up or
    down.

    A horizontal wheel or a touchpad's sideways swipe turns mostly across; Shift turns
    an ordinary wheel across, as in browsers and editors. A turn with Control or Alt is
    left to the transcript, as before.
    """
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if modifiers & ~Qt.KeyboardModifier.ShiftModifier:
        return None
    angle, pixels = event.angleDelta(), event.pixelDelta()
    if abs(angle.x()) > abs(angle.y()):
        across, pixels_across = angle.x(), pixels.x()
    elif modifiers and angle.y():
        across, pixels_across = angle.y(), pixels.y()  # a turn down: to the right
    else:
        return None
    # Without Shift: with it, Qt's scroll bar steps a whole page at a time.
    return QWheelEvent(
        event.position(),
        event.globalPosition(),
        QPoint(pixels_across, 0),
        QPoint(across, 0),
        event.buttons(),
        Qt.KeyboardModifier.NoModifier,
        event.phase(),
        event.inverted(),
        event.source(),
        event.pointingDevice(),
    )


def _x_of(line: QTextLine, offset: int) -> float:
    # PySide gives (x, the position moved to) as an untyped object.
    x, _ = cast("tuple[float, int]", line.cursorToX(offset))
    return x


def _made_by_qt() -> QMimeData:
    """An empty QMimeData that Qt made, for the clipboard to keep.

    One made in Python is deleted through PySide, which needs Python still running: the
    clipboard of some platforms (offscreen, minimal) deletes its data only after Python
    has ended, and the program crashed as it quit after a copy. Qt's data for an empty
    selection has no format of its own and never adds one.
    """
    nothing_selected = QTextEdit()
    data: QMimeData = nothing_selected.createMimeDataFromSelection()
    return data


class MessageText(QTextBrowser):
    """A QTextBrowser sized to its whole text, without scroll bars of its own.

    Signals:
        link_activated(QUrl, str): an ordinary link was clicked (not yet opened); its
            words (for a warning when they name another address).
        copy_code(int): the Copy anchor of code block n was clicked.
        height_changed(): the text's height changed (layout or content).
        keyboard_moved(): Tab or Shift+Tab went to another of its links.
    """

    link_activated = Signal(QUrl, str)
    copy_code = Signal(int)
    keyboard_moved = Signal()
    height_changed = Signal()

    def __init__(self, images: Any, parent: QWidget | None = None) -> None:
        # Before the base class: Qt sends its scroll bars' events through eventFilter
        # from the start. The keyboard came with a click not yet seen here (on the
        # scroll bar, see focusInEvent), and where it was before.
        self._clicked_into = False
        self._focus_before: QWidget | None = None
        self._table_edges: TableEdges | None = None  # once the text scrolls sideways
        self._released_at: QPoint | None = None  # while a click is handled
        super().__init__(parent)
        self._images = images  # MathImages, or anything with image(url) -> QImage | None
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Sideways only for a table too wide for the message (see wide_tables), with a
        # scroll bar under the text: scrolled by the cursor alone, the start of each
        # line went out of sight with no way back.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        # The message sets the width to wrap at (set_text_width). In QTextEdit's default
        # mode the widget's own width would win: a new message, still 100 px wide until
        # its first layout, would have its whole text laid out at 100 px, then again.
        self.setLineWrapMode(QTextEdit.LineWrapMode.FixedPixelWidth)
        self.viewport().setAutoFillBackground(False)
        self.setAutoFillBackground(False)
        # Transparent through the palette: a style sheet per message costs a re-polish
        # of each one, noticeable when a long conversation opens.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(0, 0, 0, 0))
        self.setPalette(palette)
        document = self.document()
        document.setDocumentMargin(2)
        self._code_hang = 0  # of the code lines in the text (see _fit_to_font)
        # Rendered markdown (an answer), not plain text (a question): a copy of its
        # selection is made by plain_copy.
        self.markdown = True
        self._fit_to_font()
        layout = document.documentLayout()
        layout.documentSizeChanged.connect(self._on_size_changed)
        # Kept here: the layout holds only a pointer to it.
        self._fitted_images = FittedImages(self._image, self)
        layout.registerHandler(QTextFormat.ObjectTypes.ImageObject.value, self._fitted_images)
        self.anchorClicked.connect(self._on_anchor)
        self._height = 0
        self.horizontalScrollBar().installEventFilter(self)
        # A message holding a blob with no space in it took seconds to lay out.
        self._wrapping = UnbrokenRunWrapping(self)

    def hold_wrap_anywhere(self, held: bool) -> None:
        """Wrap anywhere whatever the text while ``held`` (see UnbrokenRunWrapping)."""
        self._wrapping.hold_anywhere(held)

    # Nothing is ever loaded: not from the network, not from the disk. An empty value,
    # not None: given nothing, QTextDocument falls back to reading a local file itself.
    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 - Qt override
        url = QUrl(name) if isinstance(name, str) else name
        if url.scheme() == MATH_SCHEME and kind == QTextDocument.ResourceType.ImageResource.value:
            # None when not drawn yet: not kept by the document, asked again later (and
            # no file has a math: address).
            return self._images.image(url)
        return QByteArray()

    def _image(self, url: QUrl) -> QImage | None:
        if url.scheme() != MATH_SCHEME or self._images is None:
            return None
        image: QImage | None = self._images.image(url)
        return image

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self._table_edges is not None and self._table_edges.handle(event):
            return True  # on a "More" button at a wide table's edge
        if event.type() in _CLICKS:
            # A click in the text: the keyboard it brought is the text's (see eventFilter).
            self._clicked_into, self._focus_before = False, None
        elif event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            # A formula says its TeX: drawn smaller to fit the column, it may be small.
            tex = self.formula_at(event.pos())
            if tex is not None:
                # TeX with a tag in it (x<b>y is a valid formula) made a rich tooltip:
                # markup of the answer's, which could load an image from a file.
                if "<" in tex or "&" in tex:
                    tex = f"<p style='white-space:pre-wrap'>{html.escape(tex)}</p>"
                QToolTip.showText(event.globalPos(), tex, self.viewport())
                return True
            if self._show_link_tip(event):
                return True
        elif event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            # A click on a link: anchorClicked comes from inside Qt's handling of it.
            self._released_at = event.position().toPoint()
            try:
                return super().viewportEvent(event)
            finally:
                self._released_at = None
        return super().viewportEvent(event)

    def _position_at(self, point: QPoint) -> int:
        """The place of the character drawn at ``point`` of the viewport (-1: none)."""
        bar = self.horizontalScrollBar()
        left = bar.maximum() - bar.value() if self.isRightToLeft() else bar.value()
        place = QPointF(point.x() + left, point.y() + self.verticalScrollBar().value())
        return self.document().documentLayout().hitTest(place, Qt.HitTestAccuracy.ExactHit)

    def _show_link_tip(self, event: QHelpEvent) -> bool:
        """A link's whole, true address (and the dialog's warnings) when hovered, as a
        browser shows it: the link's words may name another."""
        from app.rendering.links import address_lines, check_link, openable
        from app.ui.link_dialog import MAX_ADDRESS_LINES

        url = QUrl(self.anchorAt(event.pos()))
        address = url.toString()
        if not address or not openable(address):
            return False
        words = link_text_at(self.document(), self._position_at(event.pos()), url) or ""
        check = check_link(address, words)
        # Rich text, escaped: an address cannot make itself look like markup. Its lines
        # as they are (as many as the Open-link dialog shows before it scrolls: a long
        # one filled the screen), the warnings wrapped; shown while the pointer stays near.
        lines = address_lines(check.address, MAX_ADDRESS_LINES)
        shown = "<br>".join(html.escape(line) for line in lines)
        tip = f"<p style='white-space:pre'>{shown}</p>" + "".join(
            f"<p>⚠ {html.escape(warning)}</p>" for warning in check.warnings
        )
        height = self.fontMetrics().height()
        near = QRect(event.pos() - QPoint(4 * height, height), QSize(8 * height, 2 * height))
        QToolTip.showText(event.globalPos(), tip, self.viewport(), near)
        return True

    def formula_at(self, point: QPoint) -> str | None:
        """The TeX of the formula drawn at ``point`` of the viewport, if one is."""
        document = self.document()
        place = QPointF(point)
        position = document.documentLayout().hitTest(place, Qt.HitTestAccuracy.FuzzyHit)
        if position < 0:
            return None
        # The nearest place between two characters: the formula is before or after it.
        for at in (position, position - 1):
            block = document.findBlock(at)
            layout = block.layout()
            offset = at - block.position()
            if not block.isValid() or layout is None or not 0 <= offset < block.length() - 1:
                continue
            cursor = QTextCursor(document)
            cursor.setPosition(at + 1)
            text_format = cursor.charFormat()
            if not text_format.isImageFormat():
                continue
            line = layout.lineForTextPosition(offset)
            if not line.isValid():
                continue
            origin = document.documentLayout().blockBoundingRect(block).topLeft()
            left = origin.x() + _x_of(line, offset)
            right = origin.x() + _x_of(line, offset + 1)
            top = origin.y() + line.y()
            if min(left, right) <= place.x() <= max(left, right) and (
                top <= place.y() <= top + line.height()
            ):
                alt = text_format.property(QTextFormat.Property.ImageAltText)
                return alt if isinstance(alt, str) and alt else None
        return None

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 - Qt override
        # Plain text only: Qt's HTML of the selection names formula images no other
        # program can load, and carries the code blocks' "Copy" links.
        if not self.markdown:
            return super().createMimeDataFromSelection()
        from app.ui.transcript.plain_copy import selected_text  # on the first copy

        data = _made_by_qt()
        data.setText(selected_text(self.textCursor()))
        return data

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == COPY_SCHEME:
            try:
                self.copy_code.emit(int(url.path()))
            except ValueError:
                return
            return
        if not url.scheme() and not url.path() and url.hasFragment():
            # "#fn1": a footnote or its reference, in this message; nothing to open.
            self.go_to_anchor(url.fragment())
            return
        if self._released_at is not None:  # clicked
            at = self._position_at(self._released_at)
        else:  # Enter on the link Tab went to: it is selected
            cursor = self.textCursor()
            at = cursor.selectionStart() if cursor.hasSelection() else cursor.position()
        self.link_activated.emit(url, link_text_at(self.document(), at, url) or "")

    def go_to_anchor(self, name: str) -> bool:
        """Bring the anchor ``name`` of this text into view; False if there is none.

        The transcript scrolls, not this view (it is as tall as its text): the nearest
        scroll area around it is asked to show the place, a third of a page from the top.
        """
        position = anchor_position(self.document(), name)
        if position is None:
            return False
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        self.setTextCursor(cursor)  # keyboard selection carries on from there
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        canvas = area.widget() if area is not None else None
        if area is not None and canvas is not None:
            rect = self.cursorRect(cursor)
            point = self.viewport().mapTo(canvas, rect.topLeft())
            margin = area.viewport().height() // 3
            bar = area.verticalScrollBar()
            if not bar.value() <= point.y() <= bar.value() + area.viewport().height() - margin:
                bar.setValue(max(0, point.y() - margin))
        return True

    def _on_size_changed(self) -> None:
        height = self.text_height()
        if height != self._height:
            self._height = height
            self.setFixedHeight(height)
            self.height_changed.emit()

    def text_height(self) -> int:
        height = int(self.document().size().height()) + 2
        if self.document().size().width() > self.lineWrapColumnOrWidth() + 1:
            height += self.horizontalScrollBar().sizeHint().height()  # a wide table's
        return height

    # Not height-for-width on purpose: layouts probe other widths (100 px, say) and each
    # probe would lay the whole document out again. The message sets the width itself
    # (set_text_width) and the view takes the height it then has (a fixed height).

    def set_text_width(self, width: int) -> None:
        self._set_width(width)

    def _set_width(self, width: int) -> None:
        # setTextWidth lays the whole document out again, even for the same width: on a
        # long answer that would cost more at every frame. Only a real change pays it.
        width = max(1, width)
        if self.lineWrapColumnOrWidth() != width or self.document().textWidth() != width:
            if self.markdown:
                fit_wide_tables(self.document(), width)
            self.setLineWrapColumnOrWidth(width)

    # Shift+Tab retraces Tab's steps. Tab comes into the text itself (no link chosen),
    # then goes to each of its links, then on to the next control. Qt's Shift+Tab went
    # from the text itself to its last link instead of back, and from its first link
    # out past the text; coming back into it, it stopped on the text before its links.

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt override
        if not next:
            cursor = self.textCursor()
            if not cursor.hasSelection():  # the text itself: back to the control before
                return QTextEdit.focusNextPrevChild(self, next)
            if on_link(cursor) and not link_before(self.document(), cursor.selectionStart()):
                cursor.clearSelection()  # from the first link: to the text itself
                self.setTextCursor(cursor)
                self.keyboard_moved.emit()
                return True
        moved = super().focusNextPrevChild(next)
        if moved and self.hasFocus():  # to a link of this text (Qt signals nothing)
            self.keyboard_moved.emit()
        return moved

    def _enter_from_below(self) -> None:
        """Shift+Tab came into the text from the control after it: to its last link, as
        Tab leaves the text from there (none: the text itself)."""
        document = self.document()
        if not link_before(document, document.characterCount()):
            return
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)
        QTextBrowser.focusNextPrevChild(self, False)  # no link chosen: from the end
        self.keyboard_moved.emit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.FontChange:
            # Before the base class lays the text out in the new font, so the text is
            # laid out once, not again for the indent.
            self._fit_to_font()
            if self.markdown:  # its tables' columns, for words of another size
                fit_wide_tables(self.document(), self.lineWrapColumnOrWidth(), self.font())
        super().changeEvent(event)

    def _fit_to_font(self) -> None:
        """List indents and tab stops in proportion to the text's size."""
        document = self.document()
        indent = list_indent(self.fontMetrics())
        if indent != document.indentWidth():
            document.setIndentWidth(indent)
            if self.markdown:
                self._fit_list_room()
        tab = tab_stop(self.font())
        option = document.defaultTextOption()
        if option.tabStopDistance() != tab:
            option.setTabStopDistance(tab)
            document.setDefaultTextOption(option)
        hang = code_hang(self.font())
        if hang != self._code_hang:
            self._code_hang = hang
            self._fit_code_hang()

    def _fit_code_hang(self) -> None:
        # Rendered in the font before: their wrapped rows stay in line with the marks.
        document = self.document()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()  # laid out once, not line by line
        fit_wrap_indents(document, 0, document.characterCount(), self.font(), cursor)
        cursor.endEditBlock()

    def _fit_list_room(self) -> None:
        # Numbers and boxes of lists, in the new font and indent (see list_room).
        document = self.document()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        fit_list_room(document, 0, document.characterCount(), self.font(), cursor)
        cursor.endEditBlock()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        self._fitted_images.selected.forget()
        super().paintEvent(event)
        if self.markdown:
            self._paint_over_qt(QRectF(event.rect()))
            paint_wrap_marks(
                self.viewport(),
                self.document(),
                QRectF(event.rect()),
                QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value()),
                hang=self._code_hang,
                text_color=self.palette().color(QPalette.ColorRole.Text),
            )
            if self._table_edges is None and self.horizontalScrollBar().maximum() > 0:
                self._table_edges = TableEdges(self, self._keyboard_back)
            if self._table_edges is not None:
                self._table_edges.paint(QRectF(event.rect()))

    def _paint_over_qt(self, shown: QRectF) -> None:
        """What the view draws itself: the bullets of the lists in sight (see bullets),
        and the formulas under a selection over the shade Qt lays on them (see
        selected_formulas)."""
        offset = QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        found = bullets_in(self.document(), shown.translated(offset))
        selected = self._fitted_images.selected
        if found or selected:
            painter = QPainter(self.viewport())
            painter.setClipRect(shown)
            selected.paint(painter)  # in the view's coordinates, as Qt drew them
            painter.translate(-offset)
            paint_bullets(painter, found, self.palette().text())
            painter.end()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.width(), self.text_height())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        # Not when only the height changed (the text's, see _on_size_changed): the width
        # the message set for its next layout (set_text_width) would be undone.
        if event.size().width() != event.oldSize().width():
            self._set_width(event.size().width())
        super().resizeEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        # The transcript scrolls up and down, not each message. Across, a message wider
        # than its view (a wide table) scrolls itself, at its ends too: the transcript
        # would take a Shift+wheel for a page down.
        bar = self.horizontalScrollBar()
        across = _sideways(event) if bar.maximum() > 0 else None
        if across is None:
            event.ignore()
            return
        QApplication.sendEvent(bar, across)
        event.accept()

    # A click on the scroll bar (a wide table's) gave the text the keyboard, and with it
    # a caret, in text nobody clicked: Qt gives a click's focus to the nearest widget
    # that takes one, and the bar takes none. The keyboard goes back where it was (the
    # message field, say); a click in the text still brings it to the text.

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        if event.reason() == Qt.FocusReason.BacktabFocusReason:
            self._enter_from_below()
        if event.reason() == Qt.FocusReason.MouseFocusReason:
            self._clicked_into = True
            # Where the keyboard was: Qt says so once this event is handled.
            app = cast("QApplication", QApplication.instance())
            app.focusChanged.connect(self._on_clicked_into, Qt.ConnectionType.SingleShotConnection)

    def _on_clicked_into(self, before: QWidget | None, _now: QWidget | None) -> None:
        self._focus_before = before

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self._clicked_into, self._focus_before = False, None
        super().focusOutEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.horizontalScrollBar() and event.type() in _CLICKS:
            self._keyboard_back()
        return super().eventFilter(watched, event)

    def _keyboard_back(self) -> None:
        """A click that was not in the text (its scroll bar, a "More" button) gives the
        keyboard it brought back to where it was."""
        if not self._clicked_into:
            return
        before = self._focus_before
        self._clicked_into, self._focus_before = False, None
        if self.hasFocus():
            if (
                before is not None
                and shiboken6.isValid(before)
                and before.isVisible()
                and before.isEnabled()
            ):
                before.setFocus(Qt.FocusReason.OtherFocusReason)
            else:
                self.clearFocus()
