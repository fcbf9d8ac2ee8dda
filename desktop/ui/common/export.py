"""导出 on every list: what a table shows (its current filter, its visible columns) to XLSX or CSV.

    self.export_button = export_button(self.view, self.tr("特派员名录"), ctx, self)

The rows are read from the view's model on the GUI thread (as shown), written off it by
desktop.exporting.tables (one cell writer: never a formula); afterwards the clerk is told where
the file is and may open its folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QPushButton, QTableView, QWidget

from desktop.exporting.tables import write_table
from desktop.ui.common import files
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import TaskHandle, run_task

FILTERS = "Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)"


def shown_table(view: QTableView) -> tuple[list[str], list[list[object]]]:
    """The header and rows a table view shows: visible columns, display texts, in view order."""
    model = view.model()
    header = view.horizontalHeader()
    columns = [
        header.logicalIndex(visual)
        for visual in range(header.count())
        if not view.isColumnHidden(header.logicalIndex(visual))
    ]
    role = Qt.ItemDataRole.DisplayRole
    names = [str(model.headerData(c, Qt.Orientation.Horizontal, role) or "") for c in columns]
    rows = [
        [model.index(r, c).data(role) for c in columns]
        for r in range(model.rowCount())
        if not view.isRowHidden(r)
    ]
    return names, [["" if v is None else v for v in row] for row in rows]


class ListExporter(QObject):
    """Asks where to save, writes in the background, then says where the file is."""

    def __init__(
        self,
        view: QTableView,
        title: str,
        ctx: AppContext,
        parent: QWidget,
        prepare: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._prepare = prepare
        self._view = view
        self._title = title
        self._ctx = ctx
        self._parent = parent
        self.task: TaskHandle[int] | None = None
        self.last_path: Path | None = None
        self.notice: QMessageBox | None = None
        self.folder_button: object = None

    @Slot()
    def export(self) -> TaskHandle[int] | None:
        """导出…: the rows shown now; None when the clerk cancelled."""
        folder = self._ctx.prefs.last_folder or str(Path.home())
        answer = files.save_file_name(
            self._parent, self.tr("导出"), str(Path(folder) / f"{self._title}.xlsx"), FILTERS
        )
        if not answer:
            return None
        path = Path(answer)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".xlsx")
        if self._prepare is not None:
            self._prepare()
        headers, rows = shown_table(self._view)
        self.last_path = path
        title = self._title
        self.task = run_task(
            self._parent,
            lambda _cancel: write_table(path, title, headers, rows),
            label=self.tr("正在导出…"),
            on_done=self._written,
        )
        return self.task

    @Slot(object)
    def _written(self, count: int) -> None:
        assert self.last_path is not None
        self._ctx.prefs.last_folder = str(self.last_path.parent)
        text = self.tr("已导出 {n} 行到：\n{path}").format(n=count, path=str(self.last_path))
        self.notice = tell_saved(self._parent, self.last_path, text, self.tr("导出完成"))
        self.folder_button = self.notice.folder_button  # type: ignore[attr-defined]


def tell_saved(parent: QWidget, path: Path, text: str, title: str = "") -> QMessageBox:
    """After every export: where the file is, with 打开所在文件夹 beside 关闭.

    The box is window-modal without a nested event loop (`open()`); its 打开所在文件夹 button is
    `box.folder_button` (tests click it), which opens the file's folder in the file manager.
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title or QCoreApplication.translate("export", "已保存"))
    box.setText(text)
    folder = box.addButton(
        QCoreApplication.translate("export", "打开所在文件夹"), QMessageBox.ButtonRole.ActionRole
    )
    box.addButton(QCoreApplication.translate("export", "关闭"), QMessageBox.ButtonRole.AcceptRole)
    box.folder_button = folder  # type: ignore[attr-defined]

    def answered(button: object) -> None:
        if button is folder:
            open_folder(path)

    box.buttonClicked.connect(answered)
    box.open()
    return box


def open_folder(path: Path) -> bool:
    """Open the folder holding `path` in the system's file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def export_button(
    view: QTableView,
    title: str,
    ctx: AppContext,
    parent: QWidget,
    prepare: Callable[[], None] | None = None,
) -> QPushButton:
    """A 导出… button exporting what `view` shows; its exporter is `button.exporter`.

    `prepare` runs before the rows are read (e.g. re-mask ID numbers shown in full).
    """
    button = QPushButton(QCoreApplication.translate("export", "导出…"), parent)
    button.setToolTip(
        QCoreApplication.translate("export", "把列表中当前显示的行导出为 Excel 或 CSV")
    )
    exporter = ListExporter(view, title, ctx, parent, prepare)
    button.clicked.connect(exporter.export)
    button.exporter = exporter  # type: ignore[attr-defined]
    return button
