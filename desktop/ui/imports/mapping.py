"""② 核对列: each column of the file → the field it fills, with a combo to change it or ignore it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from db.rules.text import normalize_header
from desktop.importing.engine import ImportPlan
from desktop.importing.header import match_labels
from desktop.importing.schemas import schema_for

IGNORE = ""
COMBO_WIDTH = 120


def column_fields(plan: ImportPlan, overrides: dict[str, str]) -> list[str]:
    """For each column of the plan's header: the field it fills, or '' when it is ignored."""
    found, _units = match_labels(schema_for(plan.kind), plan.labels)
    by_column = {index: name for name, index in found.items()}
    out: list[str] = []
    for index, label in enumerate(plan.labels):
        key = normalize_header(label)
        out.append(overrides[key] if key in overrides else by_column.get(index, IGNORE))
    return out


class MappingTable(QTableWidget):
    """One column per column of the file: its header text above, the field combo below.

    Emits `changed(normalised header, field)` when the clerk picks another field or 忽略.
    """

    changed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(2, 0, parent)
        self.setVerticalHeaderLabels([self.tr("表中的列"), self.tr("导入为")])
        self.horizontalHeader().setVisible(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.fontMetrics().height() + 16
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(rows)
        self.setFixedHeight(2 * rows + self.horizontalScrollBar().sizeHint().height() + 6)

    def show_plan(self, plan: ImportPlan, overrides: dict[str, str], editable: bool) -> None:
        """Fill the strip from a plan and the clerk's own choices."""
        schema = schema_for(plan.kind)
        chosen = column_fields(plan, overrides)
        shown = [(i, label) for i, label in enumerate(plan.labels) if label]
        self.setColumnCount(0)
        self.setColumnCount(len(shown))
        for col, (index, label) in enumerate(shown):
            item = QTableWidgetItem(label)
            item.setToolTip(label)
            self.setItem(0, col, item)
            combo = QComboBox()
            combo.addItem(self.tr("忽略（不导入）"), IGNORE)
            for column in schema.columns:
                combo.addItem(column.header, column.field)
            combo.setCurrentIndex(max(combo.findData(chosen[index]), 0))
            combo.setEnabled(editable)
            combo.setProperty("key", normalize_header(label))
            combo.setProperty("label", label)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self._on_combo)
            self.setCellWidget(1, col, combo)
            text = self.fontMetrics().horizontalAdvance(label) + 24
            self.setColumnWidth(col, max(COMBO_WIDTH, text, combo.sizeHint().width() + 4))

    def _combos(self) -> list[QComboBox]:
        found = [self.cellWidget(1, col) for col in range(self.columnCount())]
        return [c for c in found if isinstance(c, QComboBox)]

    def choices(self) -> dict[str, str]:
        """Normalised header → field ('' = ignored) as shown now."""
        return {str(c.property("key")): str(c.currentData()) for c in self._combos()}

    def combo_for(self, label: str) -> QComboBox | None:
        """The combo under the column headed `label` (tests and shortcuts)."""
        for combo in self._combos():
            if combo.property("label") == label:
                return combo
        return None

    @Slot(int)
    def _on_combo(self, _index: int) -> None:
        combo: Any = self.sender()
        if isinstance(combo, QComboBox):
            self.changed.emit(str(combo.property("key")), str(combo.currentData()))
