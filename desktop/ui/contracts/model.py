"""The contracts table model: the ordered ids of the current filter, rows fetched lazily in pages.

Like the roster's model (desktop/ui/enterprises/model.py): it holds ids only; a page of ~200
ContractViews is read when first shown and kept in a small LRU. Sorting runs in SQL
(queries.SORTS); a click-through's ids narrow the list without ever holding its rows.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from db.services.contracts import queries
from db.services.contracts.parties import ABSORBED, OUTPUT
from db.services.contracts.queries import ContractFilter, ContractView
from desktop.ui.shell.context import AppContext

PAGE_SIZE = 200
CACHE_PAGES = 8
ID_ROLE = Qt.ItemDataRole.UserRole
_Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def money(value: float | None) -> str:
    """万元 with thousands and 2 decimals; blank for None."""
    return "" if value is None else f"{value:,.2f}"


def party_place(enterprise_id: int | None, local: bool | None) -> str:
    """名录企业 / 区内 / 区外 / blank: where a party is, as the ledger knows it."""
    if enterprise_id is not None:
        return "名录企业"
    if local is None:
        return ""
    return "区内" if local else "区外"


def sides_text(c: ContractView) -> str:
    """输出 / 吸纳 / 输出 吸纳 / blank."""
    return " ".join(c.sides)


def district_towns(c: ContractView, side: str | None = None) -> str:
    """The district party's town (the seller's for 输出, the buyer's for 吸纳; of `side` only
    when the list is of one side)."""
    towns = []
    if OUTPUT in c.sides and c.seller_town and side != ABSORBED:
        towns.append(c.seller_town)
    if ABSORBED in c.sides and c.buyer_town and c.buyer_town not in towns and side != OUTPUT:
        towns.append(c.buyer_town)
    return " ".join(towns)


def _party_tip(name: str, code: str | None, eid: int | None, local: bool | None) -> str:
    place = party_place(eid, local) or "所在地未填"
    return f"{name}\n{code or '（无信用代码）'}\n{place}"


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[ContractView], str]
    sort: str | None = None  # a key of queries.SORTS; None: not sortable
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("登记号", lambda c: c.reg_no, "reg_no"),
    Column("登记日期", lambda c: c.registered_on.isoformat(), "registered_on"),
    Column("合同名称", lambda c: c.name, "name"),
    Column("合同类型", lambda c: c.contract_type, "contract_type"),
    Column("成交额(万元)", lambda c: money(c.amount), "amount", True),
    Column("技术交易额(万元)", lambda c: money(c.tech_amount), "tech_amount", True),
    Column("卖方", lambda c: c.seller_name, "seller_name"),
    Column("买方", lambda c: c.buyer_name, "buyer_name"),
    Column("输出/吸纳", sides_text),
    Column("所属镇街", district_towns),
    Column("登记机构", lambda c: c.registry_office or "", "registry_office"),
    Column("技术领域", lambda c: c.field or "", "field"),
)
COL_NAME, COL_SELLER, COL_BUYER, COL_TOWN = 2, 6, 7, 9
DEFAULT_SORT = 1  # 登记日期, newest first


class ContractTableModel(QAbstractTableModel):
    """The contracts of a filter (and of a click-through's ids), newest registration first."""

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._filter = ContractFilter()
        self._only: frozenset[int] | None = None
        self._sort = "registered_on"
        self._descending = True
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, ContractView]] = OrderedDict()
        self.pages_fetched = 0

    # ----- query -----

    @property
    def filter(self) -> ContractFilter:
        """The filter the rows match."""
        return self._filter

    def set_filter(self, f: ContractFilter, only: Iterable[int] | None = None) -> None:
        """Re-run the query: the filter, narrowed to `only` when given (a model reset)."""
        self._filter = f
        self._only = None if only is None else frozenset(only)
        self.reload()

    def reload(self) -> None:
        """Query the ordered ids again and forget cached rows."""
        self.beginResetModel()
        with self._ctx.session() as s:
            ids = queries.contract_ids(s, self._filter, self._sort, self._descending)
        if self._only is not None:
            ids = [i for i in ids if i in self._only]
        self._ids = ids
        self._pages.clear()
        self.endResetModel()

    def totals(self) -> Any:
        """件数, 合同成交额, 技术交易额 of the rows shown (the filter's, or of the ids shown)."""
        with self._ctx.session() as s:
            if self._only is None:
                return queries.contract_totals(s, self._filter)
            return queries.totals_of_ids(s, self._ids)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by the column's key (columns without one keep the order)."""
        key = COLUMNS[column].sort if 0 <= column < len(COLUMNS) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if key is None or (key, descending) == (self._sort, self._descending):
            return
        self._sort, self._descending = key, descending
        self.reload()

    def ids(self) -> list[int]:
        """The ordered ids shown."""
        return list(self._ids)

    def id_at(self, row: int) -> int:
        """The contract id on a row."""
        return self._ids[row]

    def row_of(self, contract_id: int) -> int:
        """The row showing a contract, -1 when it is not shown."""
        try:
            return self._ids.index(contract_id)
        except ValueError:
            return -1

    def record(self, row: int) -> ContractView | None:
        """The contract on a row (fetching its page when needed)."""
        if not 0 <= row < len(self._ids):
            return None
        return self._page(row // PAGE_SIZE).get(self._ids[row])

    def _page(self, number: int) -> dict[int, ContractView]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        chunk = self._ids[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
        with self._ctx.session() as s:
            page = {c.id: c for c in queries.contract_views(s, chunk)}
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
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == ID_ROLE:
            return self._ids[index.row()]
        c = self.record(index.row())
        if c is None:
            return None
        col = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == COL_TOWN:
                return district_towns(c, self._filter.side)
            return col.text(c)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(c, index.column())
        return None

    @staticmethod
    def _tooltip(c: ContractView, col: int) -> str | None:
        if col == COL_SELLER:
            return _party_tip(c.seller_name, c.seller_uscc, c.seller_enterprise_id, c.seller_local)
        if col == COL_BUYER:
            return _party_tip(c.buyer_name, c.buyer_uscc, c.buyer_enterprise_id, c.buyer_local)
        if col == COL_NAME and c.note:
            return _tr("{name}\n备注：{note}").format(name=c.name, note=c.note)
        return c.name if col == COL_NAME else None
