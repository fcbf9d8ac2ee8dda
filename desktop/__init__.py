"""科创台账 — the desktop application: window, command line, import and returns."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # The version is looked up on first use only: importlib.metadata costs ~30 ms at start-up.
    if name != "__version__":
        raise AttributeError(name)
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kechuang-taizhang")
    except PackageNotFoundError:  # running from a PyInstaller bundle without metadata
        return "0.1.0"
