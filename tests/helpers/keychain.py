"""A real Secret Service keychain: gnome-keyring on a private D-Bus session bus."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_START = 'echo "DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS"; '
_SERVE = "gnome-keyring-daemon --start --components=secrets >/dev/null; echo READY; exec cat"
# With a login keyring, unlocked (as a desktop session has it); or with none at all (a
# fresh account, or a desktop that does not make one at login).
_WITH_KEYRING = (
    _START + "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; " + _SERVE
)
_WITHOUT_KEYRING = _START + _SERVE


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Starts gnome-keyring inside ``dbus-run-session``, its login keyring unlocked;
    yields the bus environment.

    The daemon runs with its own HOME, so it never sees the developer's keyrings, and
    stops when the fixture closes the session's stdin.
    """
    yield from _secret_service(tmp_path_factory.mktemp("keyring-home"), _WITH_KEYRING)


@pytest.fixture(scope="session")
def secret_service_without_keyring(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, str]]:
    """gnome-keyring as ``secret_service`` starts it, but with no keyring yet: making
    one (storing a key) asks for its password in a prompt, which cannot show here."""
    yield from _secret_service(tmp_path_factory.mktemp("empty-keyring-home"), _WITHOUT_KEYRING)


def _secret_service(home: Path, script: str) -> Iterator[dict[str, str]]:
    missing = [
        tool for tool in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(tool) is None
    ]
    if missing:
        pytest.skip(
            f"no real keychain to test with ({', '.join(missing)} not installed): "
            "apt-get install dbus gnome-keyring (.ci/run does)"
        )
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
        ["dbus-run-session", "--", "sh", "-c", script],
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
    return _used(secret_service, monkeypatch)


@pytest.fixture
def keychain_without_keyring(
    secret_service_without_keyring: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """This test (and the processes it starts) use a real Secret Service with no keyring."""
    return _used(secret_service_without_keyring, monkeypatch)


def _used(bus: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    for name, value in bus.items():
        monkeypatch.setenv(name, value)
    return bus


def keyrings(bus: dict[str, str]) -> list[str]:
    """The D-Bus paths of the keyrings (collections) of the Secret Service on ``bus``."""
    script = (
        "import secretstorage; "
        "print(*sorted(c.collection_path for c in "
        "secretstorage.get_all_collections(secretstorage.dbus_init())))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **bus},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


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
