"""Every user option, declared once (name, type, default, help), and the file that holds them.

The file is ``settings.toml`` in the platform's config folder, meant to be edited by
hand too. A bad value is reported by name and replaced by its default; it never stops
the program. The API key is never an option: it lives in the keychain (app.secrets).
"""

from __future__ import annotations

import json
import math
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.api.endpoint import MISTRAL_BASE_URL, Endpoint
from app.api.errors import EndpointRefused
from app.appearance import MAX_FONT_SIZE, MIN_FONT_SIZE, THEMES
from app.toml_files import drops_comments, move_aside, write_atomically

if TYPE_CHECKING:
    from app.domain.messages import ChatParams

DEFAULT_MODEL = "mistral-large-2411"


def _option(
    default: Any,
    help_text: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
    choices: tuple[str, ...] = (),
    special: tuple[int, ...] = (),
) -> Any:
    return field(
        default=default,
        metadata={
            "help": help_text,
            "minimum": minimum,
            "maximum": maximum,
            "above": above,
            "choices": choices,
            "special": special,
        },
    )


@dataclass(frozen=True, slots=True)
class Settings:
    """The option table: each field is one option; its metadata holds help and limits."""

    base_url: str = _option(
        MISTRAL_BASE_URL,
        "Base URL of the chat API: Mistral's La Plateforme, or an OpenAI-compatible "
        "server such as vLLM (https://, or http:// on this machine only).",
    )
    dialect: str = _option(
        "mistral",
        "What the endpoint speaks: 'mistral' (La Plateforme) or 'openai' (vLLM, "
        "llama.cpp, Ollama, LM Studio).",
        choices=("mistral", "openai"),
    )
    model: str = _option(DEFAULT_MODEL, "Model for new conversations.")
    system_prompt: str = _option("", "System prompt for new conversations (empty for none).")
    temperature: float | None = _option(
        None,
        "Sampling temperature from 0 to 1.5; unset uses the model's own default.",
        minimum=0.0,
        maximum=1.5,
    )
    top_p: float | None = _option(
        None,
        "Nucleus sampling, above 0 and at most 1; unset for the default.",
        above=0.0,
        maximum=1.0,
    )
    max_tokens: int | None = _option(
        None, "Longest answer in tokens; unset lets the model decide.", minimum=1
    )
    random_seed: int | None = _option(
        None, "Seed for reproducible answers; unset for random.", minimum=0
    )
    safe_prompt: bool = _option(False, "Ask Mistral to prepend its safety prompt.")
    connect_timeout: float = _option(
        10.0, "Seconds to wait for a connection to the endpoint.", minimum=1.0, maximum=300.0
    )
    read_timeout: float = _option(
        90.0,
        "Seconds without any data after which a waiting or streaming answer is stopped.",
        minimum=5.0,
        maximum=3600.0,
    )
    retries: int = _option(
        3,
        "How many times a request is retried on rate limits, server and network errors, "
        "before any text arrived.",
        minimum=0,
        maximum=10,
    )
    theme: str = _option(
        "system",
        "Colours of the window: 'system' follows the desktop's light or dark mode, "
        "'light' or 'dark' keeps one.",
        choices=THEMES,
    )
    font_size: int = _option(
        0,
        f"Text size in points, from {MIN_FONT_SIZE} to {MAX_FONT_SIZE}; 0 uses the system's size.",
        minimum=MIN_FONT_SIZE,
        maximum=MAX_FONT_SIZE,
        special=(0,),
    )
    enter_sends: bool = _option(
        True,
        "true: Enter sends the message and Shift+Enter starts a new line; false: "
        "Ctrl+Enter sends and Enter starts a new line.",
    )
    quick_shortcut: str = _option(
        "Ctrl+Alt+Space",
        "Keys that open the quick prompt window from any program, written like "
        "'Ctrl+Alt+Space' (modifiers Ctrl, Alt, Shift, Meta and one key); empty for none.",
    )
    close_to_tray: bool = _option(
        False,
        "Closing the window keeps Maestrale in the tray so shortcuts keep working "
        "(quit from the tray menu or with Ctrl+Q).",
    )
    notify_when_hidden: bool = _option(
        True,
        "Show a desktop notification when an answer finishes while Maestrale's windows are hidden.",
    )
    tools: bool = _option(
        False,
        "Let models call tools in the window's conversations: the built-in clock and "
        "calculator, and the tools of the MCP servers listed in mcp.json beside this file. "
        "Maestrale asks before each call to a server's tool.",
    )
    tools_always_run: str = _option(
        "",
        "Tools that run without asking first, as 'server/tool' names separated by commas "
        "(choosing Always run adds one; Settings → Tools removes them).",
    )

    @property
    def always_run_tools(self) -> frozenset[str]:
        return frozenset(n.strip() for n in self.tools_always_run.split(",") if n.strip())

    @property
    def chat_params(self) -> ChatParams:
        # Here, not at the top: the window's start frame reads the settings, and the
        # messages' module is not worth its first paint.
        from app.domain.messages import ChatParams

        return ChatParams(
            temperature=self.temperature,
            top_p=self.top_p,
            max_tokens=self.max_tokens,
            random_seed=self.random_seed,
            safe_prompt=self.safe_prompt,
        )

    def with_values(self, **values: Any) -> Settings:
        return replace(self, **values)


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    kinds: tuple[type, ...]
    optional: bool
    default: Any
    help: str
    minimum: float | None
    maximum: float | None
    above: float | None
    choices: tuple[str, ...]
    special: tuple[int, ...] = ()  # accepted besides the limits (font_size 0: the system's)

    def check(self, value: Any) -> Any:
        """The value if valid for this option, else raises ValueError saying why."""
        if value is None and self.optional:
            return None
        if isinstance(value, bool) != (bool in self.kinds):
            raise ValueError(f"must be {self.describe_type()}")
        if float in self.kinds and isinstance(value, int):
            value = float(value)
        if not isinstance(value, self.kinds):
            raise ValueError(f"must be {self.describe_type()}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("must be a finite number")
        if self.choices and value not in self.choices:
            raise ValueError("must be one of " + ", ".join(repr(c) for c in self.choices))
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value in self.special:
                return value
            also = "".join(f" (or {s})" for s in self.special)
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"must be at least {self.minimum:g}{also}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"must be at most {self.maximum:g}{also}")
            if self.above is not None and value <= self.above:
                raise ValueError(f"must be above {self.above:g}{also}")
        return value

    def describe_type(self) -> str:
        names = {str: "text", float: "a number", int: "a whole number", bool: "true or false"}
        return " or ".join(names[k] for k in self.kinds if k in names)


def _options() -> tuple[Option, ...]:
    hints = typing.get_type_hints(Settings)
    options = []
    for item in fields(Settings):
        hint = hints[item.name]
        members = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        kinds = tuple(k for k in members if k is not type(None))
        options.append(
            Option(
                name=item.name,
                kinds=kinds,
                optional=type(None) in members,
                default=item.default,
                help=item.metadata["help"],
                minimum=item.metadata["minimum"],
                maximum=item.metadata["maximum"],
                above=item.metadata["above"],
                choices=item.metadata["choices"],
                special=item.metadata["special"],
            )
        )
    return tuple(options)


OPTIONS: tuple[Option, ...] = _options()
OPTIONS_BY_NAME: Mapping[str, Option] = {option.name: option for option in OPTIONS}


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    settings: Settings
    problems: tuple[str, ...] = ()
    # Keys this version does not know, kept so that saving loses nothing.
    unknown: Mapping[str, Any] = field(default_factory=dict)
    # Why the file could not be parsed at all ("" when it could); saving must first
    # keep a copy of it.
    unreadable: str = ""


def settings_from_mapping(data: Mapping[str, Any], origin: str) -> LoadedSettings:
    values: dict[str, Any] = {}
    problems: list[str] = []
    unknown: dict[str, Any] = {}
    for name, value in data.items():
        option = OPTIONS_BY_NAME.get(name)
        if option is None:
            unknown[name] = value
            problems.append(f"{origin}: unknown option {name!r} ignored (kept in the file).")
            continue
        try:
            values[name] = option.check(value)
        except ValueError as error:
            problems.append(
                f"{origin}: {name} = {_encode(value)} {error}; using the default "
                f"({_encode(option.default) if option.default is not None else 'unset'})."
            )
    return LoadedSettings(Settings(**values), tuple(problems), unknown)


def load_settings(path: Path) -> LoadedSettings:
    """Read the settings file; a missing file means all defaults, never an error."""
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except OSError as error:
        why = str(error.strerror or error)
        problem = f"{path}: cannot be read ({why}); using defaults."
        return LoadedSettings(Settings(), (problem,), {}, why)
    except tomllib.TOMLDecodeError as error:
        why = f"not valid TOML ({error})"
        return LoadedSettings(
            Settings(), (f"{path}: {why}; using defaults until it is fixed.",), {}, why
        )
    loaded = settings_from_mapping(data, path.name)
    refusal = endpoint_refusal(loaded.settings.base_url)
    if refusal is None:
        return loaded
    # Not a bad value for saving's sake (see save_settings): the file keeps it, and each
    # save would otherwise set the file aside; only this run uses the default instead.
    problem = (
        f"{path.name}: base_url: {refusal} The default endpoint ({MISTRAL_BASE_URL}) is "
        "used until it is changed; the file keeps your value."
    )
    return replace(loaded, problems=(*loaded.problems, problem))


def endpoint_refusal(base_url: str) -> str | None:
    """Why ``base_url`` may not be used (with what to do instead), or None if it may."""
    try:
        Endpoint.parse(base_url)
    except EndpointRefused as error:
        tunnel = (
            " For a server on another machine, an SSH tunnel (ssh -L 8000:localhost:8000 "
            "that-machine, then http://localhost:8000) keeps the key off the network."
            if base_url.strip().lower().startswith("http://")
            else ""
        )
        return f"{error}{tunnel}"
    return None


def _encode(value: Any) -> str:
    """A TOML literal for a scalar, list or table value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # A JSON string is a valid TOML basic string.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_encode(item) for item in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(str(k))} = {_encode(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    if isinstance(value, datetime):
        return value.isoformat()
    return json.dumps(str(value))


def render_settings(settings: Settings, unknown: Mapping[str, Any] | None = None) -> str:
    lines = [
        "# Maestrale settings. Edit freely; a bad value is reported and its default used.",
        "# A commented-out line shows the default. The API key is never stored here.",
        "",
    ]
    for option in OPTIONS:
        value = getattr(settings, option.name)
        lines.append(f"# {option.help}")
        if value == option.default:
            shown = _encode(option.default) if option.default is not None else ""
            lines.append(f"# {option.name} = {shown}".rstrip())
        else:
            lines.append(f"{option.name} = {_encode(value)}")
        lines.append("")
    if unknown:
        lines.append(_UNKNOWN_HEADER)
        lines.extend(f"{json.dumps(name)} = {_encode(value)}" for name, value in unknown.items())
        lines.append("")
    return "\n".join(lines)


_UNKNOWN_HEADER = "# Options this version of Maestrale does not know, kept as they were."


def _changed(before: Settings, after: Settings) -> dict[str, Any]:
    return {
        option.name: getattr(after, option.name)
        for option in OPTIONS
        if getattr(before, option.name) != getattr(after, option.name)
    }


def save_settings(path: Path, loaded: LoadedSettings, settings: Settings) -> Path | None:
    """Write the options that differ between ``loaded`` and ``settings`` into the file as
    it is now, atomically; the rest of the file (edited meanwhile by hand, perhaps) stays.

    A file that no longer parses, or holds something the rewrite would drop (a bad value,
    a comment of the user's), is first kept aside beside it; returns where, or None.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    changes = _changed(loaded.settings, settings)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        write_atomically(path, render_settings(settings, loaded.unknown))
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        unreadable = move_aside(path, "unreadable")
        write_atomically(path, render_settings(settings, loaded.unknown))
        return unreadable
    merged = {**data, **changes}
    now = settings_from_mapping(merged, path.name)
    rendered = render_settings(now.settings, now.unknown)
    ours = [*render_settings(Settings()).splitlines(), _UNKNOWN_HEADER]
    bad_values = len(now.problems) > len(now.unknown)
    kept: Path | None = None
    if bad_values or drops_comments(text, rendered, ours):
        kept = move_aside(path, "kept")
    write_atomically(path, rendered)
    return kept


def settings_notice(path: Path, loaded: LoadedSettings) -> str | None:
    """What to tell the user at start-up about ``loaded.problems``; None when there were
    none. Only the log and the Settings window said so, while the model and system prompt
    silently fell back to their defaults."""
    problems = loaded.problems
    if not problems:
        return None
    if loaded.unreadable:
        return (
            f"Your settings file {path} could not be read: {loaded.unreadable}. Every "
            "setting (model, system prompt and the rest) has its default until the file "
            "is fixed; Settings shows the problem."
        )
    first = problems[0].removeprefix(f"{path.name}: ")
    if len(problems) == 1:
        rest = "Settings shows it too."
    elif len(problems) == 2:
        rest = "There is 1 more problem; Settings shows them all."
    else:
        rest = f"There are {len(problems) - 1} more problems; Settings shows them all."
    return f"Part of your settings file {path} could not be used: {first} {rest}"


def kept_settings_notice(path: Path, kept: Path, saving: str) -> str:
    """What to tell the user when saving ``saving`` (a setting changed outside the
    Settings window, "the text size") kept ``path`` aside as ``kept`` first."""
    if ".unreadable-" in kept.name:
        what = (
            f"{path.name} could not be read, so saving {saving} wrote a new one, with "
            "every other setting at its default."
        )
    else:
        what = (
            f"{path.name} held values Maestrale could not use or comments of yours, so "
            f"saving {saving} wrote it without them."
        )
    return f"{what} Your file as it was is kept as {kept}; copy from it anything you still want."
