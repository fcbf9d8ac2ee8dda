# PyInstaller runtime hook (runs first, before the hooks' own): both programs import from the one
# archive they share, _internal/shared.pyz, instead of each carrying the whole program in itself.
# Each program's own archive holds only ctypes, which PyInstaller's bootstrap imports before this
# hook runs (packaging/bureau.spec). Relies on PyInstaller 6's loader (pyimod01_archive,
# pyimod02_importers), pinned below 7 in pyproject's `package` extra; build.sh runs both programs.


def _use_shared_archive() -> None:
    import os
    import sys

    import pyimod01_archive  # type: ignore[import-not-found]
    import pyimod02_importers  # type: ignore[import-not-found]

    path = os.path.join(sys._MEIPASS, "shared.pyz")  # type: ignore[attr-defined]
    pyimod02_importers.pyz_archive = pyimod01_archive.ZlibArchiveReader(path, check_pymagic=True)
    pyimod02_importers._pyz_tree = None  # the module tree some hooks walk: rebuilt from this one
    sys.path_importer_cache.clear()  # finders made so far read the program's own archive


_use_shared_archive()
del _use_shared_archive
