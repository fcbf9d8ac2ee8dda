"""科技特派员 screen: six tabs over the commissioner services.

Navigated here with `navigate("commissioners", ids=…, label=…, origin=…)` (指标与目标's
click-through): 特派员名录 shows exactly those commissioners, named by a removable chip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from desktop.ui.commissioners.assessment_tab import AssessmentTab
from desktop.ui.commissioners.base import Tab
from desktop.ui.commissioners.coverage_tab import CoverageTab
from desktop.ui.commissioners.demands_tab import DemandsTab
from desktop.ui.commissioners.dispatches_tab import DispatchesTab
from desktop.ui.commissioners.records_tab import RecordsTab
from desktop.ui.commissioners.roster_tab import RosterTab
from desktop.ui.common.widgets import screen_title
from desktop.ui.shell.context import AppContext


class CommissionersScreen(QWidget):
    """特派员名录, 需求库, 选派结对, 服务记录, 年度考核, 覆盖情况."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.roster = RosterTab(ctx)
        self.demands = DemandsTab(ctx)
        self.dispatches = DispatchesTab(ctx)
        self.records = RecordsTab(ctx)
        self.assessment = AssessmentTab(ctx)
        self.coverage = CoverageTab(ctx)
        self.tabs = QTabWidget()
        for tab, title in self._pages():
            self.tabs.addTab(tab, self.tr(title))
            tab.changed.connect(self._data_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(screen_title(self.tr("科技特派员")))
        layout.addWidget(self.tabs, 1)

    def _pages(self) -> list[tuple[Tab, str]]:
        return [
            (self.roster, "特派员名录"),
            (self.demands, "需求库"),
            (self.dispatches, "选派结对"),
            (self.records, "服务记录"),
            (self.assessment, "年度考核"),
            (self.coverage, "覆盖情况"),
        ]

    @Slot()
    def _data_changed(self) -> None:
        """One tab wrote: the others read again (small queries)."""
        sender = self.sender()
        for tab, _title in self._pages():
            if tab is not sender:
                tab.reload()

    def open_filter(
        self, ids: Sequence[int] | None = None, label: str = "", origin: str = "", **_kw: Any
    ) -> None:
        """Show 特派员名录 with exactly these commissioners (a chip names them)."""
        if ids is None:
            return
        self.tabs.setCurrentWidget(self.roster)
        self.roster.open_filter(ids, label, origin)

    def is_dirty(self) -> bool:
        """Whether 服务记录 has a typed row not saved yet (a reload would lose it)."""
        return any(d.changed() and not d.blank() for d in self.records.model.drafts)

    def refresh(self) -> None:
        """Shown again: every tab reads again."""
        for tab, _title in self._pages():
            tab.reload()
