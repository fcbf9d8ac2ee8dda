"""需求库: the demand library, ranked suggestions for an open demand, 派遣, status moves, 回收站."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.services.commissioners import demands
from db.services.commissioners.common import DEMAND_STATUSES, PENDING
from db.services.commissioners.demands import DemandView
from db.services.commissioners.suggest import Suggestion, suggest
from desktop.ui.commissioners.base import Tab, current_id, table
from desktop.ui.commissioners.dialogs import combo
from desktop.ui.commissioners.editors import DemandEditor, DispatchDialog
from desktop.ui.commissioners.models import Col, RowsModel
from desktop.ui.commissioners.recycle import DELETED_DEMAND_COLUMNS, demand_rows
from desktop.ui.common.export import export_button
from desktop.ui.common.recycle import RecycleDialog
from desktop.ui.shell.context import AppContext

DEMAND_COLUMNS: list[Col[DemandView]] = [
    Col("提出日期", lambda d: d.raised_on.isoformat()),
    Col("状态", lambda d: d.status),  # beside the date: seen whole however narrow the pane
    Col("需求方", lambda d: d.requester),
    Col("类型", lambda d: d.requester_kind),
    Col("镇街", lambda d: d.town or ""),
    Col("需求领域", lambda d: d.field or ""),
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
        self.view = table(self.model)
        self.suggest_title = QLabel(self.tr("推荐特派员"))
        self.suggest_title.setObjectName("sectionHeader")
        self.suggest_view = table(self.suggestions)
        self.dispatch_button = QPushButton(self.tr("派遣"))
        self.dispatch_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.status)
        for b in self.buttons.values():
            top.addWidget(b)
        self.export_button = export_button(self.view, self.tr("需求库"), self._ctx, self)
        top.addWidget(self.export_button)
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
        writes = [self.buttons[k] for k in ("new", "edit", "solved", "closed", "delete")]
        self._ctx.guard("edit", *writes, self.dispatch_button)

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
        dialog = self._ctx.guard_dialog(DemandEditor(self._ctx, demand_id, self))
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
        move = partial(
            demands.set_status, demand_id=demand.id, status=status, operator=self._ctx.operator
        )
        self.run_write(move, self.tr("正在保存…"))

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
            delete = partial(demands.soft_delete, demand_id=demand.id, operator=self._ctx.operator)
            self.run_write(delete, self.tr("正在删除…"))

    @Slot()
    def open_recycle_bin(self) -> RecycleDialog:
        """回收站: deleted demands with who and when; 恢复 brings them back."""
        title = self.tr("需求回收站")
        return self.open_bin(title, DELETED_DEMAND_COLUMNS, demand_rows, demands.restore)
