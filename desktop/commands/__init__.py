"""Command modules of `bureau`: each has register(subparsers) and is listed in desktop.cli;
context holds what they share (Context, UsageError, Refused, emit_json, parse_day)."""
