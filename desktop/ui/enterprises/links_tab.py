"""The editor's 孵化与平台 tab: where the enterprise was incubated and the platforms it hosts."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from db.services.carriers import IncubationRecord
from db.services.platforms import PlatformView
from desktop.ui.enterprises.display import cells, read_only_table

INCUBATION_HEADERS = ("孵化载体", "载体类型", "入孵日期", "离孵日期", "离孵方式")
PLATFORM_HEADERS = ("平台名称", "平台类型", "级别", "认定年度", "认定部门")


class LinksTab(QWidget):
    """Read-only here; the carriers and platforms screens edit these records."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.incubation_view, self.incubation_model = read_only_table(
            [self.tr(t) for t in INCUBATION_HEADERS]
        )
        self.platform_view, self.platform_model = read_only_table(
            [self.tr(t) for t in PLATFORM_HEADERS]
        )
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("孵化经历")))
        layout.addWidget(self.incubation_view, 1)
        layout.addWidget(QLabel(self.tr("依托本企业的创新平台")))
        layout.addWidget(self.platform_view, 1)

    def show_links(self, incubations: list[IncubationRecord], hosted: list[PlatformView]) -> None:
        """Show the incubation records and the hosted platforms."""
        for model in (self.incubation_model, self.platform_model):
            model.removeRows(0, model.rowCount())
        for r in incubations:
            row = [r.carrier_name, r.carrier_kind, r.entered_on, r.exited_on, r.exit_kind]
            self.incubation_model.appendRow(cells(row))
        for p in hosted:
            row = [p.name, p.kind, p.level, p.recognized_year, p.department]
            self.platform_model.appendRow(cells(row))
        self.incubation_view.resizeColumnsToContents()
        self.platform_view.resizeColumnsToContents()
