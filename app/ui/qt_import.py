"""Importing Qt for the window, with PySide6's import hook made cheap.

Importing PySide6 replaces ``__import__``: after every later import, PySide reads the
new module's whole source through ``inspect.getsource`` to see whether it mentions
"PySide6" (for its optional ``from __feature__ import ...`` switches). On the 200 or
so modules the window imports, that is about 25 ms of every start-up, a sixth of what
a bare PySide6 window takes to show. The same test on the file's bytes gives the same
answer for a fraction of the cost.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import Qt


def import_qt() -> None:
    """Import PySide6 and swap its source check for the cheaper one.

    The check is a private function of PySide6's support package: if a version no
    longer has it, PySide6 is left as it is (only slower to start).
    """
    import PySide6.QtCore  # noqa: F401 - installs the import hook

    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = mentions_pyside  # type: ignore[attr-defined]


def mentions_pyside(module: ModuleType) -> bool:
    """Whether the module's source file names PySide6, as PySide's own check decides
    (a module without a source file counts as not using it)."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def qt_namespace() -> type[Qt]:
    """Qt's namespace (``Qt.AlignmentFlag``...), for the modules on the way to the
    window's first paint (see app.ui.start_frame), which import it only where they use it.

    PySide makes the namespace's hundred Python enums at its first use, some 25 ms, a
    sixth of that way to the screen: the frame's paint does without them, and they come
    with the window's parts.
    """
    from PySide6.QtCore import Qt

    return Qt
