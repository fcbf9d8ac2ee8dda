"""编辑 menu's work on the focused widget: undo, redo, cut, copy, paste, select all.

Text widgets (line edits, the line edit inside a spin box, date edit or editable combo box, text
edits) do what their own keys do. Tables and lists copy their selected cells as tab-separated text
(rows by line, the columns between the leftmost and rightmost selected ones), which pastes into
Excel or WPS as cells; hidden columns are left out.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QTextEdit,
    QWidget,
)

EditOp = Literal["undo", "redo", "cut", "copy", "paste", "select_all"]
EDIT_OPS: tuple[EditOp, ...] = ("undo", "redo", "cut", "copy", "paste", "select_all")
TextWidget = QLineEdit | QTextEdit | QPlainTextEdit


def edit_target(widget: QWidget | None) -> TextWidget | QAbstractItemView | None:
    """The widget an edit command acts on when `widget` has the focus (None: nothing to edit)."""
    if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit | QAbstractItemView):
        return widget
    if isinstance(widget, QAbstractSpinBox | QComboBox):
        return widget.findChild(QLineEdit)  # the date or number being typed; None when not editable
    return None


def can_edit(widget: QWidget | None, op: EditOp) -> bool:
    """Whether `op` would do something on the focused `widget` now (the menu's enabled state)."""
    target = edit_target(widget)
    if target is None:
        return False
    if isinstance(target, QAbstractItemView):
        if op == "copy":
            model = target.selectionModel()
            return model is not None and model.hasSelection()
        return op == "select_all"
    read_only = target.isReadOnly()
    if isinstance(target, QLineEdit):
        return {
            "undo": target.isUndoAvailable() and not read_only,
            "redo": target.isRedoAvailable() and not read_only,
            "cut": target.hasSelectedText()
            and not read_only
            and target.echoMode() == target.EchoMode.Normal,
            "copy": target.hasSelectedText() and target.echoMode() == target.EchoMode.Normal,
            "paste": not read_only,
            "select_all": bool(target.text()),
        }[op]
    document = target.document()
    selected = target.textCursor().hasSelection()
    return {
        "undo": document.isUndoAvailable() and not read_only,
        "redo": document.isRedoAvailable() and not read_only,
        "cut": selected and not read_only,
        "copy": selected,
        "paste": not read_only,
        "select_all": not document.isEmpty(),
    }[op]


def apply_edit(widget: QWidget | None, op: EditOp) -> bool:
    """Do `op` on the focused `widget`; False when it has nothing to do it on."""
    target = edit_target(widget)
    if target is None:
        return False
    if isinstance(target, QAbstractItemView):
        if op == "copy":
            text = selected_cells_text(target)
            if text:
                QApplication.clipboard().setText(text)
            return bool(text)
        if op == "select_all":
            target.selectAll()
            return True
        return False
    if target.isReadOnly() and op not in ("copy", "select_all"):
        return False
    method = "selectAll" if op == "select_all" else op
    getattr(target, method)()
    return True


def selected_cells_text(view: QAbstractItemView) -> str:
    """The selected cells as tab-separated lines: every selected row, from the leftmost to the
    rightmost selected column (a cell of that block that is not selected stays empty)."""
    selection = view.selectionModel()
    model = view.model()
    if selection is None or model is None:
        return ""
    indexes = [i for i in selection.selectedIndexes() if i.isValid()]
    if not indexes:
        return ""
    hidden = view.isColumnHidden if isinstance(view, QTableView) else (lambda _c: False)
    columns = sorted({i.column() for i in indexes if not hidden(i.column())})
    if not columns:
        return ""
    rows = sorted({i.row() for i in indexes})
    parent = indexes[0].parent()
    block = [c for c in range(columns[0], columns[-1] + 1) if not hidden(c)]
    selected = {(i.row(), i.column()) for i in indexes}
    lines = []
    for row in rows:
        cells = [
            _cell_text(model.index(row, col, parent)) if (row, col) in selected else ""
            for col in block
        ]
        lines.append("\t".join(cells))
    return "\n".join(lines)


def _cell_text(index: QModelIndex) -> str:
    value = index.data()
    if value is None:
        return ""
    return " ".join(str(value).split())  # a tab or newline inside a cell would split it
