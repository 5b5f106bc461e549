from __future__ import annotations

from pathlib import Path

from app.state import UiState


def test_values_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "config" / "state.json"
    state = UiState(path)
    assert state.get("quick.geometry") is None
    state.set("quick.geometry", [10, 20, 600, 400])
    assert UiState(path).get("quick.geometry") == [10, 20, 600, 400]


def test_a_damaged_file_is_ignored_and_replaced_on_save(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    state = UiState(path)
    assert state.get("x", 5) == 5
    state.set("x", 1)
    assert UiState(path).get("x") == 1
