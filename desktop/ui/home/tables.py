"""Table models of 首页: the figures by town, and the expiring certificates (both small).

They hold the plain rows of figures.py (no SQLAlchemy: the start-up snapshot fills them before it
is imported); which enterprises a figure cell stands for is the screen's to say (its live
Dashboard's figures), by `town_row(row)` and `is_total(row)`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from desktop.ui.home.figures import CertRow, TownRow, shown_towns

NO_TOWN = "（未填镇街）"

(
    COL_TOWN,
    COL_ENTERPRISES,
    COL_HIGH_TECH,
    COL_HIGH_TECH_SHARE,
    COL_HIGH_TECH_TARGET,
    COL_TECH_SME,
    COL_TECH_SME_SHARE,
    COL_TECH_SME_TARGET,
) = range(8)
HEADERS = (
    "镇街",
    "在库企业",
    "高企",
    "高企占全区",
    "高企镇街目标",
    "科小",
    "科小占全区",
    "科小镇街目标",
)
FIGURE_COLUMNS = (COL_ENTERPRISES, COL_HIGH_TECH, COL_TECH_SME)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
LINK = QColor("#2b5797")

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _share_target(value: float | None) -> str:
    return "未设" if value is None else f"{value:g}"


class TownCountsModel(QAbstractTableModel):
    """One row per town (and one for enterprises without a town), then a total row.

    The figure cells (在库企业, 高新技术企业, 科技型中小企业) are links: the screen lists the
    enterprises behind one (its Dashboard's figure of `town_row(row)`, or the district total) when
    it is double-clicked.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TownRow] = []

    def set_rows(self, rows: Sequence[TownRow]) -> None:
        """Replace the rows (a total row is appended when there are any)."""
        self.beginResetModel()
        self._rows = [rows[i] for i in shown_towns(rows)]
        if self._rows:
            self._rows.append(_total(self._rows))
        self.endResetModel()

    def town_at(self, row: int) -> str | None:
        """The town name of a row (None for enterprises without a town or the total row)."""
        if not 0 <= row < len(self._rows) - 1:
            return None
        return self._rows[row].town

    def town_row(self, row: int) -> int | None:
        """Which of the shown towns (figures.shown_towns) a row is; None for the total row."""
        return row if 0 <= row < len(self._rows) - 1 else None

    def is_total(self, row: int) -> bool:
        """Whether a row is the total row."""
        return bool(self._rows) and row == len(self._rows) - 1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[section])
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if section in (COL_HIGH_TECH_TARGET, COL_TECH_SME_TARGET):
                return _tr("全区年度目标 × 本镇街在库企业占全区的比例（镇街无单独目标）")
            if section in (COL_HIGH_TECH_SHARE, COL_TECH_SME_SHARE):
                return _tr("本镇街数量占全区数量的比例")
        return None

    def _values(self, r: TownRow) -> tuple[Any, ...]:
        return (
            r.town or _tr(NO_TOWN),
            r.enterprises,
            r.high_tech,
            _percent(r.high_tech_share),
            _share_target(r.high_tech_target),
            r.tech_sme,
            _percent(r.tech_sme_share),
            _share_target(r.tech_sme_target),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return self._values(row)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col != COL_TOWN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col in FIGURE_COLUMNS:
            return LINK
        if role == Qt.ItemDataRole.ToolTipRole and col in FIGURE_COLUMNS:
            return _tr("双击查看这些企业")
        if role == Qt.ItemDataRole.FontRole and index.row() == len(self._rows) - 1:
            font = QFont()
            font.setBold(True)
            return font
        return None


def _total(rows: list[TownRow]) -> TownRow:
    def summed(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    def whole(values: list[int | None]) -> int | None:  # the towns' own targets, summed
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    return TownRow(
        town_id=None,
        town=_tr("合计"),
        enterprises=sum(r.enterprises for r in rows),
        high_tech=sum(r.high_tech for r in rows),
        tech_sme=sum(r.tech_sme for r in rows),
        high_tech_share=summed([r.high_tech_share for r in rows]),
        tech_sme_share=summed([r.tech_sme_share for r in rows]),
        high_tech_target=whole([r.high_tech_target for r in rows]),
        tech_sme_target=whole([r.tech_sme_target for r in rows]),
    )


EXPIRING_HEADERS = ("有效期至", "剩余天数", "企业名称", "所属镇街")
COL_THROUGH, COL_DAYS, COL_NAME, COL_CERT_TOWN = range(4)
URGENT_DAYS = 90  # rows this close (or lapsed) are red
RED = QColor("#c0392b")


def days_text(days_left: int) -> str:
    """剩余天数 as the clerk reads it: '45 天', '今天到期', '已过期 9 天'."""
    if days_left < 0:
        return _tr("已过期 {0} 天").format(-days_left)
    if days_left == 0:
        return _tr("今天到期")
    return _tr("{0} 天").format(days_left)


class ExpiringModel(QAbstractTableModel):
    """The certificates to act on: those expiring soon, then those lapsed and not renewed.

    Every row shows its last valid day and the days left; urgent rows (≤ 90 days, or lapsed) are
    red in both, so a red row always carries its date. The certificate number is in the name's
    tooltip (the list stays narrow enough for whole names).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CertRow] = []

    def set_rows(self, rows: Sequence[CertRow]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def enterprise_id(self, row: int) -> int | None:
        """The enterprise of a row."""
        return self._rows[row].enterprise_id if 0 <= row < len(self._rows) else None

    def name_at(self, row: int) -> str:
        """The enterprise name of a row."""
        return self._rows[row].name if 0 <= row < len(self._rows) else ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(EXPIRING_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(EXPIRING_HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                r.valid_through.isoformat(),
                days_text(r.days_left),
                r.name,
                r.town or _tr(NO_TOWN),
            )
            return values[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_DAYS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        urgent = r.days_left <= URGENT_DAYS
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_THROUGH, COL_DAYS) and urgent:
            return RED
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_NAME:
            number = _tr("证书编号：{0}").format(r.number) if r.number else _tr("无证书编号")
            return f"{r.name}\n{number}"
        if role == Qt.ItemDataRole.ToolTipRole and r.days_left < 0 and col == COL_DAYS:
            return _tr("证书已过期，尚未重新认定（双击查看企业）")
        return None
