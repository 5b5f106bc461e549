"""The text sizes offered (Settings → Appearance) and the steps the zoom keys take
between them (Ctrl++, Ctrl+-, Ctrl+0 change the text size setting)."""

from __future__ import annotations

TEXT_SIZES = (8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24)


def zoomed_text_size(setting: int, system: int, step: int) -> int:
    """The ``font_size`` setting after a zoom key, from ``setting`` (0: the system's
    size, which is ``system`` points).

    ``step`` 1 is the next offered size above the one in effect, -1 the next below, 0 the
    default (the system's size). Landing on the system's size gives 0, as choosing
    "System" does; past the largest or smallest offered size the size stays.
    """
    if step == 0:
        return 0
    current = setting or system
    if step > 0:
        larger = [size for size in TEXT_SIZES if size > current]
        size = larger[0] if larger else current
    else:
        smaller = [size for size in TEXT_SIZES if size < current]
        size = smaller[-1] if smaller else current
    if size == current:
        return setting
    return 0 if size == system else size
