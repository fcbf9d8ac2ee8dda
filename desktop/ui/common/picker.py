"""Pick an enterprise of the roster by name, code or pinyin initials — or create one."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.services import enterprises
from db.services.enterprises.roster import RosterFilter, RosterQuery
from desktop.ui.shell.context import AppContext

MAX_RESULTS = 30
DEBOUNCE_MS = 150


class EnterprisePicker(QWidget):
    """A search box, the matching enterprises and 新建企业…; `value()` is the picked id."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._id: int | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("输入企业名称、信用代码或拼音首字母搜索"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(120)
        self.results.setMaximumHeight(150)
        self.results.hide()
        self.picked = QLabel(self.tr("未选择企业"))
        self.create_button = QPushButton(self.tr("新建企业…"))
        self._lay_out()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._timer.start)
        self.results.currentItemChanged.connect(self._picked)
        self.create_button.clicked.connect(self.create_enterprise)
        ctx.guard("edit", self.create_button)

    def _lay_out(self) -> None:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.search, 1)
        row.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.picked)

    def value(self) -> int | None:
        """The picked enterprise's id."""
        return self._id

    def set_value(self, enterprise_id: int | None, name: str = "") -> None:
        """Show an enterprise as picked (None clears)."""
        self._id = enterprise_id
        self.picked.setText(self.tr("已选：{n}").format(n=name) if enterprise_id else "未选择企业")
        self.changed.emit()

    @Slot()
    def run_search(self) -> None:
        """Fill the list with the enterprises matching the search text."""
        self._timer.stop()
        text = self.search.text().strip()
        self.results.clear()
        self.results.setVisible(bool(text))
        if not text:
            return
        query = RosterQuery()
        with self._ctx.session() as s:
            ids = query.ids(s, RosterFilter(text=text))[:MAX_RESULTS]
            rows = query.rows(s, ids)
        for r in rows:
            item = QListWidgetItem(f"{r.name}　{r.uscc}")
            item.setData(Qt.ItemDataRole.UserRole, (r.id, r.name))
            item.setSizeHint(QSize(0, self.fontMetrics().height() + 8))
            self.results.addItem(item)
        if not rows:
            self.results.addItem(self.tr("没有找到，可点“新建企业…”"))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _picked(self, item: QListWidgetItem | None, _old: QListWidgetItem | None) -> None:
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if data is not None:
            eid, name = data
            self.set_value(eid, name)

    @Slot()
    def create_enterprise(self) -> None:
        """Open the roster's editor empty; the enterprise it saves (`saved(id)`) is picked."""
        editor = self._ctx.open_enterprise_editor(None, self)
        self.last_editor = editor
        editor.saved.connect(self._created)
        editor.open()

    @Slot(int)
    def _created(self, enterprise_id: int) -> None:
        with self._ctx.session() as s:
            name = enterprises.get(s, enterprise_id).name
        self.set_value(enterprise_id, name)
