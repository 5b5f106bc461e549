"""Settings → Tools: turning tools on, the servers' state, and the tools that run
without asking."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.settings import Settings, load_settings
from app.tools.toolbox import ServerLine, Toolbox
from app.ui.settings.tools_page import ToolsPage
from app.ui.settings_dialog import SettingsDialog
from app.ui.theme import apply_theme
from tests.unit.ui.settings.test_settings_dialog import make_dialog  # noqa: F401 - fixture


class Sources:
    """What the app's toolbox would say: two servers, one of them failed."""

    def __init__(self, folder: Path) -> None:
        self.mcp_config_path = folder / "mcp.json"
        self.lines = [
            ServerLine("files", "ready", "ready", "3 tools"),
            ServerLine("web", "failed", "failed", "no npx"),
        ]
        self.problems: list[str] = []
        self.reloads = 0

    def builtin_lines(self) -> Sequence[str]:
        return ["current_time: the date and time", "calculate: arithmetic"]

    def server_lines(self) -> Sequence[ServerLine]:
        return self.lines

    def config_problems(self) -> Sequence[str]:
        return self.problems

    def ensure_config_file(self) -> Path:
        self.mcp_config_path.write_text("{}", encoding="utf-8")
        return self.mcp_config_path

    def reload_servers(self) -> None:
        self.reloads += 1


def test_the_page_shows_servers_problems_and_restarts_them(qtbot: QtBot, tmp_path: Path) -> None:
    sources = Sources(tmp_path)
    page = ToolsPage(Settings(), sources)
    qtbot.addWidget(page)
    assert page.servers.texts() == ["files: ready, 3 tools", "web: failed, no npx"]
    assert str(sources.mcp_config_path) in page.config_note.text()
    sources.lines = sources.lines[:1]
    sources.problems = ["mcp.json: server 'web': no command; give one."]
    page.reload_button.click()
    assert sources.reloads == 1
    assert page.servers.texts() == ["files: ready, 3 tools"]
    assert page.problems.message() == sources.problems[0]


def test_no_servers_says_where_to_list_them(qtbot: QtBot, tmp_path: Path) -> None:
    sources = Sources(tmp_path)
    sources.lines = []
    page = ToolsPage(Settings(), sources)
    qtbot.addWidget(page)
    assert page.config_note.text().startswith("None yet: list them in")
    assert page.servers.isHidden()


LONG = (
    "It stopped unexpectedly. Its last message: Error: Cannot find module "
    "'/home/someone/.npm/_npx/4f1a/node_modules/@modelcontextprotocol/server-filesystem/"
    "dist/index.js' imported from the package's entry point; reinstall it."
)


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Files the page asked the desktop to open; no program opens any of them."""
    paths: list[str] = []

    def open_url(url: QUrl) -> bool:
        paths.append(url.toLocalFile())
        return False

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return paths


def test_a_long_error_wraps_in_view_can_be_copied_and_its_log_opened(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, opened: list[str]
) -> None:
    apply_theme(qapp, "light", 20, assets_dir=tmp_path / "theme")  # large text
    log_file = tmp_path / "mcp-web.log"
    log_file.write_text("Error: Cannot find module\n", encoding="utf-8")
    sources = Sources(tmp_path)
    sources.lines = [
        ServerLine("files", "ready", "ready", "3 tools"),
        ServerLine("web", "failed", "failed", LONG, log_file),
        ServerLine("slow", "starting", "starting…", "Its tools come later."),
    ]
    page = ToolsPage(Settings(), sources)
    qtbot.addWidget(page)
    page.resize(800, 700)
    page.show()
    qtbot.waitExposed(page)
    web = page.servers.rows[1]
    page.ensureWidgetVisible(web)
    QApplication.processEvents()
    # All of it shows, in the page's width, on as many lines as it takes.
    assert web.detail.text() == LONG
    assert web.detail.wordWrap()
    assert web.detail.height() > 2 * web.detail.fontMetrics().height()
    right = web.detail.mapTo(page.widget(), web.detail.rect().topRight()).x()
    assert right <= page.viewport().width()
    assert not page.horizontalScrollBar().isVisible()
    assert web.minimumSizeHint().width() < 400  # it never widens the page
    assert web.detail.hasSelectedText() is False
    web.detail.setSelection(0, len(LONG))  # it can be selected, so copied
    assert web.detail.selectedText() == LONG
    # Every row whole, none cut off by a fixed height.
    for row in page.servers.rows:
        assert page.servers.rect().contains(row.geometry())
        assert row.height() >= row.heightForWidth(row.width())  # not squeezed
    # Its log, for the whole story.
    assert not page.servers.rows[0].log_button.isVisibleTo(page)  # none written
    assert web.log_button.isVisibleTo(page)
    web.log_button.click()
    assert opened == [str(log_file)]
    assert "No program opens mcp-web.log" in page.open_status.message()


def test_an_invalid_mcp_json_is_said_unreadable_not_empty(qtbot: QtBot, tmp_path: Path) -> None:
    config = tmp_path / "mcp.json"
    config.write_text('{"mcpServers": {"a": {"command": "x",}}}', encoding="utf-8")
    toolbox = Toolbox(tmp_path, tmp_path / "logs", enabled=lambda: False)  # tools off
    page = ToolsPage(Settings(), toolbox)
    qtbot.addWidget(page)
    assert page.config_note.text() == f"None could be read from {config}: the problem is below."
    assert page.problems.message().startswith(f"{config} is not valid JSON (line 1")
    assert not page.problems.isHidden()


def test_no_program_for_mcp_json_keeps_its_problem_in_view(
    qtbot: QtBot, tmp_path: Path, opened: list[str]
) -> None:
    sources = Sources(tmp_path)
    sources.problems = ["mcp.json is not valid JSON: correct the file."]
    page = ToolsPage(Settings(), sources)
    qtbot.addWidget(page)
    page.edit_button.click()
    assert opened == [str(sources.mcp_config_path)]
    assert page.problems.message() == sources.problems[0]  # still there
    assert page.open_status.message().startswith("No program opens mcp.json here: open ")
    assert not page.problems.isHidden()
    assert not page.open_status.isHidden()


def test_turning_tools_on_and_removing_an_always_run_tool_are_saved(
    qtbot: QtBot,
    tmp_path: Path,
    make_dialog: Callable[..., SettingsDialog],  # noqa: F811
) -> None:
    dialog = make_dialog(settings=Settings(tools_always_run="files/read, web/fetch"))
    page = dialog.tools_page
    assert [page.always.item(i).text() for i in range(page.always.count())] == [
        "files/read",
        "web/fetch",
    ]
    assert not page.remove_button.isEnabled()  # nothing chosen yet
    with qtbot.waitSignal(dialog.settings_changed, timeout=2000):
        page.enabled.setChecked(True)
        page.always.setCurrentRow(0)
        page.remove_button.click()
    saved = load_settings(tmp_path / "config" / "settings.toml").settings
    assert saved.tools is True
    assert saved.always_run_tools == {"web/fetch"}
    page.add_always_run("files/read")
    page.add_always_run("files/read")  # once only
    assert dialog.flush()
    saved = load_settings(tmp_path / "config" / "settings.toml").settings
    assert saved.always_run_tools == {"web/fetch", "files/read"}
