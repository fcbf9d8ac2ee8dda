"""The six tabs of the commissioner screen (each reads through the services, writes in the background)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from db.services.commissioners import assessments, coverage, demands, dispatches, records, roster
from db.services.commissioners.assessments import AssessmentRow
from db.services.commissioners.common import DEMAND_STATUSES, KINDS, LEVELS, PENDING
from db.services.commissioners.coverage import TownCoverage
from db.services.commissioners.demands import DemandView
from db.services.commissioners.dispatches import DispatchView
from db.services.commissioners.suggest import Suggestion, suggest
from db.services.settings import get_settings
from db.services.towns import list_towns
from desktop.progress import CancelToken, Progress
from desktop.ui.commissioners.dialogs import combo
from desktop.ui.commissioners.models import (
    ID_ROLE,
    LOW_BG,
    OK_BG,
    Col,
    CommissionerTableModel,
    RowsModel,
)
from desktop.ui.commissioners.records import RecordsModel, RecordsTable, save_row_work
from desktop.ui.commissioners.recycle import (
    COMMISSIONER_COLUMNS,
    DELETED_DEMAND_COLUMNS,
    commissioner_rows,
    demand_rows,
)
from desktop.ui.common.recycle import Loader, RecycleDialog, Restorer
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import TaskHandle, run_task

SEARCH_DEBOUNCE_MS = 150


def table(model: Any, widths: tuple[int, ...] = ()) -> QTableView:
    """A read-only row-selecting table over a model."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setStretchLastSection(True)
    for col, width in enumerate(widths):
        view.setColumnWidth(col, width)
    return view


def year_box(parent: QWidget | None = None) -> QSpinBox:
    """A year spin box defaulting to this year."""
    box = QSpinBox(parent)
    box.setRange(2000, date.today().year + 1)
    box.setValue(date.today().year)
    box.setSuffix(" 年")
    return box


def current_id(view: QTableView) -> int | None:
    """The record id of the current row, None without one."""
    index = view.currentIndex()
    return index.data(ID_ROLE) if index.isValid() else None


def write_work(store: Any, write: Callable[[Session], object]) -> Any:
    """Background work running one write in a transaction."""

    def work(cancel: CancelToken) -> Generator[Progress, None, object]:
        with store.transaction() as s:
            result = write(s)
        yield Progress(1, 1, "")
        return result

    return work


class Tab(QWidget):
    """A tab with the context and a `reload()`; `changed` tells the screen others should reload."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.last_task: TaskHandle[Any] | None = None
        self.last_dialog: Any = None

    def reload(self) -> None:
        """Read the tab's data again."""

    def run_write(self, write: Callable[[Session], object], label: str) -> None:
        """Run a write through the serialised writer; reload and notify when it is done."""
        self.last_task = run_task(
            self,
            write_work(self._ctx.store, write),
            label=label,
            on_done=self._written,
            write=True,
        )

    @Slot(object)
    def _written(self, _result: object) -> None:
        self.reload()
        self.changed.emit()

    def open_bin(
        self, title: str, columns: tuple[str, ...], loader: Loader, restorer: Restorer
    ) -> RecycleDialog:
        """The 回收站 dialog (modal); the tab reloads after each 恢复."""
        labels = [self.tr(c) for c in columns]
        dialog = RecycleDialog(self._ctx, title, labels, loader, restorer, self)
        dialog.restored.connect(self._written)
        self.last_dialog = dialog
        dialog.open()
        return dialog


# --------------------------------------------------------------------------- 特派员名录


