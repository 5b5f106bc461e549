"""Putting text on the clipboard, and saying so when a notice's button did it."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

COPIED_NOTICE = "Copied to the clipboard ({count:,} characters)."


def copy_text(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def copy_and_say(parent: QWidget, text: str) -> None:
    """Copy ``text`` from a notice's button, and say so in a notice over ``parent`` (the
    notice with the button just went, with no other sign). Never an empty text."""
    from app.ui.toast import Toast  # not at start-up

    if not text:
        Toast.show_message(parent, "There is nothing to copy.")
        return
    copy_text(text)
    Toast.show_message(parent, COPIED_NOTICE.format(count=len(text)))
