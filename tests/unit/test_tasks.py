"""``in_own_thread``: a blocking call awaited without holding up the program's exit;
``TaskRunner.cancel_all``: nothing left running once it returns."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading

import pytest

from app.tasks import in_own_thread


def test_the_result_comes_from_a_daemon_thread_of_its_own() -> None:
    def where() -> tuple[str, bool]:
        thread = threading.current_thread()
        return thread.name, thread.daemon

    assert asyncio.run(in_own_thread(where, "key-check")) == ("key-check", True)


def test_an_error_reaches_the_awaiting_task() -> None:
    def fails() -> None:
        raise LookupError("no keychain")

    with pytest.raises(LookupError, match="no keychain"):
        asyncio.run(in_own_thread(fails, "key-check"))


def test_a_call_that_never_returns_does_not_keep_the_program_alive() -> None:
    # A keychain prompt nobody answers: the program gives up waiting and ends. (With
    # asyncio.to_thread the loop's executor would join the stuck thread at exit.)
    script = textwrap.dedent(
        """
        import asyncio, threading
        from app.tasks import in_own_thread

        async def main():
            never = threading.Event()
            try:
                await asyncio.wait_for(in_own_thread(never.wait, "prompt"), 0.2)
            except TimeoutError:
                print("gave up")

        asyncio.run(main())
        """
    )
    finished = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20, check=False
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "gave up"


def test_cancel_all_also_ends_the_tasks_started_while_cancelling() -> None:
    # An answer whose end was being saved when the window closed finished after all
    # and started its title task: left pending when the loop ended, it logged
    # "Task title:… failed … NoEventLoopError" on every such quit.
    from app.tasks import TaskRunner

    async def main() -> bool:
        runner = TaskRunner()
        started: list[asyncio.Task[None]] = []

        async def title() -> None:
            await asyncio.sleep(3600)

        async def answer() -> None:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                started.append(runner.start(title(), name="title"))
                raise

        runner.start(answer(), name="answer")
        await asyncio.sleep(0)
        await runner.cancel_all()
        assert len(started) == 1
        return started[0].cancelled()  # ended before cancel_all returned

    assert asyncio.run(main())
