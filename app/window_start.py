"""What run_window needs around the window: Qt's application object, one Maestrale per
history, the first paint, and the signals that close the window the normal way."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app import __version__
from app.config import RuntimeConfig
from app.quick.single_instance import (
    InstanceClaim,
    InstanceServer,
    SingleInstanceError,
    claim_instance,
    instance_name,
    send_to_running,
)
from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def until_painted(window: MainWindow, timeout_ms: int = 250) -> None:
    """Let Qt show the window before start-up goes on (or give up after a while).

    Input waits meanwhile: typing needs the event loop that comes next.
    """
    from PySide6.QtCore import QEvent, QEventLoop, QObject

    waiting = QEventLoop()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                waiting.quit()  # once this paint is over
            return False

    watcher = FirstPaint()
    window.installEventFilter(watcher)
    QTimer.singleShot(timeout_ms, waiting.quit)
    waiting.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    window.removeEventFilter(watcher)


def close_on_signals(window: MainWindow) -> object:
    """SIGTERM and SIGINT end the app the normal way (as Ctrl+Q), so answers are kept.

    Python runs signal handlers only between bytecodes, and Qt's loop waits in C++:
    the wake-up file descriptor makes Qt's loop notice the signal at once.
    """
    if sys.platform == "win32":
        return None
    import signal
    import socket

    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    writer.setblocking(False)
    reader.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, window)

    def drain() -> None:
        with contextlib.suppress(OSError):
            reader.recv(64)

    notifier.activated.connect(drain)
    # SIGHUP: the terminal Maestrale was started from closes. Left to its default, it
    # killed the process outright, the answer streaming then marked as a crash's.
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        # For good: kept in the tray, a closed window only hides, and a logout's SIGTERM
        # left Maestrale running.
        signal.signal(number, lambda *_: window.quit_app(ask=False))
    return (reader, writer, notifier)


class Instance:
    """This process as the one Maestrale of its history: the claim taken at start, the
    server that hears later starts once ``listen`` has run.

    Listening waits for the window's first paint (QtNetwork is not worth a slower
    start); the claim keeps a second start waiting meanwhile (see
    ``app.quick.single_instance``). Call ``listen`` earlier when the start is about to
    wait on the person (a dialog) or on long work, so a second start is answered.
    """

    def __init__(self, claim: InstanceClaim | None) -> None:
        self._claim = claim
        self.server: InstanceServer | None = None
        self._slots: list[Callable[[str, dict[str, object]], None]] = []

    def on_command(self, slot: Callable[[str, dict[str, object]], None]) -> None:
        """``slot(command, arguments)`` for each command of a later start."""
        self._slots.append(slot)
        if self.server is not None:
            self.server.command_received.connect(slot)

    def listen(self) -> None:
        """Start listening (once; later calls do nothing)."""
        claim, self._claim = self._claim, None
        if claim is None:
            return
        server = InstanceServer(claim.name)
        try:
            server.listen(claim)
        except SingleInstanceError:
            log.warning("Running without single-instance hand-over", exc_info=True)
            return
        self.server = server
        for slot in self._slots:
            server.command_received.connect(slot)

    def close(self) -> None:
        if self._claim is not None:
            self._claim.release()
            self._claim = None
        if self.server is not None:
            self.server.close()


def become_the_instance(
    config: RuntimeConfig, start_quick: str | None, *, new_chat: bool = False
) -> tuple[Instance, int | None]:
    """Claim to be the one Maestrale of this history, or hand over to the one that runs.

    Returns this process's ``Instance`` (with nothing to listen on when hand-over is
    impossible here) and, when this process must end at once, its exit status.
    """
    name = instance_name(config.paths.data_dir)
    claim = claim_instance(name)
    if claim is not None:
        return Instance(claim), None
    # Another Maestrale runs on this history: hand over to it and leave.
    if start_quick is not None:
        delivered = send_to_running(name, "quick", {"template": start_quick or None})
    else:
        delivered = send_to_running(name, "new-chat" if new_chat else "show", {})
    if delivered:
        return Instance(None), 0
    print(
        "maestrale: another Maestrale is running on this history but does not answer; "
        "close it (or end its process) and try again.",
        file=sys.stderr,
    )
    return Instance(None), 1


def qt_application() -> QApplication:
    """Qt's application object, named as the desktop knows the app."""
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Maestrale")
    app.setApplicationDisplayName("Maestrale")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Maestrale")
    app.setDesktopFileName("maestrale")
    return app
