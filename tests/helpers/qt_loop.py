"""A fresh qasync event loop per GUI test (pytest-qt has no asyncio support of its own)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import qasync
from PySide6.QtWidgets import QApplication


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """Drive coroutines with ``qloop.run_until_complete(...)``; Qt events run meanwhile.

    Exceptions that reach the loop's handler (a callback or task that failed
    unobserved) fail the test at teardown.
    """
    loop = qasync.QEventLoop(qapp)
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
        asyncio.set_event_loop(None)
    if errors:
        pytest.fail(f"unhandled errors in the event loop: {errors}", pytrace=False)
