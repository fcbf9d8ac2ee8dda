"""服务记录: the records of one dispatch typed in a grid, each row saved when the cursor leaves it."""

from __future__ import annotations

from collections import deque
from functools import partial

from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from db.errors import StaleEdit
from db.services.commissioners import dispatches, records
from db.services.commissioners.operations import save_service_row
from db.services.commissioners.records import ServiceRecordView
from desktop.ui.commissioners.base import Tab, period
from desktop.ui.commissioners.records import (
    COLUMNS,
    Draft,
    RecordsModel,
    RecordsTable,
    draft_of,
)
from desktop.ui.common.cells import fit_to_contents
from desktop.ui.common.export import export_button
from desktop.ui.common.stale_edit import EMPTY, stale_text
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import show_message
from desktop.ui.shell.operations import run_op


class RecordsTab(Tab):
    """服务记录 of one dispatch, typed in a grid: Enter moves on, a new row follows the last."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dispatch = QComboBox()
        self.dispatch.setMinimumWidth(420)
        self.model = RecordsModel(self)
        self.view = RecordsTable()
        self.view.setModel(self.model)
        self.view.horizontalHeader().setStretchLastSection(True)
        fit_to_contents(self.view)  # dates and figures shown whole at any scale
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.message = QLabel()
        self.message.setStyleSheet("color:#a61b1b;")
        self.message.setWordWrap(True)
        # two lines kept for it: the grid above does not jump as messages come and go
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 2 + 4)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        hint = QLabel(
            self.tr(
                "直接输入，回车跳到下一格；离开一行时自动保存。日期如 2025-5-1，是/否可填 是、否、√、×。"
            )
        )
        hint.setObjectName("hint")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("派遣")))
        top.addWidget(self.dispatch, 1)
        self.export_button = export_button(self.view, self.tr("服务记录"), self._ctx, self)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        self.dispatch.currentIndexChanged.connect(self.load_records)
        self.model.messageChanged.connect(self.message.setText)
        self.view.rowLeft.connect(self.save_row)
        self.view.selectionModel().currentChanged.connect(self._explain_current)
        if not self._ctx.guard("edit", self.view):  # readable, not typed in
            hint.setText(self._ctx.refusal("edit"))
        self._saving: deque[int] = deque()  # rows on the write worker, oldest first
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Refill the dispatch list (keeping the current one) and its records."""
        keep = self.dispatch.currentData()
        with self._ctx.session() as s:
            rows = dispatches.list_dispatches(s)
        self.dispatch.blockSignals(True)
        self.dispatch.clear()
        for d in rows:
            self.dispatch.addItem(f"{d.commissioner} → {d.target_name}（{period(d)}）", d.id)
        index = self.dispatch.findData(keep)
        self.dispatch.setCurrentIndex(index if index >= 0 else 0)
        self.dispatch.blockSignals(False)
        self.load_records()

    def select_dispatch(self, dispatch_id: int) -> None:
        """Show the records of this dispatch."""
        index = self.dispatch.findData(dispatch_id)
        if index >= 0:
            self.dispatch.setCurrentIndex(index)

    @Slot()
    def load_records(self) -> None:
        """Read the current dispatch's records."""
        did = self.dispatch.currentData()
        if did is None:
            self.model.load([])
            self.view.setEnabled(False)
            return
        self.view.setEnabled(True)
        with self._ctx.session() as s:
            self.model.load(records.list_records(s, did))

    @Slot(QModelIndex, QModelIndex)
    def _explain_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """On a red row again: what is wrong with it, in words."""
        text = self.model.error_text(current.row()) if current.isValid() else ""
        if text:
            self.message.setText(text)

    @Slot(int)
    def save_row(self, row: int) -> None:
        """Save a row the cursor left, when it changed and is valid."""
        did = self.dispatch.currentData()
        if did is None or row >= len(self.model.drafts):
            return
        draft = self.model.drafts[row]
        if draft.blank() or not draft.changed() or not self._ctx.allowed("edit"):
            return
        values, errors = draft.parsed(self.model.today)
        if errors:
            self.message.setText(
                self.tr("第{n}行未保存：").format(n=row + 1) + "；".join(errors.values())
            )
            return
        save = partial(
            save_service_row,
            dispatch_id=did,
            record_id=draft.record_id,
            values=values,
            operator=self._ctx.operator,
            expected_version=draft.version,
        )
        draft.saved_texts = dict(draft.texts)  # a second leave does not save twice
        self._saving.append(row)
        self.last_task = run_op(
            self,
            self._ctx,
            save,
            label=self.tr("正在保存…"),
            on_done=self._row_saved,
            on_error=self._row_failed,
        )

    @Slot(object)
    def _row_saved(self, saved: ServiceRecordView) -> None:
        row = self._saving.popleft()  # writes run in order, so results come back in order
        self.model.mark_saved(row, saved.id, saved.version)
        self.message.setText(self.tr("已保存第{n}行").format(n=row + 1))
        self.changed.emit()

    @Slot(object)
    def _row_failed(self, exc: BaseException) -> None:
        row = self._saving.popleft()
        self.model.drafts[row].saved_texts = {}
        self.message.setText(str(exc))
        if isinstance(exc, StaleEdit):  # another desk changed the record: show it as stored now
            self._reload_row(row, exc)

    def _reload_row(self, row: int, exc: StaleEdit) -> None:
        """The refusal with the cells typed, then the row as stored now."""
        draft = self.model.drafts[row]
        current = None
        if draft.record_id is not None:
            with self._ctx.session() as s:
                shown = records.list_records(s, self.dispatch.currentData())
            current = next((r for r in shown if r.id == draft.record_id), None)
        stored = Draft() if current is None else draft_of(current)
        unsaved = [
            (self.tr(title), text or EMPTY)
            for key, title in COLUMNS
            if (text := draft.texts.get(key, "")) != stored.texts.get(key, "")
        ]
        show_message(self, stale_text(exc, unsaved), self.tr("记录已被其他人修改"))
        self.model.reload_row(row, current)
