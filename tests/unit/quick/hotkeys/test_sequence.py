"""Parsing portable shortcut text into modifiers and one key."""

from __future__ import annotations

import pytest

from app.quick.hotkeys.sequence import HotkeyError, KeySequence, Modifier, parse_sequence


@pytest.mark.parametrize(
    ("text", "modifiers", "key"),
    [
        ("Ctrl+Alt+Space", {Modifier.CTRL, Modifier.ALT}, "Space"),
        ("Ctrl+Shift+F9", {Modifier.CTRL, Modifier.SHIFT}, "F9"),
        ("ctrl + alt + space", {Modifier.CTRL, Modifier.ALT}, "Space"),
        ("Control+Alt+t", {Modifier.CTRL, Modifier.ALT}, "T"),
        ("Super+Return", {Modifier.META}, "Return"),
        ("Win+Esc", {Modifier.META}, "Esc"),
        ("Meta+escape", {Modifier.META}, "Esc"),
        ("Alt+PageDown", {Modifier.ALT}, "PgDown"),
        ("Alt+Insert", {Modifier.ALT}, "Ins"),
        ("Ctrl+,", {Modifier.CTRL}, ","),
        ("Ctrl+Alt+\\", {Modifier.CTRL, Modifier.ALT}, "\\"),
        ("Ctrl+7", {Modifier.CTRL}, "7"),
        ("Shift+F35", {Modifier.SHIFT}, "F35"),
        ("Shift+Left", {Modifier.SHIFT}, "Left"),
    ],
)
def test_parses_modifiers_and_canonical_key(text: str, modifiers: set[Modifier], key: str) -> None:
    assert parse_sequence(text) == KeySequence(frozenset(modifiers), key)


def test_modifier_order_does_not_matter() -> None:
    assert parse_sequence("Shift+Ctrl+A") == parse_sequence("Ctrl+Shift+a")


def test_text_form_is_qt_portable_text_in_qt_order() -> None:
    assert str(parse_sequence("alt+ctrl+space")) == "Ctrl+Alt+Space"
    assert str(parse_sequence("meta+shift+alt+ctrl+f12")) == "Ctrl+Alt+Shift+Meta+F12"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("Space", "no modifier"),
        ("F9", "no modifier"),
        ("Ctrl+", "without a key"),
        ("Ctrl+Alt", "not a key"),
        ("Hyper+Space", "not a modifier"),
        ("Ctrl+Ctrl+Space", "twice"),
        ("Ctrl+Foo", "not a key"),
        ("Ctrl+F36", "not a key"),
        ("Ctrl+F0", "not a key"),
        ("Ctrl+é", "not a key"),
        ("Ctrl++", "Shift"),
        ("Ctrl+K, Ctrl+C", "several key presses"),
        ("Shift+A", "typing"),
        ("Shift+Space", "typing"),
    ],
)
def test_rejects_what_cannot_be_a_global_shortcut(text: str, says: str) -> None:
    with pytest.raises(HotkeyError, match=says):
        parse_sequence(text)


def test_error_is_a_value_error_with_the_offending_text() -> None:
    with pytest.raises(ValueError, match="“Foo”"):
        parse_sequence("Ctrl+Foo")


def test_function_key_number() -> None:
    assert parse_sequence("Ctrl+F12").function_key == 12
    assert parse_sequence("Ctrl+F").function_key is None
