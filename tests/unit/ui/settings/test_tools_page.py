"""Settings → Tools: turning tools on, the servers' state, and the tools that run
without asking."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.settings import Settings, load_settings
from app.ui.settings.tools_page import ToolsPage
from app.ui.settings_dialog import SettingsDialog
from tests.unit.ui.settings.test_settings_dialog import make_dialog  # noqa: F401 - fixture


class Sources:
    """What the app's toolbox would say: two servers, one of them failed."""

    def __init__(self, folder: Path) -> None:
        self.mcp_config_path = folder / "mcp.json"
        self.lines: list[tuple[str, str]] = [("files", "3 tools"), ("web", "failed: no npx")]
        self.problems: list[str] = []
        self.reloads = 0

    def builtin_lines(self) -> Sequence[str]:
        return ["current_time: the date and time", "calculate: arithmetic"]

    def server_lines(self) -> Sequence[tuple[str, str]]:
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
    shown = [page.servers.item(i).text() for i in range(page.servers.count())]
    assert shown == ["files: 3 tools", "web: failed: no npx"]
    assert str(sources.mcp_config_path) in page.config_note.text()
    sources.lines = [("files", "3 tools")]
    sources.problems = ["mcp.json: server 'web': no command; give one."]
    page.reload_button.click()
    assert sources.reloads == 1
    assert page.servers.count() == 1
    assert page.problems.message() == sources.problems[0]


def test_no_servers_says_where_to_list_them(qtbot: QtBot, tmp_path: Path) -> None:
    sources = Sources(tmp_path)
    sources.lines = []
    page = ToolsPage(Settings(), sources)
    qtbot.addWidget(page)
    assert page.config_note.text().startswith("None yet: list them in")
    assert page.servers.isHidden()


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
