"""A virtual X display with a window manager, for end-to-end tests of the real window."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest


def _free_display() -> int:
    for number in range(90, 200):
        if not os.path.exists(f"/tmp/.X11-unix/X{number}") and not os.path.exists(
            f"/tmp/.X{number}-lock"
        ):
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    """Starts Xvfb and openbox; yields the DISPLAY value. Skips when they are missing."""
    missing = [tool for tool in ("Xvfb", "openbox", "xdotool") if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"no virtual display ({', '.join(missing)} not installed): "
            "apt-get install xvfb openbox xdotool (.ci/run does)"
        )
    display = f":{_free_display()}"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "DISPLAY": display}
    deadline = time.monotonic() + 10
    while (
        subprocess.run(
            ["xdotool", "getdisplaygeometry"], env=env, capture_output=True, check=False
        ).returncode
        != 0
    ):
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            pytest.fail("Xvfb did not start")
        time.sleep(0.1)
    manager = subprocess.Popen(
        ["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(0.3)
    try:
        yield display
    finally:
        for process in (manager, server):
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def xdotool(display: str, *args: str, timeout: float = 10) -> str:
    result = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return result.stdout.strip()


def wait_for_window(display: str, title_pattern: str, timeout: float = 20) -> str:
    """The id of the first visible window whose title matches the regular expression."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = xdotool(display, "search", "--onlyvisible", "--name", title_pattern)
        if found:
            return found.splitlines()[0]
        time.sleep(0.1)
    raise AssertionError(f"no window titled {title_pattern!r} appeared")
