"""The editor's 历史 tab: the audit trail of the enterprise and its qualifications, newest first."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from db.services import audit, enterprises
from db.services.enterprises import qualifications
from desktop.ui.enterprises.display import FIELD_LABELS, cells, read_only_table, shown

ACTION_LABELS = {
    "create": "新建",
    "delete": "删除",
    "restore": "恢复",
    "revoke": "撤销",
    "undo": "撤销导入",
}
HEADERS = ("时间", "操作人", "操作", "字段", "原值 → 新值", "导入文件")


def load_history(
    session: Session, enterprise_id: int, qualification_ids: Iterable[int]
) -> list[audit.AuditView]:
    """The audit entries of the enterprise and of its qualifications, newest first."""
    entries = audit.history(session, enterprises.ENTITY, enterprise_id)
    for qid in qualification_ids:
        entries += audit.history(session, qualifications.ENTITY, qid)
    return sorted(entries, key=lambda e: e.at, reverse=True)


def field_label(name: str | None) -> str:
    """A field as the clerk reads it; year figures are stored as "2024.revenue" → 2024年营业收入."""
    prefix, _, last = (name or "").rpartition(".")
    return (prefix + "年" if prefix else "") + FIELD_LABELS.get(last, last)


class HistoryTab(QWidget):
    """Who changed what and when (read-only)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view, self.model = read_only_table([self.tr(t) for t in HEADERS])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

    def show_entries(self, entries: list[audit.AuditView]) -> None:
        """Show these audit entries, one row each."""
        self.model.removeRows(0, self.model.rowCount())
        for e in entries:
            change = "" if e.field is None else f"{shown(e.old_value)} → {shown(e.new_value)}"
            action = ACTION_LABELS.get(e.action, "修改")
            row = [
                e.at.strftime("%Y-%m-%d %H:%M"),
                e.operator,
                self.tr(action),
                self.tr(field_label(e.field)),
                change,
                e.batch_file,
            ]
            self.model.appendRow(cells(row))
        self.view.resizeColumnsToContents()
