"""At scale 2 the dialogs fit the screen: a program run with QT_SCALE_FACTOR=2 (the
offscreen screen then has half its pixels) opens them and says their sizes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def test_at_scale_2_the_dialogs_fit_the_screen(tmp_path: Path) -> None:
    # Settings' fixed 640 x 480 minimum went past a 960 px high screen at scale 2; the
    # Parameters dialog was 1120 x 1230 on 1400 x 900, Cancel and Apply off-screen.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "tests.unit.ui.settings.scaled_screen_child", str(tmp_path)]
    output = subprocess.check_output(command, cwd=ROOT, env=env, text=True, timeout=120)
    sizes = json.loads(output.strip().splitlines()[-1])
    _x, _y, room_width, room_height = sizes["room"]
    assert room_height < 480  # the case: a screen lower than Settings' minimum
    least_width, least_height = sizes["settings_minimum"]
    assert (least_width, least_height) <= (room_width, room_height), sizes
    assert least_height <= room_height, sizes
    x, y, width, height = sizes["params"]
    assert min(x, y) >= 0, sizes
    assert (x + width, y + height) <= (room_width, room_height), sizes
    assert y + height <= room_height, sizes
    assert sizes["apply_bottom"] < sizes["params_height"], sizes  # Apply within it
