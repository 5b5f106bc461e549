"""Small facts the interface remembers between runs (window places), apart from settings.

They are not options a person sets, so they live in ``state.json`` beside the settings
file, written atomically; a damaged file is ignored (the defaults come back), never fatal.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
LAST_CONVERSATION_KEY = "last_conversation"  # reopened at the next start


class UiState:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._values: dict[str, Any] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError):
            log.warning("Ignoring unreadable %s", path)
            return
        if isinstance(data, dict):
            self._values = data

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        if self._values.get(key) == value:
            return
        self._values[key] = value
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self._path.with_name(self._path.name + ".tmp")
            temporary.write_text(json.dumps(self._values, indent=1), encoding="utf-8")
            os.replace(temporary, self._path)
        except OSError:
            log.warning("Could not save %s", self._path, exc_info=True)
