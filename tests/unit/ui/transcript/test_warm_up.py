"""The text views' warm-up after start-up shows nothing and leaves nothing behind."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from app.ui.transcript.text_view import MessageText
from app.ui.transcript.warm_up import warm_up_text_view


@pytest.mark.parametrize("dark", [False, True])
def test_the_warm_up_shows_nothing_and_leaves_nothing(qapp: QApplication, dark: bool) -> None:
    def views() -> list[MessageText]:
        return [w for w in QApplication.allWidgets() if isinstance(w, MessageText)]

    # Views that earlier tests left to be deleted must not count as this one's.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    before = len(views())
    warm_up_text_view(dark=dark)
    assert not any(view.isVisible() for view in views())
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(views()) == before