class RosterTab(Tab):
    """特派员名录: search, filters, masked ID numbers with a 显示 toggle, 新建/编辑/删除."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = CommissionerTableModel(self)
        self._build()
        self.reload()

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("姓名、单位、领域或拼音首字母"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.kind = combo([(self.tr("全部类型"), None), *((k, k) for k in KINDS)])
        self.level = combo([(self.tr("全部级别"), None), *((v, v) for v in LEVELS)])
        self.field = QComboBox()
        self.town = QComboBox()
        self.year = combo([(self.tr("不限年度"), None)])
        for y in range(date.today().year, date.today().year - 6, -1):
            self.year.addItem(self.tr("{y}年在服").format(y=y), y)
        self.grade = QComboBox()
        self._fill_choices()
        self.reveal = QPushButton(self.tr("显示"))
        self.reveal.setCheckable(True)
        self.reveal.setToolTip(self.tr("显示完整的身份证号码（个人信息，请注意保密）"))
        self.buttons = {
            k: QPushButton(self.tr(t))
            for k, t in (("new", "新建"), ("edit", "编辑"), ("delete", "删除"), ("bin", "回收站"))
        }
        self.buttons["bin"].setToolTip(self.tr("查看已删除的特派员并恢复"))
        self.count = QLabel()
        self.view = table(self.model, (150, 60, 60, 45, 170, 110, 200, 90, 110, 70))
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        top = QHBoxLayout()
        top.addWidget(self.search)
        for w in (self.kind, self.level, self.field, self.town, self.year, self.grade):
            top.addWidget(w)
        top.addStretch(1)
        buttons = QHBoxLayout()
        for b in self.buttons.values():
            buttons.addWidget(b)
        buttons.addWidget(self.reveal)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self._connect()

    def _fill_choices(self) -> None:
        with self._ctx.session() as s:
            fields = roster.fields_in_use(s)
            towns = list_towns(s)
            grades = get_settings(s).grades
        self.field.addItem(self.tr("全部领域"), None)
        for f in fields:
            self.field.addItem(f, f)
        self.town.addItem(self.tr("全部服务镇街"), None)
        for t in towns:
            self.town.addItem(t.name, t.id)
        self.grade.addItem(self.tr("全部等次"), None)
        for g in grades:
            self.grade.addItem(g, g)

    def _connect(self) -> None:
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.reload)
        self.search.textChanged.connect(self._debounce.start)
        for box in (self.kind, self.level, self.field, self.town, self.year, self.grade):
            box.currentIndexChanged.connect(self.reload)
        self.reveal.toggled.connect(self.model.set_revealed)
        self.buttons["new"].clicked.connect(self.new_commissioner)
        self.buttons["edit"].clicked.connect(self.edit_current)
        self.buttons["delete"].clicked.connect(self.delete_current)
        self.buttons["bin"].clicked.connect(self.open_recycle_bin)
        self.view.doubleClicked.connect(self.edit_current)

    def current_filter(self) -> roster.CommissionerFilter:
        """The filter the bar shows."""
        return roster.CommissionerFilter(
            text=self.search.text(),
            kind=self.kind.currentData(),
            level=self.level.currentData(),
            field=self.field.currentData(),
            town_id=self.town.currentData(),
            year=self.year.currentData(),
            grade=self.grade.currentData(),
        )

    @Slot()
    def reload(self) -> None:
        """Query again with the search box and filters."""
        self._debounce.stop()
        with self._ctx.session() as s:
            rows = roster.search(s, self.current_filter())
        self.model.set_rows(rows)
        self.count.setText(self.tr("共 {n} 名").format(n=len(rows)))

    @Slot()
    def new_commissioner(self) -> Any:
        """Open an empty editor."""
        return self.open_editor(None)

    @Slot()
    def edit_current(self) -> Any:
        """Open the current commissioner in the editor."""
        cid = current_id(self.view)
        return self.open_editor(cid) if cid is not None else None

    def open_editor(self, commissioner_id: int | None) -> Any:
        """The editor dialog (modal); the roster reloads after a save."""
        from desktop.ui.commissioners.editors import CommissionerEditor

        dialog = CommissionerEditor(self._ctx, commissioner_id, self)
        dialog.saved.connect(self._written)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def delete_current(self) -> None:
        """Move the current commissioner to the recycle bin after a confirmation."""
        cid = current_id(self.view)
        if cid is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除特派员"), self.tr("将选中的特派员移入回收站？")
        )
        if answer == QMessageBox.StandardButton.Yes:
            op = self._ctx.operator
            self.run_write(lambda s: roster.soft_delete(s, cid, op), self.tr("正在删除…"))

    @Slot()
    def open_recycle_bin(self) -> RecycleDialog:
        """回收站: deleted commissioners with who and when; 恢复 brings them back."""
        title = self.tr("特派员回收站")
        return self.open_bin(title, COMMISSIONER_COLUMNS, commissioner_rows, roster.restore)


# --------------------------------------------------------------------------- 需求库

DEMAND_COLUMNS: list[Col[DemandView]] = [
    Col("提出日期", lambda d: d.raised_on.isoformat()),
    Col("需求方", lambda d: d.requester),
    Col("类型", lambda d: d.requester_kind),
    Col("镇街", lambda d: d.town or ""),
    Col("需求领域", lambda d: d.field or ""),
    Col("状态", lambda d: d.status),
    Col("需求内容", lambda d: d.problem),
]
SUGGESTION_COLUMNS: list[Col[Suggestion]] = [
    Col("特派员", lambda s: s.name),
    Col("专业领域", lambda s: s.field or ""),
    Col("得分", lambda s: str(s.score), numeric=True),
    Col("推荐理由", lambda s: "；".join(s.reasons)),
]


class DemandsTab(Tab):
    """需求库: demands with a status filter; for an open demand the ranked suggestions and 派遣."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowsModel[DemandView] = RowsModel(DEMAND_COLUMNS, lambda d: d.id, self)
        self.suggestions: RowsModel[Suggestion] = RowsModel(
            SUGGESTION_COLUMNS, lambda s: s.commissioner_id, self
        )
        self._build()
        self.reload()

    def _build(self) -> None:
        self.status = combo([(self.tr("全部状态"), None), *((s, s) for s in DEMAND_STATUSES)])
        self.buttons = {
            k: QPushButton(self.tr(t))
            for k, t in (
                ("new", "新建需求"),
                ("edit", "编辑"),
                ("solved", "标记已解决"),
                ("closed", "关闭需求"),
                ("delete", "删除"),
                ("bin", "回收站"),
            )
        }
        self.buttons["bin"].setToolTip(self.tr("查看已删除的需求并恢复"))
        self.view = table(self.model, (90, 150, 60, 80, 100, 60))
        self.suggest_title = QLabel(self.tr("推荐特派员"))
        self.suggest_title.setObjectName("sectionHeader")
        self.suggest_view = table(self.suggestions, (110, 100, 45))
        self.dispatch_button = QPushButton(self.tr("派遣"))
        self.dispatch_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.status)
        for b in self.buttons.values():
            top.addWidget(b)
        top.addStretch(1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.suggest_title)
        side_layout.addWidget(self.suggest_view, 1)
        side_layout.addWidget(self.dispatch_button)
        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(side)
        split.setSizes([620, 520])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.status.currentIndexChanged.connect(self.reload)
        self.view.selectionModel().currentRowChanged.connect(self._demand_changed)
        self.suggest_view.selectionModel().currentRowChanged.connect(self._suggestion_changed)
        self.buttons["new"].clicked.connect(self.new_demand)
        self.buttons["edit"].clicked.connect(self.edit_current)
        self.buttons["solved"].clicked.connect(self.mark_solved)
        self.buttons["closed"].clicked.connect(self.mark_closed)
        self.buttons["delete"].clicked.connect(self.delete_current)
        self.buttons["bin"].clicked.connect(self.open_recycle_bin)
        self.dispatch_button.clicked.connect(self.dispatch_selected)
        self.view.doubleClicked.connect(self.edit_current)

    @Slot()
    def reload(self) -> None:
        """Query the demands again (keeping the current one when still shown)."""
        keep = current_id(self.view)
        with self._ctx.session() as s:
            rows = demands.list_demands(s, status=self.status.currentData())
        self.model.set_rows(rows)
        row = self.model.row_of(keep) if keep is not None else -1
        if row >= 0:
            self.view.selectRow(row)
        self.show_suggestions()

    def current_demand(self) -> DemandView | None:
        """The selected demand."""
        return self.model.row_at(self.view.currentIndex().row())

    @Slot()
    def _demand_changed(self) -> None:
        self.show_suggestions()

    def show_suggestions(self) -> None:
        """Rank commissioners for the current demand when it is 待对接 (else an explanation)."""
        demand = self.current_demand()
        if demand is None or demand.status != PENDING:
            self.suggestions.set_rows([])
            text = (
                self.tr("推荐特派员（选择一条待对接的需求）")
                if demand is None
                else self.tr("推荐特派员（该需求{s}）").format(s=demand.status)
            )
            self.suggest_title.setText(text)
        else:
            with self._ctx.session() as s:
                ranked = suggest(s, demand.id, date.today().year)
            self.suggestions.set_rows(ranked)
            self.suggest_title.setText(self.tr("推荐特派员：{r}").format(r=demand.requester))
            if ranked:
                self.suggest_view.selectRow(0)
        self._suggestion_changed()

    @Slot()
    def _suggestion_changed(self) -> None:
        self.dispatch_button.setEnabled(current_id(self.suggest_view) is not None)

    @Slot()
    def dispatch_selected(self) -> Any:
        """派遣: the dispatch dialog for the selected suggestion and demand."""
        from desktop.ui.commissioners.editors import DispatchDialog

        demand, cid = self.current_demand(), current_id(self.suggest_view)
        if demand is None or cid is None:
            return None
        dialog = DispatchDialog(self._ctx, self, commissioner_id=cid, demand_id=demand.id)
        dialog.saved.connect(self._written)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def new_demand(self) -> Any:
        """An empty demand editor."""
        return self._open(None)

    @Slot()
    def edit_current(self) -> Any:
        """The current demand in the editor."""
        demand = self.current_demand()
        return self._open(demand.id) if demand is not None else None

    def _open(self, demand_id: int | None) -> Any:
        from desktop.ui.commissioners.editors import DemandEditor

        dialog = DemandEditor(self._ctx, demand_id, self)
        dialog.saved.connect(self._saved_demand)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot(int)
    def _saved_demand(self, demand_id: int) -> None:
        self.reload()
        row = self.model.row_of(demand_id)
        if row >= 0:
            self.view.selectRow(row)
        self.changed.emit()

    def _move(self, status: str) -> None:
        demand = self.current_demand()
        if demand is None:
            return
        if not demands.can_move(demand.status, status):
            QMessageBox.warning(
                self,
                self.tr("提示"),
                self.tr("需求状态不能从“{a}”改为“{b}”").format(a=demand.status, b=status),
            )
            return
        op, did = self._ctx.operator, demand.id
        self.run_write(lambda s: demands.set_status(s, did, status, op), self.tr("正在保存…"))

    @Slot()
    def mark_solved(self) -> None:
        """已对接 → 已解决."""
        self._move("已解决")

    @Slot()
    def mark_closed(self) -> None:
        """→ 已关闭."""
        self._move("已关闭")

    @Slot()
    def delete_current(self) -> None:
        """Move the demand to the recycle bin after a confirmation."""
        demand = self.current_demand()
        if demand is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除需求"), self.tr("将选中的需求移入回收站？")
        )
        if answer == QMessageBox.StandardButton.Yes:
            op, did = self._ctx.operator, demand.id
            self.run_write(lambda s: demands.soft_delete(s, did, op), self.tr("正在删除…"))

    @Slot()
    def open_recycle_bin(self) -> RecycleDialog:
        """回收站: deleted demands with who and when; 恢复 brings them back."""
        title = self.tr("需求回收站")
        return self.open_bin(title, DELETED_DEMAND_COLUMNS, demand_rows, demands.restore)


