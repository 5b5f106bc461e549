"""Native hot key ids: each shortcut's number, wrapping round without reusing one held."""

from __future__ import annotations

import pytest

from app.quick.hotkeys.native_ids import NativeIds


def test_ids_wrap_round_and_skip_those_in_use() -> None:
    ids: NativeIds[None] = NativeIds(limit=3)
    first, second, third = ids.allocate(), ids.allocate(), ids.allocate()
    assert (first, second, third) == (1, 2, 3)
    ids.add(1, "quick", 0, None)
    ids.add(3, "template:a", 0, None)
    assert ids.allocate() == 2  # 1 is held: past it
    ids.add(2, "template:b", 0, None)
    with pytest.raises(OverflowError):
        ids.allocate()


def test_an_old_registration_of_a_shortcut_is_not_taken_for_the_new_one() -> None:
    ids: NativeIds[str] = NativeIds()
    native = ids.allocate()
    ids.add(native, "quick", 2, "ref")
    assert ids.take("quick", 1) is None  # a stale serial: the current one stays
    assert ids.owner(native) == ("quick", 2, "ref")
    assert ids.take("quick", 2) == (native, "ref")
    assert ids.owner(native) is None
    assert ids.take("quick", 2) is None


def test_take_all_returns_every_registration_once() -> None:
    ids: NativeIds[str] = NativeIds()
    for name in ("a", "b"):
        ids.add(ids.allocate(), name, 0, f"ref-{name}")
    assert sorted(ids.take_all()) == [(1, "ref-a"), (2, "ref-b")]
    assert ids.take_all() == []
