"""Exports to spreadsheets (Qt-free): long exports are generators yielding Progress."""
