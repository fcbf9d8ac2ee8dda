"""The layout of 技术合同 (no behaviour): the filter bar, the actions, the chip, the totals bar and
the contracts table."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.rules.contracts import CONTRACT_TYPES
from db.services.contracts.parties import SIDES
from db.services.towns import TownView
from desktop.ui.common.cells import fit_to_contents
from desktop.ui.common.chips import FilterChip
from desktop.ui.common.fields import NO_VALUE
from desktop.ui.common.forms import combo
from desktop.ui.common.layout import button_row
from desktop.ui.common.widgets import screen_title
from desktop.ui.contracts.model import DEFAULT_SORT, ContractTableModel

QUARTERS = ("一季度", "二季度", "三季度", "四季度")
TOTALS_STYLE = (
    "QLabel#totalsBar { background: #ffffff; border: 1px solid #dde3ea; border-radius: 6px;"
    " padding: 6px 12px; color: #1f2d3d; }"
)


class ContractsView(QWidget):
    """The widgets of the contracts screen; `ContractsScreen` gives them their behaviour."""

    def __init__(
        self, model: ContractTableModel, towns: Sequence[TownView], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.model = model
        self._build(towns)

    def _build(self, towns: Sequence[TownView]) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("登记号、合同名称、卖方或买方名称/信用代码"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.year, self.quarter, self.month = self._period_combos()
        self.kind = combo([(self.tr("全部类型"), NO_VALUE), *[(t, t) for t in CONTRACT_TYPES]])
        self.side = combo(
            [
                (self.tr("输出和吸纳"), NO_VALUE),
                *[(self.tr("只看{side}").format(side=s), s) for s in SIDES],
            ]
        )
        self.side.setToolTip(
            self.tr("输出：卖方在区内；吸纳：买方在区内。两方都在区内的合同两边都计。")
        )
        self.town = combo([(self.tr("全部镇街"), NO_VALUE), *[(t.name, t.id) for t in towns]])
        self.town.setToolTip(self.tr("区内一方所在的镇街（选了输出/吸纳时按该方）"))
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        for w in (self.search, self.year, self.quarter, self.month, self.kind, self.side):
            filters.addWidget(w)
        filters.addWidget(self.town)
        filters.addStretch(1)
        actions, buttons = button_row(
            self.tr("登记合同"), self.tr("编辑"), self.tr("删除"), self.tr("回收站")
        )
        self.new_button, self.edit_button, self.delete_button, self.bin_button = buttons
        self.bin_button.setToolTip(self.tr("查看已删除的技术合同并恢复"))
        self.export_button = QPushButton(self.tr("导出…"))
        self.export_button.setToolTip(self.tr("把筛选后的合同（全部行）导出为 Excel 或 CSV"))
        actions.insertWidget(4, self.export_button)
        self.count_label = QLabel()
        actions.addWidget(self.count_label)
        self.chip = FilterChip()
        self.totals = QLabel()
        self.totals.setObjectName("totalsBar")
        self.totals.setStyleSheet(TOTALS_STYLE)
        self.totals.setTextFormat(Qt.TextFormat.RichText)
        self.table = self._table()
        layout = QVBoxLayout(self)
        layout.addWidget(screen_title(self.tr("技术合同")))
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.totals)
        layout.addWidget(self.table, 1)

    def _period_combos(self) -> tuple[QComboBox, QComboBox, QComboBox]:
        """年度 (filled by the screen), 季度 and 月份 (NO_VALUE: all)."""
        year = combo([(self.tr("全部年份"), NO_VALUE)])
        quarters = [(self.tr(q), n) for n, q in enumerate(QUARTERS, start=1)]
        quarter = combo([(self.tr("全年"), NO_VALUE), *quarters])
        months = [(self.tr("{m}月").format(m=m), m) for m in range(1, 13)]
        month = combo([(self.tr("全部月份"), NO_VALUE), *months])
        for box in (quarter, month):
            box.setEnabled(False)  # until a year is chosen
        return year, quarter, month

    def _table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.horizontalHeader().setSortIndicator(DEFAULT_SORT, Qt.SortOrder.DescendingOrder)
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setDefaultSectionSize(26)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        fit_to_contents(table)
        return table
