"""The quick prompt's template chip names the text a template acts on."""

from __future__ import annotations

from app.quick.template_chip import chip_accessible_name, chip_label, chip_tooltip
from app.quick.templates import Template

BOTH = Template("Compare", "Compare {selection}\nwith {clipboard}")


def test_a_template_on_both_texts_names_them_in_its_prompt_order() -> None:
    assert chip_label(BOTH) == "Compare · selection, clipboard  ✕"
    assert chip_accessible_name(BOTH) == (
        "Template Compare, on the selection and the clipboard; press to remove it"
    )
    tip = chip_tooltip(BOTH, {"clipboard": "two\n  lines", "selection": None})
    assert tip.splitlines() == [
        "No text is selected: select the text first.",
        "Acts on the clipboard: “two lines”",
        "Press to remove the template.",
    ]


def test_a_template_on_typed_text_only_shows_its_name() -> None:
    waits = Template("Define", "Define {input} briefly")
    assert chip_label(waits) == "Define  ✕"
    assert chip_accessible_name(waits) == "Template Define; press to remove it"
    assert chip_tooltip(waits, {}) == "Press to remove the template."


def test_a_malformed_prompt_still_gets_a_chip() -> None:
    broken = Template("Odd", "Use {nothing}")  # refused when saved; not here
    assert chip_label(broken) == "Odd  ✕"
