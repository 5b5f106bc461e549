"""A folder that cannot be written, as a backup on a read-only disk is, for root too.

``chmod -w`` stops no write of root's: it overrides file permissions by its capability
CAP_DAC_OVERRIDE (CI runs tests as root in containers). Capabilities belong to a thread
on Linux, so the calling thread gives that one up for the while (in its effective set
only, from which it takes it back after): SQLite, called from this thread, then meets
the permissions as any user would.
"""

from __future__ import annotations

import ctypes
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_CAPABILITY_VERSION_3 = 0x20080522
_CAP_DAC_OVERRIDE = 1


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Within: ``folder`` and the files in it cannot be written (created, changed,
    removed) by this thread."""
    modes = {path: path.stat().st_mode for path in [folder, *folder.rglob("*")]}
    for path, mode in modes.items():
        path.chmod(stat.S_IMODE(mode) & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        with _permissions_apply_to_root():
            yield
    finally:
        for path, mode in modes.items():
            path.chmod(stat.S_IMODE(mode))


@contextmanager
def _permissions_apply_to_root() -> Iterator[None]:
    if os.geteuid() != 0:
        yield
        return
    if not sys.platform.startswith("linux"):
        pytest.skip("run as root, whom file permissions do not stop, outside Linux")
    libc = ctypes.CDLL(None, use_errno=True)
    header = _Header(_CAPABILITY_VERSION_3, 0)  # pid 0: the calling thread
    data = (_Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        pytest.skip(f"run as root, and capget failed: {os.strerror(ctypes.get_errno())}")
    kept = data[0].effective
    data[0].effective = kept & ~(1 << _CAP_DAC_OVERRIDE)
    if libc.capset(ctypes.byref(header), data) != 0:
        pytest.skip(f"run as root, and capset failed: {os.strerror(ctypes.get_errno())}")
    try:
        yield
    finally:
        data[0].effective = kept
        libc.capset(ctypes.byref(header), data)
