"""What the list-and-editor pages (presets, templates) share: their layout (a list
column beside an editor, between status lines), edits saved shortly after they are
made, and fresh names for new entries."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QPushButton, QVBoxLayout, QWidget

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
    entries = QListWidget()
    entries.setProperty("role", "list")
    entries.setAccessibleName(name)
    entries.setFixedWidth(width)
    entries.ensurePolished()  # item sizes use the stylesheet's padding
    column = QVBoxLayout()
    column.setSpacing(10)
    column.addWidget(entries, 1)
    for buttons in button_rows:
        row = QHBoxLayout()
        row.setSpacing(8)
        for item in buttons:
            row.addWidget(item)
        row.addStretch(1)
        column.addLayout(row)
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
    columns = QHBoxLayout()
    columns.setSpacing(18)
    columns.addLayout(column)
    columns.addWidget(editor, 1)
    page.body.addLayout(columns)
    saving_line = StatusLine()
    page.body.addWidget(saving_line)
    return problems_line, saving_line
