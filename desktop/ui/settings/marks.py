"""设置 → 报表: each return of the catalogue with its legal marks (表号, 制表机关, 批准/备案机关, 文号,
有效期至), edited in place and saved with the rest of the form (db.services.returns_marks).

The table shows what each return prints now (its defaults with what is stored applied); only the
cells the clerk changed are sent, and a cell emptied leaves that line off the printed return.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.services.errors import InputError
from db.services.returns_marks import APPROVAL_KINDS, validate_marks
from desktop.returns.compute import effective_marks
from desktop.returns.definitions import CATALOGUE
from desktop.ui.common.widgets import hint

TEXT_FIELDS = ("table_no", "authority", "approval_authority", "approval_no", "valid_until")
KIND_COLUMN = 3
# (field, header) in column order after the return's title
COLUMNS = (
    ("table_no", "表号"),
    ("authority", "制表机关"),
    ("approval_kind", "批准/备案"),
    ("approval_authority", "批准（备案）机关"),
    ("approval_no", "批准（备案）文号"),
    ("valid_until", "有效期至"),
)
Marks = dict[str, str]


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


class LegalMarksPanel(QWidget):
    """The 报表 tab: one row per return; `edited` fires on every change of a cell."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(len(CATALOGUE), 1 + len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([_tr("报表"), *(_tr(h) for _f, h in COLUMNS)])
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in zip(range(1, 7), (110, 200, 100, 170, 170, 110), strict=True):
            self.table.setColumnWidth(column, width)
        self.kinds: dict[str, QComboBox] = {}
        for row, definition in enumerate(CATALOGUE):
            title = QTableWidgetItem(definition.title)
            title.setFlags(title.flags() & ~Qt.ItemFlag.ItemIsEditable)
            title.setData(Qt.ItemDataRole.UserRole, definition.id)
            title.setToolTip(definition.title)
            self.table.setItem(row, 0, title)
            combo = QComboBox(self.table)
            for kind in APPROVAL_KINDS:
                combo.addItem(_tr(kind), kind)
            combo.currentIndexChanged.connect(self._on_edited)
            self.table.setCellWidget(row, KIND_COLUMN, combo)
            self.kinds[definition.id] = combo
        row_height = max(combo.sizeHint().height() + 6, self.fontMetrics().height() + 14)
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setWordWrap(False)
        self.table.itemChanged.connect(self._on_item_changed)
        self.error = QLabel(self)
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self._loaded: dict[str, Marks] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 8, 24, 8)
        layout.addWidget(
            hint(
                _tr(
                    "报表右上角的法定标识。按上级下发的统计报表制度填写；留空的项不印在报表上。"
                    "“制表机关”未填写过时默认为本单位名称。双击单元格修改，点击下方“保存”生效。"
                ),
                self,
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)

    # ---- loading -----------------------------------------------------------------------------

    def load(self, stored: Mapping[str, Mapping[str, str]], bureau_name: str) -> None:
        """Show what each return prints now (its defaults, the stored marks applied)."""
        self.table.blockSignals(True)
        self._loaded = {}
        for row, definition in enumerate(CATALOGUE):
            marks = effective_marks(definition, stored.get(definition.id, {}), bureau_name)
            values = {field: str(getattr(marks, field) or "") for field, _h in COLUMNS}
            if values["approval_kind"] not in APPROVAL_KINDS:
                values["approval_kind"] = APPROVAL_KINDS[0]
            self._loaded[definition.id] = values
            for column, (field, _h) in enumerate(COLUMNS, start=1):
                if field == "approval_kind":
                    combo = self.kinds[definition.id]
                    combo.blockSignals(True)
                    combo.setCurrentIndex(max(combo.findData(values[field]), 0))
                    combo.blockSignals(False)
                    continue
                self.table.setItem(row, column, QTableWidgetItem(values[field]))
        self.table.blockSignals(False)
        self.clear_error()

    # ---- what changed ------------------------------------------------------------------------

    def return_id_of(self, row: int) -> str:
        """The id of the return a row shows."""
        item = self.table.item(row, 0)
        return "" if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def values_of(self, row: int) -> Marks:
        """The marks a row shows (texts stripped)."""
        return_id = self.return_id_of(row)
        out: Marks = {}
        for column, (field, _h) in enumerate(COLUMNS, start=1):
            if field == "approval_kind":
                out[field] = str(self.kinds[return_id].currentData())
                continue
            item = self.table.item(row, column)
            out[field] = "" if item is None else item.text().strip()
        return out

    def changes(self) -> dict[str, Marks]:
        """Per return id, the fields whose shown value differs from the loaded one."""
        out: dict[str, Marks] = {}
        for row in range(self.table.rowCount()):
            return_id = self.return_id_of(row)
            loaded = self._loaded.get(return_id, {})
            shown = self.values_of(row)
            changed = {k: v for k, v in shown.items() if loaded.get(k, "") != v}
            if changed:
                out[return_id] = changed
        return out

    def validate(self) -> bool:
        """Check every changed row; the first problem is shown under the table."""
        for return_id, values in self.changes().items():
            try:
                validate_marks(return_id, values)
            except InputError as exc:
                self.show_error(self._title_of(return_id), str(exc))
                return False
        return True

    def _title_of(self, return_id: str) -> str:
        return next((d.title for d in CATALOGUE if d.id == return_id), return_id)

    def show_error(self, title: str, message: str) -> None:
        """A message under the table naming the return."""
        self.error.setText(f"“{title}”：{message}" if title else message)
        self.error.show()

    def clear_error(self) -> None:
        """Hide the message under the table."""
        self.error.clear()
        self.error.hide()

    @Slot(QTableWidgetItem)
    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        self.edited.emit()

    @Slot()
    def _on_edited(self) -> None:
        self.edited.emit()
