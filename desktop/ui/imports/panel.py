"""One file of the import wizard: ② 核对列 (town, year, columns), ③ 预览 and ④ 导入 (commit.py)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.rules.text import normalize_header
from db.rules.years import FIRST_RECORD_YEAR
from db.services.imports.batches import UndoResult
from db.services.imports.mappings import load_mappings, save_mappings
from desktop.importing.engine import (
    ApplyResult,
    ImportOptions,
    ImportPlan,
    ImportRefused,
    PlanOutdated,
    apply_import,
    default_year,
    plan_import,
)
from desktop.importing.readers import UnreadableFile
from desktop.progress import Progress, Work
from desktop.ui.common import files
from desktop.ui.common.export import tell_saved
from desktop.ui.imports.commit import CommitBox
from desktop.ui.imports.mapping import MappingTable
from desktop.ui.imports.models import kind_title
from desktop.ui.imports.preview import ImportPreview
from desktop.ui.imports.sheets import PlanSheets, sheets_of, town_source_text
from desktop.ui.imports.undo import confirm_undo, show_kept, start_undo, undo_error
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import show_message
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, run_task, show_error

log = logging.getLogger(__name__)

REPLAN_DELAY_MS = 400
_MESSAGE_STYLE = (
    "QLabel { background: #fdf0ef; border: 1px solid #f0c4bf; border-radius: 6px;"
    " padding: 14px; color: #8a2a1f; }"
)
ANY_TOWN = ""


def guess_town(file_name: str, towns: Sequence[str]) -> str | None:
    """The one configured town named in a file name (十九里镇-2025年….xlsx → 十九里镇), else None."""
    stem = Path(file_name).stem
    found = [t for t in towns if t and t in stem]
    return found[0] if len(found) == 1 else None


def export_errors(plan: ImportPlan, out: Path) -> Work[int]:
    """Write the error workbook as background work; returns the number of rows written."""
    from desktop.importing.workbooks import write_error_workbook

    yield Progress(0, 0, "正在写入错误表…")
    return write_error_workbook(plan, out)


def load_remembered(ctx: AppContext, town: str | None, kind: str) -> dict[str, str]:
    """The column mapping remembered for a town and kind."""
    with ctx.session() as session:
        return dict(load_mappings(session, town, kind))


class FilePanel(QWidget):
    """Everything about one chosen file; `status_changed` tells the file list what to show."""

    status_changed = Signal()
    imported = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        path: Path,
        towns: dict[int, str],
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = path
        self.towns = towns
        self.today = today or date.today()
        self.plan: ImportPlan | None = None
        self.batch_id: int | None = None
        self.undone: UndoResult | None = None
        self.refusal = ""
        self.overrides: dict[str, str] = {}  # normalised header → field: saved and chosen here
        self.remembered: dict[str, str] = {}  # the saved hand mapping of the town and kind
        self.changed_keys: set[str] = set()  # headers the clerk mapped by hand in this panel
        self.busy = False
        self._generation = 0
        self._remembered_checked = False
        self.task: TaskHandle[Any] | None = None
        self.notice: QMessageBox | None = None  # the last 已保存 notice
        self._replan_timer = QTimer(self)
        self._replan_timer.setSingleShot(True)
        self._replan_timer.setInterval(REPLAN_DELAY_MS)
        self._replan_timer.timeout.connect(self.replan)
        self._build()
        self.replan()

    # ---- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.file_label = QLabel(self.path.name)
        self.file_label.setObjectName("sectionHeader")
        self.file_label.setToolTip(str(self.path))
        layout.addWidget(self.file_label)
        self.message = QLabel()
        self.message.setObjectName("importMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet(_MESSAGE_STYLE)
        self.message.hide()
        layout.addWidget(self.message)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        body.addWidget(self._build_columns())
        body.addWidget(self._build_preview(), 1)
        layout.addWidget(self.body, 1)
        self.commit_box = self._build_commit()
        layout.addWidget(self.commit_box)
        self._update_buttons()
        layout.addStretch(0)  # takes the room only when the body is hidden (a refused file)

    def _build_columns(self) -> QGroupBox:
        box = QGroupBox(self.tr("② 核对列"))
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.info = QLabel(self.tr("正在读取文件…"))
        row.addWidget(self.info, 1)
        row.addWidget(QLabel(self.tr("镇街")))
        self.town_combo = QComboBox()
        self.town_combo.addItem(self.tr("按表中“所属镇街”列"), ANY_TOWN)
        for name in self.towns.values():
            self.town_combo.addItem(name, name)
        guessed = guess_town(self.path.name, list(self.towns.values()))
        if guessed:
            self.town_combo.setCurrentIndex(self.town_combo.findData(guessed))
        self.town_combo.currentIndexChanged.connect(self._on_options_changed)
        self.town_combo.setMinimumWidth(180)
        row.addWidget(self.town_combo)
        row.addSpacing(8)
        row.addWidget(QLabel(self.tr("数据年度")))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(FIRST_RECORD_YEAR, self.today.year)
        self.year_spin.setValue(default_year(self.today))
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.valueChanged.connect(self._on_year_changed)
        row.addWidget(self.year_spin)
        row.addSpacing(8)
        self.fold_button = QToolButton()
        self.fold_button.setCheckable(True)
        self.fold_button.setText(self.tr("收起列对应"))
        self.fold_button.setToolTip(self.tr("收起或展开各列的对应，给预览留出更多行"))
        self.fold_button.toggled.connect(self._on_fold)
        row.addWidget(self.fold_button)
        layout.addLayout(row)
        self.mapping = MappingTable()
        self.mapping.changed.connect(self._on_mapping_changed)
        layout.addWidget(self.mapping)
        self.ignored_label = QLabel()
        self.ignored_label.setObjectName("hint")
        self.ignored_label.setWordWrap(True)
        layout.addWidget(self.ignored_label)
        return box

    def _build_preview(self) -> QGroupBox:
        box = QGroupBox(self.tr("③ 预览"))
        layout = QVBoxLayout(box)
        self.duplicate_label = QLabel()
        self.duplicate_label.setObjectName("fieldError")
        self.duplicate_label.setWordWrap(True)
        self.duplicate_label.hide()
        layout.addWidget(self.duplicate_label)
        self.preview = ImportPreview()
        self.preview.open_enterprise.connect(self.open_enterprise)
        layout.addWidget(self.preview, 1)
        return box

    def _build_commit(self) -> CommitBox:
        box = CommitBox()
        box.export_button.clicked.connect(self.export_error_workbook)
        box.undo_button.clicked.connect(self.undo_batch)
        box.import_button.clicked.connect(self.start_import)
        self.ctx.guard("import", box.import_button)
        self.ctx.guard("undo_own", box.undo_button)  # the batch this desk just imported
        return box

    # ---- state ----------------------------------------------------------------------------

    def town(self) -> str | None:
        """The town chosen for the whole file (None: each row's own 所属镇街)."""
        return str(self.town_combo.currentData() or "") or None

    def status_text(self) -> str:
        """A few words for the file list."""
        if self.refusal:
            return self.tr("无法导入")
        if self.undone is not None:
            return self.tr("已撤销")
        if self.batch_id is not None:
            return self.tr("已导入")
        if self.busy or self.plan is None:
            return self.tr("正在读取…")
        return self.tr("待导入")

    def options(self) -> ImportOptions:
        """The options of the next plan: town, year and (when supported) the column mapping."""
        kw: dict[str, Any] = {"town": self.town(), "year": self.year_spin.value()}
        if self.overrides:
            kw["mapping"] = dict(self.overrides)
        return ImportOptions(**kw)

    def _update_buttons(self) -> None:
        planned = self.plan is not None and not self.busy
        done = self.batch_id is not None
        box = self.commit_box
        empty = self.plan is not None and self.plan.is_empty
        box.import_button.setEnabled(planned and not done and not self.refusal and not empty)
        box.export_button.setEnabled(planned and bool(self.plan and self.plan.rejected))
        box.undo_button.setVisible(done)
        box.undo_button.setEnabled(done and self.undone is None and not self.busy)
        editable = not done and not self.busy
        self.town_combo.setEnabled(editable)
        self.year_spin.setEnabled(editable)

    # ---- planning -------------------------------------------------------------------------

    @Slot()
    def replan(self) -> None:
        """Read and check the file again with the current options (the preview)."""
        self._replan_timer.stop()
        self._generation += 1
        self.busy = True
        self._update_buttons()
        options, store, path = self.options(), self.ctx.store, self.path
        self.task = run_task(
            self,
            lambda cancel: plan_import(store, path, options, cancel, self.today),
            label=self.tr("正在读取 {name}…").format(name=path.name),
            on_done=partial(self._planned, self._generation),
            on_error=partial(self._plan_failed, self._generation),
            on_cancelled=partial(self._plan_cancelled, self._generation),
        )
        self.status_changed.emit()

    def _planned(self, generation: int, plan: ImportPlan) -> None:
        if generation != self._generation:
            return
        self.busy = False
        self.refusal = ""
        self.plan = plan
        self._adopt_remembered(plan)
        self._show_plan(plan)
        self._update_buttons()
        self.status_changed.emit()

    def _adopt_remembered(self, plan: ImportPlan) -> None:
        """On the first plan, show the columns remembered for this town (the engine applied them)."""
        if self._remembered_checked:
            return
        self._remembered_checked = True
        try:
            remembered = load_remembered(self.ctx, plan.town, plan.kind)
        except Exception:  # a convenience only: never block the import on it
            log.exception("loading the column mapping failed")
            return
        labels = {normalize_header(label) for sheet in plan.sheets for label in sheet.labels}
        self.remembered = {k: v for k, v in remembered.items() if k in labels}
        for sheet in plan.sheets:  # what the engine applied (a sheet may name its own town)
            self.remembered.update({normalize_header(h): f for h, f in sheet.mapped.items()})
        self.overrides.update(self.remembered)

    def _plan_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.busy = False
        if isinstance(exc, (UnreadableFile, ImportRefused)):
            self._refuse(str(exc))
        else:
            log.error("planning %s failed", self.path, exc_info=(type(exc), exc, exc.__traceback__))
            self._refuse(
                self.tr("读取“{name}”时出现意外错误，该文件未导入。").format(name=self.path.name)
            )
        self.status_changed.emit()

    def _plan_cancelled(self, generation: int) -> None:
        if generation == self._generation:
            self.busy = False
            self._refuse(self.tr("已取消读取该文件。"))
            self.status_changed.emit()

    def _refuse(self, text: str) -> None:
        self.refusal = text
        self.plan = None
        self.message.setText(text + "\n\n" + self.tr("该文件没有导入，库中数据未改动。"))
        self.message.show()
        self.body.hide()
        self.commit_box.hide()
        self._update_buttons()

    def _show_plan(self, plan: ImportPlan) -> None:
        self.message.hide()
        self.body.show()
        self.commit_box.show()
        sheets = sheets_of(plan, self.towns)
        self.info.setText(self._info_text(plan, sheets))
        saved = set(self.remembered)
        self.mapping.show_plan(sheets, self.overrides, saved, self.changed_keys, True)
        ignored = list(dict.fromkeys(label for s in sheets.sheets for label in s.ignored if label))
        self.ignored_label.setText(
            self.tr("不导入的列：{names}").format(names="、".join(ignored))
            if ignored
            else self.tr("表中每一列都已对应到字段。")
        )
        self.preview.show_plan(plan, sheets, self.overrides)
        self._show_duplicate(plan)
        self.commit_box.show_planned(plan.counts)

    def _info_text(self, plan: ImportPlan, sheets: PlanSheets) -> str:
        if sheets.several:
            kinds = "、".join(dict.fromkeys(kind_title(s.kind) for s in sheets.sheets))
            return self.tr("类型：{kind}　共 {n} 个工作表（各表的表头行和镇街见预览）").format(
                kind=kinds, n=len(sheets.sheets)
            )
        sheet = sheets.sheets[0]
        return self.tr("类型：{kind}　工作表：{sheet}　表头在第 {row} 行　镇街：{town}").format(
            kind=kind_title(sheet.kind),
            sheet=sheet.name,
            row=sheet.header_row,
            town=town_source_text(sheet),
        )

    def _show_duplicate(self, plan: ImportPlan) -> None:
        if plan.duplicate_of_batch is None:
            self.duplicate_label.hide()
            return
        self.duplicate_label.setText(
            self.tr("注意：同一个文件已在批次 {batch} 导入过。").format(
                batch=plan.duplicate_of_batch
            )
        )
        self.duplicate_label.show()

    @Slot(bool)
    def _on_fold(self, folded: bool) -> None:
        """收起列对应: only the file's line stays; the preview gets the room."""
        self.mapping.setVisible(not folded)
        self.ignored_label.setVisible(not folded)
        self.fold_button.setText(self.tr("展开列对应") if folded else self.tr("收起列对应"))

    @Slot(int)
    def _on_options_changed(self, _index: int = 0) -> None:
        if not self.changed_keys:  # another town: its own saved mapping applies (engine loads it)
            self.overrides.clear()
            self.remembered = {}
            self._remembered_checked = False
        self.replan()

    @Slot(int)
    def _on_year_changed(self, _value: int) -> None:
        self._replan_timer.start()

    @Slot(str, str, str, str)
    def _on_mapping_changed(self, key: str, field: str, kind: str, town: str) -> None:
        self.overrides[key] = field
        self.changed_keys.add(key)
        if self.plan is not None:
            remember = partial(
                save_mappings,
                town=town or self.plan.town,
                kind=kind or self.plan.kind,
                mapping={key: field},
            )
            self.remember_task = run_op(
                self,
                self.ctx,
                remember,
                label=self.tr("正在保存列对应…"),
                on_done=self._remembered,
                on_error=self._remember_failed,
            )
        self.replan()

    @Slot(object)
    def _remembered(self, _result: object) -> None:
        """The town's column mapping is saved for next time."""

    @Slot(object)
    def _remember_failed(self, exc: BaseException) -> None:
        # remembering is a convenience; the import itself goes on
        log.error("saving the column mapping failed", exc_info=(type(exc), exc, exc.__traceback__))

    # ---- importing ------------------------------------------------------------------------

    @Slot(int)
    def open_enterprise(self, enterprise_id: int) -> None:
        """Open an enterprise of the roster (a namesake to compare with) in its editor."""
        self.ctx.open_enterprise_editor(enterprise_id, self).open()

    @Slot()
    def start_import(self) -> None:
        """④ 导入: ask about a duplicate file, then commit the plan in the background."""
        plan = self.plan
        if plan is None or self.busy or self.batch_id is not None:
            return
        if plan.duplicate_of_batch is not None and not self._confirm_duplicate(plan):
            return
        self.busy = True
        self._update_buttons()
        store, operator = self.ctx.store, self.ctx.operator
        self.task = run_task(
            self,
            lambda cancel: apply_import(store, plan, operator, cancel),
            label=self.tr("正在导入 {name}…").format(name=self.path.name),
            on_done=self._applied,
            on_error=self._apply_failed,
            on_cancelled=self._apply_cancelled,
            write=True,
        )

    def _confirm_duplicate(self, plan: ImportPlan) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("重复的文件"),
            self.tr("“{name}”与批次 {batch} 导入的文件完全相同，仍要再导入一次吗？").format(
                name=self.path.name, batch=plan.duplicate_of_batch
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    @Slot(object)
    def _applied(self, result: ApplyResult) -> None:
        self.busy = False
        assert self.plan is not None
        if result.batch_id is None:  # nothing to write (no data rows): no batch
            self._update_buttons()
            return
        self.batch_id = result.batch_id
        self.commit_box.show_imported(result.batch_id, self.plan.counts)
        self.mapping.setEnabled(False)
        self._update_buttons()
        self.status_changed.emit()
        self.imported.emit(result.batch_id)

    @Slot(object)
    def _apply_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_buttons()
        show_error(self, exc)
        if isinstance(exc, PlanOutdated):  # the preview is shown again on the store as it is now
            self.replan()

    @Slot()
    def _apply_cancelled(self) -> None:
        self.busy = False
        self._update_buttons()
        self.commit_box.show_cancelled()

    # ---- after the import -----------------------------------------------------------------

    @Slot()
    def export_error_workbook(self) -> None:
        """导出错误表: the rejected rows with 错误说明, for the town to correct."""
        plan = self.plan
        if plan is None or not plan.rejected:
            return
        folder = Path(self.ctx.prefs.last_folder or self.path.parent)
        chosen = files.save_file_name(
            self,
            self.tr("导出错误表"),
            str(folder / f"{self.path.stem}-错误说明.xlsx"),
            self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if not chosen:
            return
        out = Path(chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx")
        self.task = run_task(
            self,
            lambda _cancel: export_errors(plan, out),
            label=self.tr("正在导出错误表…"),
            on_done=partial(self._exported, out),
            on_error=partial(self._export_failed, out),
        )

    def _exported(self, out: Path, count: int) -> None:
        self.ctx.prefs.last_folder = str(out.parent)
        self.commit_box.show_exported(out, count)
        text = self.tr("错误表已保存（{count} 行）：\n{path}").format(count=count, path=out)
        self.notice = tell_saved(self, out, text, self.tr("导出完成"))

    def _export_failed(self, out: Path, exc: BaseException) -> None:
        if isinstance(exc, OSError):
            show_message(
                self,
                self.tr("无法保存“{path}”：文件可能正在 Excel 中打开，或没有写入权限。").format(
                    path=out
                ),
            )
        else:
            show_error(self, exc)

    @Slot()
    def undo_batch(self) -> None:
        """撤销本批: after confirmation, undo the batch this panel imported."""
        if self.batch_id is None or self.undone is not None or self.busy:
            return
        if not confirm_undo(self, self.batch_id):
            return
        self.busy = True
        self._update_buttons()
        self.task = start_undo(self, self.ctx, self.batch_id, self._undone, self._undo_failed)

    @Slot(object)
    def _undone(self, result: UndoResult) -> None:
        self.busy = False
        self.undone = result
        self.commit_box.show_undone(result)
        self._update_buttons()
        self.status_changed.emit()
        self.imported.emit(result.batch_id)
        show_kept(self, result)

    def undone_elsewhere(self) -> None:
        """The batch of this panel was undone from 导入记录."""
        if self.batch_id is None or self.undone is not None:
            return
        self.undone = UndoResult(self.batch_id, 0, ())
        self.commit_box.show_undone_elsewhere(self.batch_id)
        self._update_buttons()
        self.status_changed.emit()

    @Slot(object)
    def _undo_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_buttons()
        undo_error(self, exc)
