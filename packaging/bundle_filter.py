"""What of PyInstaller's collection stays out of the bundle (packaging/bureau.spec filters with it).

Qt's libraries and plugins the app has no use for: Qt Quick, Qml and the virtual keyboard come in
only through the virtual keyboard's input-context plugin (build.sh fails if any is in the bundle);
of each plugin category only what the window needs (its platform, SVG icons, printing); of Qt's
own translations only the one desktop/ui/shell/app.py loads. The whole print fonts, replaced by
their subsets (packaging/subset_fonts.py), and the translation sources (.ts). Names are matched
on both Windows' (plugins/platforms/qwindows.dll) and Linux' (Qt/plugins/platforms/libqxcb.so)
layouts. Run as a script or loaded by path (`packaging` is pip's own package name).
"""

from __future__ import annotations

import re

UNUSED_QT_LIBRARY = re.compile(
    r"^(lib)?qt6(quick|qml|virtualkeyboard|opengl|pdfquick|eglfs|wayland|wlshell)", re.I
)
PLUGINS_KEPT = {  # category → plugin name fragments kept; a category not named is left out
    # Windows: qwindows; Linux: xcb (the Linux bundle only proves the build: no Wayland, no GTK
    # theme, no GL integration, which drag in GTK, cairo, pango and the EGL libraries)
    "platforms": ("windows", "xcb", "offscreen", "minimal"),
    "platforminputcontexts": ("compose", "ibus"),  # Windows' input methods are in qwindows
    "imageformats": ("svg", "ico", "jpeg", "gif"),
    "iconengines": ("svg",),
    "styles": ("",),
    "printsupport": ("",),
}
PLUGINS_DROPPED = ("minimalegl", "virtualkeyboard")
# Windows: Mesa's software OpenGL (20 MB) and the Direct3D shader compiler serve Qt Quick and
# OpenGL, never a widgets window drawn by the raster engine.
UNUSED_WINDOWS_LIBRARIES = ("opengl32sw.dll", "d3dcompiler_47.dll")
QT_TRANSLATIONS_KEPT = ("qtbase_zh_CN.qm",)  # the only catalogue desktop/ui/shell/app.py loads
SHIPPED_FONTS = ("uming.ttc", "HanaMinA.ttf")  # replaced by their subsets


def wanted(dest: str) -> bool:
    """Whether a collected file (its path inside the bundle) belongs in the bundle."""
    parts = dest.replace("\\", "/").split("/")
    base, folders = parts[-1], parts[:-1]
    if UNUSED_QT_LIBRARY.match(base) or base.lower() in UNUSED_WINDOWS_LIBRARIES:
        return False
    if parts[0] == "PySide6" and "plugins" in folders:
        rest = folders[folders.index("plugins") + 1 :]
        kept = PLUGINS_KEPT.get(rest[0], ()) if rest else ()
        name = base.lower()
        return any(k in name for k in kept) and not any(d in name for d in PLUGINS_DROPPED)
    if parts[0] == "PySide6" and "translations" in folders:
        return base in QT_TRANSLATIONS_KEPT
    if folders == ["resources", "fonts"] and base in SHIPPED_FONTS:
        return False
    return not (folders == ["resources", "translations"] and base.endswith(".ts"))
