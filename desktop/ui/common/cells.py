"""Cells that never hide their text: columns sized to their content, long text elided with a tooltip.

`fit_to_contents(view)` sizes each column of a table to its header and the widest of the first
rows (a sample, so a 100,000-row list stays quick), within a cap, and sizes them again whenever the
model is reset or rows are added. `TipDelegate` elides what still does not fit ("…") and shows the
whole text as a tooltip on exactly those cells — a cell that is shown whole has no tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
)

# How many rows a column's width is measured on, and the widest a column is made (logical px at
# 100%, scaled by the font): wider text elides and shows a tooltip.
SAMPLE_ROWS = 200
MAX_CHARS = 28
_PADDING = 34  # the stylesheet's cell padding (10 px a side), the style's text margins


class TipDelegate(QStyledItemDelegate):
    """Elides text on the right and shows the whole of an elided cell as its tooltip."""

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if event is None or event.type() != QEvent.Type.ToolTip:
            return super().helpEvent(event, view, option, index)
        if index.data(Qt.ItemDataRole.ToolTipRole):
            return super().helpEvent(event, view, option, index)
        tip = self.tip_text(view, option, index)
        if tip:
            QToolTip.showText(event.globalPos(), tip, view)
        else:
            QToolTip.hideText()
        return True

    @staticmethod
    def tip_text(
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> str:
        """The tooltip of a cell: its whole text when elided, else nothing."""
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if text is None or text == "" or not elided(view, option, index):
            return ""
        return str(text)


def elided(
    view: QAbstractItemView,
    option: QStyleOptionViewItem,
    index: QModelIndex | QPersistentModelIndex,
) -> bool:
    """Whether a cell's text is wider than the room its column gives it."""
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if text is None:
        return False
    opt = QStyleOptionViewItem(option)
    delegate = view.itemDelegateForIndex(index)
    if isinstance(delegate, QStyledItemDelegate):
        delegate.initStyleOption(opt, index)
    style = view.style()
    room = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, view).width()
    return opt.fontMetrics.horizontalAdvance(str(text)) > room - 6


def cell_fits(view: QTableView, row: int, column: int) -> bool:
    """Whether the text of a cell is shown whole (tests and checks of every screen use it)."""
    index = view.model().index(row, column)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = view.visualRect(index)
    option.font = view.font()
    option.fontMetrics = view.fontMetrics()
    return not elided(view, option, index)


class _Refit(QObject):
    """Sizes a table's columns again after a reset or new rows (once per event-loop turn).

    A table that stretches its last column stretches it only while the column has room for its
    content: when the other columns leave less, the last keeps its content's width and the table
    scrolls sideways (Qt would squeeze it into what is left and elide short text)."""

    def __init__(self, view: QTableView, max_chars: int) -> None:
        super().__init__(view)
        self._view = view
        self._max_chars = max_chars
        self._pending = False
        self.fitting = False
        self.user_sized: set[int] = set()
        self.stretch = view.horizontalHeader().stretchLastSection()
        self.last_width = 0
        view.horizontalHeader().sectionResized.connect(self._resized)
        view.viewport().installEventFilter(self)

    def _resized(self, column: int, _old: int, _new: int) -> None:
        header = self._view.horizontalHeader()
        stretched = header.stretchLastSection() and column == header.logicalIndex(
            header.count() - 1
        )
        if not self.fitting and not stretched:  # the clerk dragged it: that width is kept
            self.user_sized.add(column)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.stretch_last()
        return False

    def fit(self) -> None:
        """Size the columns now (the last to its content, then stretched when it has room)."""
        header = self._view.horizontalHeader()
        self.fitting = True
        try:
            if self.stretch:
                header.setStretchLastSection(False)
            fit_columns_now(self._view, self._max_chars, skip=self.user_sized)
            last = header.logicalIndex(header.count() - 1)
            self.last_width = self._view.columnWidth(last) if last >= 0 else 0
            self.stretch_last()
        finally:
            self.fitting = False

    def stretch_last(self) -> None:
        """Stretch the last column over the room left, only when that room holds its content."""
        if not self.stretch or self.last_width <= 0:
            return
        view, header = self._view, self._view.horizontalHeader()
        last = header.logicalIndex(header.count() - 1)
        used = header.length() - header.sectionSize(last)
        room = view.viewport().width() - used >= self.last_width
        if room != header.stretchLastSection():
            was, self.fitting = self.fitting, True
            try:
                header.setStretchLastSection(room)
                if not room:
                    view.setColumnWidth(last, self.last_width)
            finally:
                self.fitting = was

    def schedule(self, *_args: object) -> None:
        if self._pending:
            return
        self._pending = True
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self, self._fit)  # cancelled with the table

    def _fit(self) -> None:
        self._pending = False
        self.fit()


def fit_columns_now(
    view: QTableView, max_chars: int = MAX_CHARS, skip: set[int] | frozenset[int] = frozenset()
) -> None:
    """Size every column (but those in `skip`) to its header and its first rows' text."""
    model = view.model()
    if model is None:
        return
    header = view.horizontalHeader()
    cells, titles = view.fontMetrics(), header.fontMetrics()
    cap = cells.horizontalAdvance("汉") * max_chars
    rows = min(model.rowCount(), SAMPLE_ROWS)
    last = model.columnCount() - 1
    for col in range(model.columnCount()):
        if view.isColumnHidden(col) or col in skip:
            continue
        title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
        width = max((titles.horizontalAdvance(line) for line in title.split("\n")), default=0)
        for row in range(rows):
            text = model.index(row, col).data(Qt.ItemDataRole.DisplayRole)
            if text:
                width = max(width, min(cap, cells.horizontalAdvance(str(text))))
        if col == last and header.stretchLastSection():
            header.setMinimumSectionSize(min(header.minimumSectionSize(), width + _PADDING))
        view.setColumnWidth(col, width + _PADDING)


def fit_to_contents(view: QTableView, max_chars: int = MAX_CHARS) -> None:
    """Elide with tooltips, and keep the columns sized to their content as the rows change."""
    view.setItemDelegate(TipDelegate(view))
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setWordWrap(False)
    model: QAbstractItemModel | None = view.model()
    refit = _Refit(view, max_chars)
    if model is not None:
        model.modelReset.connect(refit.schedule)
        model.rowsInserted.connect(refit.schedule)
        model.layoutChanged.connect(refit.schedule)
    refit.fit()
