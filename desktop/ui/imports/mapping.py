"""② 核对列: each column of the file → the field it fills (a combo to change it or ignore it) and
how it was matched: 自动识别, 已保存的对应 (the town's saved hand mapping), 本次修改, 不导入."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from db.rules.text import normalize_header
from desktop.importing.schemas import schema_for
from desktop.ui.imports.sheets import IGNORE, PlanSheets, column_fields, hand_mapping

__all__ = ["IGNORE", "MappingTable", "MatchedColumn", "matched_columns"]

COMBO_WIDTH = 120
COMBO_CHROME = 48  # the combo's frame, padding and arrow around its text
AUTO = "自动识别"
SAVED = "已保存的对应"
CHANGED = "本次修改（已记住）"
UNMATCHED = "不导入"
_COLOURS = {SAVED: "#e3edfb", CHANGED: "#fff1c7", UNMATCHED: "#f1f1f1"}
_ROWS = ("表中的列", "导入为", "对应方式")


@dataclass(frozen=True)
class MatchedColumn:
    """One column of the file: its header, the field it fills ('' ignored) and how it was matched."""

    label: str
    key: str  # the normalised header (the key of mappings)
    field: str
    how: str
    kind: str
    town: str | None
    sheets: tuple[str, ...]


def matched_columns(
    sheets: PlanSheets,
    overrides: Mapping[str, str],
    saved: Collection[str],
    changed: Collection[str],
) -> list[MatchedColumn]:
    """Every distinct column header of the plan's sheets (in order) and how it is matched."""
    out: dict[str, MatchedColumn] = {}
    for sheet in sheets.sheets:
        mapping = hand_mapping(sheet, overrides)
        fields = column_fields(sheet.kind, sheet.labels, mapping)
        mapped_here = {normalize_header(h) for h in sheet.mapped}
        for label, name in zip(sheet.labels, fields, strict=False):
            key = normalize_header(label)
            if not label or not key:
                continue
            if key in out:
                out[key] = replace(out[key], sheets=(*out[key].sheets, sheet.name))
                continue
            if key in changed:
                how = CHANGED
            elif key in saved or key in mapped_here:
                how = SAVED
            else:
                how = AUTO if name else UNMATCHED
            out[key] = MatchedColumn(label, key, name, how, sheet.kind, sheet.town, (sheet.name,))
    return list(out.values())


class MappingTable(QTableWidget):
    """One column per column of the file: its header, the field combo and how it was matched.

    Emits `changed(normalised header, field, kind, town)` when the clerk picks another field.
    """

    changed = Signal(str, str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(len(_ROWS), 0, parent)
        self.setVerticalHeaderLabels([self.tr(t) for t in _ROWS])
        self.horizontalHeader().setVisible(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the combos take the focus, one by one
        rows = self.fontMetrics().height() + 14
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(rows)
        self.setRowHeight(1, rows + 4)
        scroll = self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(len(_ROWS) * rows + 4 + scroll + 6)
        self.columns: list[MatchedColumn] = []

    def show_plan(
        self,
        sheets: PlanSheets,
        overrides: Mapping[str, str],
        saved: Collection[str],
        changed: Collection[str],
        editable: bool,
    ) -> None:
        """Fill the strip from the plan's sheets, the clerk's choices and the saved mapping."""
        self.columns = matched_columns(sheets, overrides, saved, changed)
        self.setColumnCount(0)
        self.setColumnCount(len(self.columns))
        for col, matched in enumerate(self.columns):
            self._fill(col, matched, editable)

    def _fill(self, col: int, matched: MatchedColumn, editable: bool) -> None:
        item = QTableWidgetItem(matched.label)
        tip = matched.label
        if len(matched.sheets) > 1 or matched.sheets[0]:
            tip += "\n" + self.tr("工作表：") + "、".join(matched.sheets)
        item.setToolTip(tip)
        how = QTableWidgetItem(self.tr(matched.how))
        how.setToolTip(self._how_tip(matched))
        colour = _COLOURS.get(matched.how)
        if colour:
            item.setBackground(QBrush(QColor(colour)))
            how.setBackground(QBrush(QColor(colour)))
        if matched.how == UNMATCHED:
            for cell in (item, how):
                cell.setForeground(QBrush(QColor("#7a8794")))
        self.setItem(0, col, item)
        self.setItem(2, col, how)
        combo = self._combo(matched, editable)
        self.setCellWidget(1, col, combo)
        metrics = combo.fontMetrics()
        texts = [matched.label, matched.how, combo.currentText()]
        widest = max(metrics.horizontalAdvance(t) for t in texts) + COMBO_CHROME
        self.setColumnWidth(col, max(COMBO_WIDTH, widest, combo.sizeHint().width() + 4))

    def _how_tip(self, matched: MatchedColumn) -> str:
        if matched.how == SAVED:
            town = matched.town or self.tr("不指定镇街")
            return self.tr("按“{town}”上次保存的对应导入").format(town=town)
        if matched.how == CHANGED:
            return self.tr("您在本次修改了这一列的对应，下次导入同一镇街的表时自动沿用")
        if matched.how == UNMATCHED:
            return self.tr("这一列没有对应到任何字段，不会导入；可在上方选择要导入为的字段")
        return self.tr("按列名自动识别")

    def _combo(self, matched: MatchedColumn, editable: bool) -> QComboBox:
        combo = QComboBox()
        combo.addItem(self.tr("忽略（不导入）"), IGNORE)
        for column in schema_for(matched.kind).columns:
            combo.addItem(column.header, column.field)
        combo.setCurrentIndex(max(combo.findData(matched.field), 0))
        combo.setEnabled(editable)
        combo.setToolTip(matched.label)
        combo.setAccessibleName(self.tr("“{label}”导入为").format(label=matched.label))
        for name, value in (("key", matched.key), ("label", matched.label)):
            combo.setProperty(name, value)
        combo.setProperty("kind", matched.kind)
        combo.setProperty("town", matched.town or "")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(self._on_combo)
        return combo

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

    def how_for(self, label: str) -> str:
        """How the column headed `label` is matched (自动识别, 已保存的对应, …)."""
        for matched in self.columns:
            if matched.label == label:
                return matched.how
        return ""

    @Slot(int)
    def _on_combo(self, _index: int) -> None:
        combo: Any = self.sender()
        if isinstance(combo, QComboBox):
            self.changed.emit(
                str(combo.property("key")),
                str(combo.currentData()),
                str(combo.property("kind")),
                str(combo.property("town")),
            )
