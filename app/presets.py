"""Presets: named system prompts with sampling parameters, kept in ``presets.toml``.

The file lives in the config folder beside ``settings.toml`` and is meant to be edited
by hand: one ``[[preset]]`` table per preset. A bad entry is reported and skipped, never
fatal; a file that would lose something is kept aside before it is overwritten. Until the
user has a file, the built-in presets of ``resources/presets.toml`` are used.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.messages import ChatParams
from app.resources import ResourcesMissing, resource_path
from app.settings import OPTIONS_BY_NAME
from app.toml_files import (
    basic_string,
    drops_comments,
    move_aside,
    toml_number,
    toml_string,
    write_atomically,
)

PRESETS_FILE_NAME = "presets.toml"
# The sampling parameters a preset may set; their limits are those of the settings table.
PARAM_NAMES = ("temperature", "top_p", "max_tokens", "random_seed", "safe_prompt")
_KNOWN_KEYS = frozenset({"name", "system_prompt", "model", *PARAM_NAMES})
_FALLBACK = "Default"


@dataclass(frozen=True, slots=True)
class Preset:
    """A named starting point for a conversation; ``model`` None keeps the chosen model."""

    name: str
    system_prompt: str = ""
    params: ChatParams = field(default_factory=ChatParams)
    model: str | None = None


def presets_path(config_dir: Path) -> Path:
    """Where the user's presets live: ``presets.toml`` in the config folder."""
    return config_dir / PRESETS_FILE_NAME


def _preset_from_table(table: Any, origin: str, taken: set[str]) -> tuple[Preset | None, list[str]]:
    """One ``[[preset]]`` table as a Preset, or None when it is unusable; and the problems."""
    if not isinstance(table, dict):
        return None, [f"{origin}: not a table of name, system_prompt and parameters; skipped."]
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        return None, [f'{origin}: has no name (name = "..."); skipped.']
    name = name.strip()
    where = f"{origin} ({name!r})"
    if name.casefold() in taken:
        return None, [f"{where}: another preset already has this name; skipped."]
    problems: list[str] = []
    system_prompt = table.get("system_prompt", "")
    if not isinstance(system_prompt, str):
        return None, [f"{where}: system_prompt must be text; skipped."]
    model = table.get("model")
    if model is not None and not (isinstance(model, str) and model.strip()):
        problems.append(f"{where}: model must be a model id; the conversation's model is used.")
        model = None
    values: dict[str, Any] = {}
    for name_of_param in PARAM_NAMES:
        if name_of_param not in table:
            continue
        try:
            values[name_of_param] = OPTIONS_BY_NAME[name_of_param].check(table[name_of_param])
        except ValueError as error:
            problems.append(f"{where}: {name_of_param} {error}; the model's default is used.")
    for unknown in sorted(set(table) - _KNOWN_KEYS):
        problems.append(f"{where}: unknown key {unknown!r} ignored.")
    taken.add(name.casefold())
    preset = Preset(
        name=name,
        system_prompt=system_prompt,
        params=ChatParams(**values),
        model=model.strip() if isinstance(model, str) else None,
    )
    return preset, problems


def presets_from_mapping(data: Mapping[str, Any], origin: str) -> tuple[list[Preset], list[str]]:
    """The presets of a parsed file, skipping (and reporting) every bad entry."""
    tables = data.get("preset", [])
    problems = [
        f"{origin}: unknown key {key!r} ignored (presets are [[preset]] tables)."
        for key in data
        if key != "preset"
    ]
    if not isinstance(tables, list):
        return [], [*problems, f"{origin}: 'preset' must be a list of [[preset]] tables."]
    presets: list[Preset] = []
    taken: set[str] = set()
    for number, table in enumerate(tables, start=1):
        preset, found = _preset_from_table(table, f"{origin}: preset {number}", taken)
        problems.extend(found)
        if preset is not None:
            presets.append(preset)
    return presets, problems


def _read(path: Path) -> dict[str, Any]:
    with path.open("rb") as stream:
        return tomllib.load(stream)


def builtin_presets() -> tuple[list[Preset], list[str]]:
    """The presets shipped in ``resources/presets.toml`` (a bare "Default" if missing)."""
    try:
        path = resource_path(PRESETS_FILE_NAME)
        presets, problems = presets_from_mapping(_read(path), f"built-in {PRESETS_FILE_NAME}")
    except (ResourcesMissing, OSError, tomllib.TOMLDecodeError) as error:
        return [Preset(_FALLBACK)], [f"The built-in presets cannot be read ({error})."]
    return (presets or [Preset(_FALLBACK)]), problems


