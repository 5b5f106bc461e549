"""The templates file, ``templates.toml``: read (leniently at start-up, strictly for an
import, with each problem located by line and template), written (tidied, a hand-edited
file that would lose something kept aside first) and exported.

The file lives in the config folder beside ``settings.toml``, one ``[[template]]`` table
per template; until the user has one, the built-ins of ``resources/templates.toml`` are
used. What a template is and what makes it valid is in ``app.quick.templates``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.quick.templates import (
    Template,
    TemplateError,
    TemplateFileError,
    check_template,
    check_templates,
    normalize_shortcut,
)
from app.resources import ResourcesMissing, resource_path

# The TOML string writers of the presets file: one way to write a readable prompt.
from app.toml_files import basic_string, move_aside, toml_number, toml_string, write_atomically

TEMPLATES_FILE_NAME = "templates.toml"
MAX_IMPORT_BYTES = 1_000_000
_KNOWN_KEYS = frozenset({"name", "description", "prompt", "model", "temperature", "shortcut"})
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TABLE_HEADER = re.compile(r"^\s*\[\[\s*template\s*\]\]\s*(#.*)?$")


def templates_path(config_dir: Path) -> Path:
    """Where the user's templates live: ``templates.toml`` in the config folder."""
    return config_dir / TEMPLATES_FILE_NAME


# Reading


@dataclass(slots=True)
class _Parsed:
    templates: list[Template] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lossy: bool = False  # something in the file did not make it into ``templates``


def _template_from_table(table: object) -> tuple[Template, list[str], str | None]:
    """One ``[[template]]`` table as a checked Template, its unknown keys, and why its
    shortcut is left out (the template is still good to choose by name)."""
    if not isinstance(table, dict):
        raise TemplateError("is not a table of name, prompt and options")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TemplateError('has no name (name = "...")')
    prompt = table.get("prompt")
    if prompt is None or (isinstance(prompt, str) and not prompt.strip()):
        raise TemplateError('has no prompt (prompt = "...")')
    texts = {key: table.get(key) for key in ("prompt", "description", "model", "shortcut")}
    for key, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise TemplateError(f"{key} must be text in quotes")
    temperature = table.get("temperature")
    if temperature is not None and (
        isinstance(temperature, bool) or not isinstance(temperature, int | float)
    ):
        raise TemplateError("temperature must be a number from 0 to 1.5")
    shortcut = texts["shortcut"] or None
    bad_shortcut = None
    if shortcut is not None and shortcut.strip():
        try:
            normalize_shortcut(shortcut)
        except TemplateError as error:
            bad_shortcut, shortcut = f"shortcut {error}", None
    template = check_template(
        Template(
            name=name,
            prompt=str(prompt),
            description=texts["description"] or "",
            model=texts["model"],
            temperature=temperature,
            shortcut=shortcut,
        )
    )
    unknown = [f"unknown key {key!r}" for key in sorted(set(table) - _KNOWN_KEYS)]
    return template, unknown, bad_shortcut


def _locate(where: str, message: str) -> str:
    return f"{where} {message}" if message.startswith(("has ", "is ")) else f"{where}: {message}"


