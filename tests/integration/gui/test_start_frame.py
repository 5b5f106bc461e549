"""The window shows its frame first, then its parts take the frame's place.

At start the window paints a frame (app.ui.start_frame) before the modules of its parts
are imported; the parts must then stand exactly where the frame drew them, or the
window would jump as it fills in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QEvent, QPoint, QRect
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.config import load_config
from app.main import Application
from app.state import LAST_CONVERSATION_KEY, UiState
from app.store.conversations import ConversationStore
from app.ui.main_window import MainWindow
from app.ui.text_scale import room_scale
from app.ui.window_place import STATE_KEY, place_window
from tests.integration.gui.conftest import close_application, forget_application


def _in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _frame_part(window: MainWindow, name: str) -> QWidget:
    part = window.centralWidget().findChild(QWidget, name)
    assert part is not None, name
    return part


class Started:
    """A window started as run_window starts it: the frame shown, then the parts."""

    def __init__(self, qapp: QApplication, environ: dict[str, str], qtbot: QtBot) -> None:
        self.config = load_config(environ)
        self.application = Application(qapp, self.config, environ)
        self.state = UiState(self.config.paths.config_dir / "state.json")
        self.window = MainWindow()
        self.qtbot = qtbot

    def show_frame(self) -> MainWindow:
        place_window(self.window, self.state)
        self.window.show()
        self.qtbot.waitExposed(self.window)
        return self.window

    def install(self) -> MainWindow:
        store = ConversationStore.open(self.config.paths.database)
        return self.application.build(store, frame=self.window, state=self.state)


@pytest.fixture
def started(
    qapp: QApplication,
    qloop: qasync.QEventLoop,
    qtbot: QtBot,
    gui_environ: dict[str, str],
) -> Iterator[Started]:
    harness = Started(qapp, gui_environ, qtbot)
    try:
        yield harness
    finally:
        if harness.window.installed:
            close_application(qloop, harness.application)
        else:
            harness.window.deleteLater()
        del harness
        forget_application(qapp)


def test_the_parts_stand_where_the_frame_drew_them(started: Started, qtbot: QtBot) -> None:
    window = started.show_frame()
    assert not window.installed
    names = (
        "sidebar",
        "newChatButton",
        "searchField",
        "chatTitle",
        "composer",
        "composerEdit",
        "sendButton",
    )
    drawn = {name: _in_window(_frame_part(window, name), window) for name in names}
    welcome = _in_window(_frame_part(window, "emptyState"), window)

    started.install()
    assert window.installed
    pane, sidebar = window.pane, window.sidebar
    qtbot.waitUntil(pane.transcript.empty_label.isVisible)
    real = {
        "sidebar": sidebar,
        "newChatButton": sidebar.new_chat_button,
        "searchField": sidebar.search_field,
        "chatTitle": pane.title,
        "composer": pane.composer,
        "composerEdit": pane.composer.edit,
        "sendButton": pane.composer.button,
    }
    placed = {name: _in_window(widget, window) for name, widget in real.items()}
    # The title starts where it was drawn (the model picker beside it, which comes with
    # the pane, may leave it less room).
    assert placed["chatTitle"].topLeft() == drawn["chatTitle"].topLeft()
    assert placed["chatTitle"].height() == drawn["chatTitle"].height()
    for name in set(names) - {"chatTitle"}:
        assert placed[name] == drawn[name], name
    # The welcome line in the middle of the conversation's place, as the frame had it.
    empty = pane.transcript.empty_label
    assert _in_window(empty, window).center() == welcome.center()
    # The frame is gone with its widgets.
    assert window.centralWidget() is window.splitter
    assert window.findChild(QWidget, "composer") is pane.composer


def test_the_frame_keeps_the_sidebar_hidden_as_it_was_left(started: Started, qtbot: QtBot) -> None:
    started.state.set(STATE_KEY, {"sidebar_visible": False, "sidebar_width": 300})
    window = started.show_frame()
    assert _frame_part(window, "sidebar").isHidden()
    button = _in_window(_frame_part(window, "sidebarButton"), window)
    title = _in_window(_frame_part(window, "chatTitle"), window)
    started.install()
    assert window.sidebar.isHidden()
    assert not window.sidebar_wanted  # hidden by the person, not for a narrow window
    # The header's button that shows it again, where the frame drew it.
    qtbot.waitUntil(lambda: _in_window(window.pane.sidebar_button, window) == button)
    assert _in_window(window.pane.title, window).topLeft() == title.topLeft()


def test_the_frame_of_a_narrow_window_shows_no_sidebar(started: Started) -> None:
    started.state.set(STATE_KEY, {"sidebar_visible": True})
    window = started.window
    window.resize(660, 600)
    window = started.show_frame()
    assert _frame_part(window, "sidebar").isHidden()
    started.install()
    assert window.sidebar.isHidden()
    assert window.sidebar_wanted  # back once the window is wide again


def test_the_frame_gives_the_sidebar_its_saved_width(started: Started) -> None:
    started.state.set(STATE_KEY, {"sidebar_width": 230, "sidebar_visible": True})
    window = started.show_frame()
    drawn = _frame_part(window, "sidebar").width()
    assert drawn == round(230 * room_scale(window))  # as saved, grown with the text
    started.install()
    assert window.sidebar.width() == drawn


def test_the_frame_of_a_maximised_window_is_fitted_to_its_maximised_width(
    started: Started, qtbot: QtBot
) -> None:
    # Left maximised, with a normal size too narrow for the sidebar: the frame is laid out
    # for the width the window system gives it, not the normal one.
    started.state.set(STATE_KEY, {"maximized": True, "sidebar_visible": True})
    window = started.window
    window.resize(660, 500)
    window = started.show_frame()
    qtbot.waitUntil(lambda: window.width() > 660)
    sidebar = _frame_part(window, "sidebar")
    drawn = (sidebar.isVisible(), sidebar.width())
    assert drawn[0]  # as it will be
    started.install()
    qtbot.waitUntil(window.sidebar.isVisible)  # shown once the loop runs
    assert window.sidebar.width() == drawn[1]


def test_the_frame_keeps_the_header_as_high_as_it_was_left(started: Started, qtbot: QtBot) -> None:
    # At a large text size in a narrow window the header's picker and Parameters go to a
    # second row: the frame, which has neither, did not know, and the welcome line and
    # everything under the header moved down as the parts came.
    window = started.show_frame()
    natural = _in_window(_frame_part(window, "emptyState"), window).top()
    started.install()
    qtbot.waitUntil(window.pane.transcript.empty_label.isVisible)
    left = window.header_height
    assert left is not None
    assert left > 0
    started.application.window_place.save()
    saved = started.state.get(STATE_KEY)
    assert saved["header_height"] == left  # kept with the window's place
    # Started again after a header two rows high: the frame's is as high.
    started.state.set(STATE_KEY, {**saved, "header_height": left + 40})
    again = MainWindow()
    place_window(again, started.state)
    again.show()
    qtbot.waitExposed(again)
    try:
        assert _in_window(_frame_part(again, "emptyState"), again).top() == natural + 40
    finally:
        again.deleteLater()


def test_nothing_in_the_frame_takes_the_keyboard(started: Started) -> None:
    # Given through Qt's properties as numbers (the frame does without the Qt namespace).
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    window = started.show_frame()
    for name in ("newChatButton", "searchField", "sidebarButton", "composerEdit"):
        assert _frame_part(window, name).focusPolicy() == Qt.FocusPolicy.NoFocus, name
    welcome = _frame_part(window, "emptyState")
    assert isinstance(welcome, QLabel)
    assert welcome.alignment() == Qt.AlignmentFlag.AlignCenter
    assert window.centralWidget().orientation() == Qt.Orientation.Horizontal


def test_closing_while_it_starts_closes_once_the_parts_are_in(
    started: Started, qtbot: QtBot
) -> None:
    window = started.show_frame()
    closing: list[bool] = []
    window.closing.connect(lambda: closing.append(True))
    window.close()  # as the window manager's close button
    assert window.isVisible()  # nothing can be kept or asked yet
    # Events a frame gets meanwhile find no parts to fit (nothing raises).
    QApplication.sendEvent(window, QResizeEvent(window.size(), window.size()))
    QApplication.sendEvent(window, QEvent(QEvent.Type.FontChange))
    started.install()
    qtbot.waitUntil(lambda: bool(closing))


PAINT_PROBE = """
import os, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv[:1])
PARTS = ("app.main", "app.ui.chat_pane", "app.ui.sidebar", "app.chat.controller")

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
            if not watched.installed:
                loaded = sorted(m for m in PARTS if m in sys.modules)
                welcome = watched.centralWidget().findChild(QLabel, "emptyState")
                print("at first paint:", type(watched.centralWidget()).__name__, loaded,
                      "welcome" if welcome.isVisible() else "no welcome", flush=True)
            else:
                rows = watched.sidebar.model.rowCount()
                title = watched.pane.title.text()
                print("then:", type(watched.centralWidget()).__name__, rows, title, flush=True)
                os._exit(0)
        return False

