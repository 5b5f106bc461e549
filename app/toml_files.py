"""Writing the app's hand-editable TOML files (presets, templates).

By hand rather than with a library, so that long prompts stay readable as multi-line
strings; written atomically, and a file about to be replaced that the user may still
want is kept aside under a new name, never overwritten.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path


def _plain(char: str) -> str:
    """``char`` as both string kinds write it when it needs no escape of their own:
    control characters as ``\\uXXXX``, the rest as itself."""
    return f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char


def basic_string(text: str) -> str:
    """A one-line TOML basic string that reads back exactly as ``text``."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        else:
            out.append(_plain(char))
    out.append('"')
    return "".join(out)


def multiline_string(text: str) -> str:
    """A TOML multi-line basic string that reads back exactly as ``text``."""
    out = ['"""\n']  # a newline right after the opening quotes is not part of the value
    for index, char in enumerate(text):
        following = text[index + 1] if index + 1 < len(text) else None
        if char == "\\":
            out.append("\\\\")
        elif char == '"' and following in ('"', None):
            # Escaping a quote followed by another (or by the closing quotes) means
            # no run of three can ever form inside the string.
            out.append('\\"')
        elif char == "\r":
            out.append("\\r")  # a raw CR would be read as part of a line break
        elif char in "\n\t":
            out.append(char)
        else:
            out.append(_plain(char))
    out.append('"""')
    return "".join(out)


def toml_string(text: str) -> str:
    return multiline_string(text) if "\n" in text else basic_string(text)


def toml_number(value: float | int) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written to TOML")
        return repr(value)
    return str(value)


def move_aside(path: Path, tag: str) -> Path:
    """Keep ``path`` under a free name beside it, ``name.tag-YYYYmmdd-HHMMSS[-n]``, and
    return that name (the file is then written anew at ``path``)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{tag}-{stamp}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{tag}-{stamp}-{number}")
        number += 1
    path.replace(candidate)
    return candidate


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step: a crash leaves the old file or the new."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def drops_comments(text: str, written: str, ours: Iterable[str] = ()) -> bool:
    """Whether writing ``written`` over ``text`` loses a comment: a line with a ``#`` that
    ``written`` lacks and that is not one of ``ours`` (the lines Maestrale writes itself).
    A ``#`` inside a string counts too, unless it is written back the same way."""
    keep = {line.strip() for line in (*written.splitlines(), *ours)}
    return any("#" in line and line.strip() not in keep for line in text.splitlines())


def kept_notice(path: Path, kept: Path) -> str:
    """What to tell the user when ``path`` was kept aside as ``kept`` before a save."""
    if ".unreadable-" in kept.name:
        why = "could not be read"
    else:
        why = (
            "held something Maestrale cannot write back "
            "(an entry or value it could not read, or a comment)"
        )
    return (
        f"{path.name} {why}, so the file as it was is kept as {kept}; "
        "copy from it anything you still want."
    )
