"""The Templates page: the quick prompt templates, edited in place and saved as you type."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, QSize, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api.models import ModelCard
from app.quick.templates import (
    MAX_NAME_LENGTH,
    PLACEHOLDERS,
    Template,
    TemplateError,
    check_template,
    merge_templates,
    normalize_shortcut,
)
from app.quick.templates_file import (
    builtin_templates,
    export_templates,
    import_templates,
    load_templates,
    save_templates,
)
from app.settings import OPTIONS_BY_NAME
from app.ui.flow_layout import FlowLayout
from app.ui.plain_text_field import pastes_html
from app.ui.settings.fitting import FitsItsWidth, LabelledRows
from app.ui.settings.form import Card, Page, StatusLine, button, label
from app.ui.settings.list_editor import AutoSave, lay_out, list_column, unique_name
from app.ui.settings.model_page import ModelCombo
from app.ui.settings.params import OptionalNumber
from app.ui.settings.quick_page import ShortcutEdit
from app.ui.shortcuts import taken_by_app
from app.ui.unbroken_runs import UnbrokenRunWrapping

FILE_FILTER = "Templates (*.toml);;All files (*)"
EXPORT_NAME = "maestrale-templates.toml"
PLACEHOLDER_HINT = (
    "{clipboard} is the copied text, {selection} the selected text (the clipboard where "
    "the system has no selection), {input} what you type after the template's name; "
    "without {input}, what you type is added at the end. Write {{ and }} for a brace."
)

ChooseFile = Callable[[], Path | None]
Confirm = Callable[[str], bool]


def _names(templates: Iterable[Template]) -> str:
    return ", ".join(repr(t.name) for t in templates)


class _ButtonGrid(FitsItsWidth):
    """The list's buttons in one row where they fit, else in rows of ``columns`` buttons
    of one width, fewer where even those do not fit (large text in a narrow window):
    fixed rows wrapped them unevenly, Delete alone on a row of its own."""

    SPACING = 8

    def __init__(self, buttons: list[QPushButton], columns: int) -> None:
        super().__init__()
        self._buttons = buttons
        self._columns = columns
        self._shown: int | None = None  # the columns shown (all the buttons: one row)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(self.SPACING)
        self.fit(0)

    @property
    def columns(self) -> int:
        return self._shown or 1

    def _row_width(self) -> int:
        hints = [item.sizeHint().width() for item in self._buttons]
        return sum(hints) + self.SPACING * (len(hints) - 1)

    def _widest(self) -> int:
        return max(item.sizeHint().width() for item in self._buttons)

    def _grid_width(self, columns: int) -> int:
        return self._widest() * columns + self.SPACING * (columns - 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self._widest(), super().minimumSizeHint().height())  # one a row

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # Beside the editor the column keeps the grid's width, not one long row's.
        return QSize(self._grid_width(self._columns), super().sizeHint().height())

    def roomy_width(self) -> int:
        return self._grid_width(self._columns)

    def fit(self, width: int) -> None:
        if width >= self._row_width():
            columns = len(self._buttons)
        else:
            fitting = (n for n in range(self._columns, 1, -1) if self._grid_width(n) <= width)
            columns = next(fitting, 1)
        if columns != self._shown:
            self._shown = columns
            for item in self._buttons:
                self._grid.removeWidget(item)
            for index, item in enumerate(self._buttons):
                self._grid.addWidget(item, index // columns, index % columns)
            for column in range(len(self._buttons) + 1):
                # The width left over goes after the buttons, as in the app's other rows.
                self._grid.setColumnStretch(column, 1 if column == columns else 0)
        self._fit_columns()

    def _fit_columns(self) -> None:
        one_row = self._shown == len(self._buttons)
        widest = self._widest()
        for column in range(len(self._buttons)):
            width = widest if not one_row and column < self.columns else 0
            if self._grid.columnMinimumWidth(column) != width:
                self._grid.setColumnMinimumWidth(column, width)


class TemplatesPage(Page):
    """Edits ``templates.toml``; every valid change is written shortly after it is made.

    Args:
        path: the user's ``templates.toml``.
        models: the endpoint's models, offered in the Model field.
        choose_import / choose_export: ask for a file (None when cancelled); file
            dialogs by default, replaceable (tests set the attributes of the same name).
        confirm: ask a yes/no question before something is overwritten.

    Signals:
        templates_changed(list): the templates as saved (a list of Template).
    """

    templates_changed = Signal(list)

    def __init__(
        self,
        path: Path,
        models: Iterable[ModelCard],
        *,
        choose_import: ChooseFile | None = None,
        choose_export: ChooseFile | None = None,
        confirm: Confirm | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Templates",
            "Saved quick prompts. In the quick window, type / and a few letters of a "
            "template's name; give one a shortcut to run it on the copied text from "
            "any program.",
            parent,
        )
        self._path = path
        self.choose_import: ChooseFile = choose_import or self._ask_import_path
        self.choose_export: ChooseFile = choose_export or self._ask_export_path
        self.confirm: Confirm = confirm or self._ask_yes_no
        self._templates, problems = load_templates(path)
        self._quick_shortcut = ""
        self._autosave = AutoSave(self._write, self)
        self._said_deleted = False  # "Deleted 'X'." shows, until the next change

        column = self._build_list_column()
        self._build_editor(models)
        self.problems, self.status = lay_out(self, problems, column, self.editor)

        self._fill_list()
        self.list.currentRowChanged.connect(self._show_template)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.duplicate_button.clicked.connect(self.on_duplicate_clicked)
        self.delete_button.clicked.connect(self.on_delete_clicked)
        self.restore_button.clicked.connect(self.on_restore_clicked)
        self.import_button.clicked.connect(self.on_import_clicked)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.name.textChanged.connect(self._on_edited)
        self.description.textChanged.connect(self._on_edited)
        self.model.currentTextChanged.connect(self._on_edited)
        self.temperature.changed.connect(self._on_edited)
        self.shortcut.edited.connect(self._on_shortcut_edited)
        self.prompt.textChanged.connect(self._on_edited)
        self.list.setCurrentRow(0 if self._templates else -1)
        self._show_template(self.list.currentRow())

    def _build_list_column(self) -> QVBoxLayout:
        self.add_button = button("New", icon_name="plus")
        self.duplicate_button = button("Duplicate", icon_name="copy")
        self.delete_button = button("Delete", "danger", "trash")
        self.restore_button = button("Restore built-ins", "link")
        self.restore_button.setToolTip("Bring back the templates Maestrale comes with")
        self.import_button = button("Import…")
        self.export_button = button("Export…")
        self.list, column = list_column("Templates", 200, [])
        self.buttons = _ButtonGrid(
            [
                self.add_button,
                self.duplicate_button,
                self.delete_button,
                self.import_button,
                self.export_button,
            ],
            3,
        )
        column.addWidget(self.buttons)
        restore = QHBoxLayout()
        restore.addWidget(self.restore_button)
        restore.addStretch(1)
        column.addLayout(restore)
        return column

    def _build_editor(self, models: Iterable[ModelCard]) -> None:
        self.editor = Card()
        self.name = QLineEdit()
        pastes_html(self.name)
        self.name.setAccessibleName("Template name")
        self.name.setMaxLength(MAX_NAME_LENGTH)
        self.description = QLineEdit()
        pastes_html(self.description)
        self.description.setAccessibleName("Template description")
        self.description.setPlaceholderText("Shown beside the name when you type /")
        self.model = ModelCombo("Conversation default")
        self.model.setAccessibleName("Template model")
        self.model.set_models(models)
        option = OPTIONS_BY_NAME["temperature"]
        self.temperature = OptionalNumber(float(option.minimum or 0), float(option.maximum or 1.5))
        self.temperature.setAccessibleName("Template temperature")
        self.shortcut = ShortcutEdit("Template shortcut")
        self.shortcut.setToolTip("Runs the template at once on the copied or selected text")
        fields: tuple[tuple[str, QWidget], ...] = (
            ("Name", self.name),
            ("Description", self.description),
            ("Model", self.model),
            ("Temperature", self.temperature),
            ("Shortcut", self.shortcut),
        )
        rows: list[tuple[QLabel | None, QWidget]] = []
        for text, widget in fields:
            caption = QLabel(text)
            caption.setBuddy(widget)
            rows.append((caption, widget))
        self.rows = LabelledRows(rows, spacing=10)
        self.editor.body.addWidget(self.rows)

        self.prompt = QPlainTextEdit()
        UnbrokenRunWrapping(self.prompt)  # kept by the field: a pasted blob stays fast
        self.prompt.setAccessibleName("Template prompt")
        self.prompt.setPlaceholderText("Summarize the text below.\n\n{clipboard}")
        self.prompt.setTabChangesFocus(True)
        self.prompt.setMinimumHeight(self.prompt.fontMetrics().lineSpacing() * 9 + 16)
        # The insert buttons on a row of their own, under the prompt: beside its heading
        # they made the page too wide for large text.
        # And on more lines where the page is narrow.
        inserts = FlowLayout(spacing=6)
        inserts.addWidget(label("Insert:", "muted", wrap=False))
        self.insert_buttons: dict[str, QWidget] = {}
        for name in PLACEHOLDERS:
            insert = button(f"{{{name}}}", "link")
            insert.setToolTip(f"Insert {{{name}}} at the cursor")
            insert.clicked.connect(lambda _checked=False, n=name: self.insert_placeholder(n))
            inserts.addWidget(insert)
            self.insert_buttons[name] = insert
        self.inserts = QWidget()
        self.inserts.setLayout(inserts)
        self.editor.body.addWidget(label("Prompt", "section", wrap=False))
        self.editor.body.addWidget(self.prompt)
        self.editor.body.addWidget(self.inserts)
        self.hint = label(PLACEHOLDER_HINT, "muted")
        self.editor.body.addWidget(self.hint)
        self.validation = StatusLine()
        self.editor.body.addWidget(self.validation)

    # Public API

    @property
    def templates(self) -> list[Template]:
        return list(self._templates)

    def set_models(self, cards: Iterable[ModelCard]) -> None:
        self.model.set_models(cards, self.model.model_id())

    def set_quick_shortcut(self, shortcut: str) -> None:
        """The quick window's shortcut, which no template may take."""
        self._quick_shortcut = shortcut

    def select(self, name: str) -> None:
        for row, template in enumerate(self._templates):
            if template.name == name:
                self.list.setCurrentRow(row)
                return

    def insert_placeholder(self, name: str) -> None:
        self.prompt.insertPlainText(f"{{{name}}}")
        self.prompt.setFocus()

    def flush(self) -> bool:
        """Write pending changes now; False (with the reason shown) when that failed."""
        return self._autosave.flush()

    def _write(self) -> bool:
        try:
            saved = save_templates(self._path, self._templates)
        except (OSError, TemplateError) as error:
            why = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.status.show_message("error", f"Could not save {self._path}: {why}")
            return False
        self.templates_changed.emit(saved)
        return True

    # Editing

    def _fill_list(self) -> None:
        with QSignalBlocker(self.list):
            row = self.list.currentRow()
            self.list.clear()
            for template in self._templates:
                self.list.addItem(template.name)
                self._describe_item(self.list.count() - 1, template)
            self.list.setCurrentRow(min(row, len(self._templates) - 1))

    def _describe_item(self, row: int, template: Template) -> None:
        if not 0 <= row < self.list.count():
            return
        item = self.list.item(row)
        if item.text() != template.name:
            item.setText(template.name)
        tip = template.description
        if template.shortcut:
            tip = f"{tip}\nShortcut: {template.shortcut}".strip()
        item.setToolTip(tip)

    def _show_template(self, row: int) -> None:
        has = 0 <= row < len(self._templates)
        self.editor.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.duplicate_button.setEnabled(has)
        self.export_button.setEnabled(bool(self._templates))
        self.validation.clear()
        template = self._templates[row] if has else Template("", "")
        widgets = (self.name, self.description, self.model, self.temperature, self.prompt)
        blockers = [QSignalBlocker(widget) for widget in widgets]
        try:
            self.name.setText(template.name)
            self.description.setText(template.description)
            # From its start: a long description showed its last words only.
            self.description.setCursorPosition(0)
            self.model.set_model_id(template.model)
            self.temperature.set_value(template.temperature)
            self.shortcut.set_shortcut(template.shortcut)
            self.prompt.setPlainText(template.prompt)
        finally:
            for blocker in blockers:
                blocker.unblock()

    def _edited_template(self) -> Template:
        return Template(
            name=self.name.text(),
            prompt=self.prompt.toPlainText(),
            description=self.description.text(),
            model=self.model.model_id() or None,
            temperature=self.temperature.value(),
            shortcut=self.shortcut.shortcut() or None,
        )

    def _problem(self, row: int, template: Template) -> str | None:
        """Why the edited template cannot be kept, or None when it can."""
        try:
            checked = check_template(template)
        except TemplateError as error:
            return str(error)
        others = [t for i, t in enumerate(self._templates) if i != row]
        if any(t.name.casefold() == checked.name.casefold() for t in others):
            return f"Another template is already named {checked.name!r}."
        return self._shortcut_problem(row, checked.shortcut)

    def _shortcut_problem(self, row: int, text: str | None) -> str | None:
        """Why the template of ``row`` cannot have the shortcut ``text``, or None."""
        if not text:
            return None
        try:
            shortcut = normalize_shortcut(text)
        except TemplateError as error:
            return str(error)
        if shortcut == self._quick_shortcut:
            return f"{shortcut} opens the quick window: choose other keys."
        taken = taken_by_app(shortcut)
        if taken is not None:
            return f"{taken}: choose other keys."
        others = (t for i, t in enumerate(self._templates) if i != row)
        owner = next((t.name for t in others if t.shortcut == shortcut), None)
        if owner is not None:
            return f"{shortcut} already runs {owner!r}: choose other keys."
        return None

    def _on_shortcut_edited(self, text: str) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._templates):
            return
        problem = self._shortcut_problem(row, text)
        if problem is None:
            self._on_edited()
            return
        # The field goes back to the shortcut in effect: the settings window is kept,
        # and refused keys still shown when it was opened again looked saved.
        self.shortcut.set_shortcut(self._templates[row].shortcut)
        self._show_problem(problem)

    def _show_problem(self, problem: str) -> None:
        self.validation.show_message("error", problem)
        # Under the prompt, the line was often below the fold: nothing looked wrong.
        self.reveal(self.validation)

    def _on_edited(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._templates):
            return
        template = self._edited_template()
        problem = self._problem(row, template)
        if problem is not None:
            self._show_problem(problem)
            return
        self.validation.clear()
        self._templates[row] = check_template(template)
        self._describe_item(row, self._templates[row])
        self._schedule_save()

    def _unique_name(self, base: str) -> str:
        return unique_name(base, (t.name for t in self._templates))

    def _insert(self, row: int, template: Template) -> None:
        self._templates.insert(row, template)
        self._fill_list()
        self.list.setCurrentRow(row)
        self._show_template(row)
        self.name.setFocus()
        self.name.selectAll()
        self._schedule_save()

    def on_add_clicked(self) -> None:
        self._insert(
            len(self._templates), Template(self._unique_name("New template"), "{clipboard}")
        )

    def on_duplicate_clicked(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._templates):
            return
        original = self._templates[row]
        copy = Template(
            name=self._unique_name(f"{original.name} copy"[:MAX_NAME_LENGTH]),
            prompt=original.prompt,
            description=original.description,
            model=original.model,
            temperature=original.temperature,
            shortcut=None,  # one shortcut runs one template
        )
        self._insert(row + 1, copy)

    def on_delete_clicked(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._templates):
            return
        removed = self._templates.pop(row)
        self._fill_list()
        self.list.setCurrentRow(min(row, len(self._templates) - 1))
        self._show_template(self.list.currentRow())
        self._schedule_save()
        self.status.show_message("info", f"Deleted {removed.name!r}.")
        self._said_deleted = True

    def on_restore_clicked(self) -> None:
        """Bring back missing built-ins and reset changed ones (after asking); others stay."""
        builtins, problems = builtin_templates()
        if not builtins:
            self.status.show_message("error", "\n".join(problems) or "No built-in templates.")
            return
        by_name = {t.name.casefold(): t for t in self._templates}
        changed = [b for b in builtins if by_name.get(b.name.casefold()) not in (None, b)]
        missing = [b for b in builtins if b.name.casefold() not in by_name]
        if not changed and not missing:
            self.status.show_message("info", "All the built-in templates are here, unchanged.")
            return
        if changed and not self.confirm(
            f"Reset {_names(changed)} to the built-in text? Your changes to "
            f"{'it' if len(changed) == 1 else 'them'} will be lost."
        ):
            return
        self._apply_merge([*changed, *missing], f"Restored {len(changed) + len(missing)} built-in")

    def on_import_clicked(self) -> None:
        path = self.choose_import()
        if path is None:
            return
        try:
            imported = import_templates(path)
            merge_templates(self._templates, imported)  # refused whole if it cannot apply
        except TemplateError as error:
            self.status.show_message("error", f"Nothing was imported from {path.name}:\n{error}")
            return
        current = {t.name.casefold(): t for t in self._templates}
        overwritten = [t for t in imported if current.get(t.name.casefold()) not in (None, t)]
        if overwritten and not self.confirm(
            f"Replace {_names(overwritten)} with the imported version from {path.name}?"
        ):
            return
        self._apply_merge(imported, f"Imported {len(imported)}", source=path.name)

    def _apply_merge(self, incoming: list[Template], verb: str, source: str = "") -> None:
        merged, replaced = merge_templates(self._templates, incoming)
        self._templates = merged
        self._fill_list()
        self.select(incoming[0].name)
        self._show_template(self.list.currentRow())
        self._schedule_save()
        noun = "template" if len(incoming) == 1 else "templates"
        text = f"{verb} {noun}" + (f" from {source}" if source else "")
        if replaced:
            text += f" (replacing {', '.join(repr(name) for name in replaced)})"
        self.status.show_message("success", text + ".")

    def on_export_clicked(self) -> None:
        path = self.choose_export()
        if path is None:
            return
        try:
            export_templates(path, self._templates)
        except TemplateError as error:
            self.status.show_message("error", str(error))
            return
        except OSError as error:
            self.status.show_message("error", f"Could not write {path}: {error.strerror or error}")
            return
        noun = "template" if len(self._templates) == 1 else "templates"
        self.status.show_message("success", f"Exported {len(self._templates)} {noun} to {path}.")

    def _schedule_save(self) -> None:
        # "Deleted 'X'." is news once: it stayed through every later edit.
        if self._said_deleted:
            self._said_deleted = False
            self.status.clear()
        self._autosave.changed()

    # Default dialogs (tests replace them)

    def _ask_import_path(self) -> Path | None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Import templates", str(Path.home()), FILE_FILTER
        )
        return Path(chosen) if chosen else None

    def _ask_export_path(self) -> Path | None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export templates", str(Path.home() / EXPORT_NAME), FILE_FILTER
        )
        return Path(chosen) if chosen else None

    def _ask_yes_no(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Templates — Maestrale", question)
        return answer == QMessageBox.StandardButton.Yes