probe = Probe()
app.installEventFilter(probe)
from app.cli import main
main([])
"""


def _start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str
) -> subprocess.CompletedProcess[str]:
    """``maestrale`` (app.cli.main) started by ``code`` on a history holding one chat,
    "A kept chat", that was open when the app last ended."""
    data = tmp_path / "data"
    with ConversationStore.open(data / "history.sqlite3") as store:
        kept = store.create_conversation(title="A kept chat", model=None)
    environ = {k: v for k, v in os.environ.items() if k != "MISTRAL_API_KEY"}
    environ.update(
        QT_QPA_PLATFORM="offscreen",
        MAESTRALE_DATA_DIR=str(data),
        MAESTRALE_BASE_URL="http://127.0.0.1:9",
        MISTRAL_API_KEY="test-key",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", environ["XDG_CONFIG_HOME"])  # where it looks
    state = UiState(load_config(environ).paths.config_dir / "state.json")
    state.set(LAST_CONVERSATION_KEY, kept.id)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_window_paints_its_frame_before_its_parts_are_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _start(tmp_path, monkeypatch, PAINT_PROBE)
    assert "at first paint: StartFrame []" in result.stdout, result.stderr[-2000:]
    # The conversation open when it last ended shows with the parts' first paint: the
    # frame had no new chat's welcome line to replace.
    assert "no welcome" in result.stdout
    assert "then: QSplitter 2 A kept chat" in result.stdout  # "Today" and the chat


NAMESPACE_PROBE = """
import enum, json, os, sys

