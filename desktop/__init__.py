"""科创台账 — the desktop application: window, command line, import and returns."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kechuang-taizhang")
except PackageNotFoundError:  # running from a PyInstaller bundle without metadata
    __version__ = "0.1.0"