# --------------------------------------------------------------------------- 选派结对


def _period(d: DispatchView) -> str:
    end = d.end_on.isoformat() if d.end_on else "至今"
    return f"{d.start_on.isoformat()} ～ {end}"


DISPATCH_COLUMNS: list[Col[DispatchView]] = [
    Col("科技特派员", lambda d: d.commissioner),
    Col("服务对象", lambda d: d.target_name + ("" if d.enterprise_id else "（非名录单位）")),
    Col("镇街", lambda d: d.town or ""),
    Col("服务期", _period),
    Col("三方协议", lambda d: "已签" if d.agreement else ""),
    Col("对接需求", lambda d: "是" if d.demand_id else ""),
]


class DispatchesTab(Tab):
    """选派结对: the dispatches of a year; 新建派遣 opens the dialog."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowsModel[DispatchView] = RowsModel(DISPATCH_COLUMNS, lambda d: d.id, self)
        self.year = year_box()
        self.new_button = QPushButton(self.tr("新建派遣"))
        self.end_button = QPushButton(self.tr("今天结束"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.count = QLabel()
        self.view = table(self.model, (150, 340, 90, 200, 70))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        for w in (self.year, self.new_button, self.end_button, self.delete_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.year.valueChanged.connect(self.reload)
        self.new_button.clicked.connect(self.new_dispatch)
        self.end_button.clicked.connect(self.end_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Query the year's dispatches again."""
        with self._ctx.session() as s:
            rows = dispatches.list_dispatches(s, year=self.year.value())
        self.model.set_rows(rows)
        self.count.setText(self.tr("共 {n} 条").format(n=len(rows)))

    @Slot()
    def new_dispatch(self) -> Any:
        """The new dispatch dialog."""
        from desktop.ui.commissioners.editors import DispatchDialog

        dialog = DispatchDialog(self._ctx, self)
        dialog.saved.connect(self._written)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def end_current(self) -> None:
        """End the current dispatch today."""
        did = current_id(self.view)
        if did is not None:
            op, today = self._ctx.operator, date.today()
            self.run_write(
                lambda s: dispatches.end_dispatch(s, did, today, op), self.tr("正在保存…")
            )

    @Slot()
    def delete_current(self) -> None:
        """Move the current dispatch to the recycle bin after a confirmation."""
        did = current_id(self.view)
        if did is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除派遣"), self.tr("将选中的派遣记录移入回收站？")
        )
        if answer == QMessageBox.StandardButton.Yes:
            op = self._ctx.operator
            self.run_write(lambda s: dispatches.soft_delete(s, did, op), self.tr("正在删除…"))


