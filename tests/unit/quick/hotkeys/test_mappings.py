"""Each backend's translation of a parsed shortcut into its system's codes."""

from __future__ import annotations

import pytest
from Xlib import X

from app.quick.hotkeys import macos, windows, x11
from app.quick.hotkeys.portal import portal_trigger
from app.quick.hotkeys.sequence import HotkeyError, parse_sequence


@pytest.mark.parametrize(
    ("text", "keysym"),
    [
        ("Ctrl+Alt+Space", 0x0020),
        ("Ctrl+A", 0x0061),  # XK_a: the key's unshifted symbol
        ("Ctrl+7", 0x0037),
        ("Ctrl+F9", 0xFFC6),
        ("Ctrl+F35", 0xFFE0),
        ("Ctrl+Return", 0xFF0D),
        ("Ctrl+Enter", 0xFF8D),  # keypad Enter
        ("Ctrl+Esc", 0xFF1B),
        ("Ctrl+Backspace", 0xFF08),
        ("Ctrl+PgUp", 0xFF55),
        ("Ctrl+PgDown", 0xFF56),
        ("Ctrl+Del", 0xFFFF),
        ("Ctrl+Left", 0xFF51),
        ("Ctrl+Print", 0xFF61),
        ("Ctrl+-", 0x002D),
        ("Ctrl+'", 0x0027),
        ("Ctrl+`", 0x0060),
        ("Ctrl+\\", 0x005C),
    ],
)
def test_x11_keysyms(text: str, keysym: int) -> None:
    assert x11.keysym(parse_sequence(text)) == keysym


def test_x11_modifier_mask_uses_the_servers_modifier_bits() -> None:
    usual = x11.ModifierMasks()
    sequence = parse_sequence("Ctrl+Alt+Shift+Meta+Space")
    assert x11.modifier_mask(sequence, usual) == (
        X.ControlMask | X.Mod1Mask | X.ShiftMask | X.Mod4Mask
    )
    unusual = x11.ModifierMasks(alt=X.Mod3Mask, meta=X.Mod5Mask)
    assert x11.modifier_mask(parse_sequence("Alt+Meta+F1"), unusual) == X.Mod3Mask | X.Mod5Mask


def test_x11_grabs_every_lock_combination_and_ignores_locks_in_events() -> None:
    masks = x11.ModifierMasks(num_lock=X.Mod2Mask)
    assert set(masks.lock_variants) == {0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask}
    state = X.ControlMask | X.Mod1Mask | X.LockMask | X.Mod2Mask | X.Button1Mask
    assert state & masks.significant == X.ControlMask | X.Mod1Mask


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("Ctrl+Alt+Space", "CTRL+ALT+space"),
        ("Shift+Ctrl+F9", "CTRL+SHIFT+F9"),
        ("Meta+A", "LOGO+a"),
        ("Alt+Return", "ALT+Return"),
        ("Ctrl+PgDown", "CTRL+Next"),
        ("Ctrl+/", "CTRL+slash"),
        ("Ctrl+Alt+Shift+Meta+Tab", "CTRL+ALT+SHIFT+LOGO+Tab"),
    ],
)
def test_portal_triggers_follow_the_xdg_shortcuts_spec(text: str, trigger: str) -> None:
    assert portal_trigger(parse_sequence(text)) == trigger


@pytest.mark.parametrize(
    ("text", "modifiers", "virtual_key"),
    [
        ("Ctrl+Alt+Space", windows.MOD_CONTROL | windows.MOD_ALT, 0x20),
        ("Ctrl+Shift+F9", windows.MOD_CONTROL | windows.MOD_SHIFT, 0x78),
        ("Meta+A", windows.MOD_WIN, 0x41),
        ("Alt+7", windows.MOD_ALT, 0x37),
        ("Alt+F1", windows.MOD_ALT, 0x70),
        ("Alt+F24", windows.MOD_ALT, 0x87),
        ("Ctrl+Return", windows.MOD_CONTROL, 0x0D),
        ("Ctrl+Esc", windows.MOD_CONTROL, 0x1B),
        ("Ctrl+PgUp", windows.MOD_CONTROL, 0x21),
        ("Ctrl+Down", windows.MOD_CONTROL, 0x28),
        ("Ctrl+Print", windows.MOD_CONTROL, 0x2C),
        ("Ctrl+Pause", windows.MOD_CONTROL, 0x13),
        ("Ctrl+-", windows.MOD_CONTROL, 0xBD),
        ("Ctrl+;", windows.MOD_CONTROL, 0xBA),
        ("Ctrl+`", windows.MOD_CONTROL, 0xC0),
    ],
)
def test_windows_modifiers_and_virtual_keys(text: str, modifiers: int, virtual_key: int) -> None:
    assert windows.windows_key(parse_sequence(text)) == (modifiers, virtual_key)


def test_windows_has_no_f25() -> None:
    with pytest.raises(HotkeyError, match="F24"):
        windows.windows_key(parse_sequence("Ctrl+F25"))


@pytest.mark.parametrize(
    ("text", "modifiers", "key_code"),
    [
        # As in Qt on macOS: Ctrl is Command, Meta is Control.
        ("Ctrl+Alt+Space", macos.CMD_KEY | macos.OPTION_KEY, 0x31),
        ("Meta+Shift+A", macos.CONTROL_KEY | macos.SHIFT_KEY, 0x00),
        ("Ctrl+Z", macos.CMD_KEY, 0x06),
        ("Ctrl+5", macos.CMD_KEY, 0x17),
        ("Ctrl+F1", macos.CMD_KEY, 0x7A),
        ("Ctrl+F9", macos.CMD_KEY, 0x65),
        ("Ctrl+F20", macos.CMD_KEY, 0x5A),
        ("Ctrl+Return", macos.CMD_KEY, 0x24),
        ("Ctrl+Esc", macos.CMD_KEY, 0x35),
        ("Ctrl+Del", macos.CMD_KEY, 0x75),
        ("Ctrl+Backspace", macos.CMD_KEY, 0x33),
        ("Ctrl+Up", macos.CMD_KEY, 0x7E),
        ("Ctrl+,", macos.CMD_KEY, 0x2B),
    ],
)
def test_macos_modifiers_and_key_codes(text: str, modifiers: int, key_code: int) -> None:
    assert macos.carbon_key(parse_sequence(text)) == (modifiers, key_code)


@pytest.mark.parametrize("text", ["Ctrl+Print", "Ctrl+Pause", "Ctrl+F21"])
def test_macos_rejects_keys_a_mac_lacks(text: str) -> None:
    with pytest.raises(HotkeyError):
        macos.carbon_key(parse_sequence(text))


def test_four_char_codes() -> None:
    assert macos.K_EVENT_CLASS_KEYBOARD == 0x6B657962
    assert macos.TYPE_EVENT_HOT_KEY_ID == 0x686B6964


def test_every_key_the_parser_accepts_maps_on_x11_and_the_portal() -> None:
    keys = [*"ABCXYZ0123456789", *"-=,./;'[]\\`", "F1", "F24", "F35"]
    keys += ["Space", "Return", "Enter", "Tab", "Esc", "Backspace", "Ins", "Del", "Home"]
    keys += ["End", "PgUp", "PgDown", "Left", "Right", "Up", "Down", "Print", "Pause"]
    for key in keys:
        sequence = parse_sequence(f"Ctrl+{key}")
        assert x11.keysym(sequence) != X.NoSymbol, key
        assert portal_trigger(sequence).startswith("CTRL+"), key
