"""The Presets page: a list of presets and an editor for the selected one, saved as you type.

A preset's name is the exception: it is taken when its editing ends (Enter, leaving
the field, closing the window), and only if no other preset has it. Saved keystroke
by keystroke, typing "Brief" over "Pirate" beside an existing "Brief" left a preset
named "Brie", a name nobody chose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.api.models import Dialect, ModelCard
from app.presets import Preset, load_presets, problems_notice, save_presets
from app.toml_files import kept_notice
from app.ui.plain_text_field import pastes_html
from app.ui.settings.fitting import LabelledRows
from app.ui.settings.form import Card, Page, StatusLine, button, confirm, label
from app.ui.settings.list_editor import AutoSave, lay_out, list_column, unique_name
from app.ui.settings.model_page import ModelCombo
from app.ui.settings.params import ParamsEditor
from app.ui.unbroken_runs import UnbrokenRunWrapping

NAME_MOST = 80  # characters of a preset's name (the list shows about 25)


class PresetsPage(Page):
    """Edits ``presets.toml``; every valid change is written shortly after it is made.

    Signals:
        presets_changed(list): the presets as saved (a list of Preset).
    """

    presets_changed = Signal(list)

    def __init__(
        self,
        path: Path,
        models: Iterable[ModelCard],
        *,
        dialect: Dialect = Dialect.MISTRAL,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Presets",
            "Starting points for a conversation: a system prompt with its parameters. "
            "Choose one in a conversation's Parameters (in its header).",
            parent,
        )
        self._path = path
        self._presets, problems = load_presets(path)
        # What the file held when last read or written: a save applies only what changed
        # since, so presets edited in the file while this page is kept are not undone.
        self._on_disk = list(self._presets)
        self._autosave = AutoSave(self._write, self)
        self._said_deleted = False  # "Deleted 'X'." shows, until the next change
        self._shown_row = -1  # the preset in the editor, whose name the Name field holds
        self.confirmation: QMessageBox | None = None

        column = self._build_list_column()
        self._build_editor(models, dialect)
        notice = problems_notice(path, self._presets, problems)
        self.problems, self.saved = lay_out(self, [notice] if notice else [], column, self.editor)

        self._fill_list()
        self.list.currentRowChanged.connect(self._show_preset)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.delete_button.clicked.connect(self.on_delete_clicked)
        self.name.textEdited.connect(self._on_name_typed)
        self.name.editingFinished.connect(self.commit_name)
        self.model.currentTextChanged.connect(self._on_edited)
        self.system_prompt.textChanged.connect(self._on_edited)
        self.params.changed.connect(self._on_edited)
        self.list.setCurrentRow(0 if self._presets else -1)
        self._show_preset(self.list.currentRow())

    def _build_list_column(self) -> QVBoxLayout:
        self.add_button = button("New", icon_name="plus")
        self.delete_button = button("Delete", "danger", "trash")
        self.list, column = list_column("Presets", 184, [(self.add_button, self.delete_button)])
        return column

    def _build_editor(self, models: Iterable[ModelCard], dialect: Dialect) -> None:
        self.editor = Card()
        self.name = QLineEdit()
        pastes_html(self.name)
        self.name.setAccessibleName("Preset name")
        self.name.setMaxLength(NAME_MOST)
        self.model = ModelCombo("Keep the conversation's model")
        self.model.setAccessibleName("Preset model")
        self.model.set_models(models)
        self.system_prompt = QPlainTextEdit()
        UnbrokenRunWrapping(self.system_prompt)  # kept by the field: a pasted blob stays fast
        self.system_prompt.setAccessibleName("Preset system prompt")
        self.system_prompt.setPlaceholderText("Instructions the model gets before the conversation")
        self.system_prompt.setTabChangesFocus(True)
        self.system_prompt.setFixedHeight(self.system_prompt.fontMetrics().lineSpacing() * 6 + 16)
        self.params = ParamsEditor(dialect=dialect)
        self.validation = StatusLine()
        name_label = QLabel("Name")
        name_label.setBuddy(self.name)
        model_label = QLabel("Model")
        model_label.setBuddy(self.model)
        # The name's problems show under the name, before the model.
        self.rows = LabelledRows(
            [(name_label, self.name), (None, self.validation), (model_label, self.model)],
            spacing=10,
        )
        self.editor.body.addWidget(self.rows)
        self.editor.body.addWidget(label("System prompt"))
        self.editor.body.addWidget(self.system_prompt)
        self.editor.body.addWidget(label("Parameters", "section"))
        self.editor.body.addWidget(self.params)

    @property
    def presets(self) -> list[Preset]:
        return list(self._presets)

    def set_models(self, cards: Iterable[ModelCard]) -> None:
        self.model.set_models(cards, self.model.model_id())

    def set_dialect(self, dialect: Dialect) -> None:
        """The endpoint's dialect: what its parameters can offer."""
        self.params.set_dialect(dialect)

    def _fill_list(self) -> None:
        with QSignalBlocker(self.list):
            row = self.list.currentRow()
            self.list.clear()
            self.list.addItems([preset.name for preset in self._presets])
            self.list.setCurrentRow(min(row, len(self._presets) - 1))

    def _show_preset(self, row: int) -> None:
        if row != self._shown_row:
            self.commit_name()  # typed for the preset shown until now
        self._shown_row = row
        has = 0 <= row < len(self._presets)
        self.editor.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.validation.clear()
        widgets = (self.name, self.model, self.system_prompt, self.params)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            preset = self._presets[row] if has else Preset("")
            self.name.setText(preset.name)
            self.model.set_model_id(preset.model)
            self.system_prompt.setPlainText(preset.system_prompt)
            self.params.set_params(preset.params)
        finally:
            for widget in widgets:
                widget.blockSignals(False)

    def _name_problem(self, row: int, name: str) -> str | None:
        if not name:
            return "A preset needs a name."
        others = {p.name.casefold() for i, p in enumerate(self._presets) if i != row}
        if name.casefold() in others:
            return f"Another preset is already named {name!r}."
        return None

    def _on_name_typed(self) -> None:
        """Say at once what is wrong with the name typed; it is taken only once done."""
        row = self.list.currentRow()
        if not 0 <= row < len(self._presets):
            return
        problem = self._name_problem(row, self.name.text().strip())
        if problem is not None:
            self.validation.show_message("error", problem)
        elif len(self.name.text()) >= NAME_MOST:
            # The field takes no more: said, or the rest of a paste went without a word.
            self.validation.show_message("info", f"Names are at most {NAME_MOST} characters.")
        else:
            self.validation.clear()

    def commit_name(self) -> None:
        """Take the name typed, or put the saved one back if it is refused."""
        row = self._shown_row
        if not 0 <= row < len(self._presets):
            return
        saved = self._presets[row].name
        name = self.name.text().strip()
        if name == saved:
            if self.name.text() != saved:  # spaces around it
                self.name.setText(saved)
            self.validation.clear()
            return
        problem = self._name_problem(row, name)
        if problem is not None:
            self.name.setText(saved)
            self.validation.show_message("error", f"{problem} The name stays {saved!r}.")
            return
        self.validation.clear()
        self.name.setText(name)
        self._presets[row] = replace(self._presets[row], name=name)
        item = self.list.item(row)
        if item is not None:
            item.setText(name)
        self._schedule_save()

    def _on_edited(self) -> None:
        """Any field but the name: saved as it is typed."""
        row = self.list.currentRow()
        if not 0 <= row < len(self._presets):
            return
        self._presets[row] = Preset(
            name=self._presets[row].name,
            system_prompt=self.system_prompt.toPlainText(),
            params=self.params.params(),
            model=self.model.model_id() or None,
        )
        self._schedule_save()

    def on_add_clicked(self) -> None:
        name = unique_name("New preset", (p.name for p in self._presets))
        self._presets.append(Preset(name))
        self._fill_list()
        self.list.setCurrentRow(len(self._presets) - 1)
        self.name.setFocus()
        self.name.selectAll()
        self._schedule_save()

    def on_delete_clicked(self) -> None:
        """Ask first: a deleted preset cannot be brought back."""
        row = self.list.currentRow()
        if not 0 <= row < len(self._presets):
            return
        preset = self._presets[row]
        self.confirmation = confirm(
            self,
            f"Delete the preset {preset.name!r}?",
            "It cannot be brought back. Conversations that started from it keep their "
            "system prompt and parameters.",
            "Delete",
            lambda: self._delete(preset),
        )

    def _delete(self, preset: Preset) -> None:
        if preset not in self._presets:  # edited or gone meanwhile
            return
        row = self._presets.index(preset)
        self._presets.pop(row)
        self._shown_row = -1  # gone: nothing typed for it is taken
        self._fill_list()
        self.list.setCurrentRow(min(row, len(self._presets) - 1))
        self._show_preset(self.list.currentRow())
        # Not left on Delete, where one more Space would delete the next preset.
        self.list.setFocus()
        self._schedule_save()
        self.saved.show_message("info", f"Deleted {preset.name!r}.")
        self._said_deleted = True

    def _schedule_save(self) -> None:
        # "Deleted 'X'." is news once: it stayed through every later edit, as if those
        # had deleted something too.
        if self._said_deleted:
            self._said_deleted = False
            self.saved.clear()
        self._autosave.changed()

    def flush(self) -> bool:
        """Write pending changes now; False (with the reason shown) when that failed."""
        self.commit_name()  # the window closes with the name still being typed
        return self._autosave.flush()

    def _write(self) -> bool:
        try:
            saved = save_presets(self._path, self._presets, since=self._on_disk)
        except (OSError, ValueError) as error:
            self.saved.show_message("error", f"Could not save {self._path}: {error}")
            return False
        self._on_disk = list(saved.presets)
        if saved.presets != self._presets:
            self._take_from_file(saved.presets)
        if saved.kept is not None:
            self.saved.show_message("info", kept_notice(self._path, saved.kept))
        self.presets_changed.emit(list(self._presets))
        return True

    def _take_from_file(self, presets: list[Preset]) -> None:
        """Show the presets as merged with the file's; the editor follows its preset."""
        row = self._shown_row
        shown = self._presets[row] if 0 <= row < len(self._presets) else None
        self._presets = list(presets)
        self._fill_list()
        if shown is None:
            return
        keys = [p.name.casefold() for p in self._presets]
        new_row = keys.index(shown.name.casefold()) if shown.name.casefold() in keys else -1
        if new_row == row and self._presets[row] == shown:
            return  # the editor shows it as it is; a name being typed stays
        self._shown_row = -1  # nothing typed for the old row is taken into another
        self.list.setCurrentRow(new_row if new_row >= 0 else min(row, len(presets) - 1))
        self._show_preset(self.list.currentRow())

    def rename_current(self, name: str) -> None:
        """Rename the selected preset (as if typed in the Name field and left)."""
        self.name.setText(name)
        self.commit_name()

    def select(self, name: str) -> None:
        for row, preset in enumerate(self._presets):
            if preset.name == name:
                self.list.setCurrentRow(row)
                return
