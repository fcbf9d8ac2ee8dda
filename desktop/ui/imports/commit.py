"""④ 导入 of one file: what the plan will do, then what the import (or its undo) did."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from db.services.imports.batches import UndoResult


class CommitBox(QGroupBox):
    """The summary line with 导出错误表…, 撤销本批 and 导入; the panel wires the buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("④ 导入"))
        layout = QHBoxLayout(self)
        self.summary = QLabel(self.tr("核对无误后点“导入”，只写入“新增”和“更新”的企业。"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary, 1)
        self.export_button = QPushButton(self.tr("导出错误表…"))
        self.undo_button = QPushButton(self.tr("撤销本批"))
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setObjectName("primary")
        self.import_button.setMinimumWidth(96)
        for button in (self.export_button, self.undo_button, self.import_button):
            layout.addWidget(button)

    def show_planned(self, counts: Mapping[str, int]) -> None:
        """What importing the plan would do."""
        if counts.get("rows", 0) == 0:
            self.summary.setText(self.tr("文件中没有数据行，没有可导入的内容。"))
            return
        self.summary.setText(
            self.tr(
                "共 {rows} 行：将新增 {created}、更新 {updated}，无变化 {unchanged}；"
                "有错误 {rejected} 行不会导入，跳过 {skipped} 行。"
            ).format(**counts)
        )

    def show_imported(self, batch_id: int, counts: Mapping[str, int]) -> None:
        """What the import wrote, under its batch number."""
        self.summary.setText(
            self.tr(
                "已导入（批次 {batch}）：新增 {created}，更新 {updated}，无变化 {unchanged}；"
                "有错误 {rejected} 行未导入，跳过 {skipped} 行。"
            ).format(batch=batch_id, **counts)
        )
        self.summary.setObjectName("importDone")

    def show_cancelled(self) -> None:
        """The import was cancelled before it committed."""
        self.summary.setText(self.tr("已取消导入，库中数据未改动。"))

    def show_exported(self, out: Path, count: int) -> None:
        """The error workbook was written: keep the first line, add where it went."""
        self.export_button.setToolTip(str(out))
        self.summary.setText(
            self.summary.text().split("\n")[0]
            + "\n"
            + self.tr("错误表已保存（{count} 行）：{path}").format(count=count, path=out)
        )

    def show_undone(self, result: UndoResult) -> None:
        """This panel's batch was undone here."""
        self.summary.setText(
            self.tr("批次 {batch} 已撤销：恢复了 {count} 家企业的导入前状态。").format(
                batch=result.batch_id, count=result.reverted
            )
        )

    def show_undone_elsewhere(self, batch_id: int) -> None:
        """This panel's batch was undone from 导入记录."""
        self.summary.setText(self.tr("批次 {batch} 已在“导入记录”中撤销。").format(batch=batch_id))
