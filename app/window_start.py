"""Opening the window (run_window), and what it needs around it: Qt's application
object, one Maestrale per history, the first paint, and the signals that close the
window the normal way.

The window shows its frame first (see app.ui.start_frame): only what that frame needs
is imported before it is painted, the rest (app.main and the window's parts) after.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app import __version__
from app.appearance import read_appearance
from app.log import log_uncaught_errors
from app.paths import AppPaths, resolve_paths
from app.quick.single_instance import (
    InstanceClaim,
    InstanceServer,
    SingleInstanceError,
    claim_instance,
    instance_name,
    send_to_running,
)
from app.state import LAST_CONVERSATION_KEY, UiState
from app.ui.main_window import MainWindow
from app.ui.theme import ThemeController
from app.ui.window_place import place_window

if TYPE_CHECKING:
    from app.main import Application

log = logging.getLogger(__name__)
# The app's style (see app.ui.theme.apply_theme), given as Qt's -style argument: set
# from Python, the QStyle object PySide returns costs ~10 ms of its enums at start.
FUSION = "Fusion"
# In state.json: whether the desktop was dark when last seen (see ThemeController).
SYSTEM_DARK_KEY = "desktop_dark"


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
    paths: AppPaths, start_quick: str | None, *, new_chat: bool = False
) -> tuple[Instance, int | None]:
    """Claim to be the one Maestrale of this history, or hand over to the one that runs.

    Returns this process's ``Instance`` (with nothing to listen on when hand-over is
    impossible here) and, when this process must end at once, its exit status.
    """
    name = instance_name(paths.data_dir)
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
    """Qt's application object, named as the desktop knows the app.

    Fractional screen scales are passed through as they are (Qt 6's default rounding
    policy): 150% is drawn at 1.5, not rounded to 2.
    """
    app = QApplication.instance() or QApplication([*sys.argv[:1], "-style", FUSION])
    assert isinstance(app, QApplication)
    app.setApplicationName("Maestrale")
    app.setApplicationDisplayName("Maestrale")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Maestrale")
    app.setDesktopFileName("maestrale")
    return app


def run_window(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    """Open the window; returns the exit status once it is closed."""
    fusion_set = QApplication.instance() is None  # qt_application makes it with Fusion
    app = qt_application()
    paths = resolve_paths(environ, args.data_dir)
    start_quick = getattr(args, "start_quick", None)
    new_chat = bool(getattr(args, "new_chat", False))
    instance, status = become_the_instance(paths, start_quick, new_chat=new_chat)
    if status is not None:
        return status
    # One UiState for the whole app: each writes its whole file, so two would undo
    # each other's values.
    state = UiState(paths.config_dir / "state.json")
    # The frame's look from its two settings (the settings are all read once it has
    # painted: see app.appearance), and the desktop's scheme as last seen (see
    # ThemeController.follow_desktop).
    appearance = read_appearance(paths.settings_file)
    system_dark = state.get(SYSTEM_DARK_KEY)
    theme = ThemeController(
        app,
        appearance.theme,
        appearance.font_size,
        fusion_set=fusion_set,
        system_dark=system_dark if isinstance(system_dark, bool) else None,
        later=True,  # see follow_desktop below
    )
    # The window at once, as it was left, with its frame in it; its parts come once it
    # is painted (a quick prompt started alone shows no window).
    reopening = not new_chat and isinstance(state.get(LAST_CONVERSATION_KEY), str)
    frame = None if start_quick is not None else show_frame(state, reopening=reopening)
    # A signal meanwhile closes the frame, which closes once the parts are in.
    signals = None if frame is None else close_on_signals(frame)
    desktop_dark = theme.follow_desktop()
    if desktop_dark is not None:
        state.set(SYSTEM_DARK_KEY, desktop_dark)
    from app.config import load_config
    from app.main import Application

    config = load_config(
        environ, data_dir=args.data_dir, base_url=args.base_url, model=getattr(args, "model", None)
    )
    theme.apply_settings(config.settings)  # as the frame has it, but for a change meanwhile
    application = Application(app, config, environ, theme=theme)
    log_uncaught_errors()  # into the log file Application set up
    window = _build_window(application, instance, frame, state)
    if window is None:
        instance.close()
        return 8
    if start_quick is None:
        if reopening:  # shown with the parts' first paint, not after the new chat's
            application.reopen_last_conversation()
        application.pane.focus_composer()  # type at once, as in every chat app
        until_painted(window)  # the whole window, before the event loop's modules
    instance.listen()  # once painted: see Instance
    return _run(application, instance, window, start_quick=start_quick, signals=signals)


def show_frame(state: UiState, *, reopening: bool = False) -> MainWindow:
    """The window in its place, showing its start frame, once painted; ``reopening``
    the last conversation, without the new chat's welcome line and title."""
    frame = MainWindow()
    if reopening:
        frame.frame_for_a_conversation()
    place_window(frame, state)
    frame.show()
    until_painted(frame)
    # Its icon at once, not with the parts: the taskbar showed a placeholder meanwhile.
    from app.ui.icons import app_icon  # Qt's icon classes: not worth the frame's paint

    frame.setWindowIcon(app_icon())
    return frame


def _build_window(
    application: Application, instance: Instance, frame: MainWindow | None, state: UiState
) -> MainWindow | None:
    """The window, with its parts (None: the history could not be opened)."""
    from app.main import TRASH_KEPT
    from app.store.errors import StoreError
    from app.ui.open_history import open_store

    config = application.config
    store = open_store(config, before_waiting=instance.listen)
    if store is None:
        return None
    try:
        store.purge_trash(older_than=TRASH_KEPT)
    except StoreError:
        log.warning("Could not empty the trash", exc_info=True)
    window = application.build(store, frame=frame, state=state)
    instance.on_command(application.on_command)
    for problem in (*config.problems, config.override_refused):
        if problem:
            log.warning("%s", problem)
    return window


def _run(
    application: Application,
    instance: Instance,
    window: MainWindow,
    *,
    start_quick: str | None,
    signals: object,
) -> int:
    """Run the event loop until the app ends; returns the exit status. ``signals``: the
    signal handling close_on_signals set up already, if it did."""
    # asyncio and its event loop only now: they take a tenth of the start-up, and
    # nothing before the first paint needs them.
    import asyncio

    import qasync  # type: ignore[import-untyped]

    app = application.app
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    application.start_key_check()
    if start_quick is not None:
        # Started by `maestrale quick`: only the quick prompt shows (the window, shown
        # later, on the conversation open when the app last ended).
        QTimer.singleShot(0, application.reopen_last_conversation)  # once the loop runs
        application.desktop.summon(start_quick or None, run=True)
    # After the first paint: the model list, warm-up and global shortcuts are not worth
    # a slower start.
    QTimer.singleShot(300, application.start_background)
    QTimer.singleShot(300, application.start_desktop)
    # Everything built so far lives as long as the window: keep it out of the garbage
    # collector's full passes, which would otherwise stall streaming now and then.
    # The collector was off while starting (see app.cli): its garbage goes first.
    gc.collect()
    gc.freeze()
    from app.collector import GuiThreadCollector  # its collections: this thread's only

    collector = GuiThreadCollector(app)
    keep = signals if signals is not None else close_on_signals(window)
    with loop:
        loop.run_until_complete(application.closed.wait())
        loop.run_until_complete(application.shutdown())
        loop.run_until_complete(loop.shutdown_asyncgens())
    instance.close()
    collector.stop()
    del keep
    return 0
