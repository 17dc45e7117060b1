"""``python -m mobility.cli``: run the ``mobility`` command.

``python -m mobility`` (the installed command's entry point) also turns an
interrupt during the first imports into one line.
"""

from __future__ import annotations

import sys

from mobility.cli import main

if __name__ == "__main__":
    sys.exit(main())
