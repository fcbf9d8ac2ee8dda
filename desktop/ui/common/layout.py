"""Layout helpers the list screens share: a read-only table, a row of buttons, column widths."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
)

from desktop.ui.common.cells import fit_to_contents


def table_view(model: QAbstractItemModel) -> QTableView:
    """A read-only table over `model`: one row selected at a time, alternating rows."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    fit_to_contents(view)
    return view


def button_row(*labels: str) -> tuple[QHBoxLayout, list[QPushButton]]:
    """A row of buttons (texts already translated) pushed to the left, and the buttons."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    buttons = [QPushButton(text) for text in labels]
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    return row, buttons


def fit_columns(table: QTableView, samples: Sequence[str]) -> None:
    """Column widths from sample texts in the table's font (they follow the scale and font)."""
    metrics = table.fontMetrics()
    header = table.horizontalHeader().fontMetrics()
    model = table.model()
    for col, sample in enumerate(samples):
        title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
        width = max(metrics.horizontalAdvance(sample), header.horizontalAdvance(title) + 14)
        table.setColumnWidth(col, width + 34)
