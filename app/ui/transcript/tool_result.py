"""A long tool result, folded: its first lines, and a button that shows all of it.

A tool may give back 100,000 characters (what the model reads of it); drawn whole they
were thousands of lines of wall between the question and the answer. Short results are
shown whole, as they were.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

FOLD_LINES = 30  # results of more lines than this are folded
FOLD_CHARS = 4000  # or of more characters (one endless line wraps into hundreds)
PREVIEW_LINES = 10  # what a folded result shows
PREVIEW_LINE_CHARS = 300  # of each of its lines


def preview(text: str) -> str | None:
    """The first lines of a result long enough to fold, or None to show it whole."""
    text = text.rstrip()
    if len(text) <= FOLD_CHARS and text.count("\n") < FOLD_LINES:
        return None
    lines = text.split("\n", PREVIEW_LINES)[:PREVIEW_LINES]
    return "\n".join(
        line if len(line) <= PREVIEW_LINE_CHARS else f"{line[:PREVIEW_LINE_CHARS]}…"
        for line in lines
    )


def code_block(text: str) -> str:
    """A result's text as markdown: data, shown as it came (a code block)."""
    from app.store.imports import fenced

    return fenced(text)


class ResultFold(QPushButton):
    """ "Show all (N lines)" under a folded result, "Show less" once it is unfolded.

    A button in the Tab order (Enter or Space toggles it); the item it is in renders
    the result again at each click (see ResultView).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultFold")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoDefault(True)  # Enter presses it too, as Space does
        self.expanded = False

    def show_for(self, text: str) -> None:
        """Word the button for ``text``, the whole result."""
        whole = text.rstrip()
        lines = whole.count("\n") + 1
        size = f"{lines:,} lines" if lines > PREVIEW_LINES else f"{len(whole):,} characters"
        if self.expanded:
            self.setText("Show less")
            self.setAccessibleName("Show less of the tool result")
        else:
            self.setText(f"Show all ({size})")
            self.setAccessibleName(f"Show all of the tool result ({size})")


class ResultView:
    """What a tool result's item renders: the whole result, or its first lines and the
    button under them (built with the first long result).

    Args:
        place: puts the button under the result's text.
        toggled: the button was pressed: render anew (``markdown``) and lay out.
    """

    def __init__(self, place: Callable[[QWidget], None], toggled: Callable[[], None]) -> None:
        self._place = place
        self._toggled = toggled
        self._fold: ResultFold | None = None

    @property
    def button(self) -> ResultFold | None:
        """The button, while it shows (None: the result shows whole)."""
        fold = self._fold
        return fold if fold is not None and not fold.isHidden() else None

    def fold(self) -> None:
        """Another result is shown: folded to begin with."""
        if self._fold is not None:
            self._fold.expanded = False

    def unfold(self) -> bool:
        """Show the result whole from now on, as "Show all" does (Ctrl+F goes to words in
        its folded part); False when it is not folded. The item renders it anew."""
        fold = self.button
        if fold is None or fold.expanded:
            return False
        fold.expanded = True
        return True

    def markdown(self, content: str) -> str:
        """The result as a code block: whole, or its first lines while it is folded."""
        start = preview(content)
        if self._fold is None and start is not None:
            self._fold = ResultFold()
            self._fold.clicked.connect(self._toggle)
            self._place(self._fold)
        if self._fold is not None:
            if start is not None:
                self._fold.show_for(content)
            self._fold.setVisible(start is not None)
        folded = start is not None and self._fold is not None and not self._fold.expanded
        return code_block(start if folded and start is not None else content)

    def _toggle(self) -> None:
        if self._fold is not None:
            self._fold.expanded = not self._fold.expanded
            self._toggled()
