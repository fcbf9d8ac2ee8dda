"""孵化载体: a summary, the carriers table with filters, and the selected carrier's details."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from db.services import carriers
from db.services.towns import list_towns
from desktop.ui.carriers.dialogs import CarrierDialog, ExitDialog, IncubateeDialog, YearDialog
from desktop.ui.common.forms import combo
from desktop.ui.common.recycle import RecycleDialog, RecycleRow
from desktop.ui.common.tables import Col, ViewTableModel, shown
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.shell.context import AppContext

OK_COLOUR = "#1e7b34"
SHORT_COLOUR = "#b3261e"
DIFF_COLOUR = "#a15c00"

CARRIER_COLUMNS: list[Col[carriers.CarrierView]] = [
    Col("载体名称", lambda c: c.name),
    Col("类型", lambda c: c.kind),
    Col("级别", lambda c: c.level or ""),
    Col("认定年份", lambda c: shown(c.recognized_year), lambda c: c.recognized_year, True),
    Col("所属镇街", lambda c: c.town or ""),
    Col("运营主体", lambda c: c.operator or ""),
    Col("面积(m²)", lambda c: shown(c.area, 0), lambda c: c.area, True),
    Col("工位", lambda c: shown(c.stations), lambda c: c.stations, True),
    Col("在孵", lambda c: str(c.incubating), lambda c: c.incubating, True),
    Col("本年毕业", lambda c: str(c.graduates_this_year), lambda c: c.graduates_this_year, True),
]


def _incubatee_columns(on: date) -> list[Col[carriers.IncubateeView]]:
    return [
        Col("企业/团队", lambda i: i.name),
        Col("类别", lambda i: "名录企业" if i.enterprise_id else "团队"),
        Col("统一社会信用代码", lambda i: i.uscc or ""),
        Col("入孵日期", lambda i: i.entered_on.isoformat(), lambda i: i.entered_on),
        Col(
            "离孵日期",
            lambda i: i.exited_on.isoformat() if i.exited_on else "",
            lambda i: i.exited_on,
        ),
        Col("状态", lambda i: i.status(on)),
        Col("获投资(万元)", lambda i: shown(i.investment), lambda i: i.investment, True),
        Col("上市/并购", lambda i: "是" if i.listed else ""),
    ]


def _reported(rep: int | None, comp: int) -> str:
    return "" if rep is None else str(rep)


def _year_colour(rep: int | None, comp: int) -> str | None:
    return DIFF_COLOUR if rep is not None and rep != comp else None


YEAR_COLUMNS: list[Col[carriers.CarrierYearView]] = [
    Col("年度", lambda y: str(y.year), lambda y: y.year),
    Col("在孵·记录", lambda y: str(y.incubatees_computed), numeric=True),
    Col(
        "在孵·填报",
        lambda y: _reported(y.incubatees_reported, y.incubatees_computed),
        numeric=True,
        colour=lambda y: _year_colour(y.incubatees_reported, y.incubatees_computed),
    ),
    Col("毕业·记录", lambda y: str(y.graduates_computed), numeric=True),
    Col(
        "毕业·填报",
        lambda y: _reported(y.graduates_reported, y.graduates_computed),
        numeric=True,
        colour=lambda y: _year_colour(y.graduates_reported, y.graduates_computed),
    ),
    Col("新增·记录", lambda y: str(y.new_computed), numeric=True),
    Col(
        "新增·填报",
        lambda y: _reported(y.new_enterprises, y.new_computed),
        numeric=True,
        colour=lambda y: _year_colour(y.new_enterprises, y.new_computed),
    ),
    Col("就业(人)", lambda y: shown(y.jobs), numeric=True),
    Col("融资(万元)", lambda y: shown(y.financing), numeric=True),
    Col("活动(场)", lambda y: shown(y.events), numeric=True),
    Col("评价", lambda y: f"{y.grade_name}({y.grade})" if y.grade else ""),
]

GRADUATION_COLUMNS: list[Col[carriers.GraduationCheck]] = [
    Col("企业/团队", lambda g: g.name),
    Col(
        "建议",
        lambda g: "可申请毕业" if g.eligible else "暂不满足",
        colour=lambda g: OK_COLOUR if g.eligible else None,
    ),
    Col("满足的毕业条件", lambda g: "、".join(g.routes)),
    Col("依据", lambda g: "；".join(g.details)),
]


def _fmt(value: float | None) -> str:
    return "未填" if value is None else f"{value:,.0f}"


READINESS_COLUMNS: list[Col[carriers.ThresholdCheck]] = [
    Col("条件", lambda c: c.label + ("（两项满足其一）" if c.group else "")),
    Col("要求", lambda c: f"≥ {c.required:,.0f} {c.unit}", numeric=True),
    Col("实际", lambda c: f"{_fmt(c.actual)} {c.unit}", numeric=True),
    Col(
        "结果",
        lambda c: "✓ 满足" if c.met else f"差 {c.shortfall:,.0f} {c.unit}",
        colour=lambda c: OK_COLOUR if c.met else SHORT_COLOUR,
    ),
]


def deleted_carrier_rows(session: Session) -> list[RecycleRow]:
    """Deleted carriers as recycle-bin rows."""
    return [
        RecycleRow(c.id, (c.name, c.kind), c.deleted_at, c.deleted_by)
        for c in carriers.deleted_carriers(session)
    ]


def _table(model: Any) -> QTableView:
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
    return view


def _buttons(*labels: str) -> tuple[QHBoxLayout, list[QPushButton]]:
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    buttons = [QPushButton(text) for text in labels]
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    return row, buttons


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


class CarriersScreen(QWidget):
    """The carriers of the district, their incubatees, yearly data and checks."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setObjectName("screen")
        self.today = date.today()
        self.carrier_model: ViewTableModel[carriers.CarrierView] = ViewTableModel(
            CARRIER_COLUMNS, self
        )
        self.incubatee_model: ViewTableModel[carriers.IncubateeView] = ViewTableModel(
            _incubatee_columns(self.today), self
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
        self._build()
        self._connect()
        self.refresh()

    # ----- layout -----

    def _build(self) -> None:
        self.summary = SummaryBlock()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("载体名称、运营主体或地址"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.kind = combo([(self.tr("全部类型"), None), *[(k, k) for k in carriers.KINDS]])
        self.level = combo([(self.tr("全部级别"), None), *[(v, v) for v in carriers.LEVELS]])
        with self._ctx.session() as s:
            towns = list_towns(s)
        self.town = combo([(self.tr("全部镇街"), None), *[(t.name, t.id) for t in towns]])
        top, (self.new_button, self.edit_button, self.delete_button, self.bin_button) = _buttons(
            self.tr("新建载体"), self.tr("编辑"), self.tr("删除"), self.tr("回收站")
        )
        self.bin_button.setToolTip(self.tr("查看已删除的载体并恢复"))
        for w in (self.level, self.kind, self.search):
            top.insertWidget(0, w)
        top.insertWidget(3, self.town)
        self.count_label = QLabel()
        top.addWidget(self.count_label)
        self.carrier_table = _table(self.carrier_model)
        self.carrier_table.setSortingEnabled(True)
        for col, width in enumerate((230, 110, 60, 70, 90, 200, 80, 60, 60, 70)):
            self.carrier_table.setColumnWidth(col, width)
        header = self.carrier_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
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
        layout.addWidget(split, 1)

    def _incubatees_tab(self) -> QWidget:
        page = QWidget()
        row, buttons = _buttons(
            self.tr("添加企业/团队"), self.tr("编辑"), self.tr("毕业/离孵…"), self.tr("移除")
        )
        self.add_inc_button, self.edit_inc_button, self.exit_button, self.remove_button = buttons
        self.current_only = QCheckBox(self.tr("只看在孵"))
        row.addWidget(self.current_only)
        self.incubatee_table = _table(self.incubatee_model)
        self.incubatee_table.setSortingEnabled(True)
        self.incubatee_table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        for col, width in enumerate((240, 70, 170, 90, 90, 60, 100)):
            self.incubatee_table.setColumnWidth(col, width)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.incubatee_table, 1)
        return page

    def _years_tab(self) -> QWidget:
        page = QWidget()
        row, (self.year_button,) = _buttons(self.tr("填报年度数据…"))
        note = hint(
            self.tr(
                "“记录”按在孵记录计算（在孵数取年末，本年取今天），“填报”为载体上报数，"
                "两者不一致时填报数显示为橙色。金额单位：万元（火炬统计的千元在填报时换算）。"
            )
        )
        row.addWidget(note, 1)
        self.year_table = _table(self.year_model)
        for col in range(1, 10):
            self.year_table.setColumnWidth(col, 78)
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
        self.graduation_table = _table(self.graduation_model)
        self.graduation_table.setSortingEnabled(True)
        for col, width in enumerate((240, 90, 260)):
            self.graduation_table.setColumnWidth(col, width)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.graduation_table, 1)
        return page

    def _readiness_tab(self) -> QWidget:
        page = QWidget()
        self.readiness_note = hint("")
        self.readiness_table = _table(self.readiness_model)
        for col, width in enumerate((260, 140, 140)):
            self.readiness_table.setColumnWidth(col, width)
        layout = QVBoxLayout(page)
        layout.addWidget(self.readiness_note)
        layout.addWidget(self.readiness_table, 1)
        return page

    def _connect(self) -> None:
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.reload_carriers)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.kind, self.level, self.town):
            box.currentIndexChanged.connect(self.reload_carriers)
        self.carrier_table.selectionModel().currentRowChanged.connect(self._carrier_changed)
        self.carrier_table.doubleClicked.connect(self._carrier_double_clicked)
        self.new_button.clicked.connect(self.new_carrier)
        self.edit_button.clicked.connect(self.edit_carrier)
        self.delete_button.clicked.connect(self.delete_carrier)
        self.bin_button.clicked.connect(self.open_recycle_bin)
        self.add_inc_button.clicked.connect(self.add_incubatee)
        self.edit_inc_button.clicked.connect(self.edit_incubatee)
        self.incubatee_table.doubleClicked.connect(self.edit_incubatee)
        self.exit_button.clicked.connect(self.exit_incubatee)
        self.remove_button.clicked.connect(self.remove_incubatee)
        self.current_only.toggled.connect(self.show_details)
        self.year_button.clicked.connect(self.edit_year)
        self.year_table.doubleClicked.connect(self.edit_year)
        self.graduation_on.dateChanged.connect(self.show_details)

    # ----- data -----

    def refresh(self) -> None:
        """Shown again: re-read everything (others may have changed the data)."""
        self.today = date.today()
        self.reload_carriers()

    def current_filter(self) -> carriers.CarrierFilter:
        """The filter the bar shows."""
        return carriers.CarrierFilter(
            text=self.search.text(),
            kind=self.kind.currentData(),
            level=self.level.currentData(),
            town_id=self.town.currentData(),
        )

    @Slot()
    def reload_carriers(self) -> None:
        """Re-query the carriers (keeps the selected one when still shown)."""
        self._debounce.stop()
        keep = self.selected_carrier_id()
        with self._ctx.session() as s:
            rows = carriers.list_carriers(s, self.current_filter(), self.today)
            summary = carriers.summary(s, self.today)
        self.summary.show_summary(summary)
        self.carrier_model.set_rows(rows)
        self.count_label.setText(self.tr("共 {n} 个载体").format(n=len(rows)))
        row = self.carrier_model.row_of(keep) if keep is not None else -1
        self.carrier_table.selectRow(row if row >= 0 else 0)
        self.show_details()

    def selected_carrier_id(self) -> int | None:
        """The id of the carrier whose details are shown."""
        index = self.carrier_table.currentIndex()
        if not index.isValid() or index.row() >= self.carrier_model.rowCount():
            return None
        return self.carrier_model.row_at(index.row()).id

    def select_carrier(self, carrier_id: int) -> None:
        """Select a carrier by id (no-op when not shown)."""
        row = self.carrier_model.row_of(carrier_id)
        if row >= 0:
            self.carrier_table.selectRow(row)

    @Slot(QModelIndex, QModelIndex)
    def _carrier_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_details()

    @Slot()
    def show_details(self) -> None:
        """Fill the tabs for the selected carrier."""
        cid = self.selected_carrier_id()
        for b in (self.add_inc_button, self.edit_inc_button, self.exit_button, self.remove_button):
            b.setEnabled(cid is not None)
        self.year_button.setEnabled(cid is not None)
        self.edit_button.setEnabled(cid is not None)
        self.delete_button.setEnabled(cid is not None)
        if cid is None:
            self.detail_title.setText(self.tr("（请选择或新建一个载体）"))
            for m in (
                self.incubatee_model,
                self.year_model,
                self.graduation_model,
                self.readiness_model,
            ):
                m.set_rows([])
            return
        on = self.graduation_on.date().toPython()
        with self._ctx.session() as s:
            view = carriers.get_carrier(s, cid, self.today)
            only = self.today if self.current_only.isChecked() else None
            incubatees = carriers.list_incubatees(s, cid, only)
            years = carriers.carrier_years(s, cid, self.today)
            checks = carriers.graduation_check(s, cid, on)  # type: ignore[arg-type]
            readiness = carriers.readiness_check(s, cid, self.today)
        self.detail_title.setText(
            self.tr("{name}（{kind}）　在孵 {n} 个，{y}年毕业 {g} 个").format(
                name=view.name,
                kind=view.kind,
                n=view.incubating,
                y=self.today.year,
                g=view.graduates_this_year,
            )
        )
        self.incubatee_model.set_rows(incubatees)
        self.year_model.set_rows(years)
        self.graduation_model.set_rows(checks)
        self.readiness_model.set_rows(list(readiness.checks))
        self._show_readiness_note(readiness)

    def _show_readiness_note(self, r: carriers.Readiness) -> None:
        if not r.applicable:
            text = self.tr("{kind}没有设定国家级认定参考条件（设置中只有孵化器和众创空间的门槛）。")
            self.readiness_note.setText(text.format(kind=r.kind))
        elif r.ready:
            self.readiness_note.setText(
                self.tr("✓ 已满足国家级认定的全部参考条件（门槛可在“设置”中修改）。")
            )
        else:
            self.readiness_note.setText(
                self.tr("尚未满足全部国家级认定参考条件，见下表差额（门槛可在“设置”中修改）。")
            )

    # ----- carriers -----

    def _open(self, dialog: Any) -> Any:
        self.last_dialog = dialog
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    @Slot()
    def new_carrier(self) -> Any:
        """An empty carrier editor."""
        return self._open(CarrierDialog(self._ctx, None, self))

    @Slot()
    def edit_carrier(self) -> Any:
        """The selected carrier in the editor."""
        cid = self.selected_carrier_id()
        return None if cid is None else self._open(CarrierDialog(self._ctx, cid, self))

    @Slot(QModelIndex)
    def _carrier_double_clicked(self, _index: QModelIndex) -> None:
        self.edit_carrier()

    @Slot(int)
    def _saved(self, record_id: int) -> None:
        if isinstance(self.sender(), CarrierDialog):
            self.reload_carriers()
            self.select_carrier(record_id)
        else:
            self.reload_carriers()

    @Slot()
    def delete_carrier(self) -> None:
        """Move the selected carrier to the recycle bin after a confirmation."""
        cid = self.selected_carrier_id()
        if cid is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除载体"), self.tr("将选中的载体移入回收站？其在孵记录随之隐藏。")
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        with self._ctx.store.transaction() as s:
            carriers.delete_carrier(s, cid, self._ctx.operator)
        self.reload_carriers()

    @Slot()
    def open_recycle_bin(self) -> RecycleDialog:
        """回收站: deleted carriers with who and when; 恢复 brings them back."""
        columns = [self.tr("载体名称"), self.tr("类型")]
        dialog = RecycleDialog(
            self._ctx,
            self.tr("载体回收站"),
            columns,
            deleted_carrier_rows,
            carriers.restore_carrier,
            self,
        )
        dialog.restored.connect(self._restored)
        self.last_bin = dialog
        dialog.open()
        return dialog

    @Slot(object)
    def _restored(self, ids: list[int]) -> None:
        self.reload_carriers()
        if ids:
            self.select_carrier(ids[0])

    # ----- incubatees -----

    def selected_incubatee_id(self) -> int | None:
        """The id of the selected incubatee."""
        index = self.incubatee_table.currentIndex()
        if not index.isValid():
            return None
        return self.incubatee_model.row_at(index.row()).id

    @Slot()
    def add_incubatee(self) -> Any:
        """Add an enterprise of the roster (searched or created) or a team."""
        cid = self.selected_carrier_id()
        return None if cid is None else self._open(IncubateeDialog(self._ctx, cid, None, self))

    @Slot()
    def edit_incubatee(self) -> Any:
        """Edit the selected incubatee."""
        cid, iid = self.selected_carrier_id(), self.selected_incubatee_id()
        if cid is None or iid is None:
            return None
        return self._open(IncubateeDialog(self._ctx, cid, iid, self))

    @Slot()
    def exit_incubatee(self) -> Any:
        """Graduate (or another exit) the selected incubatee."""
        iid = self.selected_incubatee_id()
        return None if iid is None else self._open(ExitDialog(self._ctx, iid, self))

    @Slot()
    def remove_incubatee(self) -> None:
        """Remove an incubatee entered by mistake (after a confirmation)."""
        iid = self.selected_incubatee_id()
        if iid is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("移除在孵记录"),
            self.tr("仅用于删除误录的记录；企业毕业或迁出请用“毕业/离孵”。确定移除？"),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        with self._ctx.store.transaction() as s:
            carriers.remove_incubatee(s, iid, self._ctx.operator)
        self.reload_carriers()

    # ----- years -----

    @Slot()
    def edit_year(self) -> Any:
        """The operation data of the selected year (or this year)."""
        cid = self.selected_carrier_id()
        if cid is None:
            return None
        index = self.year_table.currentIndex()
        year = self.year_model.row_at(index.row()).year if index.isValid() else None
        return self._open(YearDialog(self._ctx, cid, year, self))
