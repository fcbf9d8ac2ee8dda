"""Command modules of `bureau`: each has register(subparsers) and is listed in desktop.cli."""
