"""How the enterprise editor shows things: field labels, cell texts, read-only tables with buttons."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common.cells import fit_to_contents

FIELD_LABELS = {
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "town_id": "所属镇街",
    "address": "注册地址",
    "founded_on": "成立日期",
    "industry": "行业类别",
    "legal_rep": "法定代表人",
    "contact": "联系人",
    "phone": "联系电话",
    "above_scale": "是否规上工业企业",
    "note": "备注",
    "revenue": "营业收入",
    "rd_expense": "研发费用",
    "employees": "从业人员数",
    "rd_staff": "研发人员数",
    "rd_activity": "研发活动",
    "rd_institution": "研发机构",
    "number": "编号",
    "issued_on": "发证日期",
    "evaluation_year": "评价年度",
    "revoked_on": "撤销日期",
    "revoke_reason": "撤销原因",
}


def shown(value: Any) -> str:
    """A value as a cell shows it: blank for None, 是/否, money with thousands and 2 decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def read_only_table(headers: list[str]) -> tuple[QTableView, QStandardItemModel]:
    """A table of whole rows, one selectable at a time, not editable in place."""
    model = QStandardItemModel(0, len(headers))
    model.setHorizontalHeaderLabels(headers)
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    fit_to_contents(view)  # columns as wide as their text, long text elided with a tooltip
    return view, model


def cells(values: list[Any]) -> list[QStandardItem]:
    """One table row of items; numbers right-aligned."""
    items = []
    for v in values:
        item = QStandardItem(shown(v))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        items.append(item)
    return items


def lay_out_with_buttons(page: QWidget, view: QWidget, buttons: Iterable[QPushButton]) -> None:
    """A row of buttons above the view, filling `page`."""
    row = QHBoxLayout()
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    layout = QVBoxLayout(page)
    layout.addLayout(row)
    layout.addWidget(view, 1)
