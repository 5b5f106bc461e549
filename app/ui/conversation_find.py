"""Ctrl+F in the conversation shown: the find bar and its steps through the transcript."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from app.ui.find_bar import PREVIOUS, REFINE, FindBar

if TYPE_CHECKING:
    from PySide6.QtWidgets import QVBoxLayout

    from app.ui.transcript.view import TranscriptView


class ConversationFind:
    """The find bar of a chat pane, built when first used and placed in ``page`` just
    above ``transcript``; ``on_closed`` is called when the person closes it."""

    def __init__(
        self, transcript: TranscriptView, page: QVBoxLayout, on_closed: Callable[[], None]
    ) -> None:
        self._transcript = transcript
        self._page = page
        self._on_closed = on_closed
        self._bar: FindBar | None = None

    @property
    def bar(self) -> FindBar:
        """The bar, between the header and the transcript (built on this first use)."""
        if self._bar is None:
            self._bar = FindBar()
            self._bar.find_requested.connect(self._find)
            self._transcript.found_changed.connect(self._on_found_changed)
            self._bar.closed.connect(self._transcript.end_find)
            self._bar.closed.connect(self._on_closed)
            self._page.insertWidget(self._page.indexOf(self._transcript), self._bar)
        return self._bar

    @property
    def in_use(self) -> bool:
        """Whether the bar is open."""
        return self._bar is not None and self._bar.isVisible()

    def close(self) -> None:
        """Closed when another conversation (or branch) is shown: its count was of the
        one before ("1 of 1" for text no longer there)."""
        if self._bar is not None and self._bar.isVisible():
            self._bar.close_bar()

    def open(self, step: int = REFINE) -> None:
        self.bar.open_bar(step)
        self._transcript.prepare_find()

    def step(self, step: int) -> None:
        """The next (NEXT) or previous (PREVIOUS) match; the bar opened if it was closed,
        as browsers do with F3."""
        if self._bar is not None and self._bar.isVisible():
            self._find(self._bar.field.text(), step)
        else:
            self.open(step)

    def refind(self) -> None:
        """The bar's text looked for again, in what the transcript shows now."""
        self._find(self.bar.field.text(), REFINE)

    def _on_found_changed(self, found: tuple[int, int]) -> None:
        if self._bar is not None and self._bar.isVisible():
            self._bar.set_result(found)

    def _find(self, text: str, step: int) -> None:
        self.bar.set_result(
            self._transcript.find_text(text, backward=step == PREVIOUS, stay=step == REFINE)
        )
