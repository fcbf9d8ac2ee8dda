"""`python -m desktop` opens the main window."""

from __future__ import annotations

import sys

from desktop.ui.shell.app import main

if __name__ == "__main__":
    sys.exit(main())
