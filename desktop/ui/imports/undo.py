"""撤销 of an import batch, shared by the file panel (撤销本批) and 导入记录 (撤销所选批次)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from db.services.imports.batches import BatchNotFound, UndoRefused, UndoResult
from desktop.importing.engine import undo_import
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import show_message
from desktop.ui.shell.tasks import TaskHandle, run_task, show_error


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def confirm_undo(parent: QWidget, batch_id: int) -> bool:
    """Ask before undoing a batch."""
    answer = QMessageBox.question(
        parent,
        _tr("撤销导入"),
        _tr(
            "撤销批次 {batch}？\n本批新增的企业将被删除，本批修改过的内容恢复为导入前的值；"
            "导入后又被修改过的企业会保留。"
        ).format(batch=batch_id),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def start_undo(
    parent: QWidget,
    ctx: AppContext,
    batch_id: int,
    on_done: Callable[[UndoResult], None],
    on_error: Callable[[BaseException], None],
) -> TaskHandle[UndoResult]:
    """Undo a batch on the writer thread."""
    store, operator = ctx.store, ctx.operator
    return run_task(
        parent,
        lambda cancel: undo_import(store, batch_id, operator, cancel),
        label=_tr("正在撤销批次 {batch}…").format(batch=batch_id),
        on_done=on_done,
        on_error=on_error,
        write=True,
    )


def show_kept(parent: QWidget, result: UndoResult) -> None:
    """List the records an undo kept (edited after the import, or referenced)."""
    if not result.kept:
        return
    lines = [f"{k.uscc}：{k.reason}" for k in result.kept[:30]]
    if len(result.kept) > 30:
        lines.append(_tr("……共 {count} 家").format(count=len(result.kept)))
    QMessageBox.information(
        parent,
        _tr("部分企业已保留"),
        _tr("以下企业没有撤销：\n") + "\n".join(lines),
    )


def undo_error(parent: QWidget, exc: BaseException) -> None:
    """A refused undo (already undone, missing batch) is a plain message; the rest is unexpected."""
    if isinstance(exc, (UndoRefused, BatchNotFound)):
        show_message(parent, str(exc))
    else:
        show_error(parent, exc)
