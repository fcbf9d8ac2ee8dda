"""The layout of 科技成果 (no behaviour): the filter bar and actions, the results table above the
selected result's transfers."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.services.contracts.queries import ResultView, TransferView
from db.services.towns import TownView
from desktop.ui.common.chips import FilterChip
from desktop.ui.common.fields import NO_VALUE
from desktop.ui.common.forms import combo
from desktop.ui.common.layout import button_row, table_view
from desktop.ui.common.tables import ViewTableModel
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.results.columns import RESULT_COLUMNS, TRANSFER_COLUMNS


class ResultsView(QWidget):
    """The widgets of the results screen; `ResultsScreen` gives them their behaviour."""

    def __init__(self, towns: Sequence[TownView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.result_model: ViewTableModel[ResultView] = ViewTableModel(RESULT_COLUMNS, self)
        self.transfer_model: ViewTableModel[TransferView] = ViewTableModel(TRANSFER_COLUMNS, self)
        self._build(towns)

    def _build(self, towns: Sequence[TownView]) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("成果名称、登记号或完成单位"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.year = combo([(self.tr("全部登记年份"), NO_VALUE)])
        self.moved_year = combo([(self.tr("转化年份不限"), NO_VALUE)])
        self.moved_year.setToolTip(self.tr("只看该年有转化记录的成果"))
        self.town = combo([(self.tr("全部镇街"), NO_VALUE), *[(t.name, t.id) for t in towns]])
        top, buttons = button_row(
            self.tr("登记成果"), self.tr("编辑"), self.tr("删除"), self.tr("回收站")
        )
        self.new_button, self.edit_button, self.delete_button, self.bin_button = buttons
        self.bin_button.setToolTip(self.tr("查看已删除的成果和转化记录并恢复"))
        for w in (self.town, self.moved_year, self.year, self.search):
            top.insertWidget(0, w)
        self.export_button = QPushButton(self.tr("导出…"))
        top.insertWidget(top.count() - 1, self.export_button)
        self.count_label = QLabel()
        top.addWidget(self.count_label)
        self.chip = FilterChip()
        self.result_table = table_view(self.result_model)
        self.result_table.setSortingEnabled(True)
        self.result_table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.result_table)
        split.addWidget(self._transfers())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([420, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(screen_title(self.tr("科技成果")))
        layout.addLayout(top)
        layout.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(split, 1)

    def _transfers(self) -> QWidget:
        page = QWidget()
        self.detail_title = QLabel()
        self.detail_title.setObjectName("sectionHeader")
        row, buttons = button_row(self.tr("新增转化"), self.tr("编辑转化"), self.tr("删除转化"))
        self.add_transfer_button, self.edit_transfer_button, self.delete_transfer_button = buttons
        row.insertWidget(0, self.detail_title)
        row.insertSpacing(1, 16)
        self.export_transfers_button = QPushButton(self.tr("导出…"))
        row.addWidget(self.export_transfers_button)
        self.transfer_table = table_view(self.transfer_model)
        self.transfer_table.setSortingEnabled(True)
        self.transfer_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.transfer_table, 1)
        layout.addWidget(
            hint(
                self.tr(
                    "本地转化：承接单位在区内（名录企业，或所在地为区内）。关联技术合同标“未登记”的，"
                    "登记该合同后再编辑这条转化即可关联。"
                )
            )
        )
        return page
