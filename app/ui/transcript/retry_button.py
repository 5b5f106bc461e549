"""A failed answer's Retry, which waits out the time the server asked for.

After a rate limit whose reply said how long to wait (``Retry-After``), asking sooner
is refused again: Retry then counts down ("Retry in 28 s"), disabled, and is ready
the moment the wait is over. It does not retry by itself: Maestrale already waited
and asked again as the server said before giving up, and whether to spend another
request is the person's call (they may have moved on, or chosen another model).
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from app.api.errors import wait_length
from app.ui.transcript.retry_offer import RetryOffer


class RetryButton(QPushButton):
    """Retry, "Retry with <model>" (a retired model's replacement), or, until
    ``ready_at``, "Retry in 28 s" and disabled.

    One timer, armed for the moment the shown number changes (so the button is ready
    on the second the wait ends, not up to a second late), stopped when the wait ends
    or ``stop`` says the panel went.

    Signals:
        wait_over(): the countdown ended; the button is "Retry" again, narrower.
    """

    wait_over = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Retry", parent)
        self._model: str | None = None
        self._ready_at: float | None = None
        self._locked = False
        self._tick = QTimer(self)
        self._tick.setSingleShot(True)
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)  # never early: no "0 s"
        self._tick.timeout.connect(self._show)
        self._show()

    def offer(self, offer: RetryOffer | None) -> None:
        """Retry with the offer's model (else the conversation's), not before its
        ``ready_at``."""
        self._model = offer.model if offer is not None else None
        self._ready_at = offer.ready_at if offer is not None else None
        self._show()

    def set_locked(self, locked: bool) -> None:
        """An answer is being written in the conversation: no asking again meanwhile."""
        self._locked = locked
        self._show()

    def stop(self) -> None:
        """The panel went (the answer shown no longer failed): nothing to count."""
        self._ready_at = None
        self._tick.stop()

    def seconds_left(self) -> float:
        """How long Retry still waits; 0 when it is ready."""
        if self._ready_at is None:
            return 0.0
        return max(0.0, self._ready_at - time.monotonic())  # as the controller's

    def _show(self) -> None:
        left = self.seconds_left()
        waited = self._ready_at is not None and left <= 0
        if left > 0:
            # Wakes when the rounded-up number changes: at 27.4 s left, in 0.4 s.
            self._tick.start(max(1, math.ceil((left - math.ceil(left) + 1) * 1000)))
            wait = wait_length(left)
            self.setText(
                f"Retry with {self._model} in {wait}" if self._model else f"Retry in {wait}"
            )
            self.setToolTip(
                "The server asked to wait this long before it is asked again: "
                "asked sooner, it would refuse again."
            )
            self.setAccessibleName(f"Retry this answer: possible in {wait}")
        else:
            self._ready_at = None
            self._tick.stop()
            self.setText(f"Retry with {self._model}" if self._model else "Retry")
            self.setToolTip("")
            self.setAccessibleName(
                f"Retry this answer with {self._model}" if self._model else "Retry this answer"
            )
        self.setEnabled(not self._locked and left <= 0)
        if waited:
            self.wait_over.emit()
