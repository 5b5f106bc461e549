"""``python -m app``: the same as the ``maestrale`` command."""

import sys

from app.cli import main

sys.exit(main())
