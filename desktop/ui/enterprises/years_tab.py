"""The editor's 年度数据 tab: the yearly figures' working copy, saved with the enterprise."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from db.services.enterprises import YEAR_FIELDS, YearFigures
from desktop.ui.enterprises.display import cells, lay_out_with_buttons, read_only_table
from desktop.ui.enterprises.subdialogs import YearDialog

HEADERS = (
    "年度",
    "营业收入",
    "研发费用",
    "研发费用占比",
    "从业人员",
    "研发人员",
    "研发活动",
    "研发机构",
)


class YearsTab(QWidget):
    """One row per data year, newest first; 添加 / 修改 change the working copy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.years: dict[int, dict[str, Any]] = {}
        self._stored: dict[int, dict[str, Any]] = {}
        self.view, self.model = read_only_table([self.tr(h) for h in HEADERS])
        self.view.doubleClicked.connect(self.edit_year)
        self.buttons = {
            key: QPushButton(self.tr(text)) for key, text in (("add", "添加"), ("edit", "修改"))
        }
        self.buttons["add"].clicked.connect(self.add_year)
        self.buttons["edit"].clicked.connect(self.edit_year)
        lay_out_with_buttons(self, self.view, self.buttons.values())

    # ----- working copy -----

    def load(self, stored: Iterable[YearFigures]) -> None:
        """Start a working copy from the stored years."""
        self._stored = {y.year: {k: getattr(y, k) for k in YEAR_FIELDS} for y in stored}
        self.years = {y: dict(v) for y, v in self._stored.items()}
        self._show()

    def changed_years(self) -> dict[int, dict[str, Any]]:
        """Years whose figures differ from the stored ones."""
        return {y: dict(v) for y, v in self.years.items() if self._stored.get(y) != v}

    # ----- showing and editing -----

    def _show(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for year in sorted(self.years, reverse=True):
            v = self.years[year]
            ratio = YearFigures(year, v.get("revenue"), v.get("rd_expense")).rd_ratio
            row = [
                str(year),
                v.get("revenue"),
                v.get("rd_expense"),
                f"{ratio:.2%}" if ratio is not None else "",
                v.get("employees"),
                v.get("rd_staff"),
                v.get("rd_activity"),
                v.get("rd_institution"),
            ]
            self.model.appendRow(cells(row))
        self.view.resizeColumnsToContents()

    @Slot()
    def add_year(self) -> None:
        """Add (or replace) one year's figures in the working copy."""
        dialog = YearDialog(None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            self.years[values.pop("year")] = values
            self._show()

    @Slot()
    def edit_year(self) -> None:
        """Edit the selected year's figures."""
        row = self.view.currentIndex().row()
        years = sorted(self.years, reverse=True)
        if not 0 <= row < len(years):
            return
        year = years[row]
        dialog = YearDialog({"year": year} | self.years[year], self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            self.years[values.pop("year")] = values
            self._show()
