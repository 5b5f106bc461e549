"""One instance per user and data folder: the local socket, its protocol, stale sockets."""

from __future__ import annotations

import json
import os
import select
import signal
import stat
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QDir
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from pytestqt.qtbot import QtBot

from app.quick import single_instance
from app.quick.single_instance import (
    NEW_CHAT,
    QUICK,
    SHOW,
    BadRequest,
    InstanceServer,
    claim_instance,
    instance_name,
    parse_request,
    send_to_running,
)

ROOT = Path(__file__).resolve().parents[3]
unix_only = pytest.mark.skipif(sys.platform == "win32", reason="socket files and SIGKILL")


@pytest.fixture
def name() -> Iterator[str]:
    """A socket name of this test alone; whatever it leaves behind is removed."""
    unique = f"maestrale-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    yield unique
    QLocalServer.removeServer(unique)
    Path(QDir.tempPath(), f"{unique}.lock").unlink(missing_ok=True)


@pytest.fixture
def servers(qtbot: QtBot) -> Iterator[list[InstanceServer]]:
    """Servers a test made: closed at its end."""
    made: list[InstanceServer] = []
    yield made
    for server in made:
        server.close()


def _server(servers: list[InstanceServer], name: str) -> InstanceServer:
    server = InstanceServer(name)
    servers.append(server)
    return server


