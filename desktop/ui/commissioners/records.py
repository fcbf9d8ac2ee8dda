"""服务记录: quick keyboard entry — Enter moves to the next cell, a new row follows the last one.

A row is saved when the cursor leaves it (or Enter on its last cell) and it is valid; invalid cells
turn red with the message as tooltip and in the message line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTableView, QWidget

from db.rules.normalize import parse_bool, parse_date, parse_int, parse_number
from db.services.commissioners.common import SERVICE_KINDS
from db.services.commissioners.records import ServiceRecordView

_Index = QModelIndex | QPersistentModelIndex
BAD_BG = QColor("#fde2e1")

COLUMNS = (
    ("served_on", "服务日期"),
    ("place", "服务地点"),
    ("kind", "服务方式"),
    ("trained", "培训人数"),
    ("technologies", "引进技术(项)"),
    ("benefit", "经济效益(万元)"),
    ("confirmed", "确认单盖章"),
    ("approved", "局审核"),
)
KEYS = tuple(k for k, _t in COLUMNS)


def _kind(text: str) -> str | None:
    """A service kind from what was typed: exact, else the only kind containing it."""
    if text in SERVICE_KINDS:
        return text
    hits = [k for k in SERVICE_KINDS if text and text in k]
    return hits[0] if len(hits) == 1 else None


DATE_FORMAT_HINT = "日期格式应为 2025-03-01（也可填 2025-3-1、2025/3/1、2025年3月1日）"


def _served_on(text: str, today: date) -> tuple[date | None, str | None]:
    """A service date, or what is wrong with it in words (the format expected, not just red)."""
    if not text:
        return None, "请填写服务日期，" + DATE_FORMAT_HINT
    checked = parse_date(text, today, allow_future=True)
    if checked.value is None:
        return None, f"“{text}”不是有效的日期，{DATE_FORMAT_HINT}"
    if checked.value > today:
        return None, f"服务日期不能晚于今天（{checked.value.isoformat()}）"
    return checked.value, None


def parse_cell(key: str, text: str, today: date) -> tuple[Any, str | None]:
    """The value of a typed cell and an error message (None when fine)."""
    text = text.strip()
    if key == "served_on":
        return _served_on(text, today)
    if key == "place":
        return text or None, None
    if key == "kind":
        if not text:
            return "现场指导", None
        found = _kind(text)
        return found, None if found else "服务方式应为：" + "、".join(SERVICE_KINDS)
    if key in ("trained", "technologies", "benefit"):
        num = parse_number(text) if key == "benefit" else parse_int(text)
        if num.errors:
            return None, num.errors[0]
        if num.value is not None and num.value < 0:
            return None, "不能为负数"
        return num.value, None
    flag = parse_bool(text)
    return bool(flag.value), (flag.errors[0] if flag.errors else None)


def _shown(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass
class Draft:
    """One row as typed: cell texts, parsed values, errors; `record_id` once saved and the
    `version` of the record its saved texts show (a save names it, db/services/versions.py)."""

    texts: dict[str, str] = field(default_factory=dict)
    record_id: int | None = None
    saved_texts: dict[str, str] = field(default_factory=dict)
    version: int | None = None

    def blank(self) -> bool:
        """Nothing typed yet."""
        return not any(t.strip() for t in self.texts.values())

    def changed(self) -> bool:
        """Typed differently from what the store holds."""
        return self.texts != self.saved_texts

    def parsed(self, today: date) -> tuple[dict[str, Any], dict[str, str]]:
        """Values and errors of every cell."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for key in KEYS:
            value, error = parse_cell(key, self.texts.get(key, ""), today)
            values[key] = value
            if error:
                errors[key] = error
        return values, errors


def draft_of(r: ServiceRecordView) -> Draft:
    texts = {k: _shown(k, getattr(r, k)) for k in KEYS}
    return Draft(texts, r.id, dict(texts), r.version)


class RecordsModel(QAbstractTableModel):
    """The records of one dispatch plus one blank row at the end for the next record."""

    messageChanged = Signal(str)

    def __init__(self, parent: Any = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.today = today or date.today()
        self.drafts: list[Draft] = [Draft()]

    def load(self, rows: list[ServiceRecordView]) -> None:
        """Show a dispatch's records (and the blank row)."""
        self.beginResetModel()
        self.drafts = [*(draft_of(r) for r in rows), Draft()]
        self.endResetModel()

    def ensure_blank_row(self) -> None:
        """Keep one blank row after the last record."""
        if self.drafts and self.drafts[-1].blank():
            return
        n = len(self.drafts)
        self.beginInsertRows(QModelIndex(), n, n)
        self.drafts.append(Draft())
        self.endInsertRows()

    def errors(self, row: int) -> dict[str, str]:
        """The errors of a row (none for the untouched blank row)."""
        draft = self.drafts[row]
        return {} if draft.blank() else draft.parsed(self.today)[1]

    def error_text(self, row: int) -> str:
        """What is wrong with a row, in words (empty when nothing is)."""
        errors = self.errors(row) if 0 <= row < len(self.drafts) else {}
        if not errors:
            return ""
        titles = dict(COLUMNS)
        head = self.tr("第{n}行：").format(n=row + 1)
        return head + "；".join(f"{self.tr(titles[k])}：{e}" for k, e in errors.items())

    def mark_saved(self, row: int, record_id: int, version: int | None = None) -> None:
        """The store has this row now (at `version`)."""
        draft = self.drafts[row]
        draft.record_id = record_id
        draft.saved_texts = dict(draft.texts)
        draft.version = version

    def reload_row(self, row: int, record: ServiceRecordView | None) -> None:
        """Show a row as stored now (None: gone from the store, the row is dropped)."""
        if record is None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.drafts[row]
            self.endRemoveRows()
            return
        self.drafts[row] = draft_of(record)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(KEYS) - 1))

    # ----- Qt -----

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.drafts)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.tr(COLUMNS[section][1])
        return "*" if section == len(self.drafts) - 1 else section + 1

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = KEYS[index.column()]
        draft = self.drafts[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return draft.texts.get(key, "")
        error = self.errors(index.row()).get(key)
        if role == Qt.ItemDataRole.BackgroundRole and error:
            return QBrush(BAD_BG)
        if role == Qt.ItemDataRole.ToolTipRole:
            return error
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        draft = self.drafts[index.row()]
        draft.texts[KEYS[index.column()]] = str(value or "")
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(KEYS) - 1))
        self.messageChanged.emit(self.error_text(index.row()))
        if index.row() == len(self.drafts) - 1:
            self.ensure_blank_row()
        return True


class RecordsTable(QTableView):
    """Enter edits the current cell; Enter in an editor commits and moves to the next cell."""

    rowLeft = Signal(int)  # the cursor left this row (time to save it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        editable = self.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers
        if enter and editable and self.state() != QAbstractItemView.State.EditingState:
            self.edit(self.currentIndex())
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        enter = hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if enter:
            self.move_next()

    def move_next(self) -> None:
        """To the next cell, wrapping to the first cell of the next row; start editing it."""
        current = self.currentIndex()
        model = self.model()
        if not current.isValid() or model is None:
            return
        row, col = current.row(), current.column() + 1
        if col >= model.columnCount():
            row, col = row + 1, 0
        if row >= model.rowCount():
            return
        self.setCurrentIndex(model.index(row, col))
        self.edit(model.index(row, col))

    def currentChanged(self, current: _Index, previous: _Index) -> None:
        super().currentChanged(current, previous)
        if previous.isValid() and current.row() != previous.row():
            self.rowLeft.emit(previous.row())
