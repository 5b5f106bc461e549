"""The numbers a native hot key API knows our shortcuts by, for the backends that pick
them (RegisterHotKey on Windows, Carbon's RegisterEventHotKey on macOS)."""

from __future__ import annotations

from typing import Generic, NamedTuple, TypeVar

Handle = TypeVar("Handle")


class Owner(NamedTuple, Generic[Handle]):
    hotkey_id: str
    serial: int
    handle: Handle  # what the system gave back to unregister it (or None)


class NativeIds(Generic[Handle]):
    """Which shortcut (id and registration serial) each native id stands for.

    Args:
        limit: the largest id the system accepts; ids wrap round to 1 after it,
            skipping those in use.
    """

    def __init__(self, limit: int = 2**31 - 1) -> None:
        self._owners: dict[int, Owner[Handle]] = {}
        self._by_hotkey: dict[str, int] = {}
        self._next = 1
        self._limit = limit

    def allocate(self) -> int:
        """A native id no shortcut holds now."""
        if len(self._owners) >= self._limit:
            raise OverflowError("every native hot key id is in use")
        while self._next in self._owners:
            self._next = self._next % self._limit + 1
        native_id = self._next
        self._next = native_id % self._limit + 1
        return native_id

    def add(self, native_id: int, hotkey_id: str, serial: int, handle: Handle) -> None:
        self._owners[native_id] = Owner(hotkey_id, serial, handle)
        self._by_hotkey[hotkey_id] = native_id

    def owner(self, native_id: int) -> Owner[Handle] | None:
        """Whose shortcut was pressed (None: not one of ours)."""
        return self._owners.get(native_id)

    def take(self, hotkey_id: str, serial: int) -> tuple[int, Handle] | None:
        """Forget that registration of ``hotkey_id`` (None if it is not the current one);
        returns what the system needs to unregister it."""
        native_id = self._by_hotkey.get(hotkey_id)
        if native_id is None or self._owners[native_id].serial != serial:
            return None
        del self._by_hotkey[hotkey_id]
        return native_id, self._owners.pop(native_id).handle

    def take_all(self) -> list[tuple[int, Handle]]:
        """Forget every registration; returns them all, to unregister."""
        taken = [(native_id, owner.handle) for native_id, owner in self._owners.items()]
        self._owners.clear()
        self._by_hotkey.clear()
        return taken
