"""帮助: the 使用说明 shipped with the app (resources/help/使用说明.html) and 关于科创台账.

The 使用说明 opens beside the window (not modal), so the clerk can follow it while working; a
second F1 brings the same dialog forward.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.paths import resource

HELP_FILE = ("help", "使用说明.html")
HELP_SIZE = QSize(760, 640)  # capped by the screen


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def help_path() -> str:
    """The 使用说明 file, from a checkout or from inside the bundle."""
    return str(resource(*HELP_FILE))


def help_html() -> str:
    """The 使用说明 as HTML (a short notice when the file is missing from the installation)."""
    try:
        return resource(*HELP_FILE).read_text(encoding="utf-8")
    except OSError:
        return "<p>" + _tr("找不到使用说明文件：{0}").format(help_path()) + "</p>"


class HelpDialog(QDialog):
    """The 使用说明 in a text browser, with a 关闭 button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle(_tr("科创台账 使用说明"))
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(help_html())
        self.close_button = QPushButton(_tr("关闭"))
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addLayout(buttons)
        self.resize(self._fitting_size())

    def _fitting_size(self) -> QSize:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return HELP_SIZE
        area = screen.availableGeometry().size()
        return HELP_SIZE.boundedTo(QSize(area.width() - 40, area.height() - 80))


def show_help(window: QWidget) -> HelpDialog:
    """Show (or bring forward) the window's 使用说明 dialog."""
    dialog = window.findChild(HelpDialog, "helpDialog")
    if dialog is None:
        dialog = HelpDialog(window)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def about_text() -> str:
    """What 关于科创台账 says: the program, its version, where the data and logs are."""
    import desktop

    return _tr(
        "<h3>科创台账</h3>"
        "<p>区科技局企业与科技工作台账</p>"
        "<p>版本 {version}</p>"
        "<p>使用说明：按 F1 或选“帮助 → 使用说明”。</p>"
    ).format(version=desktop.__version__)


def show_about(window: QWidget) -> None:
    """关于科创台账: the version, in a box with one 确定 button."""
    box = QMessageBox(window)
    box.setObjectName("aboutBox")
    box.setWindowTitle(_tr("关于科创台账"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_text())
    icon = QGuiApplication.windowIcon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    ok = box.addButton(_tr("确定"), QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(ok)
    box.exec()
