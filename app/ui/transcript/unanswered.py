"""The line under a question that never got its answer, with a button to ask for it.

An answer is stored from its first word on. When the program stops (a crash, a kill, a
power cut) while the request is out and nothing has arrived yet, the question is left
with no answer at all: nothing says so and no Retry is offered, as for a failed answer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

UNANSWERED = "This question has no answer yet."


class UnansweredBar(QFrame):
    """Signals: answer_requested(str) with the question's id."""

    answer_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusPanel")  # the look of a failed answer's panel
        self.question_id = ""
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(UNANSWERED)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.button = QPushButton("Answer")
        self.button.setAccessibleName("Ask for the answer to this question")
        self.button.clicked.connect(lambda: self.answer_requested.emit(self.question_id))
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
