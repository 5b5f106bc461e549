"""A row of widgets that goes on onto the next line where the row is too narrow (the
theme's System, Light and Dark at large text in a narrow window), as words do."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Items left to right at their size hints, on as many lines as the width needs;
    with ``align_right``, each line at the right end (a row of buttons)."""

    def __init__(
        self, parent: QWidget | None = None, *, spacing: int = 8, align_right: bool = False
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._align_right = align_right
        self.setContentsMargins(QMargins(0, 0, 0, 0))
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._lay_out(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._lay_out(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """All on one line."""
        hints = [item.sizeHint() for item in self._visible()]
        width = sum(h.width() for h in hints) + self.spacing() * max(0, len(hints) - 1)
        height = max((h.height() for h in hints), default=0)
        return self._with_margins(QSize(width, height))

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        """One item a line: as narrow as the widest item can be."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(QSize(_least_width(item), item.minimumSize().height()))
        return self._with_margins(size)

    def _with_margins(self, size: QSize) -> QSize:
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _lines(self, width: int) -> list[list[tuple[QLayoutItem, QSize]]]:
        """The items in lines ``width`` wide, each with its size there: its size hint, or
        for one wider than a line on its own (a button whose text wraps) the line's width
        and the height it needs in it."""
        lines: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        x = 0
        for item in self._visible():
            hint = item.sizeHint()
            item_width = max(min(hint.width(), width), _least_width(item))
            height = item.heightForWidth(item_width) if item.hasHeightForWidth() else -1
            size = QSize(item_width, height if height >= 0 else hint.height())
            if lines[-1] and x + item_width > width:
                lines.append([])
                x = 0
            lines[-1].append((item, size))
            x += item_width + self.spacing()
        return lines

    def _lay_out(self, rect: QRect, *, move: bool) -> int:
        """Place the items in ``rect`` (or only measure); the height they take."""
        area = rect.marginsRemoved(self.contentsMargins())
        y, line_height = area.y(), 0
        for number, line in enumerate(self._lines(area.width())):
            if number:
                y += line_height + self.spacing()
            line_height = max((size.height() for _item, size in line), default=0)
            used = sum(size.width() for _item, size in line) + self.spacing() * (len(line) - 1)
            x = area.x() + (max(0, area.width() - used) if self._align_right else 0)
            for item, size in line:
                if move:
                    item.setGeometry(QRect(QPoint(x, y), size))
                x += size.width() + self.spacing()
        margins = self.contentsMargins()
        return y + line_height - rect.y() + margins.bottom()


def _least_width(item: QLayoutItem) -> int:
    """An item's size hint, or less for one whose height follows its width (a button
    whose text wraps): the others would be cut."""
    if item.hasHeightForWidth():
        return item.minimumSize().width()
    return item.sizeHint().width()
