"""The panel under an answer that stopped early: why it stopped (failed, interrupted,
cut at the token limit), with Retry and Continue.

A mixin of MessageItem, built only for the answers that need it; the message, layout
and lock it reads are the item's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.domain.messages import Message, MessageStatus
from app.ui.transcript.retry_button import RetryButton
from app.ui.transcript.retry_offer import RetryWith
from app.ui.wording import in_window

if TYPE_CHECKING:
    _Item = QFrame
else:
    _Item = object


class ItemStatus(_Item):
    # The item's; declared for the type checker.
    message: Message
    _layout: QVBoxLayout
    _locked: bool
    _status: QFrame | None
    # For a failed answer: what its panel offers (see set_retry_offer); None retries
    # with the conversation's model.
    _retry_offer: RetryWith | None

    if TYPE_CHECKING:
        retry_requested = Signal(str)
        continue_requested = Signal(str)
        height_changed = Signal()

        def _update_status(self) -> None: ...

    def _build_status(self) -> None:
        """The panel that says why an answer stopped, with Retry and Continue.

        Built only for the answers that need it: most never do, and every widget
        costs time when a long conversation opens.
        """
        self._status = QFrame()
        self._status.setObjectName("statusPanel")
        row = QHBoxLayout(self._status)
        row.setContentsMargins(10, 6, 6, 6)
        self._status_label = QLabel()
        self._status_label.setTextFormat(Qt.TextFormat.PlainText)  # a server's words
        self._status_label.setWordWrap(True)
        self._status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._retry = RetryButton()
        self._retry.clicked.connect(lambda: self.retry_requested.emit(self.message.id))
        # "Retry in 28 s" was wider than "Retry": the text beside it may wrap anew.
        self._retry.wait_over.connect(self.height_changed)
        self._continue = QPushButton("Continue")
        self._continue.setAccessibleName("Continue this answer from where it stopped")
        self._continue.clicked.connect(lambda: self.continue_requested.emit(self.message.id))
        row.addWidget(self._status_label, 1)
        row.addWidget(self._retry)
        row.addWidget(self._continue)
        # Between the text and the footer (the footer is the last item of the layout).
        self._layout.insertWidget(self._layout.count() - 1, self._status)

    def _show_why(self, stopped: bool) -> None:
        """The panel shown when the answer stopped early (``stopped``: failed,
        interrupted, or cut at the token limit), hidden otherwise."""
        message = self.message
        status = message.status
        if not stopped:
            if self._status is not None:
                self._status.setVisible(False)
                self._retry.stop()
        else:
            if self._status is None:
                self._build_status()
            assert self._status is not None
            offer = self._retry_offer(message) if self._retry_offer is not None else None
            if offer is not None and offer.note:
                text = offer.note
            elif status is MessageStatus.INTERRUPTED:
                text = message.error or "Stopped before the end."
            elif status is MessageStatus.ERROR:
                text = message.error or "The answer failed."
            else:
                text = "The answer reached the token limit."
            self._status_label.setText(in_window(text))  # stored as the core said it
            severity = "error" if status is MessageStatus.ERROR else "note"
            if self._status.property("severity") != severity:
                self._status.setProperty("severity", severity)
                # The style sheet reads the property as the panel is polished: the
                # panel is reused as an answer goes on (Continue), so polish it again.
                style = self._status.style()
                style.unpolish(self._status)
                style.polish(self._status)
            self._continue.setVisible(bool(message.content))
            self._retry.setVisible(status is not MessageStatus.COMPLETE)
            # Retry alone would ask the retired model again, and fail again; rate
            # limited, it waits as long as the server asked.
            self._retry.offer(offer)
            self._status.setVisible(True)
        if self._status is not None:
            self._retry.set_locked(self._locked)
            self._continue.setEnabled(not self._locked)

    def set_retry_offer(self, offer: RetryWith | None) -> None:
        """Ask ``offer`` which model a failed answer's Retry uses instead of its own,
        and whether its stored error still holds."""
        self._retry_offer = offer
        if self._status is not None and self._status.isVisibleTo(self):
            self._update_status()

    def press_continue(self) -> bool:
        """Press Continue (Ctrl+Shift+Enter) if this answer offers it now: shown and
        enabled. Whether it was pressed."""
        if self._status is None:  # never stopped early: no Continue was ever built
            return False
        button = self._continue
        if self._status.isHidden() or button.isHidden() or not button.isEnabled():
            return False
        button.click()
        return True
