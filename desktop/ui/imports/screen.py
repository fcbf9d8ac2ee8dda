"""导入: ① 选择文件 (button or drop) → per file ② 核对列 ③ 预览 ④ 导入; and 导入记录."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.services.towns import list_towns
from desktop.ui.common import files
from desktop.ui.common.widgets import hint, screen_title
from desktop.ui.imports.history import HistoryPage
from desktop.ui.imports.panel import FilePanel
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import show_message

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")  # .txt: Excel's “Unicode 文本”
FILE_FILTER = "表格文件 (*.xlsx *.xls *.xlsm *.ods *.csv *.txt);;所有文件 (*)"
LIST_WIDTH = 190
STATUS_COLOURS = {"无法导入": "#b03a2e", "已导入": "#1e7b3c", "已撤销": "#7a6a2a"}


def importable(path: Path) -> bool:
    """Whether a dropped path looks like a table file the importer reads."""
    return path.is_file() and path.suffix.lower() in SUFFIXES


class ImportScreen(QWidget):
    """The import wizard on one page and the history of batches on another."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("screen")
        self.setAcceptDrops(True)
        self.panels: list[FilePanel] = []
        self.towns = self._load_towns()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 10)
        layout.addWidget(screen_title(self.tr("导入")))
        self.pages = QTabWidget()
        self.pages.addTab(self._build_wizard(), self.tr("导入文件"))
        self.history = HistoryPage(ctx)
        self.history.batch_undone.connect(self._on_history_undone)
        self.pages.addTab(self.history, self.tr("导入记录"))
        layout.addWidget(self.pages, 1)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_filter)

    @Slot()
    def focus_filter(self) -> None:
        """Ctrl+F: the text filter of the preview shown (on 导入文件)."""
        panel = self.stack.currentWidget()
        if isinstance(panel, FilePanel) and self.pages.currentIndex() == 0:
            panel.preview.focus_filter()

    def _load_towns(self) -> dict[int, str]:
        with self.ctx.session() as session:
            return {t.id: t.name for t in list_towns(session)}

    # ---- layout ---------------------------------------------------------------------------

    def _build_wizard(self) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self._build_file_column())
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_empty_state())
        layout.addWidget(self.stack, 1)
        return page

    def _build_file_column(self) -> QWidget:
        column = QWidget()
        column.setFixedWidth(LIST_WIDTH)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        step = QLabel(self.tr("① 选择文件"))
        step.setObjectName("sectionHeader")
        layout.addWidget(step)
        self.choose_button = QPushButton(self.tr("选择文件…"))
        self.choose_button.setObjectName("primary")
        self.choose_button.clicked.connect(self.choose_files)
        self.ctx.guard("import", self.choose_button)
        layout.addWidget(self.choose_button)
        self.file_list = QListWidget()
        self.file_list.setObjectName("importFiles")
        self.file_list.setIconSize(QSize(16, 16))
        self.file_list.setWordWrap(True)
        self.file_list.setSpacing(3)
        self.file_list.currentRowChanged.connect(self._on_file_row)
        layout.addWidget(self.file_list, 1)
        layout.addWidget(hint(self.tr("可一次选择多个文件，也可以把文件直接拖到这里。")))
        return column

    def _build_empty_state(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        text = hint(
            self.tr(
                "请点“选择文件…”或把镇街报来的表格拖到这里（支持 xlsx、xls、xlsm、ods、csv 和“Unicode 文本”txt）。\n"
                "每个文件先预览：核对列、镇街和数据年度，确认新增、更新和有错误的行，"
                "再点“导入”写入。导入后可以导出错误表发回镇街修改，也可以撤销本批。"
            )
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(text)
        layout.addStretch(2)
        return page

    # ---- files ----------------------------------------------------------------------------

    @Slot()
    def choose_files(self) -> None:
        """选择文件…: one or several files; the folder is remembered."""
        chosen = files.open_file_names(
            self, self.tr("选择要导入的文件"), self.ctx.prefs.last_folder, self.tr(FILE_FILTER)
        )
        if chosen:
            self.ctx.prefs.last_folder = str(Path(chosen[0]).parent)
            self._save_prefs()
            self.add_files(chosen)

    def _save_prefs(self) -> None:
        with contextlib.suppress(OSError):  # a convenience; never fail the import over it
            self.ctx.prefs.save()

    def add_files(self, paths: Iterable[str | Path]) -> list[FilePanel]:
        """Add files to the list (each starts its preview); a file already listed is shown again."""
        added: list[FilePanel] = []
        for raw in paths:
            path = Path(raw)
            if files.is_store_file(path):  # reading it would drop the store's locks (POSIX)
                show_message(
                    self, self.tr("“{name}”是正在使用的数据文件，不能导入。").format(name=path.name)
                )
                continue
            existing = self.panel_for(path)
            if existing is not None:
                self._show_panel(existing)
                continue
            panel = FilePanel(self.ctx, path, self.towns)
            panel.status_changed.connect(self._on_panel_status)
            panel.imported.connect(self._on_imported)
            self.panels.append(panel)
            self.stack.addWidget(panel)
            item = QListWidgetItem()
            item.setToolTip(str(path))
            self.file_list.addItem(item)
            self._label_item(len(self.panels) - 1)
            added.append(panel)
        if added:
            self._show_panel(added[0])
        return added

    def panel_for(self, path: Path) -> FilePanel | None:
        """The panel of a file already in the list."""
        for panel in self.panels:
            if panel.path.resolve() == path.resolve():
                return panel
        return None

    def _show_panel(self, panel: FilePanel) -> None:
        self.file_list.setCurrentRow(self.panels.index(panel))
        self.stack.setCurrentWidget(panel)
        self.pages.setCurrentIndex(0)

    def _label_item(self, row: int) -> None:
        panel = self.panels[row]
        item = self.file_list.item(row)
        status = panel.status_text()
        item.setText(f"{panel.path.name}\n{status}")
        colour = STATUS_COLOURS.get(status)
        item.setForeground(QBrush(QColor(colour)) if colour else QBrush())

    @Slot(int)
    def _on_file_row(self, row: int) -> None:
        if 0 <= row < len(self.panels):
            self.stack.setCurrentWidget(self.panels[row])

    @Slot()
    def _on_panel_status(self) -> None:
        for row in range(len(self.panels)):
            self._label_item(row)

    @Slot(int)
    def _on_imported(self, _batch_id: int) -> None:
        self.history.refresh()

    @Slot(int)
    def _on_history_undone(self, batch_id: int) -> None:
        for panel in self.panels:
            if panel.batch_id == batch_id:
                panel.undone_elsewhere()

    # ---- drag and drop --------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept local table files (when this desk may import)."""
        if self.ctx.allowed("import") and any(importable(p) for p in self._dropped(event)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Add the dropped table files."""
        paths = [p for p in self._dropped(event) if importable(p)]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    @staticmethod
    def _dropped(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    # ---- main window hooks ----------------------------------------------------------------

    def refresh(self) -> None:
        """Shown again: the towns and the history may have changed."""
        self.towns = self._load_towns()
        self.history.refresh()
