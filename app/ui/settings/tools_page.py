"""The Tools page: whether models may call tools, which there are, and which run
without asking."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.settings import Settings
from app.tools.toolbox import ServerLine
from app.ui.flow_layout import FlowLayout
from app.ui.settings.fitting import items_as_wide_as_the_list
from app.ui.settings.form import Card, Page, StatusLine, button, button_row, label
from app.ui.settings.server_rows import ServerRows
from app.ui.wrapping_buttons import WrappingCheckBox


class ToolSources(Protocol):
    """What the page shows of the app's tools (see ``app.tools.toolbox``)."""

    @property
    def mcp_config_path(self) -> Path: ...

    def builtin_lines(self) -> Sequence[str]: ...

    def server_lines(self) -> Sequence[ServerLine]: ...

    def config_problems(self) -> Sequence[str]: ...

    def ensure_config_file(self) -> Path: ...

    def reload_servers(self) -> None: ...


class NoTools:
    """Sources with no tools at all (a dialog built without the app's, in tests)."""

    mcp_config_path = Path("mcp.json")

    def builtin_lines(self) -> Sequence[str]:
        return ()

    def server_lines(self) -> Sequence[ServerLine]:
        return ()

    def config_problems(self) -> Sequence[str]:
        return ()

    def ensure_config_file(self) -> Path:
        return self.mcp_config_path

    def reload_servers(self) -> None:
        pass