def _python(code: str) -> subprocess.Popen[str]:
    """Run ``code`` in a new Python that imports this checkout."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> int:
    """Wait for ``process`` (closing its pipes); its exit status."""
    process.communicate(timeout=15)
    return process.returncode


def _send_from_another_process(
    name: str, command: str, arguments: dict[str, Any], *, with_application: bool = False
) -> subprocess.Popen[str]:
    """A later start handing a command over (with or without a QCoreApplication)."""
    setup = "from PySide6.QtCore import QCoreApplication; app = QCoreApplication([])"
    return _python(
        f"""
        import sys
        from app.quick.single_instance import send_to_running
        {setup if with_application else ""}
        delivered = send_to_running({name!r}, {command!r}, {arguments!r}, timeout_ms=5000)
        print(delivered, flush=True)
        sys.exit(0 if delivered else 1)
        """
    )


# Names ----------------------------------------------------------------------------------


def test_the_name_is_per_user_and_per_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (tmp_path / "link").symlink_to(first)
    name = instance_name(first)
    assert len(name) <= 40
    assert name.startswith("maestrale-")
    assert name.rsplit("-", 1)[1].isalnum()
    if hasattr(os, "getuid"):
        assert name.split("-")[1] == str(os.getuid())
    assert instance_name(second) != name
    monkeypatch.chdir(tmp_path)
    for spelling in (Path("first"), tmp_path / "second" / ".." / "first", tmp_path / "link"):
        assert instance_name(spelling) == name


def test_without_a_user_id_the_user_name_is_made_safe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "getuid", raising=False)
    monkeypatch.setattr(single_instance.getpass, "getuser", lambda: r"Jane Doe\CORP")
    name = instance_name(tmp_path)
    assert name.startswith("maestrale-jane_doe_corp-")
    assert all(char.isalnum() or char in "_.-" for char in name)

    def no_user() -> str:
        raise OSError("no user name")

    monkeypatch.setattr(single_instance.getpass, "getuser", no_user)
    assert instance_name(tmp_path).startswith("maestrale-user-")


# The protocol ---------------------------------------------------------------------------


def test_requests_are_checked_and_their_arguments_normalised() -> None:
    assert parse_request(b'{"command": "show", "arguments": {}}') == (SHOW, {})
    assert parse_request(b'{"command": "show"}') == (SHOW, {})
    assert parse_request(b'{"command": "quick", "arguments": {"template": "Translate"}}') == (
        QUICK,
        {"template": "Translate"},
    )
    assert parse_request(b'{"command": "quick", "arguments": {"template": null}}') == (
        QUICK,
        {"template": None},
    )
    extra = b'{"command": "quick", "arguments": {"template": "", "later": 1}}'
    assert parse_request(extra) == (QUICK, {"template": None})
    assert parse_request(b'{"command": "new-chat"}') == (NEW_CHAT, {})


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"", "not JSON"),
        (b"\xff\xfe garbage", "not UTF-8"),
        (b"show", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'"show"', "not a JSON object"),
        (b"{}", "no text 'command'"),
        (b'{"command": 3}', "no text 'command'"),
        (b'{"command": "show", "arguments": []}', "'arguments' is not an object"),
        (b'{"command": "quick", "arguments": {"template": 7}}', "'template' is not a text"),
        (b'{"command": "explode"}', "unknown command 'explode'"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_malformed_requests_are_refused_with_a_reason(line: bytes, reason: str) -> None:
    with pytest.raises(BadRequest, match=reason):
        parse_request(line)


# The server and its clients -------------------------------------------------------------


def test_a_second_server_with_the_same_name_is_not_the_instance(
    servers: list[InstanceServer], name: str
) -> None:
    first = _server(servers, name)
    assert first.listen() is True
    assert first.listen() is True  # already listening
    second = _server(servers, name)
    assert second.listen() is False
    assert not second.is_listening()
    assert first.is_listening()
    other = _server(servers, f"{name}-other")  # another data folder runs beside it
    assert other.listen() is True
    other.close()
    QLocalServer.removeServer(f"{name}-other")


@unix_only
def test_the_socket_is_private_to_the_user(servers: list[InstanceServer], name: str) -> None:
    server = _server(servers, name)
    assert server.listen()
    path = Path(server.server_path())
    mode = path.stat().st_mode
    assert stat.S_ISSOCK(mode)
    assert mode & 0o077 == 0  # neither group nor others may connect
    assert path.stat().st_uid == os.getuid()


def test_a_later_start_delivers_its_command(
    qtbot: QtBot, servers: list[InstanceServer], name: str
) -> None:
    server = _server(servers, name)
    assert server.listen()
    client = _send_from_another_process(name, QUICK, {"template": "Translate"})
    with qtbot.wait_signal(server.command_received, timeout=15_000) as received:
        pass
    assert received.args == [QUICK, {"template": "Translate"}]
    assert _finish(client) == 0

    client = _send_from_another_process(name, SHOW, {}, with_application=True)
    with qtbot.wait_signal(server.command_received, timeout=15_000) as received:
        pass
    assert received.args == [SHOW, {}]
    assert _finish(client) == 0


def test_nothing_listening_answers_false_at_once(name: str) -> None:
    started = time.perf_counter()
    assert send_to_running(name, SHOW, {}) is False
    assert time.perf_counter() - started < 0.2


def test_an_instance_that_does_not_answer_costs_at_most_the_timeout(
    servers: list[InstanceServer], name: str
) -> None:
    server = _server(servers, name)
    assert server.listen()
    # Its event loop does not run while this thread waits: like a hung instance.
    started = time.perf_counter()
    assert send_to_running(name, SHOW, {}, timeout_ms=300) is False
    assert 0.25 < time.perf_counter() - started < 1.0


def test_closing_removes_the_socket(servers: list[InstanceServer], name: str) -> None:
    server = _server(servers, name)
    assert server.listen()
    path = server.server_path()
    server.close()
    assert not server.is_listening()
    if sys.platform != "win32":
        assert not Path(path).exists()
    assert send_to_running(name, SHOW, {}) is False
    assert _server(servers, name).listen() is True


@unix_only
def test_a_socket_left_by_a_killed_instance_is_cleaned_up(
    qtbot: QtBot, servers: list[InstanceServer], name: str
) -> None:
    instance = _python(
        f"""
        from PySide6.QtCore import QCoreApplication
        from app.quick.single_instance import InstanceServer
        app = QCoreApplication([])
        server = InstanceServer({name!r})
        print(server.listen(), server.server_path(), flush=True)
        app.exec()
        """
    )
    try:
        assert instance.stdout is not None
        listening, path = instance.stdout.readline().split()
        assert listening == "True"
        assert _server(servers, name).listen() is False  # it is alive: it answers
    finally:
        instance.send_signal(signal.SIGKILL)
        instance.communicate(timeout=15)
    assert Path(path).exists()  # SIGKILL: Qt had no chance to remove it

    started = time.perf_counter()
    assert send_to_running(name, SHOW, {}) is False  # nobody answers, and fast
    assert time.perf_counter() - started < 0.2
    server = _server(servers, name)
    assert server.listen() is True
    assert server.server_path() == path
    client = _send_from_another_process(name, SHOW, {})
    with qtbot.wait_signal(server.command_received, timeout=15_000):
        pass
    assert _finish(client) == 0


def test_two_starts_at_once_make_one_instance(name: str) -> None:
    code = f"""
        import sys
        from PySide6.QtCore import QCoreApplication
        from app.quick.single_instance import InstanceServer
        app = QCoreApplication([])
        server = InstanceServer({name!r})
        print(server.listen(), flush=True)
        sys.stdin.read()  # keep listening until the test is done
        """
    starts = [_python(code), _python(code)]
    try:
        results = sorted(start.stdout.readline().strip() for start in starts if start.stdout)
    finally:
        for start in starts:
            start.communicate(timeout=15)
    assert results == ["False", "True"]


def test_a_start_that_claimed_the_name_keeps_a_second_one_waiting_until_it_listens(
    servers: list[InstanceServer], name: str
) -> None:
    # The window listens only once painted: a start in between must not become a
    # second instance, it waits for the first to listen and then finds it.
    claim = claim_instance(name)
    assert claim is not None
    second = _python(
        f"""
        from app.quick.single_instance import claim_instance
        print("claiming", flush=True)
        print(claim_instance({name!r}) is None, flush=True)
        """
    )
    assert second.stdout is not None
    assert second.stdout.readline().strip() == "claiming"
    # Still waiting on the claim while the first start builds and paints its window.
    waiting, _, _ = select.select([second.stdout], [], [], 0.5)
    assert waiting == []
    server = _server(servers, name)
    assert server.listen(claim) is True
    answered = second.stdout.readline().strip()
    assert _finish(second) == 0
    assert answered == "True"  # it found the instance, it did not claim the name


def test_a_released_claim_lets_the_next_start_claim_the_name(name: str) -> None:
    claim = claim_instance(name)
    assert claim is not None
    claim.release()
    again = claim_instance(name)
    assert again is not None
    again.release()


@unix_only
def test_claiming_the_name_loads_no_qtnetwork(name: str) -> None:
    # The window's start claims before its first paint; QtNetwork costs some 15 ms.
    check = _python(
        f"""
        import sys
        from app.quick.single_instance import claim_instance
        claim = claim_instance({name!r})
        print(claim is not None, "PySide6.QtNetwork" in sys.modules, flush=True)
        """
    )
    assert check.stdout is not None
    line = check.stdout.readline().split()
    assert _finish(check) == 0
    assert line == ["True", "False"]


class _RawClient:
    """A client in this thread that writes anything and collects the answer lines."""

    def __init__(self, qtbot: QtBot, name: str) -> None:
        self.qtbot = qtbot
        self.socket = QLocalSocket()
        self.received = b""
        self.socket.readyRead.connect(self._on_ready_read)
        self.socket.connectToServer(name)
        qtbot.wait_until(
            lambda: self.socket.state() == QLocalSocket.LocalSocketState.ConnectedState
        )

    def _on_ready_read(self) -> None:
        self.received += bytes(self.socket.readAll().data())

    def send(self, data: bytes) -> dict[str, Any]:
        """Write ``data`` and return the next answer."""
        before = self.received.count(b"\n")
        self.socket.write(QByteArray(data))
        self.socket.flush()
        self.qtbot.wait_until(lambda: self.received.count(b"\n") > before)
        answer: dict[str, Any] = json.loads(self.received.split(b"\n")[before])
        return answer


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x00\x01\x02\xff\n",
        b"not json at all\n",
        b"[]\n",
        b'{"command": null}\n',
        b'{"command": "quick", "arguments": {"template": ["x"]}}\n',
        b'{"command": "show", "arguments": "all"}\n',
    ],
)
def test_garbage_is_refused_and_the_server_keeps_working(
    qtbot: QtBot, servers: list[InstanceServer], name: str, garbage: bytes
) -> None:
    server = _server(servers, name)
    assert server.listen()
    client = _RawClient(qtbot, name)
    with qtbot.assert_not_emitted(server.command_received):
        answer = client.send(garbage)
    assert answer["ok"] is False
    assert isinstance(answer["error"], str)
    assert answer["error"]
    # The same connection, and a new one, still work.
    with qtbot.wait_signal(server.command_received) as received:
        assert client.send(b'{"command": "show", "arguments": {}}\r\n') == {"ok": True}
    assert received.args == [SHOW, {}]
    other = _RawClient(qtbot, name)
    assert other.send(b'{"command": "quick", "arguments": {}}\n') == {"ok": True}
    assert server.is_listening()


def test_an_unknown_command_is_answered_with_an_error(
    qtbot: QtBot, servers: list[InstanceServer], name: str
) -> None:
    server = _server(servers, name)
    assert server.listen()
    client = _RawClient(qtbot, name)
    answer = client.send(b'{"command": "format-disk", "arguments": {}}\n')
    assert answer == {"ok": False, "error": "unknown command 'format-disk'"}
    # Two requests in one write are both answered, in order.
    client.send(b'{"command": "show"}\n\n{"command": "nope"}\n')
    lines = [json.loads(line) for line in client.received.split(b"\n")[1:] if line]
    assert lines == [{"ok": True}, {"ok": False, "error": "unknown command 'nope'"}]


def test_a_slot_may_close_the_server_while_a_request_is_answered(
    qtbot: QtBot, servers: list[InstanceServer], name: str
) -> None:
    server = _server(servers, name)
    assert server.listen()
    received: list[str] = []

    def on_command(command: str, arguments: dict[str, Any]) -> None:
        received.append(command)
        server.close()

    server.command_received.connect(on_command)
    client = _RawClient(qtbot, name)
    assert client.send(b'{"command": "show"}\n{"command": "quick"}\n') == {"ok": True}
    qtbot.wait_until(
        lambda: client.socket.state() == QLocalSocket.LocalSocketState.UnconnectedState
    )
    assert received == [SHOW]
    assert not server.is_listening()


def test_overlong_and_silent_clients_are_dropped(
    qtbot: QtBot, servers: list[InstanceServer], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(single_instance, "IDLE_TIMEOUT_MS", 100)
    server = _server(servers, name)
    assert server.listen()
    flood = _RawClient(qtbot, name)
    answer = flood.send(b"x" * (single_instance.MAX_LINE_BYTES + 10))
    assert answer == {"ok": False, "error": "the request is too long"}
    qtbot.wait_until(lambda: flood.socket.state() == QLocalSocket.LocalSocketState.UnconnectedState)
    silent = _RawClient(qtbot, name)
    qtbot.wait_until(
        lambda: silent.socket.state() == QLocalSocket.LocalSocketState.UnconnectedState
    )
    assert _RawClient(qtbot, name).send(b'{"command": "show"}\n') == {"ok": True}