def _header_lines(text: str, count: int) -> list[int] | None:
    """The line of each ``[[template]]`` header, when the file writes them that way."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if _TABLE_HEADER.match(line)]
    return lines if len(lines) == count else None


def _parse(data: Mapping[str, Any], text: str, origin: str, *, strict: bool) -> _Parsed:
    """The templates of a parsed file; lenient (skip and report) or strict (report all)."""
    parsed = _Parsed()
    for key in data:
        if key != "template":
            parsed.lossy = True
            parsed.problems.append(
                f"{origin}: unknown key {key!r}"
                + ("" if strict else " ignored (templates are [[template]] tables).")
            )
    tables = data.get("template", [])
    if not isinstance(tables, list):
        parsed.lossy = True
        parsed.problems.append(f"{origin}: 'template' must be a list of [[template]] tables.")
        return parsed
    lines = _header_lines(text, len(tables))
    names: dict[str, int] = {}
    shortcuts: dict[str, str] = {}
    for number, table in enumerate(tables, start=1):
        where = f"{origin} line {lines[number - 1]}: " if lines else f"{origin}: "
        where += f"template {number}"
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            where += f" ({table['name'].strip()!r})"
        skipped = "" if strict else "; skipped."
        try:
            template, unknown, bad_shortcut = _template_from_table(table)
        except TemplateError as error:
            parsed.problems.append(_locate(where, str(error)) + skipped)
            parsed.lossy = True
            continue
        if template.name.casefold() in names:
            first = names[template.name.casefold()]
            parsed.problems.append(f"{where} has the same name as template {first}{skipped}")
            parsed.lossy = True
            continue
        for problem in unknown:
            parsed.problems.append(f"{where}: {problem}" + ("" if strict else " ignored."))
            parsed.lossy = True
        if bad_shortcut is not None:
            parsed.problems.append(
                f"{where}: {bad_shortcut}" + ("" if strict else "; this template gets none.")
            )
            parsed.lossy = True
        if template.shortcut is not None and template.shortcut in shortcuts:
            other = shortcuts[template.shortcut]
            parsed.problems.append(
                f"{where}: shortcut {template.shortcut} is already used by {other!r}"
                + ("" if strict else "; this template gets none.")
            )
            parsed.lossy = True
            template = replace(template, shortcut=None)
        if template.shortcut is not None:
            shortcuts[template.shortcut] = template.name
        names[template.name.casefold()] = number
        parsed.templates.append(template)
    return parsed


class _Unreadable(Exception):
    """The file exists but is not UTF-8 TOML; the message says where, for a person."""


def _read(path: Path, *, limit: int | None = None) -> tuple[dict[str, Any], str]:
    """The parsed file and its text. OSError as is; _Unreadable for bad content."""
    raw = path.read_bytes()
    if limit is not None and len(raw) > limit:
        raise _Unreadable(
            f"{path.name} is {len(raw) / 1e6:.1f} MB: too large to be a templates file"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise _Unreadable(f"{path.name} line {line}: not UTF-8 text") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        if position is None:
            reason = message.replace(" (at end of document)", "")
            raise _Unreadable(
                f"{path.name} (at its end): {reason[:1].lower()}{reason[1:]}"
            ) from None
        reason = message[: position.start()]
        raise _Unreadable(
            f"{path.name} line {position.group(1)}: {reason[:1].lower()}{reason[1:]} "
            f"(column {position.group(2)})"
        ) from None


def builtin_templates() -> tuple[list[Template], list[str]]:
    """The templates shipped in ``resources/templates.toml``, and any problem with them."""
    try:
        path = resource_path(TEMPLATES_FILE_NAME)
        data, text = _read(path)
    except (ResourcesMissing, OSError, _Unreadable) as error:
        return [], [f"The built-in templates cannot be read ({error})."]
    parsed = _parse(data, text, f"built-in {TEMPLATES_FILE_NAME}", strict=False)
    return parsed.templates, parsed.problems


def load_templates(path: Path) -> tuple[list[Template], list[str]]:
    """The user's templates, or the built-in ones when there is no file (or it is unreadable).

    Never raises: a bad template is reported (file, line, template and field) and
    skipped. Saving later keeps a copy of a file that lost anything this way.
    """
    try:
        data, text = _read(path)
    except FileNotFoundError:
        return builtin_templates()
    except OSError as error:
        templates, problems = builtin_templates()
        why = error.strerror or str(error)
        return templates, [
            f"{path}: cannot be read ({why}); using the built-in templates.",
            *problems,
        ]
    except _Unreadable as error:
        templates, problems = builtin_templates()
        return templates, [
            f"{error}. Using the built-in templates until it is fixed "
            "(saving keeps a copy of the file).",
            *problems,
        ]
    parsed = _parse(data, text, path.name, strict=False)
    if parsed.lossy:
        parsed.problems.append(
            f"{path.name}: saving from Maestrale first keeps a copy of the file as it is, "
            "so nothing written there is lost."
        )
    return parsed.templates, parsed.problems


def load_notice(path: Path, problems: Sequence[str]) -> str | None:
    """What to tell the user at start-up about ``problems`` from ``load_templates(path)``;
    None when there were none. A log line alone went unseen while the user's shortcuts
    silently did nothing."""
    if not problems:
        return None
    try:
        _read(path)
    except FileNotFoundError:
        return problems[0]  # the built-in templates themselves: nothing of the user's
    except OSError as error:
        reason: str | None = f"{path.name}: {error.strerror or error}"
    except _Unreadable as error:
        reason = str(error)
    else:
        reason = None
    where = f"The file is {path}; Settings → Templates shows the problem"
    if reason is not None:
        return (
            f"Your templates file could not be read ({reason}). Until it is fixed, the "
            f"built-in templates are used and your template shortcuts do nothing. {where}."
        )
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"Part of your templates file could not be used: {problems[0]}{more} {where}s."


def import_templates(path: Path) -> list[Template]:
    """Every template of ``path``, or TemplateFileError listing each problem (all or nothing).

    The file has the format of ``templates.toml``: an export, or one written by hand.
    """
    try:
        data, text = _read(path, limit=MAX_IMPORT_BYTES)
    except FileNotFoundError:
        raise TemplateFileError(f"{path} does not exist.") from None
    except OSError as error:
        raise TemplateFileError(f"{path} cannot be read: {error.strerror or error}.") from None
    except _Unreadable as error:
        raise TemplateFileError(f"{error}.") from None
    parsed = _parse(data, text, path.name, strict=True)
    if parsed.problems:
        raise TemplateFileError("\n".join(parsed.problems))
    if not parsed.templates:
        raise TemplateFileError(
            f"{path.name} holds no templates: each starts with a [[template]] line."
        )
    return parsed.templates


# Writing


def render_templates(templates: Iterable[Template]) -> str:
    lines = [
        "# Maestrale quick prompt templates: one [[template]] table each. Edit freely; a bad",
        "# entry is reported and skipped. Keys: name, prompt, and optionally description,",
        '# model, temperature (0-1.5) and shortcut (e.g. "Ctrl+Alt+S"). In the prompt,',
        "# {clipboard}, {selection} and {input} are filled in; write {{ and }} for a brace.",
    ]
    for template in templates:
        lines.append("")
        lines.append("[[template]]")
        lines.append(f"name = {basic_string(template.name)}")
        if template.description:
            lines.append(f"description = {basic_string(template.description)}")
        if template.model:
            lines.append(f"model = {basic_string(template.model)}")
        if template.temperature is not None:
            lines.append(f"temperature = {toml_number(template.temperature)}")
        if template.shortcut:
            lines.append(f"shortcut = {basic_string(template.shortcut)}")
        lines.append(f"prompt = {toml_string(template.prompt)}")
    return "\n".join(lines) + "\n"


def _keep_aside(path: Path) -> Path | None:
    """Move aside a file that would lose something on save: it does not parse, or it has
    entries that were skipped. Hand edits are never silently destroyed."""
    try:
        data, text = _read(path)
    except FileNotFoundError:
        return None
    except (OSError, _Unreadable):
        return move_aside(path, "unreadable")
    if not _parse(data, text, path.name, strict=False).lossy:
        return None
    return move_aside(path, "kept")


def save_templates(path: Path, templates: Sequence[Template]) -> list[Template]:
    """Write ``templates`` atomically and return them as written (tidied).

    An existing file that does not parse, or had entries that were skipped on loading,
    is first kept aside beside it (``templates.toml.unreadable-…`` / ``.kept-…``).
    Raises TemplateError for an invalid template or a repeated name or shortcut, and
    OSError when the folder cannot be written.
    """
    checked = check_templates(templates)
    text = render_templates(checked)
    path.parent.mkdir(parents=True, exist_ok=True)
    _keep_aside(path)
    write_atomically(path, text)
    return checked


def export_templates(path: Path, templates: Sequence[Template]) -> None:
    """Write ``templates`` to ``path`` (chosen by the user) in the ``templates.toml`` format.

    Raises TemplateError for invalid templates or none at all, OSError on write failure.
    """
    if not templates:
        raise TemplateError("There are no templates to export.")
    write_atomically(path, render_templates(check_templates(templates)))