class ToolsPage(Page):
    """``values()`` gives tools and tools_always_run.

    Signals:
        changed(): a choice changed.
    """

    changed = Signal()

    def __init__(
        self, settings: Settings, sources: ToolSources, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Tools",
            "Functions models may call in your conversations: built-in ones, and those of "
            "the MCP servers you list.",
            parent,
        )
        self._sources = sources
        switch = Card(spacing=6)
        self.enabled = WrappingCheckBox("Let models call tools")
        self.enabled.setChecked(settings.tools)
        switch.body.addWidget(self.enabled)
        switch.body.addWidget(
            label(
                "In the window's conversations (not the quick prompt nor maestrale ask). "
                "Before each call to a server's tool, Maestrale shows it with its "
                "arguments and asks you.",
                "muted",
            )
        )
        self.body.addWidget(switch)

        builtin = Card(spacing=6)
        builtin.body.addWidget(
            label("Built-in (run without asking: they read nothing of yours)", "section")
        )
        for line in sources.builtin_lines():
            builtin.body.addWidget(label(line))
        self.body.addWidget(builtin)

        servers = Card(spacing=8)
        servers.body.addWidget(label("MCP servers", "section"))
        self.config_note = label("", "muted")
        servers.body.addWidget(self.config_note)
        self.servers = ServerRows(self._open_file)
        servers.body.addWidget(self.servers)
        self.problems = StatusLine()
        servers.body.addWidget(self.problems)
        self.edit_button = button("Edit mcp.json…", icon_name="edit", wraps=True)
        self.reload_button = button("Restart servers", icon_name="regenerate", wraps=True)
        servers.body.addWidget(_right_flow(self.edit_button, self.reload_button))
        # Its own line: what opening a file said must not hide the file's problems.
        self.open_status = StatusLine()
        servers.body.addWidget(self.open_status)
        self.body.addWidget(servers)

        allowed = Card(spacing=8)
        allowed.body.addWidget(label("Run without asking", "section"))
        allowed.body.addWidget(
            label("Tools you chose “Always run” for. Remove one to be asked again.", "muted")
        )
        self.always = QListWidget()
        self.always.setAccessibleName("Tools that run without asking")
        # A long name keeps its server and its tool's ends: "web-sea…fetch_url".
        items_as_wide_as_the_list(self.always, Qt.TextElideMode.ElideMiddle)
        for key in sorted(settings.always_run_tools):
            self.always.addItem(_tool_item(key))
        allowed.body.addWidget(self.always)
        self.no_always = label("None: every call to a server's tool asks first.")
        allowed.body.addWidget(self.no_always)
        self.remove_button = button("Remove", icon_name="trash")
        self.remove_button.setAccessibleName("Remove from the tools that run without asking")
        allowed.body.addLayout(button_row(self.remove_button))
        self.body.addWidget(allowed)

        self.enabled.toggled.connect(lambda _on: self.changed.emit())
        self.edit_button.clicked.connect(self._edit_config)
        self.reload_button.clicked.connect(self._reload)
        self.remove_button.clicked.connect(self._remove_selected)
        self.always.currentRowChanged.connect(lambda _row: self._sync_buttons())
        self.refresh()

    def values(self) -> dict[str, Any]:
        keys = [self.always.item(row).text() for row in range(self.always.count())]
        return {"tools": self.enabled.isChecked(), "tools_always_run": ", ".join(keys)}

    def add_always_run(self, key: str) -> None:
        """A tool the person chose "Always run" for, in the window."""
        if not self.always.findItems(key, Qt.MatchFlag.MatchExactly):
            self.always.addItem(_tool_item(key))
            self.changed.emit()
        self._sync_buttons()

    def refresh(self) -> None:
        """Show the servers' state again (they start, fail or stop meanwhile)."""
        sources = self._sources
        lines = sources.server_lines()
        problems = sources.config_problems()
        self.config_note.setText(_config_note(sources.mcp_config_path, bool(lines), bool(problems)))
        self.servers.show_lines(lines)
        if problems:
            self.problems.show_message("warning", "\n".join(problems))
        else:
            self.problems.clear()
        self._sync_buttons()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            # Its rows grow with the text: the list sized for the old size showed one
            # row of two at 20 pt. Once the list has the new font too.
            QTimer.singleShot(0, self, self._sync_buttons)

    def _sync_buttons(self) -> None:
        self.remove_button.setEnabled(self.always.currentRow() >= 0)
        _fit_rows(self.always)
        self.no_always.setVisible(self.always.count() == 0)
        self.remove_button.setVisible(self.always.count() > 0)

    def _edit_config(self) -> None:
        self._open_file(self._sources.ensure_config_file())

    def _open_file(self, path: Path) -> None:
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.open_status.clear()
        else:
            self.open_status.show_message(
                "warning", f"No program opens {path.name} here: open {path} in a text editor."
            )
            self.reveal(self.open_status)

    def _reload(self) -> None:
        self._sources.reload_servers()
        self.refresh()

    def _remove_selected(self) -> None:
        row = self.always.currentRow()
        if row >= 0:
            self.always.takeItem(row)
            self.changed.emit()
        self._sync_buttons()


def _tool_item(key: str) -> QListWidgetItem:
    item = QListWidgetItem(key)
    item.setToolTip(key)  # whole, where the list shortens it
    return item


def _right_flow(*buttons: QWidget) -> QWidget:
    """Buttons at the right end of a row, on more lines where the card is narrow."""
    row = FlowLayout(spacing=8, align_right=True)
    for item in buttons:
        row.addWidget(item)
    holder = QWidget()
    holder.setLayout(row)
    return holder


def _config_note(path: Path, listed: bool, problems: bool) -> str:
    if listed:
        return f"Listed in {path} (the same format as Claude Desktop's)."
    if problems:
        return f"None could be read from {path}: the problem is below."
    return (
        f"None yet: list them in {path}, in the same format as Claude Desktop's "
        "(“mcpServers”), then Restart servers."
    )


def _fit_rows(rows: QListWidget, most: int = 6) -> None:
    """As tall as its rows (up to ``most``, then it scrolls); hidden when empty."""
    count = rows.count()
    rows.setVisible(count > 0)
    if count:
        shown = min(count, most)
        rows.setFixedHeight(shown * rows.sizeHintForRow(0) + 2 * rows.frameWidth() + 4)
