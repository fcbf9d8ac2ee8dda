"""Layout of 设置 › 数据位置 (widgets only; behaviour lives in location.py)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.server import DEFAULT_PORT
from desktop.ui.common.widgets import hint
from desktop.ui.settings.view import FIELD_WIDTH as FIELD
from desktop.ui.settings.view import error_label, form, line_edit


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def _with_error(field: QWidget, error: QLabel) -> QWidget:
    """A field with its message to the right of it."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(8)
    layout.addWidget(field)
    layout.addWidget(error, 1)
    return row


class LocationView(QWidget):
    """Where the data is now, the two choices (local file, server database), 测试连接 and 切换."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = QLabel()
        self.current.setWordWrap(True)
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.local_choice = QRadioButton(_tr("本机数据文件"))
        self.server_choice = QRadioButton(_tr("服务器数据库"))
        self.choices = QButtonGroup(self)
        self.choices.addButton(self.local_choice)
        self.choices.addButton(self.server_choice)
        self.file_path = line_edit(1024, 420)
        self.browse = QPushButton(_tr("浏览…"))
        self.file_error = error_label()
        self.host = line_edit(255, FIELD, _tr("如：192.168.1.10"))
        self.port = line_edit(5, 80, str(DEFAULT_PORT))
        self.port.setText(str(DEFAULT_PORT))
        self.database = line_edit(63, FIELD, _tr("如：kechuang"))
        self.account = line_edit(63, FIELD, _tr("服务器上的登录账号"))
        self.password = line_edit(256, FIELD)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.host_error = error_label()
        self.port_error = error_label()
        self.database_error = error_label()
        self.account_error = error_label()
        self.password_error = error_label()
        self.test = QPushButton(_tr("测试连接"))
        self.switch = QPushButton(_tr("切换"))
        self.switch.setObjectName("primary")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setObjectName("hint")
        self.result.hide()
        self.local_box = self._local_box()
        self.server_box = self._server_box()
        self._lay_out()

    def _lay_out(self) -> None:
        now = QGroupBox(_tr("当前数据位置"))
        now_layout = QVBoxLayout(now)
        now_layout.addWidget(self.current)
        change = QGroupBox(_tr("改用"))
        body = QVBoxLayout(change)
        body.setSpacing(8)
        body.addWidget(self.local_choice)
        body.addWidget(self.local_box)
        body.addWidget(self.server_choice)
        body.addWidget(self.server_box)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.test)
        buttons.addWidget(self.switch)
        body.addLayout(buttons)
        body.addWidget(self.result)
        body.addWidget(
            hint(
                _tr(
                    "一台电脑单独使用时用本机数据文件；几台电脑共用同一份数据时，都改用同一个"
                    "服务器数据库，每人用自己的账号登录。密码不会保存，打开程序时询问"
                    "（也可由系统管理员设置 PGPASSWORD 或 pgpass 密码文件）。"
                    "切换只改变本机使用哪一份数据，不会复制或移动数据。"
                )
            )
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        layout.setSpacing(12)
        layout.addWidget(now)
        layout.addWidget(change)
        layout.addStretch(1)

    def _local_box(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.file_path, 1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(24, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.file_error)
        return box

    def _server_box(self) -> QWidget:
        box = QWidget()
        body = form()
        body.add(_tr("主机"), _with_error(self.host, self.host_error))
        body.add(_tr("端口"), _with_error(self.port, self.port_error))
        body.add(_tr("数据库"), _with_error(self.database, self.database_error))
        body.add(_tr("账号"), _with_error(self.account, self.account_error))
        body.add(_tr("密码"), _with_error(self.password, self.password_error))
        layout = QVBoxLayout(box)
        layout.setContentsMargins(24, 0, 0, 0)
        layout.addLayout(body)
        return box

    def errors(self) -> list[QLabel]:
        """Every message next to a field."""
        return [
            self.file_error,
            self.host_error,
            self.port_error,
            self.database_error,
            self.account_error,
            self.password_error,
        ]
