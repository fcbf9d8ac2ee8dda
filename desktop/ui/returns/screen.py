"""统计报表: pick a return → generate off the GUI thread → preview the real PDF → print, export, 报出.

A preview no longer matching the choice (another return, period, town or date picked) or the data
(anything written since it was computed: the store's change stamp differs) is stale: it is not
printed, exported nor submitted — the buttons say why, and 生成 / 刷新 makes it anew.
报出 is offered only for a generated, non-empty return whose checks pass (every warning explained);
the archive stores the files with 报出日期 filled, and the preview then shows exactly those. 更正 (from
已报出) regenerates a submitted return's period and town and submits it as a new version with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.services.figures.returns_data import SubmittedFiles, SubmittedSummary
from db.store import change_stamp
from desktop.returns import archive
from desktop.ui.common.export import tell_saved
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.returns import work
from desktop.ui.returns.checks import ChecksPanel
from desktop.ui.returns.history import HistoryPanel
from desktop.ui.returns.picker import ReturnPicker
from desktop.ui.returns.preview import PdfPreview
from desktop.ui.returns.printing import print_pdf, save_bytes
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, run_task, show_error


class ReturnsScreen(QWidget):
    """Statistical returns: generate and preview, print and export, submit, and the history."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._ctx = ctx
        self.generated: work.Generated | None = None
        self.archived: SubmittedFiles | None = None
        self._stale = False  # the choice changed since the preview was made
        self._data_stale = False  # the data changed since the preview was made
        self._submitted = False
        self.notice: QMessageBox | None = None  # the last 已保存 notice
        self.correcting: SubmittedSummary | None = None
        self.submit_task: TaskHandle[int] | None = None
        self._build()
        self._connect()
        self._update_actions()  # nothing generated yet: nothing to print, export or submit
        self.refresh()

    # ----------------------------------------------------------------- layout
    def _build(self) -> None:
        self.picker = ReturnPicker(self)
        self.generate_button = QPushButton(self.tr("生成 / 刷新"), self)
        self.generate_button.setObjectName("primary")
        self.history = HistoryPanel(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._generate_tab(), self.tr("生成报表"))
        self.tabs.addTab(self.history, self.tr("已报出"))
        self.document_label = QLabel(self)
        self.document_label.setObjectName("sectionHeader")
        self.document_label.setWordWrap(True)
        self.checks = ChecksPanel(self)
        self.preview = PdfPreview(self)
        self.print_button = QPushButton(self.tr("打印…"), self)
        self.pdf_button = QPushButton(self.tr("导出PDF"), self)
        self.xlsx_button = QPushButton(self.tr("导出Excel"), self)
        self.submit_button = QPushButton(self.tr("报出"), self)
        self.submit_button.setObjectName("primary")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self._preview_side())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 900])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(screen_title(self.tr("统计报表"), self))
        layout.addWidget(splitter, 1)

    def _generate_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.picker)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.generate_button)
        layout.addLayout(row)
        layout.addWidget(
            hint(
                self.tr(
                    "预览即打印和报出的原样。审核发现的错误须改正数据后重新生成；"
                    "警告须逐条填写说明，说明随报表一并保存。"
                ),
                tab,
            )
        )
        layout.addStretch(1)
        return tab

    def _preview_side(self) -> QWidget:
        side = QWidget(self)
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        for button in (self.print_button, self.pdf_button, self.xlsx_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.submit_button)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.document_label)
        layout.addWidget(self.checks)
        layout.addLayout(actions)
        layout.addWidget(self.preview, 1)
        return side

    def _connect(self) -> None:
        self.generate_button.clicked.connect(self.generate)
        self.picker.changed.connect(self._on_picker_changed)
        self.checks.changed.connect(self._update_actions)
        self.print_button.clicked.connect(self.print_shown)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.submit_button.clicked.connect(self.submit)
        self.history.actionRequested.connect(self._on_history_action)
        self._ctx.guard("marks", self.submit_button, self.history.buttons["correct"])

    # ------------------------------------------------------------ refreshing
    def refresh(self) -> None:
        """Reload the towns and the history, and see whether the data changed under the preview
        (the screen is shown again, or another desk wrote)."""
        store = self._ctx.store
        run_task(
            self,
            lambda _c: work.load_choices(store),
            label=self.tr("正在读取…"),
            on_done=self._on_choices,
        )
        self.reload_history()
        if self._live() is not None:
            run_task(
                self,
                lambda _c: work.read_stamp(store),
                label=self.tr("正在检查数据…"),
                on_done=self._on_stamp,
            )

    def reload_history(self) -> None:
        """Reload the list of submitted returns."""
        store = self._ctx.store
        run_task(
            self,
            lambda _c: work.load_history(store),
            label=self.tr("正在读取…"),
            on_done=self._on_history,
        )

    @Slot(object)
    def _on_choices(self, choices: work.Choices) -> None:
        self.picker.set_towns(choices.towns)
        self.picker.set_data_years(choices.data_years)

    @Slot(object)
    def _on_stamp(self, stamp: tuple[object, ...]) -> None:
        live = self._live()
        if live is not None and stamp != live.stamp and not self._submitted:
            self._data_stale = True
            self._update_actions()

    @Slot(object)
    def _on_history(self, history: work.History) -> None:
        self.history.set_items(history.items, history.latest)
        count = str(len(history.items))
        self.tabs.setTabText(1, self.tr("已报出（%1）").replace("%1", count))

    # ------------------------------------------------------------- generating
    @Slot()
    def generate(self, request: work.Request | None = None) -> None:
        """Compute and render the picked return (or `request`) off the GUI thread."""
        store = self._ctx.store
        request = request if isinstance(request, work.Request) else self.picker.request()
        self.generate_button.setEnabled(False)
        run_task(
            self,
            lambda cancel: work.generate(store, request, cancel),
            label=self.tr("正在生成报表…"),
            on_done=self._on_generated,
            on_error=self._on_generate_failed,
            on_cancelled=self._on_generate_cancelled,
        )

    @Slot(object)
    def _on_generated(self, generated: work.Generated) -> None:
        self.generate_button.setEnabled(True)
        self.generated, self.archived = generated, None
        self._stale = self._data_stale = self._submitted = False
        self.checks.set_checks(generated.table.checks, empty=archive.is_empty(generated.table))
        self.checks.setVisible(True)
        self.preview.load(generated.pdf)
        self._update_actions()

    @Slot(object)
    def _on_generate_failed(self, exc: BaseException) -> None:
        self.generate_button.setEnabled(True)
        show_error(self, exc)

    @Slot()
    def _on_generate_cancelled(self) -> None:
        self.generate_button.setEnabled(True)

    @Slot()
    def _on_picker_changed(self) -> None:
        self.correcting = None  # another return, period or town: no longer the correction
        if self.generated is not None and self.archived is None:
            self._stale = True
            self._update_actions()

    # ------------------------------------------------------------ what is shown
    def shown_files(self) -> tuple[bytes, bytes, str] | None:
        """(PDF, XLSX, file stem) of the return in the preview, generated or archived."""
        if self.archived is not None:
            summary = self.archived.summary
            stem = work.file_stem(summary.title, summary.period)
            return self.archived.pdf, self.archived.xlsx, stem
        if self.generated is not None:
            table = self.generated.table
            return (
                self.generated.pdf,
                self.generated.xlsx,
                work.file_stem(table.title, table.period_code),
            )
        return None

    def _live(self) -> work.Generated | None:
        """The generated return in the preview (None when nothing or an archived one is shown)."""
        return self.generated if self.archived is None else None

    def stale_reason(self) -> str:
        """Why the preview may not be printed, exported or submitted ("" when it may)."""
        if self._live() is None or self._submitted:
            return ""
        if self._data_stale:
            return self.tr("数据已更改，预览不是最新的，请点击“生成 / 刷新”重新生成")
        if self._stale:
            return self.tr("报表或条件已更改，预览与所选不符，请点击“生成 / 刷新”重新生成")
        return ""

    def _still_fresh(self) -> bool:
        """Right before printing or saving: has anything been written since the preview?"""
        if self.stale_reason():
            return False
        live = self._live()
        if live is None or self._submitted:
            return True
        try:
            changed = change_stamp(self._ctx.store) != live.stamp
        except Exception:  # the server away a moment: the buttons keep their state
            changed = False
        if changed:
            self._data_stale = True
            self._update_actions()
        return not changed

    def _update_actions(self) -> None:
        shown = self.shown_files() is not None
        stale = self.stale_reason()
        for button in (self.print_button, self.pdf_button, self.xlsx_button):
            button.setEnabled(shown and not stale)
            button.setToolTip(stale)
        live = self._live() is not None
        self.submit_button.setEnabled(
            live and not stale and not self._submitted and self.checks.ready()
        )
        self.submit_button.setToolTip(stale)
        self.submit_button.setVisible(self.archived is None)
        correcting = self.correcting is not None and not self._submitted
        self.submit_button.setText(self.tr("报出更正") if correcting else self.tr("报出"))
        self.document_label.setText(self._document_text())

    def _document_text(self) -> str:
        if self.archived is not None:
            s = self.archived.summary
            when = s.submitted_at.strftime("%Y-%m-%d %H:%M")
            text = (
                self.tr("已报出：%1 %2 %5（%3 于 %4 报出，原样重印）")
                .replace("%1", s.title)
                .replace("%2", s.period)
                .replace("%3", s.operator)
                .replace("%4", when)
                .replace("%5", s.version_text)
            )
            if s.correction_reason:
                text += self.tr("；更正原因：%1").replace("%1", s.correction_reason)
            return text
        if self.generated is None:
            return self.tr("选择报表和报告期，点击“生成 / 刷新”查看预览")
        table = self.generated.table
        text = f"{table.title}　{table.period_text}"
        if self.correcting is not None:
            text = self.tr("更正%1：").replace("%1", self.correcting.version_text) + text
        if self._submitted:
            return text + self.tr("　— 已报出")
        if self._data_stale:
            return text + self.tr("　— 数据已更改，请重新生成")
        if self._stale:
            return text + self.tr("　— 条件已更改，请重新生成")
        return text

    # ---------------------------------------------------------- print / export
    @Slot()
    def print_shown(self) -> None:
        """打印…: the return in the preview on a real printer."""
        self.print_current()

    def print_current(self) -> bool:
        """文件 → 打印… (Ctrl+P): print the return in view, or say why not; whether printed."""
        files = self._usable_files(self.tr("打印"))
        return files is not None and print_pdf(self, files[0], files[2])

    @Slot()
    def export_pdf(self) -> None:
        """Save the PDF in the preview."""
        files = self._usable_files(self.tr("导出PDF"))
        if files is not None:
            self._saved(save_bytes(self._ctx, self, files[0], files[2], "pdf"))

    @Slot()
    def export_xlsx(self) -> None:
        """Save the XLSX of the return in the preview."""
        files = self._usable_files(self.tr("导出Excel"))
        if files is not None:
            self._saved(save_bytes(self._ctx, self, files[1], files[2], "xlsx"))

    def _usable_files(self, action: str) -> tuple[bytes, bytes, str] | None:
        """The files in view when they may be printed or saved; else the clerk is told why."""
        files = self.shown_files()
        if files is None:
            QMessageBox.information(
                self, action, self.tr("还没有生成报表：请选择报表和报告期，点击“生成 / 刷新”。")
            )
            return None
        if not self._still_fresh():
            QMessageBox.information(self, action, self.stale_reason() + self.tr("。"))
            return None
        return files

    def _saved(self, path: Path | None) -> None:
        if path is not None:
            text = self.tr("已保存到：\n%1").replace("%1", str(path))
            self.notice = tell_saved(self, path, text, self.tr("导出完成"))

    # ----------------------------------------------------------------- submit
    @Slot()
    def submit(self) -> None:
        """Confirm, then archive exactly the previewed PDF and XLSX with the explanations."""
        generated = self.generated
        if generated is None or not self.submit_button.isEnabled():
            return
        if not self._still_fresh():
            QMessageBox.information(self, self.tr("报出"), self.stale_reason() + self.tr("。"))
            return
        table = generated.table
        corrects = self.correcting
        reason: str | None = None
        if corrects is not None:
            reason = self._ask_reason(corrects)
            if reason is None:
                return
        else:
            question = (
                self.tr(
                    "确定报出“%1”（%2）？\n报出日期填为今天，保存此PDF和Excel，今后可原样重印。"
                )
                .replace("%1", table.title)
                .replace("%2", table.period_text)
            )
            answer = QMessageBox.question(self, self.tr("报出"), question)
            if answer != QMessageBox.StandardButton.Yes:
                return
        op = partial(
            archive.submit,
            table=generated.table,
            explanations=self.checks.explanations(),
            operator=self._ctx.operator,
            corrects_id=None if corrects is None else corrects.id,
            reason=reason,
        )
        self.submit_button.setEnabled(False)
        self.submit_task = run_op(
            self,
            self._ctx,
            op,
            label=self.tr("正在报出…"),
            on_done=self._on_submitted,
            on_error=self._on_submit_failed,
        )

    def _ask_reason(self, corrects: SubmittedSummary) -> str | None:
        """The reason of a correction (None when the clerk cancels); never blank."""
        prompt = (
            self.tr("更正“%1”（%2，%3）。\n请填写更正原因（随新版本一并保存，原版本保留）：")
            .replace("%1", corrects.title)
            .replace("%2", corrects.period)
            .replace("%3", corrects.version_text)
        )
        while True:
            text, ok = QInputDialog.getText(self, self.tr("报出更正"), prompt)
            if not ok:
                return None
            if text.strip():
                return text.strip()
            QMessageBox.warning(self, self.tr("报出更正"), self.tr("更正原因不能为空。"))

    @Slot(object)
    def _on_submitted(self, submitted_id: int) -> None:
        self._submitted = True
        corrected = self.correcting is not None
        self.correcting = None
        self._update_actions()
        self.reload_history()
        store = self._ctx.store
        run_task(
            self,
            lambda _c: work.load_submitted(store, submitted_id),
            label=self.tr("正在读取报表…"),
            on_done=self._show_archived,
        )
        title = self.generated.table.title if self.generated else ""
        done = self.tr("“%1”的更正已报出并存档，原版本仍保留。") if corrected else None
        done = done or self.tr("“%1”已报出并存档。")
        QMessageBox.information(self, self.tr("报出"), done.replace("%1", title))

    @Slot(object)
    def _on_submit_failed(self, exc: BaseException) -> None:
        self._update_actions()
        if isinstance(exc, archive.SubmitRefused):
            QMessageBox.warning(self, self.tr("不能报出"), str(exc))
        else:
            show_error(self, exc)

    # ---------------------------------------------------------------- history
    @Slot(str, int)
    def _on_history_action(self, action: str, submitted_id: int) -> None:
        if action == "correct":
            self.start_correction()
            return
        handlers: dict[str, Callable[[SubmittedFiles], None]] = {
            "preview": self._show_archived,
            "print": self._print_archived,
            "pdf": self._export_archived_pdf,
            "xlsx": self._export_archived_xlsx,
        }
        store = self._ctx.store
        run_task(
            self,
            lambda _c: work.load_submitted(store, submitted_id),
            label=self.tr("正在读取报表…"),
            on_done=handlers[action],
        )

    def start_correction(self) -> None:
        """Regenerate the selected submitted return (same return, period, town, date) to be
        submitted as its next version."""
        summary = self.history.selected()
        if summary is None:
            return
        try:
            request = work.correction_request(summary)
        except (LookupError, ValueError) as exc:
            QMessageBox.warning(self, self.tr("更正"), str(exc))
            return
        self.picker.apply(request)
        self.archived = None
        self.correcting = summary
        self.tabs.setCurrentIndex(0)
        self.generate(request)

    @Slot(object)
    def _show_archived(self, files: SubmittedFiles) -> None:
        self.archived = files
        self.checks.setVisible(False)
        self.preview.load(files.pdf)
        self._update_actions()

    @Slot(object)
    def _print_archived(self, files: SubmittedFiles) -> None:  # as stored: never stale
        s = files.summary
        print_pdf(self, files.pdf, work.file_stem(s.title, s.period))

    @Slot(object)
    def _export_archived_pdf(self, files: SubmittedFiles) -> None:
        s = files.summary
        self._saved(
            save_bytes(self._ctx, self, files.pdf, work.file_stem(s.title, s.period), "pdf")
        )

    @Slot(object)
    def _export_archived_xlsx(self, files: SubmittedFiles) -> None:
        s = files.summary
        stem = work.file_stem(s.title, s.period)
        self._saved(save_bytes(self._ctx, self, files.xlsx, stem, "xlsx"))
