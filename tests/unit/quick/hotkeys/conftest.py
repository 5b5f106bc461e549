"""A private D-Bus session bus for the portal tests."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest


@pytest.fixture
def bus_daemon() -> Iterator[subprocess.Popen[str]]:
    """A ``dbus-daemon --session`` of the test's own; skips when it is not installed.

    Its address is in ``bus_daemon.address``.
    """
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (apt-get install dbus): no private bus")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # it complains it may not raise its fd limit
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    daemon.stdout.close()
    try:
        assert address.startswith("unix:"), f"dbus-daemon printed {address!r}"
        daemon.address = address  # type: ignore[attr-defined]
        yield daemon
    finally:
        daemon.terminate()
        daemon.wait(5)


@pytest.fixture
def session_bus(bus_daemon: subprocess.Popen[str]) -> str:
    """The address of the private bus."""
    return str(bus_daemon.address)  # type: ignore[attr-defined]
