"""Where the read-only files shipped with Maestrale (icons, built-in presets) are found.

``resources/`` sits at the top of the repository, beside ``app/``. A source checkout
finds it there; a wheel installs it as data files into ``<prefix>/share/maestrale/``
(pyproject's ``[tool.setuptools.data-files]``); a PyInstaller bundle carries it as
``resources/`` in the bundle folder.
"""

from __future__ import annotations

import site
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_MARKER = "icons"  # a folder every complete copy of the resources holds


class ResourcesMissing(Exception):
    """The installation is incomplete: no resources folder was found."""


def _candidates() -> list[Path]:
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's boot loader
    if isinstance(bundle, str):
        candidates.append(Path(bundle) / "resources")
    candidates.append(_PACKAGE.parent / "resources")  # a source checkout
    # Where pip puts a wheel's data files: the environment, or ~/.local for --user.
    for prefix in (sys.prefix, site.getuserbase()):
        candidates.append(Path(prefix) / "share" / "maestrale" / "resources")
    return candidates


def resources_dir() -> Path:
    """The folder holding ``icons/`` and ``presets.toml``; ResourcesMissing if none."""
    for candidate in _candidates():
        if (candidate / _MARKER).is_dir():
            return candidate
    searched = ", ".join(str(c) for c in _candidates())
    raise ResourcesMissing(
        f"Maestrale's resource files are missing (looked in {searched}): reinstall Maestrale."
    )


def resource_path(*parts: str) -> Path:
    """A file under the resources folder, e.g. ``resource_path("icons", "send.svg")``."""
    return resources_dir().joinpath(*parts)
