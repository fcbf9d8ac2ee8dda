"""The roster table model: the ordered ids of the current query, rows fetched lazily in pages."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from db.rules.validity import LADDER_NAMES, STATUS_EXPIRED, STATUS_EXPIRING, STATUS_REVOKED
from db.services.enterprises.roster import RosterFilter, RosterQuery, RosterRow
from desktop.ui.shell.context import AppContext

PAGE_SIZE = 200
CACHE_PAGES = 8
ID_ROLE = Qt.ItemDataRole.UserRole

COL_NAME, COL_USCC, COL_TOWN, COL_LADDER, COL_HTE, COL_SME, COL_ABOVE, COL_REVENUE, COL_RD = range(
    9
)

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str  # also the name saved in Preferences.roster_columns
    title: str
    sort_key: str
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", "企业名称", "name"),
    Column("uscc", "统一社会信用代码", "uscc"),
    Column("town", "所属镇街", "town"),
    Column("ladder", "梯度", "ladder"),
    Column("hte", "高企证书", "hte_valid_through"),
    Column("sme", "科小入库", "sme_year"),
    Column("above_scale", "规上", "above_scale"),
    Column("revenue", "营业收入(万元)", "revenue", numeric=True),
    Column("rd_expense", "研发费用(万元)", "rd_expense", numeric=True),
)

EXPIRED_BG = QColor("#fde2e1")
EXPIRED_FG = QColor("#a61b1b")
EXPIRING_BG = QColor("#fff1cc")
EXPIRING_FG = QColor("#8a5a00")


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.2f}"


class RosterModel(QAbstractTableModel):
    """Holds ids only; a page of ~200 rows is fetched when first shown and kept in a small LRU."""

    def __init__(self, ctx: AppContext, parent: Any = None, today: date | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._query = RosterQuery(today)
        self._filter = RosterFilter()
        self._sort_key = "name"
        self._descending = False
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, RosterRow]] = OrderedDict()
        self.pages_fetched = 0
        self.reload()

    # ----- query -----

    @property
    def filter(self) -> RosterFilter:
        """The filter the rows match."""
        return self._filter

    def set_filter(self, f: RosterFilter) -> None:
        """Re-run the query with a new filter (a model reset)."""
        self._filter = f
        self.reload()

    def update_filter(self, **changes: Any) -> None:
        """Change some fields of the filter and re-query."""
        self.set_filter(replace(self._filter, **changes))

    def reload(self) -> None:
        """Query the ordered ids again and forget cached rows."""
        self.beginResetModel()
        with self._ctx.session() as s:
            self._ids = self._query.ids(s, self._filter, self._sort_key, self._descending)
        self._pages.clear()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by the column's key."""
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_key = COLUMNS[column].sort_key
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def ids(self) -> list[int]:
        """The ordered ids shown."""
        return list(self._ids)

    def id_at(self, row: int) -> int:
        """The enterprise id on a row."""
        return self._ids[row]

    def row_of(self, enterprise_id: int) -> int:
        """The row showing an enterprise, -1 when it is not shown."""
        try:
            return self._ids.index(enterprise_id)
        except ValueError:
            return -1

    def record(self, row: int) -> RosterRow | None:
        """The display row (fetching its page when needed)."""
        if not 0 <= row < len(self._ids):
            return None
        page = self._page(row // PAGE_SIZE)
        return page.get(self._ids[row])

    def _page(self, number: int) -> dict[int, RosterRow]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        chunk = self._ids[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
        with self._ctx.session() as s:
            rows = self._query.rows(s, chunk)
        page = {r.id: r for r in rows}
        self.pages_fetched += 1
        self._pages[number] = page
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        return page

    # ----- Qt model -----

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(COLUMNS[section].title)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        r = self.record(index.row())
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[col].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return self._colour(r, col, role)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, col)
        return None

    def _display(self, r: RosterRow, col: int) -> str:
        if col == COL_NAME:
            return r.name
        if col == COL_USCC:
            return r.uscc
        if col == COL_TOWN:
            return r.town or ""
        if col == COL_LADDER:
            return _tr(LADDER_NAMES.get(r.ladder_stage, "")) if r.ladder_stage else ""
        if col == COL_HTE:
            return self._hte_text(r)
        if col == COL_SME:
            return str(r.sme_year) if r.sme_year else ""
        if col == COL_ABOVE:
            return _tr("是") if r.above_scale else ""
        if col == COL_REVENUE:
            return _money(r.revenue)
        if col == COL_RD:
            return _money(r.rd_expense)
        return ""

    @staticmethod
    def _hte_text(r: RosterRow) -> str:
        if not r.hte_number:
            return ""
        through = r.hte_valid_through.isoformat() if r.hte_valid_through else "?"
        return f"{r.hte_number} · " + _tr("有效期至") + f" {through}"

    @staticmethod
    def _colour(r: RosterRow, col: int, role: int) -> QBrush | None:
        if col != COL_HTE or r.hte_status not in (STATUS_EXPIRED, STATUS_EXPIRING, STATUS_REVOKED):
            return None
        warn = r.hte_status == STATUS_EXPIRING
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(EXPIRING_BG if warn else EXPIRED_BG)
        return QBrush(EXPIRING_FG if warn else EXPIRED_FG)

    @staticmethod
    def _tooltip(r: RosterRow, col: int) -> str | None:
        if col == COL_HTE and r.hte_status:
            return _tr(r.hte_status)
        if col in (COL_REVENUE, COL_RD) and r.figures_year:
            return _tr("{year}年度").format(year=r.figures_year)
        if col == COL_NAME and r.problems:
            return "；".join(_tr(p) for p in r.problems)
        return None
