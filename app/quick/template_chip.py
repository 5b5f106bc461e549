"""What the quick prompt's template chip says: the template, the text it acts on.

A template that reads the clipboard or the selection used to show its name alone, so
that which text it would send (the clipboard? what is selected?) was a guess until the
answer came. The chip names the source; its tooltip quotes the start of that text, or
says it is empty, before anything is sent.
"""

from __future__ import annotations

from app.quick.templates import PlaceholderError, Template, placeholders

_PREVIEW_CHARS = 80
_SOURCES = {"clipboard": "the clipboard", "selection": "the selection"}
_EMPTY = {
    "clipboard": "The clipboard is empty: copy the text first.",
    "selection": "No text is selected: select the text first.",
}


def sources(template: Template) -> list[str]:
    """The texts the template reads besides what is typed ("clipboard", "selection"),
    in the order its prompt uses them."""
    try:
        used = placeholders(template.prompt)
    except PlaceholderError:  # saving refuses such a prompt; sending says what is wrong
        return []
    return [name for name in used if name in _SOURCES]


def chip_label(template: Template) -> str:
    """The chip's text: "Summarize · clipboard  ✕"."""
    used = sources(template)
    on = f" · {', '.join(used)}" if used else ""
    return f"{template.name}{on}  ✕"


def chip_accessible_name(template: Template) -> str:
    used = " and ".join(_SOURCES[name] for name in sources(template))
    on = f", on {used}" if used else ""
    return f"Template {template.name}{on}; press to remove it"


def chip_tooltip(template: Template, texts: dict[str, str | None]) -> str:
    """The text each source holds now (its start, quoted), or that it is empty; then how
    to remove the template. ``texts`` maps "clipboard" and "selection" to their text."""
    lines = []
    for name in sources(template):
        text = " ".join((texts.get(name) or "").split())
        if not text:
            lines.append(_EMPTY[name])
            continue
        if len(text) > _PREVIEW_CHARS:
            text = text[: _PREVIEW_CHARS - 1].rstrip() + "…"
        lines.append(f"Acts on {_SOURCES[name]}: “{text}”")
    lines.append("Press to remove the template.")
    return "\n".join(lines)