# --------------------------------------------------------------------------- 服务记录


class RecordsTab(Tab):
    """服务记录 of one dispatch, typed in a grid: Enter moves on, a new row follows the last."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dispatch = QComboBox()
        self.dispatch.setMinimumWidth(420)
        self.model = RecordsModel(self)
        self.view = RecordsTable()
        self.view.setModel(self.model)
        for col, width in enumerate((100, 160, 120, 80, 95, 110, 85)):
            self.view.setColumnWidth(col, width)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.message = QLabel()
        self.message.setStyleSheet("color:#a61b1b;")
        self.message.setWordWrap(True)
        hint = QLabel(
            self.tr(
                "直接输入，回车跳到下一格；离开一行时自动保存。日期如 2025-5-1，是/否可填 是、否、√、×。"
            )
        )
        hint.setObjectName("hint")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("派遣")))
        top.addWidget(self.dispatch, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        self.dispatch.currentIndexChanged.connect(self.load_records)
        self.model.messageChanged.connect(self.message.setText)
        self.view.rowLeft.connect(self.save_row)
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Refill the dispatch list (keeping the current one) and its records."""
        keep = self.dispatch.currentData()
        with self._ctx.session() as s:
            rows = dispatches.list_dispatches(s)
        self.dispatch.blockSignals(True)
        self.dispatch.clear()
        for d in rows:
            self.dispatch.addItem(f"{d.commissioner} → {d.target_name}（{_period(d)}）", d.id)
        index = self.dispatch.findData(keep)
        self.dispatch.setCurrentIndex(index if index >= 0 else 0)
        self.dispatch.blockSignals(False)
        self.load_records()

    def select_dispatch(self, dispatch_id: int) -> None:
        """Show the records of this dispatch."""
        index = self.dispatch.findData(dispatch_id)
        if index >= 0:
            self.dispatch.setCurrentIndex(index)

    @Slot()
    def load_records(self) -> None:
        """Read the current dispatch's records."""
        did = self.dispatch.currentData()
        if did is None:
            self.model.load([])
            self.view.setEnabled(False)
            return
        self.view.setEnabled(True)
        with self._ctx.session() as s:
            self.model.load(records.list_records(s, did))

    @Slot(int)
    def save_row(self, row: int) -> None:
        """Save a row the cursor left, when it changed and is valid."""
        did = self.dispatch.currentData()
        if did is None or row >= len(self.model.drafts):
            return
        draft = self.model.drafts[row]
        if draft.blank() or not draft.changed():
            return
        values, errors = draft.parsed(self.model.today)
        if errors:
            self.message.setText(
                self.tr("第{n}行未保存：").format(n=row + 1) + "；".join(errors.values())
            )
            return
        work = save_row_work(self._ctx.store, did, values, draft.record_id, self._ctx.operator)
        draft.saved_texts = dict(draft.texts)  # a second leave does not save twice
        self._saving_row = row
        self.last_task = run_task(
            self,
            work,
            label=self.tr("正在保存…"),
            on_done=self._row_saved,
            on_error=self._row_failed,
            write=True,
        )

    @Slot(object)
    def _row_saved(self, record_id: object) -> None:
        self.model.mark_saved(self._saving_row, int(record_id))  # type: ignore[call-overload]
        self.message.setText(self.tr("已保存第{n}行").format(n=self._saving_row + 1))
        self.changed.emit()

    @Slot(object)
    def _row_failed(self, exc: BaseException) -> None:
        self.model.drafts[self._saving_row].saved_texts = {}
        self.message.setText(str(exc))


