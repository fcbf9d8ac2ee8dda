"""The 培育库 table: one row per candidate, its tests as ✔/✘, the gap in words, the stage.

The rows are prepared off the GUI thread (`load_board`): the tests of every candidate are made
once there, so that filtering by gap and sorting stay cheap on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from db.rules.cultivation import CandidateTest, gap_text, passes_all
from db.services.plans.cultivation import Candidate, candidates
from db.services.plans.cultivation_pipeline import PipelineCounts, pipeline_counts
from db.store import Store
from desktop.progress import Progress
from desktop.ui.common.tables import OK_COLOUR, SHORT_COLOUR

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole
MUTED_COLOUR = "#6b6b6b"
PASS, FAIL = "✔", "✘"


@dataclass(frozen=True)
class BoardRow:
    """A candidate with its tests made."""

    candidate: Candidate
    tests: tuple[CandidateTest, ...]
    gaps: str  # 研发费用还差 38.2 万元；… or 全部达标
    passed: bool  # every required test

    @property
    def id(self) -> int:
        """The enterprise's id (what the table's ID_ROLE gives)."""
        return self.candidate.enterprise_id


@dataclass(frozen=True)
class Board:
    """What the screen shows for a year and track."""

    year: int
    track: str
    rows: tuple[BoardRow, ...]
    counts: PipelineCounts


def load_board(store: Store, year: int, track: str) -> Generator[Progress, None, Board]:
    """Work for run_task: the year's candidates with their tests, and the pipeline's counts."""
    yield Progress(0, 2, "正在读取后备库…")
    with store.session() as session:
        found = candidates(session, year, track=track)
        counts = pipeline_counts(session, year, track)
    yield Progress(1, 2, "正在核算各项指标…")
    rows = []
    for c in found.rows:
        tests = found.tests(c)
        rows.append(BoardRow(c, tests, gap_text(tests), passes_all(tests)))
    return Board(year, track, tuple(rows), counts)


# ----- filters -----

GAP_FILTERS: tuple[tuple[str, str | None], ...] = (
    ("不限达标情况", None),
    ("全部达标", "passed"),
    ("研发占比不足", "rd"),
    ("研发人员不足", "staff"),
    ("缺少数据", "missing"),
)
NOT_IN_PIPELINE = ""


def gap_matches(row: BoardRow, key: str | None) -> bool:
    """Whether a row shows under a gap filter (GAP_FILTERS)."""
    rd, staff = row.tests[0], row.tests[1]
    if key is None:
        return True
    if key == "passed":
        return row.passed
    if key == "rd":
        return not rd.passed and rd.value is not None
    if key == "staff":
        return not staff.passed and staff.value is not None
    return rd.value is None or staff.value is None


def stage_matches(row: BoardRow, stage: str | None) -> bool:
    """None: any; "": not in the pipeline; else that stage."""
    if stage is None:
        return True
    return (row.candidate.stage or NOT_IN_PIPELINE) == stage


def text_matches(row: BoardRow, text: str) -> bool:
    """Name or code contains the text (case ignored)."""
    if not text:
        return True
    c = row.candidate
    return text in c.name.lower() or text in c.uscc.lower()


# ----- columns -----


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def _ratio_mark(test: CandidateTest) -> str:
    """The ratio and whether it passes: "4.91 ✘" (a ✘ alone when it cannot be computed)."""
    mark = PASS if test.passed else FAIL
    return mark if test.value is None else f"{test.value:.2f} {mark}"


def _mark(test: CandidateTest) -> str:
    if test.passed:
        return PASS
    return FAIL if test.required else "—"


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[BoardRow], str]
    sort: Callable[[BoardRow], Any]
    numeric: bool = False
    colour: Callable[[BoardRow], str | None] | None = None
    centre: bool = False


def _test_colour(n: int) -> Callable[[BoardRow], str | None]:
    def colour(row: BoardRow) -> str | None:
        test = row.tests[n]
        if test.passed:
            return OK_COLOUR
        return SHORT_COLOUR if test.required else MUTED_COLOUR

    return colour


def _none_last(value: float | None) -> tuple[bool, float]:
    return (value is None, value or 0.0)


COLUMNS: tuple[Column, ...] = (
    Column("企业名称", lambda r: r.candidate.name, lambda r: r.candidate.name),
    Column("所属镇街", lambda r: r.candidate.town or "", lambda r: r.candidate.town or "\uffff"),
    Column(
        "营业收入(万元)",
        lambda r: _money(r.candidate.revenue),
        lambda r: _none_last(r.candidate.revenue),
        numeric=True,
    ),
    Column(
        "研发费用(万元)",
        lambda r: _money(r.candidate.rd_expense),
        lambda r: _none_last(r.candidate.rd_expense),
        numeric=True,
    ),
    Column(
        "研发占比(%)",
        lambda r: _ratio_mark(r.tests[0]),
        lambda r: _none_last(r.tests[0].value),
        numeric=True,
        colour=_test_colour(0),
    ),
    Column(
        "研发人员占比(%)",
        lambda r: _ratio_mark(r.tests[1]),
        lambda r: _none_last(r.tests[1].value),
        numeric=True,
        colour=_test_colour(1),
    ),
    Column(
        "科小(加分)",
        lambda r: _mark(r.tests[2]),
        lambda r: r.tests[2].passed,
        colour=_test_colour(2),
        centre=True,
    ),
    Column(
        "培育阶段",
        lambda r: r.candidate.stage or "",
        lambda r: r.candidate.stage or "\uffff",
        centre=True,
    ),
    Column("差距", lambda r: r.gaps, lambda r: (r.passed, r.gaps)),
)

TEST_COLUMNS = (4, 5, 6)  # the columns of tests 0, 1, 2
GAP_COLUMN = len(COLUMNS) - 1


class CandidateModel(QAbstractTableModel):
    """The filtered rows of a Board, sorted in memory."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[BoardRow] = []
        self._sorted: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[BoardRow]) -> None:
        """Show these rows (a new filter or a new load), keeping the last sort."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        if self._sorted is not None:
            self.sort(*self._sorted)

    def row_at(self, row: int) -> BoardRow:
        """The row shown at a position."""
        return self._rows[row]

    def row_of(self, enterprise_id: int) -> int:
        """The position showing an enterprise, -1 when not shown."""
        for n, r in enumerate(self._rows):
            if r.candidate.enterprise_id == enterprise_id:
                return n
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("cultivation", COLUMNS[section].title)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self._rows[index.row()], COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == ID_ROLE:
            return row.candidate.enterprise_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if col.centre:
                return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col.colour is not None:
            colour = col.colour(row)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == GAP_COLUMN:
            return row.gaps
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            return f"{row.candidate.name}\n{row.candidate.uscc}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in TEST_COLUMNS:
            test = row.tests[TEST_COLUMNS.index(index.column())]
            return test.gap_text or QCoreApplication.translate("cultivation", "达标")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in memory by the column's key."""
        if not 0 <= column < len(COLUMNS):
            return
        self._sorted = (column, order)
        self.beginResetModel()
        self._rows.sort(key=COLUMNS[column].sort, reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()
