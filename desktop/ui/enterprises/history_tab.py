"""The editor's 历史 tab: the audit trail of the enterprise and its qualifications, newest first.

Every field is shown by its Chinese label, a reference by the name of the record it names (资质类型
高新技术企业, not `type_id → 1`), a yes/no as 是/否, and a qualification's line says which
qualification it is ("高新技术企业 · 证书编号").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from db.services import audit
from db.services.enterprises import qualifications
from db.services.enterprises.history import REFERENCES, History, enterprise_history
from desktop.ui.enterprises.display import FIELD_LABELS, cells, read_only_table, shown

ACTION_LABELS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "restore": "恢复",
    "revoke": "撤销",
    "undo": "撤销导入",
}
HEADERS = ("时间", "操作人", "操作", "字段", "原值 → 新值", "导入文件")

# Fields the trail records beyond the editor's own labels (a qualification's, an import's).
HISTORY_LABELS = FIELD_LABELS | {
    "type_id": "资质类型",
    "enterprise_id": "所属企业",
    "level": "级别",
    "valid_from": "有效期起",
    "valid_through": "有效期至",
    "year": "年度",
    "batch_id": "导入批次",
}
QUALIFICATION_LABELS = {"number": "证书编号"}
GONE = "（已删除的记录）"
SEPARATOR = "；"


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def load_history(session: Session, enterprise_id: int) -> History:
    """The audit entries of the enterprise and of its qualifications, newest first."""
    return enterprise_history(session, enterprise_id)


def field_label(
    name: str | None, history: History | None = None, qualification: bool = False
) -> str:
    """A field as the clerk reads it: 2024.revenue → 2024年营业收入, high_tech.number →
    高新技术企业 · 证书编号 (an import's record of a new enterprise), type_id → 资质类型."""
    prefix, _, last = (name or "").rpartition(".")
    labels = HISTORY_LABELS | (QUALIFICATION_LABELS if qualification or prefix else {})
    label = _tr(labels.get(last, last))
    if not prefix:
        return label
    if prefix.isdigit():
        return _tr("{year}年{field}").format(year=prefix, field=label)
    type_name = history.type_names.get(prefix) if history is not None else None
    return f"{type_name or prefix} · {label}"


def value_text(name: str | None, value: Any, history: History) -> str:
    """A stored value as the clerk reads it: a reference by its record's name, 是/否, money."""
    last = (name or "").rpartition(".")[2]
    if last in REFERENCES and isinstance(value, int) and not isinstance(value, bool):
        return history.name_of(last, value) or _tr(GONE)
    if isinstance(value, bool):
        return _tr("是") if value else _tr("否")
    return shown(value)


def record_text(record: dict[str, Any], history: History, qualification: bool) -> str:
    """A whole record (an import's create, an undo's note) as "label：value；…"."""
    return SEPARATOR.join(
        f"{field_label(k, history, qualification)}：{value_text(k, v, history)}"
        for k, v in record.items()
        if v is not None
    )


def change_text(e: audit.AuditView, history: History) -> str:
    """What changed: "old → new", the new value alone for a create, a record's fields."""
    qualification = e.entity == qualifications.ENTITY
    if e.field is None:
        record = e.new_value if isinstance(e.new_value, dict) else e.old_value
        return record_text(record, history, qualification) if isinstance(record, dict) else ""
    new = value_text(e.field, e.new_value, history)
    if e.action == "create" and e.old_value is None:
        return new
    old = value_text(e.field, e.old_value, history)
    empty = _tr("（空）")
    return f"{old or empty} → {new or empty}"


def subject_text(e: audit.AuditView, history: History) -> str:
    """字段: the field's label, after the qualification's type for a qualification's entry."""
    if e.entity != qualifications.ENTITY:
        return field_label(e.field, history)
    kind = history.qualification_types.get(e.entity_id, _tr("资质"))
    return f"{kind} · {field_label(e.field, history, True)}" if e.field else kind


class HistoryTab(QWidget):
    """Who changed what and when (read-only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view, self.model = read_only_table([self.tr(t) for t in HEADERS])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def show_entries(self, history: History) -> None:
        """Show these audit entries, one row each."""
        self.model.removeRows(0, self.model.rowCount())
        for e in history.entries:
            row = [
                e.at.strftime("%Y-%m-%d %H:%M"),
                e.operator,
                _tr(ACTION_LABELS.get(e.action, "修改")),
                subject_text(e, history),
                change_text(e, history),
                e.batch_file,
            ]
            self.model.appendRow(cells(row))