# --------------------------------------------------------------------------- 年度考核


def _money(value: float) -> str:
    return f"{value:,.2f}"


ASSESS_COLUMNS: list[Col[AssessmentRow]] = [
    Col("科技特派员", lambda r: r.name),
    Col("类型", lambda r: r.kind),
    Col("派出单位", lambda r: r.unit or ""),
    Col("服务次数", lambda r: str(r.summary.services), numeric=True),
    Col("培训人数", lambda r: str(r.summary.trained), numeric=True),
    Col("引进技术(项)", lambda r: str(r.summary.technologies), numeric=True),
    Col("经济效益(万元)", lambda r: _money(r.summary.benefit), numeric=True),
    Col("考核等次", lambda r: r.grade or ""),
]
COL_GRADE = len(ASSESS_COLUMNS) - 1


class AssessmentModel(RowsModel[AssessmentRow]):
    """The year's commissioners with their figures; the grade column is editable with a combo."""

    gradeEdited = Signal(int, str)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == COL_GRADE else base

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        row = self.row_at(index.row())
        if row is None or index.column() != COL_GRADE or (row.grade or "") == (value or ""):
            return False
        self.gradeEdited.emit(row.commissioner_id, str(value or ""))
        return True


class GradeDelegate(QStyledItemDelegate):
    """A combo of the configured grades (and a blank for 未评定)."""

    def __init__(self, grades: list[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.grades = grades

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        box = QComboBox(parent)
        box.addItem("", "")
        for g in self.grades:
            box.addItem(g, g)
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data() or "")))

    def setModelData(
        self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData())


