"""The table models of 指标与目标: the year's indicators, and one indicator's towns.

Both are editable where the clerk may type: the district target and a manual actual (indicators),
a town's target (towns). setData never writes: it parses the text and emits `edited` (the screen
runs the service on the write worker and reloads) or `refused` with a Chinese message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from db.services.plans.indicators import IndicatorValue, TownValue
from desktop.ui.indicators.display import (
    LINK_COLOUR,
    NEGATIVE_OK,
    STATUS_COLOURS,
    NumberProblem,
    base_text,
    completion_text,
    number,
    parse_number,
    percent,
    signed_percent,
    trend_text,
)

Index = QModelIndex | QPersistentModelIndex
VALUE_ROLE = Qt.ItemDataRole.UserRole + 10  # the IndicatorValue / TownValue of the row
TREND_ROLE = Qt.ItemDataRole.UserRole + 11  # ((year, actual), …) for the sparkline
STATUS_ROLE = Qt.ItemDataRole.UserRole + 12

(
    COL_NAME,
    COL_UNIT,
    COL_BASE,
    COL_TARGET,
    COL_ACTUAL,
    COL_COMPLETION,
    COL_STATUS,
    COL_YOY,
    COL_AVG,
    COL_DEPARTMENT,
    COL_TREND,
) = range(11)
HEADERS = (
    "指标",
    "单位",
    "基期值",
    "目标",
    "完成",
    "完成率",
    "状态",
    "同比",
    "年均增长",
    "责任单位",
    "趋势",
)
HEADER_TIPS = {
    COL_TARGET: "本年度全区目标；双击或按 F2 / Enter 修改，清空即删除目标",
    COL_ACTUAL: "手工填报的指标可直接修改；由台账计算的指标双击查看对应记录",
    COL_COMPLETION: "数量、金额类：完成 ÷ 目标；比率、增长类：完成与目标相差的百分点",
    COL_YOY: "与上年完成值相比的增长",
    COL_AVG: "自基期年起的年均增长 = (本年 ÷ 基期值)^(1 ÷ 年数) − 1",
    COL_TREND: "自基期年（或近五年）起各年的完成值",
}
NUMERIC = (COL_BASE, COL_TARGET, COL_ACTUAL, COL_COMPLETION, COL_YOY, COL_AVG)
TOWN_HEADERS = ("镇街", "目标", "完成", "完成率")
TOWN_NAME, TOWN_TARGET, TOWN_ACTUAL, TOWN_COMPLETION = range(4)
NO_TOWN = "（未填镇街）"


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def _right() -> int:
    return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def opens_records(v: IndicatorValue) -> bool:
    """Whether a click on the actual lists records (computed, and not a growth of a series)."""
    return v.computed and v.kind != "growth"


class IndicatorTableModel(QAbstractTableModel):
    """One row per indicator of the year, in the plan's sort order."""

    edited = Signal(str, str, object)  # code, "target" | "actual", float | None
    refused = Signal(str)  # a Chinese message naming the indicator and the column

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[IndicatorValue] = []
        self.status_tip = ""  # the status rule on the as-of date (display.status_rule)

    def set_rows(self, rows: Sequence[IndicatorValue]) -> None:
        """Replace the rows (a new year or a reload)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[IndicatorValue]:
        """The indicators shown."""
        return list(self._rows)

    def value_at(self, row: int) -> IndicatorValue | None:
        """The indicator of a row (None outside)."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, code: str) -> int:
        """The row of an indicator code, -1 when not shown."""
        return next((n for n, v in enumerate(self._rows) if v.code == code), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[section])
        if role == Qt.ItemDataRole.ToolTipRole and section == COL_STATUS:
            return self.status_tip or None
        if role == Qt.ItemDataRole.ToolTipRole and section in HEADER_TIPS:
            return _tr(HEADER_TIPS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        v = self.value_at(index.row())
        if v is not None and self.is_editable(v, index.column()):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    @staticmethod
    def is_editable(v: IndicatorValue, column: int) -> bool:
        """Targets always; actuals only where the indicator is entered by hand."""
        return column == COL_TARGET or (column == COL_ACTUAL and not v.computed)

    def _text(self, v: IndicatorValue, col: int) -> str:
        texts = {
            COL_NAME: v.name,
            COL_UNIT: v.unit,
            COL_BASE: base_text(v),
            COL_TARGET: number(v.target) if v.target is not None else _tr("未设"),
            COL_ACTUAL: number(v.actual) if v.actual is not None else self._no_actual(v),
            COL_COMPLETION: completion_text(v),
            COL_STATUS: _tr(v.status),
            COL_YOY: signed_percent(v.yoy_growth),
            COL_AVG: signed_percent(v.avg_growth),
            COL_DEPARTMENT: v.department or "",
            COL_TREND: trend_text(v),
        }
        return texts[col]

    @staticmethod
    def _no_actual(v: IndicatorValue) -> str:
        return _tr("无数据") if v.computed else _tr("未填")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        v = self.value_at(index.row()) if index.isValid() else None
        if v is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(v, col)
        if role == Qt.ItemDataRole.EditRole:
            return number({COL_TARGET: v.target, COL_ACTUAL: v.actual}.get(col)).replace(",", "")
        if role == VALUE_ROLE:
            return v
        if role == TREND_ROLE:
            return v.trend
        if role == STATUS_ROLE:
            return v.status
        if role == Qt.ItemDataRole.TextAlignmentRole and col in NUMERIC:
            return _right()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(v, col)
        return self._style(v, col, role)

    def _style(self, v: IndicatorValue, col: int, role: int) -> Any:
        if role != Qt.ItemDataRole.ForegroundRole:
            return None
        if col == COL_STATUS:  # the pill's tint is painted by StatusDelegate
            return QBrush(QColor(STATUS_COLOURS.get(v.status, ("#4a5a6a", None))[0]))
        if (col == COL_TARGET and v.target is None) or (col == COL_ACTUAL and v.actual is None):
            return QBrush(QColor("#9aa5b1"))
        if col == COL_ACTUAL and opens_records(v):
            return QBrush(QColor(LINK_COLOUR))
        return None

    def _tooltip(self, v: IndicatorValue, col: int) -> str | None:
        if col == COL_ACTUAL:
            if opens_records(v) and v.actual is None:
                return _tr("由台账数据计算；本年度尚无可计算的数据")
            if opens_records(v):
                return _tr("由台账数据计算；双击查看对应记录")
            if v.computed:
                return _tr("由各年数值计算的增长，不能直接修改")
            who = v.entered_by or _tr("（未记录）")
            when = v.entered_at.strftime("%Y-%m-%d %H:%M") if v.entered_at else ""
            return _tr("手工填报；双击修改。填报人：{0} {1}").format(who, when).strip()
        if col == COL_TARGET:
            return _tr("双击或按 F2 / Enter 修改本年度目标；清空即删除")
        if col == COL_TREND:
            return trend_text(v)
        if col == COL_STATUS:
            return self.status_tip or None
        if col == COL_NAME:
            return f"{v.name}（{v.code}）"
        if col == COL_DEPARTMENT:
            return v.department or None
        if col == COL_BASE and v.base_year is not None:
            return _tr("基期 {0} 年").format(v.base_year)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        v = self.value_at(index.row()) if index.isValid() else None
        col = index.column()
        if v is None or role != Qt.ItemDataRole.EditRole or not self.is_editable(v, col):
            return False
        field = "target" if col == COL_TARGET else "actual"
        try:
            parsed = parse_number(str(value or ""), negative=v.kind in NEGATIVE_OK)
        except NumberProblem as problem:
            column = _tr(HEADERS[col])
            self.refused.emit(_tr("指标“{0}”的{1}：{2}").format(v.name, column, str(problem)))
            return False
        if parsed == {"target": v.target, "actual": v.actual}[field]:
            return False  # unchanged: no write, no audit row
        self.edited.emit(v.code, field, parsed)
        return True


class TownTableModel(QAbstractTableModel):
    """One indicator's towns in a year; a town's target is editable."""

    edited = Signal(int, object)  # town id, float | None
    refused = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TownValue] = []
        self.kind = "count"
        self.links = False  # the actuals open records (a computed source)

    def set_rows(self, rows: Sequence[TownValue], kind: str = "count", links: bool = False) -> None:
        """Replace the rows (`kind` of the indicator; `links`: its actuals open records)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.kind = kind
        self.links = links
        self.endResetModel()

    def town_at(self, row: int) -> TownValue | None:
        """The town of a row."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TOWN_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(TOWN_HEADERS[section])
        tip = role == Qt.ItemDataRole.ToolTipRole and section == TOWN_TARGET
        if orientation == Qt.Orientation.Horizontal and tip:
            return _tr("镇街目标可选；未设时不按企业数分摊。双击修改")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        t = self.town_at(index.row())
        if t is not None and t.town_id is not None and index.column() == TOWN_TARGET:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def _completion(self, t: TownValue) -> str:
        if t.completion is None:
            return ""
        if self.kind in ("rate", "growth"):
            return f"{t.completion:+.1f} 个百分点"
        return percent(t.completion)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        t = self.town_at(index.row()) if index.isValid() else None
        if t is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                t.town or _tr(NO_TOWN),
                number(t.target) if t.target is not None else _tr("未设"),
                number(t.actual),
                self._completion(t),
            )[col]
        if role == Qt.ItemDataRole.EditRole and col == TOWN_TARGET:
            return number(t.target).replace(",", "")
        if role == VALUE_ROLE:
            return t
        if role == Qt.ItemDataRole.TextAlignmentRole and col != TOWN_NAME:
            return _right()
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == TOWN_ACTUAL and self.links:
                return QBrush(QColor(LINK_COLOUR))
            if col == TOWN_TARGET and t.target is None:
                return QBrush(QColor("#9aa5b1"))
        if role == Qt.ItemDataRole.ToolTipRole and col == TOWN_ACTUAL and self.links:
            return _tr("双击查看本镇街的对应记录")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        t = self.town_at(index.row()) if index.isValid() else None
        if t is None or t.town_id is None or index.column() != TOWN_TARGET:
            return False
        try:
            parsed = parse_number(str(value or ""), negative=self.kind in NEGATIVE_OK)
        except NumberProblem as problem:
            self.refused.emit(_tr("{0}的目标：{1}").format(t.town or "", str(problem)))
            return False
        if parsed == t.target:
            return False
        self.edited.emit(t.town_id, parsed)
        return True
