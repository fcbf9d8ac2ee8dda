"""The layout of 孵化载体 (no behaviour): the summary cards, the filter bar and the carriers table
above the selected carrier's tabs — 在孵企业, 年度数据, 毕业条件, 认定条件."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.services import carriers
from db.services.towns import TownView
from desktop.ui.carriers.columns import (
    CARRIER_COLUMNS,
    GRADUATION_COLUMNS,
    READINESS_COLUMNS,
    YEAR_COLUMNS,
    incubatee_columns,
)
from desktop.ui.common.chips import FilterChip
from desktop.ui.common.forms import combo
from desktop.ui.common.layout import button_row, table_view
from desktop.ui.common.tables import ViewTableModel
from desktop.ui.common.widgets import hint, screen_title


class SummaryBlock(QWidget):
    """Carriers by kind and level, incubating now, graduates this year."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summary")
        self.cards = {key: QLabel() for key in ("carriers", "levels", "incubating", "graduates")}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for key, label in self.cards.items():
            label.setObjectName("summaryCard")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setStyleSheet(
                "QLabel#summaryCard { background: #ffffff; border: 1px solid #dde3ea;"
                " border-radius: 6px; padding: 8px 12px; }"
            )
            row.addWidget(label, 2 if key in ("carriers", "levels") else 1)

    def show_summary(self, s: carriers.CarrierSummary) -> None:
        """Fill the cards."""
        kinds = "　".join(f"{k} {n}" for k, n in s.by_kind) or "—"
        levels = "　".join(f"{k} {n}" for k, n in s.by_level) or "—"
        self.cards["carriers"].setText(_card(f"孵化载体 {s.total} 家", kinds))
        self.cards["levels"].setText(_card("按级别", levels))
        self.cards["incubating"].setText(
            _card(f"在孵 {s.incubating} 个", f"截至 {s.on.isoformat()}")
        )
        self.cards["graduates"].setText(
            _card(f"{s.on.year}年毕业 {s.graduates_this_year} 个", "离孵方式为“毕业”")
        )


def _card(title: str, text: str) -> str:
    return (
        f"<div style='font-size:12pt;font-weight:600;color:#1f2d3d'>{title}</div>"
        f"<div style='color:#66788a'>{text}</div>"
    )


class CarriersView(QWidget):
    """The widgets of the carriers screen; `CarriersScreen` gives them their behaviour."""

    def __init__(
        self, towns: Sequence[TownView], today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.today = today
        self.carrier_model: ViewTableModel[carriers.CarrierView] = ViewTableModel(
            CARRIER_COLUMNS, self
        )
        self.incubatee_model: ViewTableModel[carriers.IncubateeView] = ViewTableModel(
            incubatee_columns(today), self
        )
        self.year_model: ViewTableModel[carriers.CarrierYearView] = ViewTableModel(
            YEAR_COLUMNS, self
        )
        self.graduation_model: ViewTableModel[carriers.GraduationCheck] = ViewTableModel(
            GRADUATION_COLUMNS, self
        )
        self.readiness_model: ViewTableModel[carriers.ThresholdCheck] = ViewTableModel(
            READINESS_COLUMNS, self
        )
        self._build(towns)

    def _build(self, towns: Sequence[TownView]) -> None:
        self.summary = SummaryBlock()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("载体名称、运营主体或地址"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.kind = combo([(self.tr("全部类型"), None), *[(k, k) for k in carriers.KINDS]])
        self.level = combo([(self.tr("全部级别"), None), *[(v, v) for v in carriers.LEVELS]])
        self.town = combo([(self.tr("全部镇街"), None), *[(t.name, t.id) for t in towns]])
        top, (self.new_button, self.edit_button, self.delete_button, self.bin_button) = button_row(
            self.tr("新建载体"), self.tr("编辑"), self.tr("删除"), self.tr("回收站")
        )
        self.bin_button.setToolTip(self.tr("查看已删除的载体并恢复"))
        for w in (self.level, self.kind, self.search):
            top.insertWidget(0, w)
        top.insertWidget(3, self.town)
        self.export_button = QPushButton(self.tr("导出…"))
        top.addWidget(self.export_button)
        self.count_label = QLabel()
        top.addWidget(self.count_label)
        self.chip = FilterChip()  # the carriers or incubatees a click-through named
        self.carrier_table = table_view(self.carrier_model)
        self.carrier_table.setSortingEnabled(True)
        self.detail_title = QLabel()
        self.detail_title.setObjectName("sectionHeader")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._incubatees_tab(), self.tr("在孵企业"))
        self.tabs.addTab(self._years_tab(), self.tr("年度数据"))
        self.tabs.addTab(self._graduation_tab(), self.tr("毕业条件"))
        self.tabs.addTab(self._readiness_tab(), self.tr("认定条件"))
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 4, 0, 0)
        dl.addWidget(self.detail_title)
        dl.addWidget(self.tabs, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.carrier_table)
        split.addWidget(detail)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([400, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(screen_title(self.tr("孵化载体")))
        layout.addWidget(self.summary)
        layout.addLayout(top)
        layout.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(split, 1)

    def _incubatees_tab(self) -> QWidget:
        page = QWidget()
        row, buttons = button_row(
            self.tr("添加企业/团队"), self.tr("编辑"), self.tr("毕业/离孵…"), self.tr("移除")
        )
        self.add_inc_button, self.edit_inc_button, self.exit_button, self.remove_button = buttons
        self.current_only = QCheckBox(self.tr("只看在孵"))
        row.addWidget(self.current_only)
        self.export_incubatees_button = QPushButton(self.tr("导出…"))
        row.addWidget(self.export_incubatees_button)
        self.incubatee_table = table_view(self.incubatee_model)
        self.incubatee_table.setSortingEnabled(True)
        self.incubatee_table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.incubatee_table, 1)
        return page

    def _years_tab(self) -> QWidget:
        page = QWidget()
        row, (self.year_button,) = button_row(self.tr("填报年度数据…"))
        note = hint(
            self.tr(
                "“记录”按在孵记录计算（在孵数取年末，本年取今天），“填报”为载体上报数，"
                "两者不一致时填报数显示为橙色。金额单位：万元（火炬统计的千元在填报时换算）。"
            )
        )
        row.addWidget(note, 1)
        self.export_years_button = QPushButton(self.tr("导出…"))
        row.addWidget(self.export_years_button)
        self.year_table = table_view(self.year_model)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.year_table, 1)
        return page

    def _graduation_tab(self) -> QWidget:
        page = QWidget()
        self.graduation_on = QDateEdit(QDate.currentDate())
        self.graduation_on.setCalendarPopup(True)
        self.graduation_on.setDisplayFormat("yyyy-MM-dd")
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("核查日期")))
        row.addWidget(self.graduation_on)
        row.addWidget(
            hint(
                self.tr(
                    "毕业条件（满足其一）：认定为高新技术企业；获投资≥500万元；"
                    "连续两年营业收入累计>1000万元；被兼并、收购或上市。仅供参考，毕业需手工登记。"
                )
            ),
            1,
        )
        self.graduation_table = table_view(self.graduation_model)
        self.graduation_table.setSortingEnabled(True)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.graduation_table, 1)
        return page

    def _readiness_tab(self) -> QWidget:
        page = QWidget()
        self.readiness_note = hint("")
        self.readiness_table = table_view(self.readiness_model)
        layout = QVBoxLayout(page)
        layout.addWidget(self.readiness_note)
        layout.addWidget(self.readiness_table, 1)
        return page
