"""Keychain calls from widgets: made in a thread of their own, answered to a live widget.

A keychain call may wait on the person for as long as they like: gnome-keyring asks to
unlock a keyring, or to choose the password of a new one, and the call returns only
when they answer. Made on the GUI thread, such a call left the window half drawn and
deaf (not even SIGTERM ended it). Every widget asks through ``from_keychain`` instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QObject

from app.tasks import in_own_thread

T = TypeVar("T")

CHECKING = "Checking the system keychain… If it asks for a password, answer it there."


async def from_keychain(owner: QObject, call: Callable[[], T]) -> T:
    """``call()`` in a thread of its own, awaited; its result or its exception.

    Raises CancelledError instead when ``owner`` was deleted meanwhile: nothing is left
    to show the answer in, and the task ends quietly.
    """
    import asyncio  # not at start-up: see app.tasks

    try:
        result = await in_own_thread(call, "keychain")
    except Exception:
        if not shiboken6.isValid(owner):
            raise asyncio.CancelledError from None
        raise
    if not shiboken6.isValid(owner):
        raise asyncio.CancelledError
    return result


def notice_from_keychain(owner: QObject, notice: Callable[[], None]) -> Callable[[], None]:
    """An ``on_wait`` for ApiKeys: called in the keychain's thread, it runs ``notice``
    on the GUI's loop, if ``owner`` still lives. Made from a running task."""
    import asyncio

    loop = asyncio.get_running_loop()

    def in_loop() -> None:
        if shiboken6.isValid(owner):
            notice()

    def from_thread() -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: no one sees it
            loop.call_soon_threadsafe(in_loop)

    return from_thread
