"""Widgets that arrange their children for the width they get: side by side where there
is room, one under the other where there is not (large text in a narrow window
scrolled the settings pages sideways, their right part out of sight)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QGridLayout,
    QLabel,
    QLayout,
    QListView,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionComboBox,
    QStyleOptionViewItem,
    QStylePainter,
    QWidget,
)

from app.ui.flow_layout import FlowLayout

LABEL_GAP = 4  # px between a label and the field under it


def least_width(widget: QWidget) -> int:
    """The least width a layout gives ``widget``, as Qt's layouts reckon it: its
    minimum width if set, else its minimum size hint, or its size hint where its size
    policy does not let it shrink (push buttons, spin boxes); 0 when hidden."""
    if widget.isHidden():
        return 0
    if widget.minimumWidth() > 0:
        return widget.minimumWidth()
    policy = widget.sizePolicy().horizontalPolicy()
    if policy == QSizePolicy.Policy.Ignored:
        return 0
    least = widget.minimumSizeHint().width()
    if not policy.value & QSizePolicy.PolicyFlag.ShrinkFlag.value:
        least = max(least, widget.sizeHint().width())
    return least


def _wanted(widget: QWidget) -> int:
    """The width ``widget`` asks a layout for (0 when hidden)."""
    if widget.isHidden():
        return 0
    return max(widget.sizeHint().width(), least_width(widget))


def roomy_width(widget: QWidget) -> int:
    """The least width at which ``widget`` shows its widest arrangement (its children
    side by side): what a row needs to keep it beside its label, an editor beside its
    list. For a column of widgets (a card), that of its roomiest one."""
    least = least_width(widget)
    if widget.isHidden():
        return 0
    if isinstance(widget, FitsItsWidth):
        return max(widget.roomy_width(), least)
    layout = widget.layout()
    if layout is None:
        return least
    margins = widget.contentsMargins()
    return max(least, layout_roomy_width(layout) + margins.left() + margins.right())


def layout_roomy_width(layout: QLayout) -> int:
    """``roomy_width`` for what ``layout`` holds: a column's roomiest item, a row's items
    side by side, a flow on one line; other layouts as they are."""
    if isinstance(layout, FlowLayout):
        return layout.sizeHint().width()
    if not isinstance(layout, QBoxLayout):
        return layout.minimumSize().width()
    widths = []
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None or item.isEmpty():
            continue
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widths.append(roomy_width(widget))
        elif inner is not None:
            widths.append(layout_roomy_width(inner))
        else:
            widths.append(item.minimumSize().width())
    margins = layout.contentsMargins()
    sides = margins.left() + margins.right()
    if layout.direction() in (QBoxLayout.Direction.TopToBottom, QBoxLayout.Direction.BottomToTop):
        return max(widths, default=0) + sides
    return sum(widths) + max(0, layout.spacing()) * max(0, len(widths) - 1) + sides


class FitsItsWidth(QWidget):
    """A widget that arranges its children for its width (``fit``): when resized, and
    when their needs change without a resize (a new text size asks for a layout).

    Its minimum size hint is that of its narrowest arrangement, so that layouts may give
    it less than its widest one needs; ``roomy_width`` says what that one needs."""

    def fit(self, width: int) -> None:
        raise NotImplementedError

    def roomy_width(self) -> int:
        """The least width of its widest arrangement."""
        return self.minimumSizeHint().width()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_now(event.size().width())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._fit_now(self.width())
        return super().event(event)

    def _fit_now(self, width: int) -> None:
        self.fit(width)
        # A new arrangement takes its place at once, not at the next turn of the event
        # loop: until then its children stood where the old one put them.
        layout = self.layout()
        if layout is not None and self.isVisible():
            layout.activate()


class TwoWays(FitsItsWidth):
    """Laid out one of two ways: its roomy one (side by side) where its width has room
    for it (``roomy_width``), else its narrow one; ``arrange`` lays out either."""

    _roomy: bool | None = None

    @property
    def roomy(self) -> bool:
        return bool(self._roomy)

    def fit(self, width: int) -> None:
        self.lay_out(roomy=width >= self.roomy_width())

    def lay_out(self, *, roomy: bool) -> None:
        if roomy is not self._roomy:
            self._roomy = roomy
            self.arrange(roomy)

    def arrange(self, roomy: bool) -> None:
        raise NotImplementedError


class LabelledRows(TwoWays):
    """Fields with their labels beside them, or above them when the page is too narrow
    for both (large text in a narrow window: the page scrolled sideways).

    A row without a label (None) holds what belongs to the field above it, a problem
    with it or a hint: under that field, beside or not.
    """

    def __init__(
        self,
        rows: list[tuple[QLabel | None, QWidget]],
        parent: QWidget | None = None,
        *,
        spacing: int = 14,
        label_spacing: int = 18,
        style_margins: bool = False,
        centre_labels: bool = False,
    ) -> None:
        super().__init__(parent)
        self._rows = rows
        self._spacing = spacing
        self._label_alignment = Qt.AlignmentFlag.AlignVCenter if centre_labels else None
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._style_margins = style_margins  # around a box of its own, while beside
        self._grid.setHorizontalSpacing(label_spacing)
        self.lay_out(roomy=True)

    @property
    def beside(self) -> bool:
        return self.roomy

    def _labels(self) -> list[QLabel]:
        return [name for name, _field in self._rows if name is not None]

    def _widest_label(self) -> int:
        labels = self._labels()
        return max(
            (max(n.sizeHint().width(), n.minimumSizeHint().width()) for n in labels), default=0
        )

    def _fields(self) -> int:
        return max((least_width(field) for _name, field in self._rows), default=0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # As narrow as the labels above the fields allow.
        hint = super().minimumSizeHint()
        return QSize(max(self._widest_label(), self._fields()) + self._sides(), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # The labels beside the fields, stacked or not: given only the stacked width
        # where there is room for more, the rows would stay stacked.
        hint = super().sizeHint()
        fields = max((_wanted(field) for _name, field in self._rows), default=0)
        beside = self._widest_label() + self._grid.horizontalSpacing() + fields
        return QSize(beside + self._sides(), hint.height())

    def roomy_width(self) -> int:
        fields = max((roomy_width(field) for _name, field in self._rows), default=0)
        return self._widest_label() + self._grid.horizontalSpacing() + fields + self._beside_sides()

    def _beside_sides(self) -> int:
        if not self._style_margins:
            return 0
        style = self.style()
        left = style.pixelMetric(QStyle.PixelMetric.PM_LayoutLeftMargin, None, self)
        return left + style.pixelMetric(QStyle.PixelMetric.PM_LayoutRightMargin, None, self)

    def _sides(self) -> int:
        margins = self._grid.contentsMargins()
        return margins.left() + margins.right()

    def arrange(self, roomy: bool) -> None:
        beside = roomy  # the labels beside their fields
        grid = self._grid
        for name, field in self._rows:
            if name is not None:
                grid.removeWidget(name)
            grid.removeWidget(field)
        # Stacked, a label sits close over its field, the rows apart as beside; the
        # page is narrow, the room goes to the fields.
        grid.setVerticalSpacing(self._spacing if beside else LABEL_GAP)
        if self._style_margins:
            sides = -1 if beside else 0  # -1: the style's
            grid.setContentsMargins(sides, sides, sides, sides)
        line = 0
        for name, field in self._rows:
            if name is not None:
                above = 0 if beside or line == 0 else self._spacing - LABEL_GAP
                name.setContentsMargins(0, above, 0, 0)
                if beside and self._label_alignment is not None:
                    grid.addWidget(name, line, 0, self._label_alignment)
                else:
                    grid.addWidget(name, line, 0)
                if not beside:
                    line += 1
            grid.addWidget(field, line, 1 if beside else 0)
            line += 1
        grid.setColumnStretch(0, 0 if beside else 1)
        grid.setColumnStretch(1, 1 if beside else 0)


class Beside(TwoWays):
    """``second`` at the right of ``first`` where there is room for both, else under it
    at its left: a button beside the line it acts on, or under it.

    Args:
        least_characters: beside ``second``, ``first`` keeps room for about this many
            characters (a field squeezed to "Past…" is of no use).
        alignments: side by side, where each stands in the row (vertically; none: as
            tall as the row).
    """

    def __init__(
        self,
        first: QWidget,
        second: QWidget,
        *,
        spacing: int,
        least_characters: int = 0,
        alignments: tuple[Qt.AlignmentFlag, Qt.AlignmentFlag] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._first = first
        self._second = second
        self._least_characters = least_characters
        self._alignments = alignments or (Qt.AlignmentFlag(0), Qt.AlignmentFlag(0))
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(spacing)
        self._box.addWidget(first, 1)
        self._box.addWidget(second, 0)
        self.lay_out(roomy=True)

    @property
    def beside(self) -> bool:
        return self.roomy

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        return QSize(max(least_width(self._first), least_width(self._second)), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # Side by side, under each other or not (see LabelledRows.sizeHint).
        hint = super().sizeHint()
        spacing = self._box.spacing() if not self._second.isHidden() else 0
        return QSize(_wanted(self._first) + spacing + _wanted(self._second), hint.height())

    def roomy_width(self) -> int:
        first = max(
            least_width(self._first),
            self._first.fontMetrics().averageCharWidth() * self._least_characters,
        )
        return first + self._box.spacing() + _wanted(self._second)

    def arrange(self, roomy: bool) -> None:
        if roomy:
            self._box.setDirection(QBoxLayout.Direction.LeftToRight)
            self._box.setAlignment(self._first, self._alignments[0])
            self._box.setAlignment(self._second, self._alignments[1])
        else:
            self._box.setDirection(QBoxLayout.Direction.TopToBottom)
            self._box.setAlignment(self._first, Qt.AlignmentFlag(0))
            self._box.setAlignment(self._second, Qt.AlignmentFlag.AlignLeft)


class ShortCombo(QComboBox):
    """A combo box that narrows to a few characters where the page is narrow (its text
    then shortened with "…"), as wide as its minimum contents length asks otherwise: with
    large text a model box 18 characters wide made the page wider than the window."""

    LEAST_CHARACTERS = 8

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        spare = self.minimumContentsLength() - self.LEAST_CHARACTERS
        if spare <= 0:
            return hint
        # Qt counts the contents length in "x" widths.
        narrower = hint.width() - spare * self.fontMetrics().horizontalAdvance("x")
        return QSize(max(narrower, 0), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """As QComboBox's, the choice shortened with "…" where it does not fit: Qt's cut
        it mid-letter ("OpenAI-compa")."""
        if self.isEditable():  # the line edit shows the text
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.Text))
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        if self.currentIndex() < 0 and self.placeholderText():
            option.palette.setBrush(QPalette.ColorRole.ButtonText, option.palette.placeholderText())
            option.currentText = self.placeholderText()
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox,
            option,
            QStyle.SubControl.SC_ComboBoxEditField,
            self,
        )
        room = field.width()
        if not option.currentIcon.isNull():
            room -= option.iconSize.width() + 4  # as Qt's label places the text after it
        option.currentText = self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, room
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


class _AsWideAsTheList(QStyledItemDelegate):
    """Items as wide as their list, not as their text."""

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(0, super().sizeHint(option, index).height())


def items_as_wide_as_the_list(view: QListView, elide: Qt.TextElideMode) -> None:
    """Give ``view``'s items its width, their text shortened with "…" (at ``elide``)
    where longer: as wide as their text, they scrolled the list sideways in a narrow
    page."""
    view.setItemDelegate(_AsWideAsTheList(view))
    view.setTextElideMode(elide)
    # Laid out again when the list is resized: they kept the width it had.
    view.setResizeMode(QListView.ResizeMode.Adjust)
