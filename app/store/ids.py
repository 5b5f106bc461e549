"""New identifiers for conversations, messages and writers."""

from __future__ import annotations

import os


def new_id() -> str:
    """32 random hex digits, the shape of ``uuid.uuid4().hex``.

    128 random bits (a version 4 UUID has 122): as unlikely to collide, and without
    the ``uuid`` module, which loads ``platform`` when imported, a few milliseconds of
    the window's start-up.
    """
    return os.urandom(16).hex()
