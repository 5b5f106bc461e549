"""What the list-and-editor pages (presets, templates) share: their layout (a list
column beside an editor, between status lines), edits saved shortly after they are
made, and fresh names for new entries."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QObject, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QBoxLayout,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.flow_layout import FlowLayout
from app.ui.settings.fitting import (
    FitsItsWidth,
    items_as_wide_as_the_list,
    layout_roomy_width,
    roomy_width,
)
from app.ui.settings.form import Page, StatusLine

SAVE_DELAY_MS = 400  # typing goes on: one write when it pauses, not one per key


class AutoSave(QObject):
    """Calls ``write`` once edits pause, or at once on ``flush``.

    ``write`` saves and returns True, or shows why it could not and returns False (the
    edits then stay pending, for the next change or flush).
    """

    def __init__(self, write: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._write = write
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)

    def changed(self) -> None:
        self._dirty = True
        self._timer.start()

    def flush(self) -> bool:
        """Write pending changes now; False when that failed."""
        self._timer.stop()
        if not self._dirty:
            return True
        if not self._write():
            return False
        self._dirty = False
        return True


def list_column(
    name: str, width: int, button_rows: Sequence[Sequence[QPushButton]]
) -> tuple[QListWidget, QVBoxLayout]:
    """The entries' list (accessible as ``name``) over rows of buttons."""
    entries = _EntryList(width)
    entries.setProperty("role", "list")
    entries.setAccessibleName(name)
    entries.ensurePolished()  # item sizes use the stylesheet's padding
    column = QVBoxLayout()
    column.setSpacing(10)
    column.addWidget(entries, 1)
    for buttons in button_rows:
        row = FlowLayout(spacing=8)  # on more lines where the column is narrow
        for item in buttons:
            row.addWidget(item)
        holder = QWidget()
        holder.setLayout(row)
        column.addWidget(holder)
    return entries, column


def unique_name(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base 2``, ``base 3``… : the first no entry has (ignoring case)."""
    used = {name.casefold() for name in taken}
    name, number = base, 2
    while name.casefold() in used:
        name, number = f"{base} {number}", number + 1
    return name


def lay_out(
    page: Page, problems: Sequence[str], column: QVBoxLayout, editor: QWidget
) -> tuple[StatusLine, StatusLine]:
    """Put the file's problems (shown if any), the list column beside the editor, and a
    line for what saving says, in ``page``; returns (problems line, saving line)."""
    problems_line = StatusLine()
    page.body.addWidget(problems_line)
    if problems:
        problems_line.show_message("warning", "\n".join(problems))
    page.body.addWidget(_Columns(column, editor))
    saving_line = StatusLine()
    page.body.addWidget(saving_line)
    return problems_line, saving_line


class _EntryList(QListWidget):
    """The entries' list: ``width`` pixels wide at the normal text size, wider with
    larger text (a fixed width cut names to "Code revie" at 22 pt)."""

    NAME_CHARS = 16  # the width of a typical name, in average characters

    def __init__(self, width: int) -> None:
        super().__init__()
        self._width = width
        items_as_wide_as_the_list(self, Qt.TextElideMode.ElideRight)

    def _fitted_width(self) -> int:
        text = self.fontMetrics().averageCharWidth() * self.NAME_CHARS
        return max(self._width, text + 2 * self.frameWidth() + 24)  # item padding

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self._fitted_width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self._fitted_width(), super().minimumSizeHint().height())


class _Columns(FitsItsWidth):
    """The list column beside the editor, or above it when the page is too narrow for
    both side by side (large text: the settings window would otherwise scroll
    sideways, with the editor's right half out of sight)."""

    SPACING = 18

    def __init__(self, column: QVBoxLayout, editor: QWidget) -> None:
        super().__init__()
        self._column = column
        self._editor = editor
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(self.SPACING)
        # In a box of its own, which keeps its width beside the editor (set in fit): the
        # layout would take it from the list's buttons too when short of room.
        self._holder = QWidget()
        column.setContentsMargins(0, 0, 0, 0)
        self._holder.setLayout(column)
        self._box.addWidget(self._holder, 0)
        self._box.addWidget(editor, 1)

    def side_by_side(self) -> bool:
        return self._box.direction() is QBoxLayout.Direction.LeftToRight

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # As narrow as the stacked layout allows: the page may then give less width than
        # side by side needs, and resizeEvent stacks them.
        hint = super().minimumSizeHint()
        stacked = max(self._column.minimumSize().width(), self._editor.minimumSizeHint().width())
        return QSize(stacked, hint.height())

    def roomy_width(self) -> int:
        # Each with its rows side by side: the editor's least width is that of its
        # fields under their labels, too cramped beside the list.
        column = layout_roomy_width(self._column)
        return column + self.SPACING + roomy_width(self._editor)

    def fit(self, width: int) -> None:
        # Also when the editor's needs change without a resize (the style sheet polishes
        # it, the text size changes): see FitsItsWidth.
        beside = width >= self.roomy_width()
        least = layout_roomy_width(self._column) if beside else 0
        if self._holder.minimumWidth() != least:
            self._holder.setMinimumWidth(least)
        direction = QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        if direction is not self._box.direction():
            self._box.setDirection(direction)
