"""Ctrl+F's arithmetic: occurrences of a phrase in the visible text of each message, in
order, and which one to stand on next. No widgets here: the transcript view shows them.

A rendered message's visible text is its document's plain text (positions there are the
document's); one not rendered yet is read from its markdown (app/rendering/visible.py),
once, so that typing in the find field costs a count over texts already read.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Callable, Sequence

FORWARD, BACKWARD, STAY = 1, -1, 0


# Full-width ASCII (a Japanese keyboard's "Ｐｙｔｈｏｎ") as ASCII: one character for
# one, so places stay; Ctrl+K's search reads it so too (NFKC).
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def fold(text: str) -> str:
    """``text`` in lower case and full-width letters as ASCII, each character still at
    its place (positions in the folded text are positions in the text: "İ" lowers to
    two characters, kept as is)."""
    text = text.translate(_FULL_WIDTH)
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def occurrences(folded: str, needle: str) -> list[int]:
    """Where ``needle`` starts in ``folded``, occurrences not overlapping (as counted)."""
    starts = []
    at = folded.find(needle)
    while at >= 0:
        starts.append(at)
        at = folded.find(needle, at + len(needle))
    return starts


def shown_places(whole: str, shown: str, starts: Sequence[int], length: int) -> list[int | None]:
    """Where each occurrence in ``whole`` (at ``starts``, ``length`` characters) is in
    ``shown``, a shortened copy of it (a folded tool result: its last lines left out,
    long lines cut short with "…"); None for one that is not there whole.

    Lines are matched by their order, and a line is the same in both as far as their
    characters agree: what follows a cut is not the same text.
    """
    if whole == shown:
        return list(starts)
    whole_lines = whole.split("\n")
    shown_lines = shown.split("\n")
    whole_at: list[int] = []  # where each line starts, in either text
    shown_at: list[int] = []
    same: list[int] = []  # how much of each line reads the same in both
    at_whole = at_shown = 0
    for line, copy in zip(whole_lines, shown_lines, strict=False):
        whole_at.append(at_whole)
        shown_at.append(at_shown)
        same.append(len(line) if line == copy else _alike(line, copy))
        at_whole += len(line) + 1
        at_shown += len(copy) + 1

    def place(start: int) -> int | None:
        first = bisect.bisect_right(whole_at, start) - 1
        if first < 0:
            return None
        column = start - whole_at[first]
        end = column + length  # from the start of the line the occurrence is on
        for line in range(first, len(same)):
            if end <= same[line]:
                return shown_at[first] + column
            # On to the next line: only over a line that is whole in both, its break too.
            size = len(whole_lines[line])
            if same[line] < size or len(shown_lines[line]) != size:
                return None
            end -= size + 1
        return None

    return [place(start) for start in starts]


def _alike(one: str, other: str) -> int:
    """How many characters ``one`` and ``other`` begin with alike."""
    size = min(len(one), len(other))
    return next((at for at in range(size) if one[at] != other[at]), size)


class VisibleTexts:
    """The folded visible text of each message, read again only when it changed."""

    def __init__(self) -> None:
        self._texts: dict[str, tuple[object, str]] = {}

    def text(self, message_id: str, key: object, read: Callable[[], str]) -> str:
        """The text of ``message_id``; ``key`` changes when it does, ``read`` reads it."""
        known = self._texts.get(message_id)
        if known is not None and known[0] == key:
            return known[1]
        folded = fold(read())
        self._texts[message_id] = (key, folded)
        return folded

    def known(self, message_id: str) -> bool:
        return message_id in self._texts

    def clear(self) -> None:
        self._texts.clear()


def next_place(
    counts: Sequence[int],
    current: tuple[int, int] | None,
    starts: Sequence[int],
    direction: int,
    first: int,
) -> tuple[int, int]:
    """The message and the occurrence in it (its index; -1 for the last) to stand on.

    Args:
        counts: occurrences in each message, at least one in all.
        current: the message and the position of the occurrence stood on, if any.
        starts: the occurrences' positions in the current message.
        direction: FORWARD, BACKWARD, or STAY (the phrase is being typed: the current
            occurrence while the phrase is still there, else the next).
        first: without a current occurrence, the message to start from (in view).
    """
    size = len(counts)
    step = -1 if direction == BACKWARD else 1
    last = -1 if direction == BACKWARD else 0  # entering a message: its first or last
    if current is None:
        start = first - 1 if direction == BACKWARD else first
        order = [(start + step * distance) % size for distance in range(size)]
        return next(i for i in order if counts[i]), last
    index, here = current
    if direction == BACKWARD:
        before = [k for k, start in enumerate(starts) if start < here]
        if before:
            return index, before[-1]
    else:
        after = [
            k
            for k, start in enumerate(starts)
            if start > here or (direction == STAY and start == here)
        ]
        if after:
            return index, after[0]
    for distance in range(1, size + 1):  # round to the same message at the end
        other = (index + step * distance) % size
        if counts[other]:
            return other, last
    raise ValueError("no occurrence anywhere")


def hidden_by_fold(whole: str, shown: str, query: str) -> bool:
    """Whether a search hit for ``query`` in a long tool result lies in the part its
    fold hides: the query (else one of its words) is in the ``whole`` result and not in
    what is ``shown``. Read as the search reads text (NFKC, any case)."""

    def read(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold()

    words = read(query).split()
    if not words:
        return False
    whole, shown = read(whole), read(shown)
    phrase = " ".join(words)
    if phrase in whole:
        return phrase not in shown
    return any(word in whole for word in words) and not any(word in shown for word in words)
