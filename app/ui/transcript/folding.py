"""A long text folded: its first lines, and a button that shows all of it.

A tool may give back 100,000 characters (what the model reads of it), and a question may
hold a pasted document: drawn whole they were thousands of lines of wall between the
question and the answer (and a 200,000-character paste took ~100 ms to lay out each time
it was rendered). Short ones are shown whole, as they were.

The same rule for both: more than FOLD_LINES lines or FOLD_CHARS characters is no longer
read at a glance (a 4,000-character question wraps into some 40 lines of its bubble, more
than a screen's half), while a question typed by hand, of a few paragraphs, stays whole.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

FOLD_LINES = 30  # texts of more lines than this are folded
FOLD_CHARS = 4000  # or of more characters (one endless line wraps into hundreds)
PREVIEW_LINES = 10  # what a folded tool result shows
QUESTION_PREVIEW_LINES = 12  # what a folded question shows: prose, a few more lines
PREVIEW_LINE_CHARS = 300  # of each of its lines


def preview(text: str, lines: int = PREVIEW_LINES) -> str | None:
    """The first ``lines`` lines of a text long enough to fold, or None to show it
    whole."""
    text = text.rstrip()
    if len(text) <= FOLD_CHARS and text.count("\n") < FOLD_LINES:
        return None
    first = text.split("\n", lines)[:lines]
    return "\n".join(
        line if len(line) <= PREVIEW_LINE_CHARS else f"{line[:PREVIEW_LINE_CHARS]}…"
        for line in first
    )


def code_block(text: str) -> str:
    """A result's text as markdown: data, shown as it came (a code block)."""
    from app.store.imports import fenced

    return fenced(text)


class FoldButton(QPushButton):
    """ "Show all (N lines)" under a folded text, "Show less" once it is unfolded.

    A button in the Tab order (Enter or Space toggles it); the item it is in renders
    the text again at each click (see FoldedText).

    Args:
        what: the text, for the accessible name ("the tool result", "the question").
        lines: how many lines the folded text shows.
    """

    def __init__(self, what: str, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("foldButton")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoDefault(True)  # Enter presses it too, as Space does
        self.expanded = False
        self._what = what
        self._lines = lines

    def show_for(self, text: str) -> None:
        """Word the button for ``text``, the whole text."""
        whole = text.rstrip()
        lines = whole.count("\n") + 1
        size = f"{lines:,} lines" if lines > self._lines else f"{len(whole):,} characters"
        if self.expanded:
            self.setText("Show less")
            self.setAccessibleName(f"Show less of {self._what}")
        else:
            self.setText(f"Show all ({size})")
            self.setAccessibleName(f"Show all of {self._what} ({size})")


class FoldedText:
    """What an item shows of a text that may be long: the whole text, or its first lines
    and the button under them (built with the first long text).

    Args:
        place: puts the button under the text.
        toggled: the button was pressed: render anew (``shown``) and lay out.
        what: the text, for the button's accessible name.
        lines: how many lines a folded text shows.
    """

    def __init__(
        self,
        place: Callable[[QWidget], None],
        toggled: Callable[[], None],
        *,
        what: str,
        lines: int = PREVIEW_LINES,
    ) -> None:
        self._place = place
        self._toggled = toggled
        self._what = what
        self._lines = lines
        self._fold: FoldButton | None = None
        self._long = False  # the text shown last is long enough to fold
        self._hidden = False  # the text is out of sight (its question being edited)

    @property
    def button(self) -> FoldButton | None:
        """The button, while it shows (None: the text shows whole)."""
        fold = self._fold
        return fold if fold is not None and not fold.isHidden() else None

    def fold(self) -> None:
        """Another text is shown: folded to begin with."""
        if self._fold is not None:
            self._fold.expanded = False

    def unfold(self) -> bool:
        """Show the text whole from now on, as "Show all" does (Ctrl+F goes to words in
        its folded part); False when it is not folded. The item renders it anew."""
        fold = self.button
        if fold is None or fold.expanded:
            return False
        fold.expanded = True
        return True

    def refold(self) -> bool:
        """Fold the text again, as "Show less" does (what Ctrl+F unfolded, its bar
        closed); False when it is not shown whole. The item renders it anew."""
        fold = self.button
        if fold is None or not fold.expanded:
            return False
        fold.expanded = False
        return True

    def folded(self, content: str) -> str | None:
        """What the text shows folded (None: it is short, shown whole)."""
        return preview(content, self._lines)

    def hide(self, hidden: bool) -> None:
        """The text is out of sight (``hidden``: a question being edited), or back: its
        button with it."""
        self._hidden = hidden
        if self._fold is not None:
            self._fold.setVisible(self._long and not hidden)

    def shown(self, content: str) -> str:
        """The text to show: whole, or its first lines while it is folded."""
        start = preview(content, self._lines)
        self._long = start is not None
        if self._fold is None and start is not None:
            self._fold = FoldButton(self._what, self._lines)
            self._fold.clicked.connect(self._toggle)
            self._place(self._fold)
        if self._fold is not None:
            if start is not None:
                self._fold.show_for(content)
            self._fold.setVisible(self._long and not self._hidden)
        folded = start is not None and self._fold is not None and not self._fold.expanded
        return start if folded and start is not None else content

    def _toggle(self) -> None:
        if self._fold is not None:
            self._fold.expanded = not self._fold.expanded
            self._toggled()
