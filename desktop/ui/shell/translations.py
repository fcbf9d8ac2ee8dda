"""The window's texts in Chinese, installed once at start before any widget is built.

* Qt's own texts (message boxes' and button boxes' 确定 / 取消 / 是 / 否 / 保存 / 放弃, the line
  edits' and spin boxes' context menus, the file dialog): `qtbase_zh_CN.qm`, copied by the build
  into resources/translations (so a bundle has it whatever its freezer collects), else taken from
  the PySide6 wheel (QLibraryInfo's TranslationsPath).
* The app's own strings: `bureau_zh_CN.qm`, built from resources/translations/bureau_zh_CN.ts
  by `python packaging/translations.py build`. The sources are Chinese already, so a missing
  catalogue changes nothing but a bureau's own edited terms.
* The default locale is Chinese (China), so the calendar pop-ups name months and weekdays in
  Chinese whatever the desk's system locale is.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop.paths import resource

log = logging.getLogger(__name__)

QT_CATALOGUE = "qtbase_zh_CN"
APP_CATALOGUE = "bureau_zh_CN"
INSTALLED = "bureauTranslations"  # application property: the catalogues installed, once


def qt_folders() -> list[Path]:
    """Where Qt's own catalogue is looked for, first the app's resources."""
    return [
        resource("translations"),
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ]


def _load(app: QCoreApplication, name: str, folders: list[Path]) -> Path | None:
    translator = QTranslator(app)
    for folder in folders:
        if translator.load(name, str(folder)):
            app.installTranslator(translator)
            return folder / f"{name}.qm"
    translator.deleteLater()
    return None


def install_translations(app: QCoreApplication) -> list[str]:
    """Install Qt's and the app's Chinese catalogues on `app` (once); the names installed."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    done = app.property(INSTALLED)
    if done is not None:
        return [str(n) for n in done]
    installed: list[str] = []
    for name, folders in (
        (QT_CATALOGUE, qt_folders()),
        (APP_CATALOGUE, [resource("translations")]),
    ):
        path = _load(app, name, folders)
        if path is None:
            log.warning("translation catalogue %s.qm not found in %s", name, folders)
        else:
            installed.append(name)
    app.setProperty(INSTALLED, installed)
    return installed
