"""Quick prompt templates: saved prompts with placeholders, what makes one valid, and
finding one by what was typed after "/".

A template's prompt may hold ``{clipboard}``, ``{selection}`` and ``{input}``; ``{{`` and
``}}`` stand for one literal brace, and any other brace is an error, so a typo is caught
when the template is saved rather than sent to the model. Reading and writing the
templates file (``templates.toml``) is ``app.quick.templates_file``.

Errors::

    ValueError
     └── TemplateError          a template is not valid (the message names the field)
          ├── PlaceholderError  a prompt's braces: an unknown {name} or a lone brace
          └── TemplateFileError a file to import is unusable (nothing is imported)
    Exception
     └── EmptyPlaceholder       at run time: a placeholder the prompt uses has no text
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.settings import OPTIONS_BY_NAME

PLACEHOLDERS = ("clipboard", "selection", "input")
MODIFIERS = ("Meta", "Ctrl", "Alt", "Shift")  # Qt's order in portable key sequence text
MAX_NAME_LENGTH = 80

_EMPTY_MESSAGES = {
    "clipboard": "The clipboard is empty: copy some text first, then run the template again.",
    "selection": "No text is selected: select some text first, then run the template again.",
    "input": "Type something after the template name.",
}
_USE = "use {clipboard}, {selection} or {input}"
# Either doubled brace, a {name} (no braces or line breaks inside), or a lone brace.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_MODIFIER_ALIASES = {
    "ctrl": "Ctrl",
    "control": "Ctrl",
    "alt": "Alt",
    "shift": "Shift",
    "meta": "Meta",
    "super": "Meta",
    "win": "Meta",
}
# fmt: off
_KEY_NAMES = {
    name.lower(): name
    for name in [
        "Space", "Return", "Enter", "Tab", "Backspace", "Esc", "Del", "Ins", "Home", "End",
        "PgUp", "PgDown", "Left", "Right", "Up", "Down", "Print", "Pause", "Menu",
    ]
}
# fmt: on
_KEY_NAMES.update({"escape": "Esc", "delete": "Del", "insert": "Ins"})
# Keys that type something: alone (or with Shift only) they would be taken from every program.
_TYPING_KEYS = frozenset({"Space", "Return", "Enter", "Tab", "Backspace"})
_FUNCTION_KEY = re.compile(r"F([1-9]|[12][0-9]|3[0-5])")


class TemplateError(ValueError):
    """A template is not valid; the message says which field and what to write instead."""


class PlaceholderError(TemplateError):
    """A prompt names an unknown placeholder or holds a lone brace."""


class TemplateFileError(TemplateError):
    """A templates file cannot be imported; the message says where and what is wrong."""


class EmptyPlaceholder(Exception):
    """A placeholder the prompt uses has nothing to fill it: show ``message`` to the user.

    Args:
        name: "clipboard", "selection" or "input".
        message: what to do about it, e.g. "The clipboard is empty: copy some text first…".
    """

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True, slots=True)
class Template:
    """A saved quick prompt.

    ``model`` and ``temperature`` None use the defaults of Model & parameters;
    ``shortcut`` is portable key text such as "Ctrl+Alt+S" (see ``normalize_shortcut``).
    Construction does not validate: ``check_template`` does, and saving refuses bad ones.
    """

    name: str
    prompt: str
    description: str = ""
    model: str | None = None
    temperature: float | None = None
    shortcut: str | None = None


# Placeholders


def _split(prompt: str) -> tuple[list[str], list[str]]:
    """The literal runs of ``prompt`` and the placeholder names between them.

    ``literals`` has one more item than ``names``; literal braces are already undoubled.
    """
    literals: list[str] = []
    names: list[str] = []
    run: list[str] = []
    position = 0
    for match in _TOKEN.finditer(prompt):
        run.append(prompt[position : match.start()])
        token = match.group(0)
        if token in ("{{", "}}"):
            run.append(token[0])
        elif match.group(1) is not None:
            name = match.group(1)
            if name not in PLACEHOLDERS:
                raise PlaceholderError(_unknown_message(name))
            literals.append("".join(run))
            names.append(name)
            run = []
        else:
            line = prompt.count("\n", 0, match.start()) + 1
            column = match.start() - (prompt.rfind("\n", 0, match.start()) + 1) + 1
            raise PlaceholderError(
                f"lone {token} in the prompt (line {line}, column {column}): write "
                f"{token}{token} for a literal brace, or {_USE}"
            )
        position = match.end()
    run.append(prompt[position:])
    literals.append("".join(run))
    return literals, names


def _unknown_message(name: str) -> str:
    shown = name if len(name) <= 40 else name[:39] + "…"
    message = f"unknown placeholder {{{shown}}}: {_USE}"
    if not _IDENTIFIER.fullmatch(name):
        message += "; write {{ and }} for literal braces"
    return message


def placeholders(prompt: str) -> tuple[str, ...]:
    """The placeholders ``prompt`` uses, each once, in order of first appearance.

    Raises PlaceholderError for an unknown ``{name}`` or a lone brace.
    """
    _literals, names = _split(prompt)
    return tuple(dict.fromkeys(names))


def waits_for_input(template: Template) -> bool:
    """The template's prompt uses ``{input}``: chosen by a shortcut it waits for the
    text to be typed instead of running at once (``{{input}}`` is literal text)."""
    return "input" in placeholders(template.prompt)


def expand(
    prompt: str,
    *,
    clipboard: str | None,
    selection: str | None,
    input: str | None,
) -> str:
    """The prompt to send: each placeholder replaced by its text, inserted literally.

    Text typed after a template's name fills ``{input}``; a prompt without ``{input}``
    gets that text appended after a blank line (an extra instruction, e.g.
    "/Summarize focus on costs"). Braces in the inserted texts are kept as they are.
    Where the platform has no primary selection (Windows, macOS), pass the clipboard
    as ``selection``.

    Raises:
        EmptyPlaceholder: a placeholder the prompt uses is None or blank (the first one
            in the prompt); its message tells the user what to do.
        PlaceholderError: the prompt itself is malformed.
    """
    literals, names = _split(prompt)
    values = {"clipboard": clipboard, "selection": selection, "input": input}
    for name in dict.fromkeys(names):
        value = values[name]
        if value is None or not value.strip():
            raise EmptyPlaceholder(name, _EMPTY_MESSAGES[name])
    parts = [literals[0]]
    for name, literal in zip(names, literals[1:], strict=True):
        parts.append(values[name] or "")
        parts.append(literal)
    text = "".join(parts)
    if "input" not in names and input is not None and input.strip():
        text = f"{text.rstrip()}\n\n{input.strip()}"
    return text


# Shortcuts


def normalize_shortcut(text: str) -> str:
    """``text`` as canonical portable key text ("alt+ctrl+s" gives "Ctrl+Alt+S").

    Loose on purpose: any of Ctrl, Alt, Shift, Meta (Super and Win mean Meta) joined by
    "+", then one key, as Qt's QKeySequence writes it. Raises TemplateError saying why.
    """
    given = text.strip()
    if not given:
        raise TemplateError("a shortcut needs a key, as in Ctrl+Alt+S")
    if ", " in given:
        raise TemplateError(
            f"{given!r} is several key presses in a row; a shortcut is one key "
            "combination, as in Ctrl+Alt+S"
        )
    if given.endswith("++"):  # the + key itself, as in "Ctrl++"
        words, key = given[:-2].split("+"), "+"
    else:
        *words, key = given.split("+")
        key = key.strip()
    found: set[str] = set()
    for word in words:
        modifier = _MODIFIER_ALIASES.get(word.strip().lower())
        if modifier is None:
            raise TemplateError(
                f"{given!r}: {word.strip()!r} is not a modifier; use Ctrl, Alt, Shift or Meta"
            )
        if modifier in found:
            raise TemplateError(f"{given!r}: {modifier} is written twice")
        found.add(modifier)
    if not key or key.lower() in _MODIFIER_ALIASES:
        raise TemplateError(f"{given!r} needs a key after the modifiers, as in Ctrl+Alt+S")
    key = _canonical_key(key)
    if len(key) > 1 and key not in _KEY_NAMES.values() and not _FUNCTION_KEY.fullmatch(key):
        # A shortcut is a global one, which only these keys can be: another was kept
        # and then did nothing, with no word of why.
        raise TemplateError(
            f"{given!r}: {key!r} is not a key; use a letter, a digit, F1–F35 or a named "
            "key such as Space, Esc, Del, Home, PgUp or Left"
        )
    if (len(key) == 1 or key in _TYPING_KEYS) and not found - {"Shift"}:
        raise TemplateError(
            f"{given!r} would take that key from every program: add Ctrl, Alt or Meta"
        )
    return "+".join([*(m for m in MODIFIERS if m in found), key])


def _canonical_key(key: str) -> str:
    if len(key) == 1:
        return key.upper()
    if re.fullmatch(r"[fF][0-9]{1,2}", key):
        return key.upper()
    return _KEY_NAMES.get(key.lower(), key)


# Validation


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise TemplateError("a template needs a name")
    if "\n" in name or "\r" in name:
        raise TemplateError("a name fits on one line")
    if len(name) > MAX_NAME_LENGTH:
        raise TemplateError(f"a name is at most {MAX_NAME_LENGTH} characters")
    if name.startswith("/"):
        raise TemplateError("a name cannot start with '/' (you type / before it to run it)")
    return name


def _check_prompt(prompt: str) -> str:
    if not prompt.strip():
        raise TemplateError("a template needs a prompt")
    placeholders(prompt)
    return prompt


def _check_temperature(value: object) -> float | None:
    try:
        checked = OPTIONS_BY_NAME["temperature"].check(value)
    except ValueError as error:
        raise TemplateError(f"temperature {error}") from None
    return None if checked is None else float(checked)


def check_template(template: Template) -> Template:
    """``template`` with its name, model and shortcut tidied; TemplateError if invalid.

    The message names the field: "temperature must be at most 1.5",
    "unknown placeholder {foo}: use {clipboard}, {selection} or {input}".
    """
    name = _check_name(template.name)
    _check_prompt(template.prompt)
    model = template.model.strip() if template.model is not None else None
    if model is not None and (not model or any(c.isspace() for c in model)):
        raise TemplateError("model must be a model id such as mistral-small-latest")
    temperature = _check_temperature(template.temperature)
    shortcut = template.shortcut.strip() if template.shortcut else None
    if shortcut:
        shortcut = normalize_shortcut(shortcut)
    return Template(
        name=name,
        prompt=template.prompt,
        description=template.description.strip(),
        model=model,
        temperature=temperature,
        shortcut=shortcut or None,
    )


def check_templates(templates: Sequence[Template]) -> list[Template]:
    """Every template checked, no two with one name or one shortcut; else TemplateError."""
    checked: list[Template] = []
    names: dict[str, str] = {}
    shortcuts: dict[str, str] = {}
    for template in templates:
        try:
            good = check_template(template)
        except TemplateError as error:
            raise TemplateError(f"Template {template.name.strip()!r}: {error}.") from None
        key = good.name.casefold()
        if key in names:
            raise TemplateError(f"Two templates are named {good.name!r}: rename one.")
        names[key] = good.name
        if good.shortcut is not None:
            other = shortcuts.get(good.shortcut)
            if other is not None:
                raise TemplateError(
                    f"{other!r} and {good.name!r} both use {good.shortcut}: change one."
                )
            shortcuts[good.shortcut] = good.name
        checked.append(good)
    return checked


def merge_templates(
    current: Sequence[Template], imported: Sequence[Template]
) -> tuple[list[Template], list[str]]:
    """``current`` with ``imported`` added; one of the same name (any case) is replaced in place.

    Returns the merged list and the names replaced. Raises TemplateError when the result
    is not valid (an imported shortcut already used by another template), so that an
    import is applied whole or not at all.
    """
    merged = list(current)
    replaced: list[str] = []
    for template in imported:
        key = template.name.strip().casefold()
        index = next((i for i, t in enumerate(merged) if t.name.casefold() == key), None)
        if index is None:
            merged.append(template)
        else:
            replaced.append(merged[index].name)
            merged[index] = template
    return check_templates(merged), replaced


# Finding


def find_template(templates: Iterable[Template], name: str) -> Template | None:
    """The template called ``name``, ignoring case and surrounding spaces; None if none."""
    key = name.strip().casefold()
    return next((t for t in templates if t.name.strip().casefold() == key), None)


def complete(templates: Iterable[Template], typed: str) -> list[Template]:
    """Templates matching what was typed after "/", best first (ignoring case).

    Names that start with ``typed`` come first, then names with a word that starts with
    it ("gram" finds "Fix grammar and spelling"), then names that contain it; each group
    keeps the user's order. A leading "/" is ignored; nothing typed lists them all.
    """
    key = typed.strip().removeprefix("/").strip().casefold()
    ranked: list[list[Template]] = [[], [], []]
    for template in templates:
        name = template.name.casefold()
        if name.startswith(key):
            ranked[0].append(template)
        elif any(word.startswith(key) for word in re.split(r"[\s\-_/]+", name)):
            ranked[1].append(template)
        elif key in name:
            ranked[2].append(template)
    return [*ranked[0], *ranked[1], *ranked[2]]


def parse_command(templates: Iterable[Template], text: str) -> tuple[Template, str] | None:
    """Split "/Template name then the input" into its template and the input after it.

    The longest name that ``text`` starts with (after "/", ignoring case) and that is
    followed by a space or the end wins. None when ``text`` runs no template.
    """
    if not text.startswith("/"):
        return None
    rest = text[1:]
    best: Template | None = None
    for template in templates:
        name = template.name.strip()
        if not name or len(name) > len(rest) or rest[: len(name)].casefold() != name.casefold():
            continue
        if len(rest) > len(name) and not rest[len(name)].isspace():
            continue
        if best is None or len(name) > len(best.name.strip()):
            best = template
    if best is None:
        return None
    return best, rest[len(best.name.strip()) :].strip()
