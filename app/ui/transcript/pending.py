"""The line where an answer will appear, while the request is out and no text came.

It says what is happening: the model is at work; a reasoning model's thoughts as they
come (Magistral sends them before its answer, and for a hard question that can take a
minute: a line that never changes looked stuck); or, rate limited, that the request is
asked again, counting the seconds down. Under an answer whose text stopped coming, it
counts the silence (the client gives up after a long one; until then nothing moved).
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from app.api.errors import asking_again

WAITING = "Mistral is thinking…"
THINKING = "Thinking…"
THOUGHT_SHOWN = 280  # characters of the latest reasoning shown, about three lines
MIN_HEIGHT = 28


class PendingLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pendingAnswer")
        self.setAccessibleName("Waiting for the answer")
        self.setTextFormat(Qt.TextFormat.PlainText)  # the model's words
        self.setWordWrap(True)
        self._waiting: tuple[float, str] | None = None  # until when, and why
        self._silent_since: float | None = None  # an answer's text stopped coming
        self._thought = ""
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._show)

    def start(self, waiting: tuple[float, str] | None = None) -> None:
        """The request went out; with ``waiting`` (seconds, why), it is asked again
        after that long."""
        self._waiting = None
        self._silent_since = None
        self._thought = ""
        if waiting is not None:
            seconds, why = waiting
            self._waiting = (time.monotonic() + seconds, why)
            self._countdown.start()
        self._show()

    def silent_since(self, moment: float) -> None:
        """The answer above has had no new text since ``moment`` (``time.monotonic``)."""
        self._waiting = None
        self._thought = ""
        self._silent_since = moment
        self._countdown.start()
        self._show()

    def add_thought(self, piece: str) -> None:
        """More of the model's reasoning: the latest of it shows."""
        self._waiting = None
        self._silent_since = None
        self._thought = (self._thought + piece)[-4 * THOUGHT_SHOWN :]
        self._show()

    def stop(self) -> None:
        self._countdown.stop()
        self.hide()

    def height_for(self, width: int) -> int:
        return max(MIN_HEIGHT, self.heightForWidth(width))

    def _show(self) -> None:
        if self._silent_since is not None:
            seconds = int(time.monotonic() - self._silent_since)
            self.setText(
                f"Nothing new for {seconds} s: the server may be busy, or the connection "
                "lost. Stop (Esc) keeps the text so far."
            )
            return
        if self._waiting is not None:
            deadline, why = self._waiting
            left = deadline - time.monotonic()
            if left < 1:
                self._countdown.stop()
            self.setText(f"{why}. {asking_again(left)}")
            return
        self._countdown.stop()
        thought = " ".join(self._thought.split())
        if not thought:
            self.setText(WAITING)
        elif len(thought) <= THOUGHT_SHOWN:
            self.setText(f"{THINKING} {thought}")
        else:  # the latest of it, from a word's start
            latest = thought[-THOUGHT_SHOWN:].partition(" ")[2]
            self.setText(f"{THINKING} …{latest}")
