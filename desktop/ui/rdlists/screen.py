"""两清零一提升: lists A and B of 规上工业企业 for a year, thresholds from the settings, export.

Double-click a row to open the enterprise in the roster; 导出Excel writes both lists to one file.
Until the clerk picks a year the screen shows the latest year with figures (the current year has
none until they are reported the next spring).
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.rules.years import FIRST_PLAN_YEAR, LAST_PLAN_YEAR
from db.services.figures.rd_lists import (
    RdListRow,
    RdLists,
    latest_figures_year,
    rd_list_details,
)
from db.store import Store
from desktop.exporting.rdlists import export_rd_lists, list_titles
from desktop.progress import Progress
from desktop.ui.common import files
from desktop.ui.common.export import tell_saved
from desktop.ui.common.layout import table_view
from desktop.ui.common.panels import Panel
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import run_task

HEADERS = (
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "营业收入(万元)",
    "研发费用(万元)",
    "研发活动",
    "研发机构",
)
Index = QModelIndex | QPersistentModelIndex


def load_lists(store: Store, year: int | None) -> Generator[Progress, None, RdLists]:
    """Work for run_task: both lists of a year (None: the latest year with figures)."""
    yield Progress(0, 1, "正在读取…")
    with store.session() as session:
        if year is None:
            this_year = date.today().year
            year = latest_figures_year(session, this_year) or this_year - 1
        return rd_list_details(session, year)


def save_lists(lists: RdLists, path: Path) -> Generator[Progress, None, Path]:
    """Work for run_task: write the workbook."""
    yield Progress(0, 1, "正在导出…")
    return export_rd_lists(lists, path)


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _has(value: bool | None) -> str:
    return (
        QCoreApplication.translate("rdlists", "未填")
        if value is None
        else ("有" if value else "无")
    )


class RdListModel(QAbstractTableModel):
    """The rows of one list."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: tuple[RdListRow, ...] = ()

    def set_rows(self, rows: tuple[RdListRow, ...]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("rdlists", HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                r.name,
                r.uscc,
                r.town or "",
                _money(r.revenue),
                _money(r.rd_expense),
                _has(r.rd_activity),
                _has(r.rd_institution),
            )
            return values[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (5, 6):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def _table(model: RdListModel) -> QTableView:
    """A list's table: columns sized to their content, a name too long elided with a tooltip."""
    return table_view(model)


class RdListsScreen(QWidget):
    """Lists A and B for a chosen year (until one is chosen, the latest year with figures)."""

    loaded = Signal(object)  # RdLists

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.ctx = ctx
        self.lists: RdLists | None = None
        self.notice: QMessageBox | None = None  # the last 已导出 notice
        self.year_chosen = False  # the clerk (or a click-through) picked the year
        self.year = QSpinBox()
        self.year.setRange(FIRST_PLAN_YEAR, LAST_PLAN_YEAR)
        self.year.setValue(date.today().year - 1)
        self.year.setSuffix(self.tr(" 年度"))
        self.export_button = QPushButton(self.tr("导出Excel"))
        self.export_button.setObjectName("primary")
        self.summary = hint("")
        self.model_a, self.model_b = RdListModel(self), RdListModel(self)
        self.table_a, self.table_b = _table(self.model_a), _table(self.model_b)
        self.panel_a = Panel("", self.table_a)
        self.panel_b = Panel("", self.table_b)
        self._lay_out()
        self.year.valueChanged.connect(self._on_year)
        self.export_button.clicked.connect(self.export)
        self.table_a.doubleClicked.connect(self._open_a)
        self.table_b.doubleClicked.connect(self._open_b)
        self.refresh()

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(screen_title(self.tr("规上工业企业研发活动“两清零一提升”")))
        top.addStretch(1)
        top.addWidget(QLabel(self.tr("数据年度")))
        top.addWidget(self.year)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.panel_a, 1)
        layout.addWidget(self.panel_b, 1)

    def open_filter(self, year: int | None = None, **_kw: Any) -> None:
        """Navigated here (from the dashboard): show that year."""
        if year is None:
            return
        self.year_chosen = True
        if year != self.year.value():
            self.year.setValue(year)
        elif self.lists is None or self.lists.year != year:
            self.refresh()

    @Slot(int)
    def _on_year(self, _year: int) -> None:
        self.year_chosen = True
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Reload both lists (thresholds are read from the settings each time)."""
        store = self.ctx.store
        year = self.year.value() if self.year_chosen else None
        run_task(
            self,
            lambda _c: load_lists(store, year),
            label=self.tr("正在读取…"),
            on_done=self._on_loaded,
        )

    def _on_loaded(self, lists: RdLists) -> None:
        if not self.year_chosen:
            self.year.blockSignals(True)
            self.year.setValue(lists.year)
            self.year.blockSignals(False)
        if lists.year != self.year.value():
            return
        self.lists = lists
        titles = list_titles(lists)
        self.model_a.set_rows(lists.list_a)
        self.model_b.set_rows(lists.list_b)
        self.panel_a.title.setText(titles[0])
        self.panel_b.title.setText(titles[1])
        self.panel_a.note.setText(self.tr("共 {0} 家").format(len(lists.list_a)))
        self.panel_b.note.setText(self.tr("共 {0} 家").format(len(lists.list_b)))
        self.summary.setText(
            self.tr(
                "{0}年度规上工业企业数据。目标是两张名单清零；门槛在“设置”中修改。"
                "未填报研发活动/研发机构的企业不列入名单。双击一行可在企业名录中打开该企业。"
            ).format(lists.year)
        )
        self.loaded.emit(lists)

    def _open(self, rows: tuple[RdListRow, ...], row: int) -> None:
        window = self.window()
        if 0 <= row < len(rows) and hasattr(window, "navigate"):
            found = rows[row]
            window.navigate(
                "enterprises",
                ids=(found.enterprise_id,),
                label=found.name,
                origin=self.tr("两清零"),
            )

    @Slot(QModelIndex)
    def _open_a(self, index: QModelIndex) -> None:
        self._open(self.model_a.rows, index.row())

    @Slot(QModelIndex)
    def _open_b(self, index: QModelIndex) -> None:
        self._open(self.model_b.rows, index.row())

    @Slot()
    def export(self) -> None:
        """Ask where to save, then write both lists to an .xlsx."""
        if self.lists is None:
            return
        default = str(Path.home() / f"两清零一提升_{self.lists.year}.xlsx")
        name = files.save_file_name(
            self, self.tr("导出Excel"), default, self.tr("Excel 工作簿 (*.xlsx)")
        )
        if not name:
            return
        path = Path(name if name.lower().endswith(".xlsx") else name + ".xlsx")
        lists = self.lists
        run_task(
            self,
            lambda _c: save_lists(lists, path),
            label=self.tr("正在导出…"),
            on_done=self._on_exported,
        )

    def _on_exported(self, path: Path) -> None:
        text = self.tr("已导出两张名单到：\n{0}").format(path)
        self.notice = tell_saved(self, path, text, self.tr("导出完成"))
