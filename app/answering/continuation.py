"""Joining a partial answer with the model's continuation of it.

Asked to continue (Mistral's assistant ``prefix``), some servers repeat the prefix at
the start of their answer and some send only the new text. This tells the two apart
as the first pieces arrive, so the stored answer is the prefix followed once by the
continuation.
"""

from __future__ import annotations


class Continuation:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._pending = ""
        self._decided = not prefix
        self._parts: list[str] = [prefix] if prefix else []

    def feed(self, piece: str) -> str:
        """Digest one piece of the answer; returns the text that is new to the reader."""
        if self._decided:
            self._parts.append(piece)
            return piece
        self._pending += piece
        if self._pending.startswith(self.prefix):
            visible = self._pending[len(self.prefix) :]
        elif self.prefix.startswith(self._pending):
            return ""  # could still be the echo of the prefix: wait for more
        else:
            visible = self._pending
        self._decided = True
        self._pending = ""
        if visible:
            self._parts.append(visible)
        return visible

    @property
    def text(self) -> str:
        """The prefix and everything new after it."""
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""