class AssessmentTab(Tab):
    """年度考核: per year, each commissioner's services and figures beside a grade combo."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = AssessmentModel(ASSESS_COLUMNS, lambda r: r.commissioner_id, self)
        self.year = year_box()
        with ctx.session() as s:
            grades = get_settings(s).grades
        self.view = table(self.model, (170, 60, 200, 70, 70, 90, 110))
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.setItemDelegateForColumn(COL_GRADE, GradeDelegate(grades, self.view))
        self.totals = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("考核年度")))
        top.addWidget(self.year)
        top.addWidget(QLabel(self.tr("双击“考核等次”一格选择等次。")))
        top.addStretch(1)
        top.addWidget(self.totals)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.year.valueChanged.connect(self.reload)
        self.model.gradeEdited.connect(self.set_grade)
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Query the year's rows again."""
        with self._ctx.session() as s:
            rows = assessments.assessment_rows(s, self.year.value())
        self.model.set_rows(rows)
        graded = sum(1 for r in rows if r.grade)
        self.totals.setText(self.tr("共 {n} 名，已评定 {g} 名").format(n=len(rows), g=graded))

    @Slot(int, str)
    def set_grade(self, commissioner_id: int, grade: str) -> None:
        """Save a grade for the shown year."""
        op, year = self._ctx.operator, self.year.value()
        self.run_write(
            lambda s: assessments.set_grade(s, commissioner_id, year, grade or None, op),
            self.tr("正在保存…"),
        )


