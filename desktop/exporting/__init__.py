"""Exports to spreadsheets (Qt-free): long exports are generators yielding Progress.

Modules: cells (the one writer helper every XLSX and CSV of the app uses: text never a formula,
control characters stripped), files (whole file or none: temp + rename, OutputError), sheets (the
streamed XLSX / CSV writer), columns (the canonical import columns of each kind), catalogue (every
export kind and `export_kind`), enterprises, people, places (the kinds' rows), rdlists (两清零 lists).
"""