made = []
create = enum.EnumMeta._create_

def noted(cls, name, *args, **kwargs):  # every Python enum PySide makes, by name
    made.append(name)
    return create(cls, name, *args, **kwargs)

enum.EnumMeta._create_ = noted
made_at_paint = []
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QMainWindow

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.Paint:
            return False
        if not watched.installed:
            if not made_at_paint:
                # Qt.Key and Qt.ColorScheme: two of the namespace's hundred.
                made_at_paint.append("Key" in made or "ColorScheme" in made)
                print("namespace at first paint:", made_at_paint[0], flush=True)
            return False
        state = os.path.join(os.environ["XDG_CONFIG_HOME"], "maestrale", "state.json")
        with open(state, encoding="utf-8") as file:
            print("kept:", json.load(file).get("desktop_dark"), flush=True)
        os._exit(0)

probe = Probe()
show = QMainWindow.show

def watched_show(window):  # the window only: a filter on the app would make enums
    window.installEventFilter(probe)
    show(window)

QMainWindow.show = watched_show
from app.cli import main
main([])
"""


@pytest.mark.parametrize(
    ("look", "seen", "made", "kept"),
    [
        ("system", True, False, False),
        ("system", False, True, False),  # a first start asks, and keeps the answer
        ("dark", False, False, None),  # a chosen look needs no desktop's scheme
    ],
)
def test_the_frame_paints_without_the_qt_namespace(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    look: str,
    seen: bool,
    made: bool,
    kept: bool | None,
) -> None:
    # PySide makes the Qt namespace's hundred enums at its first use, a sixth of the
    # frame's way to the screen. The desktop's scheme, which only the namespace tells,
    # is taken as last seen; Qt is asked and told once the frame has painted.
    from app.window_start import SYSTEM_DARK_KEY

    config = tmp_path / "config" / "maestrale"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text(f'theme = "{look}"\n', encoding="utf-8")
    if seen:
        UiState(config / "state.json").set(SYSTEM_DARK_KEY, True)  # a dark desktop
    result = _start(tmp_path, monkeypatch, NAMESPACE_PROBE)
    assert f"namespace at first paint: {made}" in result.stdout, result.stderr[-2000:]
    # Offscreen, the desktop tells no scheme: light, asked once the frame painted.
    assert f"kept: {kept}" in result.stdout


SIGNAL_PROBE = """
import os, signal
import app.window_start as start

handled = start.close_on_signals

def close_on_signals(window):
    kept = handled(window)
    print("signalled while starting:", not window.installed, flush=True)
    os.kill(os.getpid(), signal.SIGTERM)  # a logout, say, as the parts load
    return kept

start.close_on_signals = close_on_signals
from app.cli import main
raise SystemExit(main([]))
"""


def test_a_signal_while_it_starts_ends_it_the_normal_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It ended at once (killed, status 143); now the frame closes once the parts are in,
    # and the app quits as from Ctrl+Q.
    result = _start(tmp_path, monkeypatch, SIGNAL_PROBE)
    assert "signalled while starting: True" in result.stdout, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
