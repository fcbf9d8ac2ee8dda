"""报送: the collection rounds (征集) — every round, each town's status, who has not sent, what each
town changed; 新建征集, 登记回收文件, 全部导入 and 打开文件夹.

The work runs as Qt-free generators of desktop/importing/collecting.py on the write worker
(run_task(write=True)); the screen only reads the rounds (db/services/rounds.py) and shows results.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.services import rounds
from db.services.errors import InputError, NotFound
from db.services.rounds import RoundView
from db.services.towns import list_towns
from desktop.exporting.files import OutputError
from desktop.importing.collect import CollectRefused, kind_title
from desktop.importing.collecting import (
    NewRound,
    Registered,
    TownImport,
    import_returned,
    new_round,
    register_returned,
    workbooks_in,
)
from desktop.ui.collect.dialogs import NewRoundDialog, RoundRequest
from desktop.ui.collect.models import ROUND_COLUMNS, TOWN_COLUMNS, TownModel
from desktop.ui.common import files
from desktop.ui.common.layout import button_row, table_view
from desktop.ui.common.tables import ViewTableModel
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import show_message
from desktop.ui.shell.tasks import TaskHandle, run_task, show_error

FILE_FILTER = "征集表 (*.xlsx *.xlsm *.xls *.ods);;所有文件 (*)"
REFUSALS = (CollectRefused, InputError, NotFound, OutputError)


class CollectScreen(QWidget):
    """Every collection round and, for the chosen one, each town's way back."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setObjectName("screen")
        self.round_model: ViewTableModel[RoundView] = ViewTableModel(ROUND_COLUMNS, self)
        self.town_model = TownModel(TOWN_COLUMNS, self)
        self.task: TaskHandle[Any] | None = None
        self.last_dialog: NewRoundDialog | None = None
        self._build()
        self._connect()
        self.refresh()

    # ----- layout -----

    def _build(self) -> None:
        labels = (self.tr("新建征集…"), self.tr("登记回收文件"), self.tr("全部导入"))
        bar, buttons = button_row(*labels, self.tr("打开文件夹"))
        self.new_button, self.register_button, self.import_button, self.folder_button = buttons
        self.new_button.setObjectName("primary")
        self.register_menu = QMenu(self)
        self.register_files_action = self.register_menu.addAction(self.tr("选择回收的文件…"))
        self.register_folder_action = self.register_menu.addAction(self.tr("选择文件夹…"))
        self.register_button.setMenu(self.register_menu)
        self.register_button.setToolTip(self.tr("镇街发回的表格：按隐藏的“征集信息”识别轮次和镇街"))
        self.import_button.setToolTip(self.tr("把已回收、尚未导入的表格逐个导入，每个镇街一个批次"))
        self.folder_button.setToolTip(self.tr("打开下发表格所在的文件夹"))
        self.count_label = QLabel()
        bar.addWidget(self.count_label)
        self.round_table = table_view(self.round_model)
        self.round_table.setSortingEnabled(True)
        self.round_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.town_table = table_view(self.town_model)
        self.round_title = QLabel()
        self.round_title.setObjectName("sectionHeader")
        self.missing_label = QLabel()
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet("color: #b3261e;")
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 4, 0, 0)
        bl.addWidget(self.round_title)
        bl.addWidget(self.missing_label)
        bl.addWidget(self.town_table, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.round_table)
        split.addWidget(bottom)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([170, 450])
        self.results = QPlainTextEdit()
        self.results.setReadOnly(True)
        self.results.setMaximumHeight(110)
        self.results.setPlaceholderText(self.tr("登记回收和导入的结果显示在这里。"))
        layout = QVBoxLayout(self)
        layout.addWidget(screen_title(self.tr("报送")))
        layout.addWidget(
            hint(
                self.tr(
                    "每轮征集按类型和数据年度给各镇街下发预填的表格（代码列锁定）。镇街填好发回后，"
                    "点“登记回收文件”选择收到的表格，再点“全部导入”。未报送的镇街标为红色。"
                )
            )
        )
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.results)
        self.setTabOrder(self.new_button, self.register_button)
        self.setTabOrder(self.register_button, self.import_button)
        self.setTabOrder(self.import_button, self.folder_button)
        self.setTabOrder(self.folder_button, self.round_table)
        self.setTabOrder(self.round_table, self.town_table)
        self.setTabOrder(self.town_table, self.results)

    def _connect(self) -> None:
        self.new_button.clicked.connect(self.new_round)
        self.register_files_action.triggered.connect(self.register_files)
        self.register_folder_action.triggered.connect(self.register_folder)
        self.import_button.clicked.connect(self.import_all)
        self.folder_button.clicked.connect(self.open_folder)
        self._ctx.guard(
            "import",
            self.new_button,
            self.register_button,
            self.register_files_action,
            self.register_folder_action,
            self.import_button,
        )
        self.round_table.selectionModel().selectionChanged.connect(self._round_changed)

    # ----- data -----

    def refresh(self, select: int | None = None) -> None:
        """Re-read every round, keeping (or moving to) the chosen one."""
        keep = select if select is not None else self.selected_round_id()
        with self._ctx.session() as s:
            views = rounds.list_rounds(s)
        self.round_model.set_rows(views)
        self.count_label.setText(self.tr("共 {n} 轮征集").format(n=len(views)))
        row = self.round_model.row_of(keep) if keep is not None else -1
        if row < 0 and views:
            row = 0
        if row >= 0:
            self.round_table.selectRow(row)
        self._show_round()

    def selected_round(self) -> RoundView | None:
        """The round chosen in the upper table."""
        index = self.round_table.currentIndex()
        rows = self.round_table.selectionModel().selectedRows()
        if rows:
            index = rows[0]
        return self.round_model.row_at(index.row()) if index.isValid() else None

    def selected_round_id(self) -> int | None:
        """The id of the chosen round."""
        view = self.selected_round()
        return view.id if view is not None else None

    @Slot(QItemSelection, QItemSelection)
    def _round_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_round()

    def _show_round(self) -> None:
        view = self.selected_round()
        self.town_model.set_rows(list(view.towns) if view else [])
        waiting = view.count(rounds.RETURNED) if view else 0
        for button in (self.register_button, self.folder_button):
            button.setEnabled(view is not None)
        self.import_button.setEnabled(waiting > 0)
        if view is None:
            self.round_title.setText(self.tr("还没有征集：点“新建征集…”给各镇街下发表格。"))
            self.missing_label.setText("")
            return
        self.round_title.setText(
            self.tr("第 {id} 轮  {kind}  {year}年度：已回收 {r}，已导入 {i}，共 {n} 个镇街").format(
                id=view.id,
                kind=kind_title(view.kind),
                year=view.year,
                r=waiting,
                i=view.count(rounds.IMPORTED),
                n=len(view.towns),
            )
        )
        missing = view.missing
        self.missing_label.setText(
            self.tr("未报送（{n}）：{towns}").format(n=len(missing), towns="、".join(missing))
            if missing
            else self.tr("各镇街均已报送。")
        )

    def _say(self, lines: Sequence[str]) -> None:
        self.results.setPlainText("\n".join(lines))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, REFUSALS):
            show_message(self, str(exc))
        else:
            show_error(self, exc)
        self.refresh()

    def _save_prefs(self) -> None:
        with contextlib.suppress(OSError):  # a convenience; never fail the work over it
            self._ctx.prefs.save()

    # ----- 新建征集 -----

    @Slot()
    def new_round(self) -> NewRoundDialog:
        """新建征集…: ask for the kind, year, towns and folder; the files are written on accept."""
        with self._ctx.session() as s:
            towns = [t.name for t in list_towns(s)]
        dialog = NewRoundDialog(towns, self._ctx.prefs.last_folder, self)
        dialog.accepted.connect(self._new_round_accepted)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    @Slot()
    def _new_round_accepted(self) -> None:
        dialog = self.last_dialog
        if dialog is None:
            return
        self.start_round(dialog.request())

    def start_round(self, request: RoundRequest) -> TaskHandle[NewRound]:
        """Write the round's workbooks in the background."""
        store, operator = self._ctx.store, self._ctx.operator
        self._ctx.prefs.last_folder = str(request.folder)
        self._save_prefs()
        handle: TaskHandle[NewRound] = run_task(
            self,
            lambda cancel: new_round(
                store,
                request.kind,
                request.year,
                list(request.towns),
                request.folder,
                operator,
                request.note,
                cancel,
            ),
            label=self.tr("正在生成征集表…"),
            on_done=self._round_made,
            on_error=self._failed,
            write=True,
        )
        self.task = handle
        return handle

    @Slot(object)
    def _round_made(self, made: NewRound) -> None:
        folder = made.files[0].path.parent if made.files else ""
        lines = [
            self.tr("已新建征集第 {id} 轮，生成 {n} 个表格，保存在：{folder}").format(
                id=made.round_id, n=len(made.files), folder=folder
            )
        ]
        lines += [
            self.tr("  {town}：{name}（{rows} 行）").format(
                town=f.town, name=f.path.name, rows=f.rows
            )
            for f in made.files
        ]
        self._say(lines)
        self.refresh(select=made.round_id)

    # ----- 登记回收文件 -----

    @Slot()
    def register_files(self) -> TaskHandle[list[Registered]] | None:
        """选择回收的文件…: the returned workbooks, recognised by their 征集信息 sheet."""
        chosen = files.open_file_names(
            self, self.tr("选择镇街发回的表格"), self._ctx.prefs.last_folder, self.tr(FILE_FILTER)
        )
        if not chosen:
            return None
        self._ctx.prefs.last_folder = str(Path(chosen[0]).parent)
        self._save_prefs()
        return self.register([Path(p) for p in chosen])

    @Slot()
    def register_folder(self) -> TaskHandle[list[Registered]] | None:
        """选择文件夹…: every workbook directly in the folder."""
        chosen = files.existing_folder(
            self, self.tr("选择存放回收表格的文件夹"), self._ctx.prefs.last_folder
        )
        if not chosen:
            return None
        folder = Path(chosen)
        try:
            paths = workbooks_in(folder)
        except OSError as exc:
            show_message(
                self, self.tr("无法读取文件夹：{path}（{why}）").format(path=folder, why=exc)
            )
            return None
        if not paths:
            show_message(self, self.tr("文件夹中没有表格文件：{path}").format(path=folder))
            return None
        self._ctx.prefs.last_folder = str(folder)
        self._save_prefs()
        return self.register(paths)

    def register(self, paths: list[Path]) -> TaskHandle[list[Registered]]:
        """Register the files as returned (to the chosen round; others are reported)."""
        store, operator, round_id = self._ctx.store, self._ctx.operator, self.selected_round_id()
        handle: TaskHandle[list[Registered]] = run_task(
            self,
            lambda cancel: register_returned(store, paths, operator, round_id, cancel),
            label=self.tr("正在识别回收的表格…"),
            on_done=self._registered,
            on_error=self._failed,
            write=True,
        )
        self.task = handle
        return handle

    @Slot(object)
    def _registered(self, outcome: list[Registered]) -> None:
        good = sum(1 for r in outcome if r.ok)
        head = self.tr("登记回收：{ok} 个文件已登记，{bad} 个未登记。").format(
            ok=good, bad=len(outcome) - good
        )
        self._say([head, *[r.message for r in outcome]])
        self.refresh()

    # ----- 全部导入 -----

    @Slot()
    def import_all(self) -> TaskHandle[list[TownImport]] | None:
        """全部导入: every returned, not yet imported workbook of the round, after a confirmation."""
        view = self.selected_round()
        if view is None:
            return None
        waiting = [t.town for t in view.towns if t.status == rounds.RETURNED]
        if not waiting:
            show_message(self, self.tr("这一轮没有待导入的回收表格。"))
            return None
        answer = QMessageBox.question(
            self,
            self.tr("全部导入"),
            self.tr(
                "将导入 {n} 个镇街发回的表格（{towns}），每个镇街一个导入批次，"
                "可在“导入 › 导入记录”中撤销。继续吗？"
            ).format(n=len(waiting), towns="、".join(waiting)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        store, operator, round_id = self._ctx.store, self._ctx.operator, view.id
        handle: TaskHandle[list[TownImport]] = run_task(
            self,
            lambda cancel: import_returned(store, round_id, operator, cancel),
            label=self.tr("正在导入回收的表格…"),
            on_done=self._imported,
            on_error=self._failed,
            on_cancelled=self.refresh,
            write=True,
        )
        self.task = handle
        return handle

    @Slot(object)
    def _imported(self, results: list[TownImport]) -> None:
        good = sum(1 for r in results if r.batch_id is not None)
        head = self.tr("全部导入：{ok} 个镇街已导入，{bad} 个未导入。").format(
            ok=good, bad=len(results) - good
        )
        self._say([head, *[r.message for r in results]])
        self.refresh()

    # ----- 打开文件夹 -----

    @Slot()
    def open_folder(self) -> Path | None:
        """打开文件夹: the folder the chosen round's workbooks were written to."""
        view = self.selected_round()
        sent = [Path(t.sent_file) for t in view.towns if t.sent_file] if view else []
        folder = sent[0].parent if sent else None
        if folder is None or not folder.is_dir():
            show_message(
                self, self.tr("找不到这一轮下发表格的文件夹：{path}").format(path=folder or "")
            )
            return None
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
        return folder
