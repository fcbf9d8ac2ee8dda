"""年度考核: each commissioner's figures of a year beside an editable grade."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from db.services.commissioners import assessments
from db.services.commissioners.assessments import AssessmentRow
from db.services.settings import get_settings
from desktop.ui.commissioners.base import Tab, table, year_box
from desktop.ui.commissioners.models import Col, RowsModel
from desktop.ui.common.export import export_button
from desktop.ui.shell.context import AppContext


def _money(value: float) -> str:
    return f"{value:,.2f}"


ASSESS_COLUMNS: list[Col[AssessmentRow]] = [
    Col("科技特派员", lambda r: r.name),
    Col("类型", lambda r: r.kind),
    Col("派出单位", lambda r: r.unit or ""),
    Col("服务次数", lambda r: str(r.summary.services), numeric=True),
    Col("培训人数", lambda r: str(r.summary.trained), numeric=True),
    Col("引进技术(项)", lambda r: str(r.summary.technologies), numeric=True),
    Col("经济效益(万元)", lambda r: _money(r.summary.benefit), numeric=True),
    Col("考核等次", lambda r: r.grade or ""),
]
COL_GRADE = len(ASSESS_COLUMNS) - 1


class AssessmentModel(RowsModel[AssessmentRow]):
    """The year's commissioners with their figures; the grade column is editable with a combo."""

    gradeEdited = Signal(int, str)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == COL_GRADE else base

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        row = self.row_at(index.row())
        if row is None or index.column() != COL_GRADE or (row.grade or "") == (value or ""):
            return False
        self.gradeEdited.emit(row.commissioner_id, str(value or ""))
        return True


class GradeDelegate(QStyledItemDelegate):
    """A combo of the configured grades (and a blank for 未评定)."""

    def __init__(self, grades: list[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.grades = grades

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        box = QComboBox(parent)
        box.addItem("", "")
        for g in self.grades:
            box.addItem(g, g)
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data() or "")))

    def setModelData(
        self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData())


class AssessmentTab(Tab):
    """年度考核: per year, each commissioner's services and figures beside a grade combo."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = AssessmentModel(ASSESS_COLUMNS, lambda r: r.commissioner_id, self)
        self.year = year_box()
        with ctx.session() as s:
            grades = get_settings(s).grades
        self.top_grade = grades[0] if grades else None  # 优秀 by default
        self.view = table(self.model)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.setItemDelegateForColumn(COL_GRADE, GradeDelegate(grades, self.view))
        self.totals = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("考核年度")))
        top.addWidget(self.year)
        hint = QLabel(self.tr("双击“考核等次”一格选择等次。"))
        top.addWidget(hint)
        top.addStretch(1)
        top.addWidget(self.totals)
        self.export_button = export_button(self.view, self.tr("年度考核"), self._ctx, self)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.year.valueChanged.connect(self.reload)
        # queued: a confirmation may open, never inside the delegate's commit
        self.model.gradeEdited.connect(self.set_grade, Qt.ConnectionType.QueuedConnection)
        if not ctx.guard("edit", self.view):
            hint.setText(ctx.refusal("edit"))
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Query the year's rows again."""
        with self._ctx.session() as s:
            rows = assessments.assessment_rows(s, self.year.value())
        self.model.set_rows(rows)
        graded = sum(1 for r in rows if r.grade)
        self.totals.setText(self.tr("共 {n} 名，已评定 {g} 名").format(n=len(rows), g=graded))

    def confirm_grade(self, row: AssessmentRow, grade: str) -> bool:
        """The best grade for a commissioner with no service record that year asks first."""
        if not grade or grade != self.top_grade or row.summary.services > 0:
            return True
        answer = QMessageBox.question(
            self,
            self.tr("确认考核等次"),
            self.tr("{name} {y}年没有服务记录（服务次数 0），仍评为“{g}”吗？").format(
                name=row.name, y=self.year.value(), g=grade
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    @Slot(int, str)
    def set_grade(self, commissioner_id: int, grade: str) -> None:
        """Save a grade for the shown year, based on the grade shown (refused when stale)."""
        shown = self.model.row_at(self.model.row_of(commissioner_id))
        if shown is not None and not self.confirm_grade(shown, grade):
            return
        save = partial(
            assessments.set_grade,
            commissioner_id=commissioner_id,
            year=self.year.value(),
            grade=grade or None,
            operator=self._ctx.operator,
            expected_version=shown.version if shown is not None else None,
        )
        self.run_write(save, self.tr("正在保存…"))