# --------------------------------------------------------------------------- 覆盖情况

COVERAGE_COLUMNS: list[Col[TownCoverage]] = [
    Col("镇街", lambda t: t.town),
    Col("是否覆盖", lambda t: "已覆盖" if t.covered else "未覆盖"),
    Col("在服特派员", lambda t: str(t.commissioners), numeric=True),
    Col("服务对象", lambda t: str(t.units), numeric=True),
    Col("待对接需求", lambda t: str(t.pending_demands), numeric=True),
    Col("已对接需求", lambda t: str(t.matched_demands), numeric=True),
]


def _coverage_colour(t: TownCoverage) -> QColor | None:
    return OK_BG if t.covered else LOW_BG


class CoverageTab(Tab):
    """覆盖情况: towns with and without a commissioner in the year, units served, open demands."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model: RowsModel[TownCoverage] = RowsModel(
            COVERAGE_COLUMNS, lambda t: t.town_id or 0, self, background=_coverage_colour
        )
        self.year = year_box()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.view = table(self.model, (140, 80, 90, 80, 90, 90))
        self.view.horizontalHeader().setStretchLastSection(False)
        self.units = QLabel()
        self.units.setWordWrap(True)
        self.units.setObjectName("hint")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        top.addWidget(self.year)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.units)
        self.year.valueChanged.connect(self.reload)
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Compute the year's coverage again."""
        with self._ctx.session() as s:
            cov = coverage.coverage(s, self.year.value())
        self.model.set_rows(cov.towns)
        towns = len(cov.covered) + len(cov.uncovered)
        missing = "、".join(t.town for t in cov.uncovered) or self.tr("无")
        self.summary.setText(
            self.tr(
                "{y}年：{c}/{n} 个镇街有科技特派员在服；服务对象 {u} 个；待对接需求 {d} 条。"
                "未覆盖：{m}"
            ).format(
                y=cov.year,
                c=len(cov.covered),
                n=towns,
                u=len(cov.served_units),
                d=cov.open_demands,
                m=missing,
            )
        )
        shown = "、".join(cov.served_units[:60])
        more = self.tr(" 等") if len(cov.served_units) > 60 else ""
        self.units.setText(self.tr("服务对象：") + (shown + more if shown else self.tr("无")))
