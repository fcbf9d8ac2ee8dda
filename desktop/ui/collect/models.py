"""The 报送 screen's two tables: the rounds, and the towns of the chosen round (missing ones marked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from db.services import rounds
from db.services.rounds import RoundTown, RoundView
from desktop.importing.collect import kind_title
from desktop.ui.common.tables import OK_COLOUR, SHORT_COLOUR, Col, ViewTableModel

RETURNED_COLOUR = "#8a5a00"  # returned, waiting to be imported
MISSING_BACKGROUND = "#fdecea"  # a town that has not sent its workbook back
STATUS_COLOURS = {
    rounds.SENT: SHORT_COLOUR,
    rounds.RETURNED: RETURNED_COLOUR,
    rounds.IMPORTED: OK_COLOUR,
}


def _file_name(path: str | None) -> str:
    return Path(path).name if path else ""


def _when(value: Any) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else ""


def _count(value: int) -> str:
    return str(value) if value else ""


def _batch(t: RoundTown) -> str:
    if t.batch_id is None:
        return ""
    return f"{t.batch_id}（已撤销）" if t.batch_undone else str(t.batch_id)


def _changed(t: RoundTown, n: int) -> str:
    return _count(n) if t.status == rounds.IMPORTED else ""


ROUND_COLUMNS: list[Col[RoundView]] = [
    Col("轮次", lambda r: f"第 {r.id} 轮", lambda r: r.id, True),
    Col("类型", lambda r: kind_title(r.kind)),
    Col("数据年度", lambda r: str(r.year), lambda r: r.year, True),
    Col("新建时间", lambda r: _when(r.created_at), lambda r: r.created_at),
    Col("镇街数", lambda r: str(len(r.towns)), lambda r: len(r.towns), True),
    Col("已回收", lambda r: str(r.count(rounds.RETURNED)), numeric=True),
    Col(
        "已导入",
        lambda r: str(r.count(rounds.IMPORTED)),
        numeric=True,
        colour=lambda r: OK_COLOUR if r.count(rounds.IMPORTED) else None,
    ),
    Col(
        "未报送",
        lambda r: str(len(r.missing)),
        lambda r: len(r.missing),
        True,
        lambda r: SHORT_COLOUR if r.missing else None,
    ),
    Col("新建人", lambda r: r.created_by),
    Col("备注", lambda r: r.note or ""),
]

TOWN_COLUMNS: list[Col[RoundTown]] = [
    Col("镇街", lambda t: t.town),
    Col("状态", lambda t: t.status, colour=lambda t: STATUS_COLOURS.get(t.status)),
    Col("导入批次", _batch, lambda t: t.batch_id or 0, True),
    Col("新增", lambda t: _changed(t, t.created), lambda t: t.created, True),
    Col("更新", lambda t: _changed(t, t.updated), lambda t: t.updated, True),
    Col("无变化", lambda t: _changed(t, t.unchanged), lambda t: t.unchanged, True),
    Col(
        "有错误",
        lambda t: _changed(t, t.rejected),
        lambda t: t.rejected,
        True,
        lambda t: SHORT_COLOUR if t.rejected else None,
    ),
    Col("回收时间", lambda t: _when(t.returned_at), lambda t: t.returned_at),
    Col("回收文件", lambda t: _file_name(t.returned_file)),
    Col("下发文件", lambda t: _file_name(t.sent_file)),
]

_Index = QModelIndex | QPersistentModelIndex


class TownModel(ViewTableModel[RoundTown]):
    """The towns of a round; a town that has not sent its workbook back is shaded on its whole row."""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.BackgroundRole:
            if self.row_at(index.row()).missing:
                return QBrush(QColor(MISSING_BACKGROUND))
            return None
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            town = self.row_at(index.row())
            return town.returned_file or town.sent_file or None
        return super().data(index, role)
