"""Packages whose names load on first use (PEP 562), so importing one costs nothing.

The window imports these packages at start-up and must not pay for what it does not
use yet (httpx, markdown-it, Pygments, ...).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``name`` from ``package.homes[name]``."""

    def __getattr__(name: str) -> Any:  # noqa: N807 - the name PEP 562 asks for
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{home}"), name)

    return __getattr__
