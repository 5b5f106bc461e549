"""The MCP servers on the Tools page: a row each, its name, its state and, wrapped, why.

Rows and not a list's items: an error quoting a server's last message is long, and a
list's one-line items cut it off behind a horizontal scroll bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app.tools.toolbox import ServerLine
from app.ui.settings.fitting import Beside
from app.ui.settings.form import button, label

_TONES = {"ready": "success", "failed": "error"}  # others muted


class ServerRow(QWidget):
    """One server; ``open_log`` shows when it has written a log."""

    def __init__(self, line: ServerLine, open_log: Callable[[Path], None]) -> None:
        super().__init__()
        self.line = line
        self.name = label(line.name, "section", wrap=True)
        self.state = label(line.summary)
        tone = _TONES.get(line.state)
        if tone:
            self.state.setProperty("tone", tone)
        else:
            self.state.setProperty("role", "muted")
        self.detail = label(line.detail, "muted")
        self.detail.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.detail.setVisible(bool(line.detail))
        self.log_button = button("Open log", "link")
        self.log_button.setAccessibleName(f"Open the log of {line.name}")
        if line.log_file is not None:
            self.log_button.setToolTip(str(line.log_file))
            log_file = line.log_file
            self.log_button.clicked.connect(lambda: open_log(log_file))
        self.log_button.setVisible(line.log_file is not None)
        self.setAccessibleName(f"{line.name}: {line.summary}")
        self.setAccessibleDescription(line.detail)

        words = QWidget()
        top = QHBoxLayout(words)
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(10)
        top.addWidget(self.name)
        top.addWidget(self.state, 1)
        # Open log under the name where the row is narrow (large text).
        self.top = Beside(
            words,
            self.log_button,
            spacing=10,
            alignments=(Qt.AlignmentFlag(0), Qt.AlignmentFlag.AlignTop),
        )
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.top)
        column.addWidget(self.detail)

    def text(self) -> str:
        """The row in one line, as a screen reader says it."""
        words = f"{self.line.name}: {self.line.summary}"
        return f"{words}, {self.line.detail}" if self.line.detail else words


class ServerRows(QWidget):
    """The rows, as tall as they need (the page scrolls, not they); hidden when empty."""

    def __init__(self, open_log: Callable[[Path], None]) -> None:
        super().__init__()
        self._open_log = open_log
        self.rows: list[ServerRow] = []
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(10)
        self.setAccessibleName("MCP servers and their state")
        self.hide()

    def show_lines(self, lines: Sequence[ServerLine]) -> None:
        for row in self.rows:
            self._column.removeWidget(row)
            row.hide()  # until it is deleted, it would still be drawn where it was
            row.deleteLater()
        self.rows = [ServerRow(line, self._open_log) for line in lines]
        for row in self.rows:
            self._column.addWidget(row)
        self.setVisible(bool(self.rows))

    def texts(self) -> list[str]:
        return [row.text() for row in self.rows]
