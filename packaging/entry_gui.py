"""Bundle entry point of the window (科创台账.exe on Windows)."""

import sys

from desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
