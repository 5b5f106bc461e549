"""A real Secret Service keychain: gnome-keyring on a private D-Bus session bus."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

_SCRIPT = (
    'echo "DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS"; '
    "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
    "gnome-keyring-daemon --start --components=secrets >/dev/null; "
    "echo READY; exec cat"
)


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Starts gnome-keyring inside ``dbus-run-session``; yields the bus environment.

    The daemon runs with its own HOME, so it never sees the developer's keyrings, and
    stops when the fixture closes the session's stdin.
    """
    missing = [
        tool for tool in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(tool) is None
    ]
    if missing:
        pytest.skip(
            f"no real keychain to test with ({', '.join(missing)} not installed): "
            "apt-get install dbus gnome-keyring (.ci/run does)"
        )
    home = tmp_path_factory.mktemp("keyring-home")
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_DATA_HOME": str(home / "data"),
        "LANG": "C.UTF-8",
    }
    session = subprocess.Popen(
        ["dbus-run-session", "--", "sh", "-c", _SCRIPT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert session.stdout is not None
    assert session.stdin is not None
    bus: dict[str, str] = {}
    for line in session.stdout:
        if line.startswith("DBUS_SESSION_BUS_ADDRESS="):
            bus["DBUS_SESSION_BUS_ADDRESS"] = line.strip().split("=", 1)[1]
        if line.strip() == "READY":
            break
    if "DBUS_SESSION_BUS_ADDRESS" not in bus:
        session.kill()
        session.wait()
        session.stdout.close()
        session.stdin.close()
        pytest.fail("gnome-keyring did not start inside dbus-run-session")
    try:
        yield bus
    finally:
        session.stdin.close()
        try:
            session.wait(timeout=10)
        except subprocess.TimeoutExpired:
            session.kill()
            session.wait()
        session.stdout.close()


@pytest.fixture
def real_keychain(
    secret_service: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """This test (and the processes it starts) use the real Secret Service."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    for name, value in secret_service.items():
        monkeypatch.setenv(name, value)
    return secret_service


def secret_tool_lookup(bus: dict[str, str], account: str) -> str | None:
    """What ``secret-tool`` (libsecret, not our code) finds for Maestrale's item."""
    if shutil.which("secret-tool") is None:
        return None
    result = subprocess.run(
        ["secret-tool", "lookup", "service", "maestrale", "username", account],
        env={**os.environ, **bus},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout if result.returncode == 0 else None


def grep_tree(root: Path, needle: str) -> list[Path]:
    """Every file under ``root`` whose bytes contain ``needle``."""
    hits: list[Path] = []
    if not root.exists():
        return hits
    for path in root.rglob("*"):
        if path.is_file() and needle.encode() in path.read_bytes():
            hits.append(path)
    return hits