def load_presets(path: Path) -> tuple[list[Preset], list[str]]:
    """The user's presets, or the built-in ones when there is no file (or it is unreadable).

    Never raises: every problem comes back as a sentence naming the file and entry.
    """
    try:
        data = _read(path)
    except FileNotFoundError:
        return builtin_presets()
    except OSError as error:
        presets, problems = builtin_presets()
        why = error.strerror or str(error)
        return presets, [f"{path}: cannot be read ({why}); using the built-in presets.", *problems]
    except tomllib.TOMLDecodeError as error:
        presets, problems = builtin_presets()
        return presets, [
            f"{path}: not valid TOML ({error}); using the built-in presets until it is fixed "
            "(saving keeps a copy of it).",
            *problems,
        ]
    return presets_from_mapping(data, path.name)


def problems_notice(path: Path, presets: Sequence[Preset], problems: Sequence[str]) -> str:
    """What to say where presets are chosen about ``problems`` from ``load_presets(path)``;
    "" when there were none. With none to choose, the menu was only greyed out."""
    if not problems:
        return ""
    lead = "No preset can be used:" if not presets else "Some presets could not be used:"
    return f"{lead}\n" + "\n".join(problems) + f"\nThe file is {path}."


# Writing (see app.toml_files)


def render_presets(presets: Iterable[Preset]) -> str:
    lines = [
        "# Maestrale presets: one [[preset]] table each. Edit freely; a bad entry is reported",
        "# and skipped. Keys: name, system_prompt, model (optional: the conversation's model",
        "# is kept when absent), temperature (0-1.5), top_p (above 0, at most 1), max_tokens,",
        "# random_seed, safe_prompt (true/false). An absent parameter uses the model's default.",
    ]
    for preset in presets:
        lines.append("")
        lines.append("[[preset]]")
        lines.append(f"name = {basic_string(preset.name)}")
        if preset.model:
            lines.append(f"model = {basic_string(preset.model)}")
        params = preset.params
        for name in ("temperature", "top_p", "max_tokens", "random_seed"):
            value = getattr(params, name)
            if value is not None:
                lines.append(f"{name} = {toml_number(value)}")
        if params.safe_prompt:
            lines.append("safe_prompt = true")
        lines.append(f"system_prompt = {toml_string(preset.system_prompt)}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class SavedPresets:
    presets: list[Preset]  # as the file now holds them
    kept: Path | None = None  # where the file as it was is kept, when it would lose something


@dataclass(slots=True)
class _Merged:
    presets: list[Preset] = field(default_factory=list)
    lost: bool = False  # the file had a change the merge could not keep


def _key(preset: Preset) -> str:
    return preset.name.strip().casefold()


def _merge(base: Sequence[Preset], mine: Sequence[Preset], disk: Sequence[Preset]) -> _Merged:
    """``mine`` (edited from ``base``) applied to the file's ``disk``: a preset changed
    here is ours, one left alone is the file's, and presets added to the file stay."""
    base_by = {_key(p): p for p in base}
    disk_by = {_key(p): p for p in disk}
    merged = _Merged()
    for preset in mine:
        old = base_by.get(_key(preset))
        if preset == old:
            if _key(preset) in disk_by:  # else deleted in the file
                merged.presets.append(disk_by[_key(preset)])
            continue
        merged.presets.append(preset)
        if disk_by.get(_key(preset), old) != old:  # changed in both places: ours is taken
            merged.lost = True
    mine_keys = {_key(p) for p in mine}
    for preset in disk:
        if _key(preset) in mine_keys:
            continue
        if _key(preset) in base_by:  # deleted or renamed here
            merged.lost |= preset != base_by[_key(preset)]
            continue
        merged.presets.append(preset)
    return merged


def save_presets(
    path: Path, presets: Sequence[Preset], *, since: Sequence[Preset] | None = None
) -> SavedPresets:
    """Write ``presets`` atomically and return what the file holds then.

    With ``since`` (the presets as last read from or written to the file), only what
    changed from it is applied to the file as it is now, so presets edited or added
    there meanwhile stay. A file that does not parse, or holds anything the write would
    drop (an entry skipped on loading, an unknown key, a comment), is first kept aside.
    Raises ValueError for two presets with the same name (or an empty name), and
    OSError when the folder cannot be written.
    """
    seen: set[str] = set()
    for preset in presets:
        key = _key(preset)
        if not key:
            raise ValueError("Every preset needs a name.")
        if key in seen:
            raise ValueError(f"Two presets are named {preset.name.strip()!r}: rename one.")
        seen.add(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        write_atomically(path, render_presets(presets))
        return SavedPresets(list(presets))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        unreadable = move_aside(path, "unreadable")
        write_atomically(path, render_presets(presets))
        return SavedPresets(list(presets), unreadable)
    on_disk, problems = presets_from_mapping(data, path.name)
    merged = _Merged(list(presets)) if since is None else _merge(since, presets, on_disk)
    rendered = render_presets(merged.presets)
    kept = None
    if problems or merged.lost or drops_comments(text, rendered):
        kept = move_aside(path, "kept")
    write_atomically(path, rendered)
    return SavedPresets(merged.presets, kept)
