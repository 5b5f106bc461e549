"""Running coroutines from Qt slots: strong references, one task per name, no lost errors.

A fire-and-forget ``create_task`` can be garbage-collected mid-flight and its exception
lost; every coroutine the GUI starts goes through ``TaskRunner.start`` instead.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    # asyncio itself is imported once a task starts: the window paints before (it
    # takes a tenth of the start-up).
    import asyncio

log = logging.getLogger(__name__)

T = TypeVar("T")

ErrorHandler = Callable[[str, BaseException], None]


class TaskRunner:
    """Owns the GUI's background tasks.

    Args:
        on_error: told the task's name and exception when a task fails (not when it is
            cancelled); the window shows it to the user.
    """

    def __init__(self, on_error: ErrorHandler | None = None) -> None:
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        self._anonymous: set[asyncio.Task[Any]] = set()
        self._on_error = on_error

    def set_error_handler(self, on_error: ErrorHandler) -> None:
        self._on_error = on_error

    def start(
        self, coroutine: Coroutine[Any, Any, Any], *, name: str | None = None
    ) -> asyncio.Task[Any]:
        """Run ``coroutine``; a running task of the same ``name`` is cancelled first."""
        import asyncio

        if name is not None:
            self.cancel(name)
        task = asyncio.get_event_loop().create_task(coroutine, name=name)
        if name is not None:
            self._tasks[name] = task
        else:
            self._anonymous.add(task)
        task.add_done_callback(self._finished)
        return task

    def cancel(self, name: str) -> bool:
        """Ask the task to stop; it counts as running until its cleanup is over."""
        task = self._tasks.get(name)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    def running(self, name: str) -> bool:
        task = self._tasks.get(name)
        return task is not None and not task.done()

    def get(self, name: str) -> asyncio.Task[Any] | None:
        return self._tasks.get(name)

    async def cancel_all(self) -> None:
        """Cancel everything and wait until each task has finished its cleanup, the
        tasks started meanwhile too (an answer whose end was being saved finished after
        all, and its title task was left pending as the loop ended)."""
        import asyncio

        while tasks := [t for t in (*self._tasks.values(), *self._anonymous) if not t.done()]:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._anonymous.discard(task)
        name = task.get_name()
        if self._tasks.get(name) is task:
            del self._tasks[name]
        if task.cancelled():
            return
        error = task.exception()
        if error is None:
            return
        log.error("Task %s failed", name, exc_info=error)
        if self._on_error is not None:
            self._on_error(name, error)


async def in_own_thread(function: Callable[[], T], name: str) -> T:
    """``function()`` in a daemon thread of its own, awaited.

    For a call that may wait on the person outside the app, such as a keychain's unlock
    prompt: ``asyncio.to_thread`` uses the loop's executor, whose threads are joined
    when the loop closes, so quitting would wait for that prompt (and a new start would
    find a Maestrale that no longer answers). A daemon thread is left behind instead.
    """
    import asyncio
    import threading

    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver(settle: Callable[[], None]) -> None:
        def in_loop() -> None:
            if not future.done():  # not cancelled meanwhile
                settle()

        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: no one waits
            loop.call_soon_threadsafe(in_loop)

    def run() -> None:
        try:
            result = function()
        except BaseException as error:  # noqa: BLE001 - handed to the awaiting task
            deliver(functools.partial(future.set_exception, error))
        else:
            deliver(functools.partial(future.set_result, result))

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
