"""Time from the global shortcut to the quick window shown, the app already running.

Starts Xvfb (and openbox) and the installed `maestrale`, then 20 times: hides the quick
window, presses Ctrl+Alt+Space through the XTest extension, and waits until the window
is mapped and viewable, polling the X server directly. Prints the median and spread.

Run: python -m tests.benchmarks.bench_quick [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from Xlib import XK, X, display
from Xlib.ext import xtest

QUICK_TITLE = "Quick prompt — Maestrale"


def _find(env: dict[str, str], title: str) -> int | None:
    found = subprocess.run(
        ["xdotool", "search", "--name", f"^{title}$"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return int(found[0]) if found else None


def _press(connection: display.Display, *keys: str) -> None:
    codes = [connection.keysym_to_keycode(XK.string_to_keysym(k)) for k in keys]
    for code in codes:
        xtest.fake_input(connection, X.KeyPress, code)
    for code in reversed(codes):
        xtest.fake_input(connection, X.KeyRelease, code)
    connection.sync()


def _viewable(connection: display.Display, window_id: int) -> bool:
    window = connection.create_resource_object("window", window_id)
    return bool(window.get_attributes().map_state == X.IsViewable)


def _wait(condition: object, failure: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(failure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    number = 77
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1400x900x24"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)
    env = {**os.environ, "DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb"}
    manager = subprocess.Popen(
        ["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    folder = Path(tempfile.mkdtemp())
    env.update(
        HOME=str(folder),
        XDG_CONFIG_HOME=str(folder / "config"),
        XDG_STATE_HOME=str(folder / "state"),
        MAESTRALE_DATA_DIR=str(folder / "data"),
        MAESTRALE_BASE_URL="http://127.0.0.1:9",
        MISTRAL_API_KEY="benchmark-key",
    )
    command = shutil.which("maestrale", path=str(Path(sys.executable).parent)) or "maestrale"
    app = subprocess.Popen([command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    connection = display.Display(f":{number}")
    try:
        time.sleep(3)  # the window is up and the shortcut registered
        _press(connection, "Control_L", "Alt_L", "space")
        deadline = time.monotonic() + 10
        quick = None
        while quick is None and time.monotonic() < deadline:
            quick = _find(env, QUICK_TITLE)
            time.sleep(0.05)
        if quick is None:
            raise SystemExit("the quick window never appeared")
        times: list[float] = []
        for _ in range(args.repeat):
            subprocess.run(
                ["xdotool", "windowactivate", "--sync", str(quick)],
                env=env,
                check=False,
                timeout=10,
            )
            _press(connection, "Escape")
            _wait(lambda: not _viewable(connection, quick), "the quick window never hid")
            time.sleep(0.3)
            started = time.perf_counter()
            _press(connection, "Control_L", "Alt_L", "space")
            _wait(lambda: _viewable(connection, quick), "the quick window never came back")
            times.append((time.perf_counter() - started) * 1000)
        print(f"shortcut to quick window shown, {args.repeat} presses, app already running:")
        print(
            f"   median {statistics.median(times):.1f} ms, min {min(times):.1f}, "
            f"max {max(times):.1f}   (target: within 150 ms)"
        )
    finally:
        connection.close()
        for process in (app, manager, server):
            process.terminate()
            process.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
