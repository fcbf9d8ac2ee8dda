"""培育库: the year's 高企后备库 — every candidate's tests and gaps, the pipeline's stages.

Filters by town, by gap and by stage and a search by name run over the loaded rows; 纳入培育 and
变更阶段 write through the pipeline's named operation on the write worker; 打开企业 (or Enter /
double-click) opens the roster's editor; 导出… writes the rows shown.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.rules.cultivation import HIGH_TECH_TRACK, RECOGNISED, STAGES, TECH_SME_TRACK
from db.rules.years import FIRST_PLAN_YEAR, LAST_PLAN_YEAR
from db.services.plans import cultivation_pipeline as pipeline
from db.services.plans.cultivation import thresholds
from db.services.towns import list_towns
from desktop.ui.common.export import export_button
from desktop.ui.common.forms import combo
from desktop.ui.common.layout import button_row, table_view
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.cultivation.dialogs import StageDialog, next_stages
from desktop.ui.cultivation.model import (
    GAP_FILTERS,
    NOT_IN_PIPELINE,
    Board,
    BoardRow,
    CandidateModel,
    gap_matches,
    load_board,
    stage_matches,
    text_matches,
)
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, run_task

NO_TOWN = "未填镇街"


class CultivationScreen(QWidget):
    """The candidates of a year with their tests, gaps and pipeline stages."""

    loaded = Signal(object)  # Board

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._ctx = ctx
        self.board: Board | None = None
        self.load_task: TaskHandle[Board] | None = None
        self.write_task: TaskHandle[object] | None = None
        self.last_dialog: StageDialog | None = None
        self._keep: int | None = None  # the enterprise to select again after a reload
        self.model = CandidateModel(self)
        self._build()
        self._connect()
        self.refresh()

    # ----- layout -----

    def _build(self) -> None:
        self.year = QSpinBox()
        self.year.setRange(FIRST_PLAN_YEAR, LAST_PLAN_YEAR)
        self.year.setValue(date.today().year - 1)
        self.year.setSuffix(self.tr(" 年度"))
        self.year.setToolTip(self.tr("数据年度：用该年度的年度数据核算，次年申报"))
        self.track = combo(
            [
                (self.tr("高新技术企业培育"), HIGH_TECH_TRACK),
                (self.tr("科小评价入库"), TECH_SME_TRACK),
            ]
        )
        top = QHBoxLayout()
        top.addWidget(screen_title(self.tr("高企后备库（培育库）")))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("数据年度")))
        top.addWidget(self.year)
        top.addWidget(self.track)
        self.summary = QLabel()
        self.summary.setObjectName("sectionHeader")
        self.summary.setWordWrap(True)
        self.rule = hint("")
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("企业名称或统一社会信用代码（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.town = combo([(self.tr("全部镇街"), None)])
        self.gap = combo([(self.tr(text), key) for text, key in GAP_FILTERS])
        self.gap.setToolTip(self.tr("按未达标项筛选"))
        self.stage = combo(
            [
                (self.tr("全部阶段"), None),
                (self.tr("未纳入培育"), NOT_IN_PIPELINE),
                *[(s, s) for s in STAGES],
            ]
        )
        filters = QHBoxLayout()
        for w in (self.search, self.town, self.gap, self.stage):
            filters.addWidget(w)
        self.count = QLabel()
        filters.addWidget(self.count)
        filters.addStretch(1)
        actions, buttons = button_row(
            self.tr("纳入培育…"), self.tr("变更阶段…"), self.tr("移出培育库"), self.tr("打开企业")
        )
        self.add_button, self.stage_button, self.remove_button, self.open_button = buttons
        self.add_button.setToolTip(self.tr("把选中的企业纳入本年度培育库（Ctrl+N）"))
        self.stage_button.setToolTip(self.tr("培育中 → 已申报 → 已认定 / 未通过（F2）"))
        self.remove_button.setToolTip(self.tr("把选中企业的培育记录移入回收站（Delete 键）"))
        self.open_button.setToolTip(self.tr("在企业编辑器中打开（Enter 或双击）"))
        self.table = table_view(self.model)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the service's order at first
        self.table.setSortingEnabled(True)
        self.export_button = export_button(self.table, self.tr("高企后备库"), self._ctx, self)
        actions.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.rule)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)

    def _connect(self) -> None:
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.town, self.gap, self.stage):
            box.currentIndexChanged.connect(self.apply_filters)
        self.year.valueChanged.connect(self.refresh)
        self.track.currentIndexChanged.connect(self.refresh)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.add_button.clicked.connect(self.add_to_pipeline)
        self.stage_button.clicked.connect(self.change_stage)
        self.remove_button.clicked.connect(self.remove_from_pipeline)
        self.open_button.clicked.connect(self.open_enterprise)
        writes: list[Any] = [self.add_button, self.stage_button, self.remove_button]
        for keys, slot in (
            (QKeySequence.StandardKey.Find, self._focus_search),
            (QKeySequence("Ctrl+N"), self.add_to_pipeline),
            (QKeySequence("F2"), self.change_stage),
            (QKeySequence.StandardKey.Delete, self.remove_from_pipeline),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            if slot != self._focus_search:
                writes.append(shortcut)
        self._ctx.guard("edit", *writes)

    # ----- data -----

    def open_filter(
        self, year: int | None = None, town: str | None = None, stage: str | None = None, **_: Any
    ) -> None:
        """Navigated here (e.g. from 首页): show that year, town and stage."""
        if town is not None:
            self.town.setCurrentIndex(max(self.town.findData(town), 0))
        if stage is not None:
            self.stage.setCurrentIndex(max(self.stage.findData(stage), 0))
        if year is not None and year != self.year.value():
            self.year.setValue(year)

    @Slot()
    def refresh(self) -> None:
        """(Re)load the year's candidates and counts off the GUI thread."""
        self._fill_towns()
        store, year, track = self._ctx.store, self.year.value(), self.track.currentData()
        self.load_task = run_task(
            self,
            lambda _cancel: load_board(store, year, track),
            label=self.tr("正在读取后备库…"),
            on_done=self._loaded,
        )

    def _fill_towns(self) -> None:
        keep = self.town.currentData()
        with self._ctx.session() as s:
            names = [t.name for t in list_towns(s)]
            t = thresholds(s)
        self.town.blockSignals(True)
        self.town.clear()
        self.town.addItem(self.tr("全部镇街"), None)
        for name in names:
            self.town.addItem(name, name)
        self.town.addItem(self.tr(NO_TOWN), NO_TOWN)
        self.town.setCurrentIndex(max(self.town.findData(keep), 0))
        self.town.blockSignals(False)
        self.rule.setText(
            self.tr(
                "后备企业：有本年度数据、成立满{years}年、次年12月31日没有有效高新技术企业证书的企业。"
                "研发费用占营业收入比例（近三年合计）：收入≤5000万元不低于{small:g}%，5000万–2亿元不低于"
                "{mid:g}%，2亿元以上不低于{large:g}%；研发人员占职工总数不低于{staff:g}%；"
                "科技型中小企业入库为加分项。门槛在“设置”中修改。"
            ).format(
                years=t.min_years,
                small=t.rd_ratio_small,
                mid=t.rd_ratio_mid,
                large=t.rd_ratio_large,
                staff=t.staff_ratio,
            )
        )

    @Slot(object)
    def _loaded(self, board: Board) -> None:
        if board.year != self.year.value() or board.track != self.track.currentData():
            return
        self.board = board
        self._show_summary(board)
        self.apply_filters()
        self.loaded.emit(board)

    def _show_summary(self, board: Board) -> None:
        eligible = [r for r in board.rows if r.candidate.eligible]
        passed = sum(1 for r in eligible if r.passed)
        d = board.counts.district
        stages = " · ".join(f"{s} {d.by_stage[s]}" for s in STAGES)
        self.summary.setText(
            self.tr(
                "{year}年度后备企业 {n} 家，其中各项达标 {passed} 家；培育库：{stages}；"
                "{label} {expected} 家"
            ).format(
                year=board.year,
                n=len(eligible),
                passed=passed,
                stages=stages,
                label=board.counts.expected_label,
                expected=d.expected_new,
            )
        )

    def shown_rows(self) -> list[BoardRow]:
        """The loaded rows that pass the filters."""
        if self.board is None:
            return []
        text = self.search.text().strip().lower()
        town, gap, stage = self.town.currentData(), self.gap.currentData(), self.stage.currentData()
        return [
            r
            for r in self.board.rows
            if (town is None or (r.candidate.town or NO_TOWN) == town)
            and gap_matches(r, gap)
            and stage_matches(r, stage)
            and text_matches(r, text)
        ]

    @Slot()
    def apply_filters(self) -> None:
        """Show the rows that pass the filters, keeping the selected enterprise."""
        self._debounce.stop()
        keep = self._keep if self._keep is not None else self.selected_id()
        rows = self.shown_rows()
        self.model.set_rows(rows)
        total = 0 if self.board is None else len(self.board.rows)
        self.count.setText(self.tr("显示 {n} / {total} 家").format(n=len(rows), total=total))
        self._keep = None
        row = -1 if keep is None else self.model.row_of(keep)
        if row >= 0:
            self.table.selectRow(row)
        self._selection_changed()

    # ----- selection and actions -----

    def selected(self) -> BoardRow | None:
        """The row of the current selection."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def selected_id(self) -> int | None:
        """The enterprise selected."""
        row = self.selected()
        return None if row is None else row.candidate.enterprise_id

    @Slot()
    def _selection_changed(self, *_args: Any) -> None:
        row = self.selected()
        stage = None if row is None else row.candidate.stage
        self.add_button.setEnabled(row is not None and stage is None)
        self.stage_button.setEnabled(
            row is not None and stage is not None and bool(next_stages(stage))
        )
        self.remove_button.setEnabled(row is not None and stage is not None)
        self.open_button.setEnabled(row is not None)

    @Slot()
    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _dialog(self, row: BoardRow) -> StageDialog:
        c = row.candidate
        dialog = StageDialog(
            self._ctx,
            c.enterprise_id,
            c.name,
            c.year,
            self.track.currentData(),
            c.stage,
            c.note,
            self,
            version=c.entry_version,
        )
        dialog.saved.connect(self._written)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def add_to_pipeline(self) -> StageDialog | None:
        """纳入培育…: the selected candidate into the year's pipeline."""
        row = self.selected()
        if row is None or row.candidate.stage is not None:
            return None
        return self._dialog(row)

    @Slot()
    def change_stage(self) -> StageDialog | None:
        """变更阶段…: the next stage of the selected entry, with its date and note."""
        row = self.selected()
        if row is None or row.candidate.stage is None:
            return None
        if not next_stages(row.candidate.stage):
            QMessageBox.information(
                self,
                self.tr("变更阶段"),
                self.tr("“{0}”是最终阶段，不能再变更。").format(RECOGNISED),
            )
            return None
        return self._dialog(row)

    @Slot()
    def remove_from_pipeline(self) -> None:
        """移出培育库: the selected entry to the recycle bin, after a question."""
        row = self.selected()
        if row is None or row.candidate.entry_id is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("移出培育库"),
            self.tr("将“{0}”移出{1}年培育库？").format(row.candidate.name, row.candidate.year),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._keep = row.candidate.enterprise_id
        op = partial(
            pipeline.delete_entry, entry_id=row.candidate.entry_id, operator=self._ctx.operator
        )
        self.write_task = run_op(
            self, self._ctx, op, label=self.tr("正在保存…"), on_done=self._written
        )

    @Slot(object)
    def _written(self, result: object) -> None:
        if isinstance(result, int):
            self._keep = result
        self.refresh()

    @Slot(QModelIndex)
    def _activated(self, _index: QModelIndex) -> None:
        self.open_enterprise()

    @Slot()
    def open_enterprise(self) -> Any:
        """The selected enterprise in the roster's editor; the list is re-read when it closes."""
        eid = self.selected_id()
        if eid is None:
            return None
        editor = self._ctx.open_enterprise_editor(eid, self)
        editor.finished.connect(self._editor_closed)
        self._keep = eid
        editor.open()
        return editor

    @Slot(int)
    def _editor_closed(self, _result: int) -> None:
        self.refresh()
