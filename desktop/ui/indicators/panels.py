"""The parts of 指标与目标 below the table: the keyboard-friendly table, the town breakdown,
and the selected indicator's details with its click-through."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from db.rules.indicators import KIND_LABELS
from db.services.plans.indicators import IndicatorValue, source_label
from desktop.ui.common.panels import Panel
from desktop.ui.common.widgets import hint
from desktop.ui.indicators.display import base_text, with_unit
from desktop.ui.indicators.model import opens_records


class EditableTable(QTableView):
    """A table where Enter edits an editable cell (else activates it), as F2 and double-click do."""

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(28)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
            and index.isValid()
            and index.flags() & Qt.ItemFlag.ItemIsEditable
            and self.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers
        ):
            self.edit(index)
            event.accept()
            return
        super().keyPressEvent(event)


class TownPanel(Panel):
    """分镇街: the selected indicator's towns with their targets (editable) and actuals."""

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        self.table = EditableTable(model)
        super().__init__("分镇街", self.table, parent)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.empty = hint("")
        self.body.addWidget(self.empty)
        self.empty.hide()

    def show_indicator(self, v: IndicatorValue | None) -> None:
        """Title and the empty-state line for an indicator (or none selected)."""
        if v is None:
            self.title.setText(self.tr("分镇街"))
            self._empty(self.tr("选择上方的一项指标，查看各镇街的目标和完成情况。"))
            return
        self.title.setText(self.tr("分镇街 · {0}").format(v.name))
        if not v.by_town:
            self._empty(
                self.tr("此指标没有分镇街数据（手工填报、增长类或全区统计的指标）。")
                if v.computed is False or v.kind == "growth"
                else self.tr("此指标本年度没有分镇街的记录。")
            )
            return
        self.empty.hide()
        self.table.show()
        with_targets = sum(1 for t in v.by_town if t.target is not None)
        self.note.setText(
            self.tr("{0} 个镇街设有目标；双击“目标”修改").format(with_targets)
            if with_targets
            else self.tr("未设镇街目标；双击“目标”设定")
        )

    def _empty(self, text: str) -> None:
        self.table.hide()
        self.note.setText("")
        self.empty.setText(text)
        self.empty.show()


class DetailPanel(Panel):
    """The selected indicator: source, kind, base, department, who entered it; 查看记录."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.form = QWidget()
        super().__init__("指标说明", self.form, parent)
        layout = QFormLayout(self.form)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setVerticalSpacing(4)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields: dict[str, QLabel] = {}
        for key, label in (
            ("name", "指标"),
            ("source", "数据来源"),
            ("kind", "类型"),
            ("base", "基期"),
            ("target", "目标 / 完成"),
            ("department", "责任单位"),
            ("entered", "填报"),
            ("note", "备注"),
        ):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            layout.addRow(self.tr(label), value)
        self.records_button = QPushButton(self.tr("查看对应记录"))
        self.records_button.setToolTip(self.tr("列出计入本年完成值的企业、平台或载体"))
        layout.addRow("", self.records_button)
        self.show_indicator(None)

    def show_indicator(self, v: IndicatorValue | None) -> None:
        """Fill the fields (blank without a selection)."""
        if v is None:
            for label in self.fields.values():
                label.setText("")
            self.fields["name"].setText(self.tr("（未选择指标）"))
            self.records_button.setEnabled(False)
            return
        f = self.fields
        f["name"].setText(f"{v.name}（{v.code}）")
        f["source"].setText(
            self.tr("由台账计算：{0}").format(source_label(v.source))
            if v.computed
            else self.tr("手工填报")
        )
        f["kind"].setText(self.tr(KIND_LABELS.get(v.kind, v.kind)))
        f["base"].setText(base_text(v) or self.tr("未设"))
        f["target"].setText(f"{with_unit(v.actual, v.unit)} / {with_unit(v.target, v.unit)}")
        f["department"].setText(v.department or "")
        when = v.entered_at.strftime("%Y-%m-%d %H:%M") if v.entered_at else ""
        f["entered"].setText(
            f"{v.entered_by or ''} {when}".strip() if not v.computed else self.tr("—")
        )
        f["note"].setText(v.note or "")
        self.records_button.setEnabled(opens_records(v))
