"""Cells never hide their text: columns sized to their content, elided text with a tooltip."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QStyleOptionViewItem, QToolTip

from desktop.ui.common.cells import cell_fits
from desktop.ui.common.layout import table_view
from desktop.ui.common.tables import Col, ViewTableModel


@dataclass(frozen=True)
class _Row:
    id: int
    status: str
    note: str


COLUMNS = [Col[_Row]("状态", lambda r: r.status), Col[_Row]("说明", lambda r: r.note)]
LONG = "这是一条很长很长的说明文字，" * 8


def _table(qtbot: Any) -> Any:
    model = ViewTableModel(COLUMNS)
    view = table_view(model)
    view.horizontalHeader().setStretchLastSection(False)
    view.resize(900, 300)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return model, view


def test_columns_grow_to_their_content_when_rows_arrive(qtbot: Any) -> None:
    model, view = _table(qtbot)
    model.set_rows([_Row(1, "已对接成功并签约", "短")])
    qtbot.waitUntil(lambda: cell_fits(view, 0, 0))  # was clipped to "已…" at the default width
    assert view.columnWidth(0) >= view.fontMetrics().horizontalAdvance("已对接成功并签约")


def test_long_text_elides_and_shows_itself_as_a_tooltip(qtbot: Any) -> None:
    model, view = _table(qtbot)
    model.set_rows([_Row(1, "在办", LONG), _Row(2, "在办", "短")])
    qtbot.waitUntil(lambda: view.columnWidth(1) < view.fontMetrics().horizontalAdvance(LONG))
    assert not cell_fits(view, 0, 1) and cell_fits(view, 1, 1)
    delegate = view.itemDelegate()

    def option(row: int) -> QStyleOptionViewItem:
        shown = QStyleOptionViewItem()
        shown.initFrom(view)
        shown.rect = view.visualRect(model.index(row, 1))
        return shown

    assert delegate.tip_text(view, option(0), model.index(0, 1)) == LONG
    assert delegate.tip_text(view, option(1), model.index(1, 1)) == ""  # shown whole: no tooltip
    at = view.visualRect(model.index(0, 1)).center()
    event = QHelpEvent(QEvent.Type.ToolTip, at, view.viewport().mapToGlobal(at))
    assert delegate.helpEvent(event, view, option(0), model.index(0, 1))
    assert QToolTip.text() == LONG


def test_a_column_the_clerk_resized_keeps_its_width(qtbot: Any) -> None:
    model, view = _table(qtbot)
    model.set_rows([_Row(1, "在办", "短")])
    qtbot.wait(10)
    view.horizontalHeader().resizeSection(0, 333)
    model.set_rows([_Row(1, "已对接成功并签约的需求", "短")])
    qtbot.wait(10)
    assert view.columnWidth(0) == 333
    assert view.textElideMode() == Qt.TextElideMode.ElideRight
