"""③ 预览: tabs 新增 · 更新 · 无变化 · 有错误 · 跳过 · 警告, each a lazy table with its count."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTabWidget, QWidget

from desktop.importing.engine import ImportPlan
from desktop.ui.imports.models import (
    Column,
    LazyTableModel,
    created_columns,
    problem_columns,
    real_warnings,
    skipped_columns,
    skipped_rows,
    unchanged_columns,
    updated_columns,
)

TABS = ("created", "updated", "unchanged", "rejected", "skipped", "warnings")
_TITLES = {
    "created": "新增",
    "updated": "更新",
    "unchanged": "无变化",
    "rejected": "有错误",
    "skipped": "跳过",
    "warnings": "警告",
}
_SAMPLE_ROWS = 200  # column widths are fitted on the first rows only (big plans stay fast)


def _view(parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    vertical = view.verticalHeader()
    vertical.setVisible(False)
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(view.fontMetrics().height() + 10)
    horizontal = view.horizontalHeader()
    horizontal.setStretchLastSection(True)
    horizontal.setResizeContentsPrecision(_SAMPLE_ROWS)
    horizontal.setHighlightSections(False)
    return view


class PreviewTabs(QTabWidget):
    """The preview of one plan; tables hold references to the plan's lists, never row widgets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(False)
        self.models: dict[str, LazyTableModel[Any]] = {}
        self.views: dict[str, QTableView] = {}
        for key in TABS:
            view = _view(self)
            model: LazyTableModel[Any] = LazyTableModel([], view)
            view.setModel(model)
            self.models[key] = model
            self.views[key] = view
            self.addTab(view, self.tr(_TITLES[key]))

    def show_plan(self, plan: ImportPlan, towns: dict[int, str]) -> None:
        """Fill every tab from the plan and put the counts in the tab titles."""
        by_outcome: dict[str, list[Any]] = {"created": [], "updated": [], "unchanged": []}
        for p in [*plan.plans, *getattr(plan, "kind_plans", [])]:
            by_outcome[p.outcome].append(p)
        self._fill("created", created_columns(towns), by_outcome["created"])
        self._fill("updated", updated_columns(towns, plan.year), by_outcome["updated"])
        self._fill("unchanged", unchanged_columns(), by_outcome["unchanged"])
        self._fill("rejected", problem_columns(), plan.errors)
        skipped = skipped_rows(plan)
        self._fill("skipped", skipped_columns(), skipped)
        self._fill("warnings", problem_columns(), real_warnings(plan))
        counts = {**{k: len(v) for k, v in by_outcome.items()}, "rejected": len(plan.rejected)}
        counts |= {"skipped": plan.skipped, "warnings": len(real_warnings(plan))}
        for i, key in enumerate(TABS):
            self.setTabText(i, f"{self.tr(_TITLES[key])} {counts[key]}")
        self.setCurrentIndex(self._first_useful(counts))

    def tab_title(self, key: str) -> str:
        """The title shown on a tab now, e.g. '新增 23'."""
        return self.tabText(TABS.index(key))

    def _fill(self, key: str, columns: list[Column[Any]], rows: list[Any]) -> None:
        model = self.models[key]
        model.columns = columns
        model.set_rows(rows)
        view = self.views[key]
        view.resizeColumnsToContents()
        for col in range(len(columns) - 1):
            view.setColumnWidth(col, min(max(view.columnWidth(col) + 12, 60), 420))

    @staticmethod
    def _first_useful(counts: dict[str, int]) -> int:
        for key in ("rejected", "created", "updated", "unchanged"):
            if counts[key]:
                return TABS.index(key)
        return 0
