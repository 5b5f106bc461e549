"""Garbage is collected on the GUI thread only, however much other threads allocate."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.collector import GuiThreadCollector


class Cycle:
    """Garbage only a collection frees (it refers to itself); notes where it died."""

    died_in: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.died_in.append(threading.current_thread().name)


@pytest.fixture
def collector(qapp: QApplication) -> Iterator[GuiThreadCollector]:
    gc.collect()
    made = GuiThreadCollector(qapp, interval_ms=20)
    try:
        yield made
    finally:
        made.stop()
        made.deleteLater()


def test_a_busy_thread_never_collects_and_the_gui_thread_does(
    qtbot: QtBot, collector: GuiThreadCollector
) -> None:
    assert not gc.isenabled()
    Cycle.died_in.clear()
    for _ in range(1000):  # past the first generation's threshold (700)
        Cycle()

    def allocate() -> None:  # far past every threshold: Python would collect here
        kept = [[index] for index in range(200_000)]
        del kept

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert Cycle.died_in == []
    qtbot.waitUntil(lambda: len(Cycle.died_in) == 1000, timeout=5000)
    assert set(Cycle.died_in) == {threading.main_thread().name}


def test_stop_gives_collection_back_to_python_as_it_was(qapp: QApplication) -> None:
    was = gc.isenabled()  # the test session collects on its main thread too (conftest)
    try:
        gc.enable()
        made = GuiThreadCollector(qapp)
        assert not gc.isenabled()
        made.stop()
        assert gc.isenabled()
        gc.disable()
        made = GuiThreadCollector(qapp)
        made.stop()
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
