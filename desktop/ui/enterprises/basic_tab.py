"""The editor's 基本信息 tab: the enterprise's own fields, checked as they are typed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QWidget

from db.rules.identifiers import validate_uscc
from db.services import enterprises
from db.services.enterprises import EDITABLE
from db.services.towns import TownView
from desktop.ui.common.fields import NO_VALUE, FieldBox, OptionalDateEdit
from desktop.ui.enterprises.display import FIELD_LABELS
from desktop.ui.shell.context import AppContext


def blank_values() -> dict[str, Any]:
    """The fields of a new enterprise before anything is typed."""
    return {k: None for k in EDITABLE} | {"above_scale": False}


class BasicTab(QWidget):
    """One input per editable field, each with its message below it (red error, amber warning)."""

    def __init__(
        self, ctx: AppContext, towns: list[TownView], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._towns = towns
        self.enterprise_id: int | None = None
        self._stored: dict[str, Any] = blank_values()
        form = QFormLayout(self)
        self.inputs: dict[str, Any] = {}
        self.boxes: dict[str, FieldBox] = {}
        for key in EDITABLE:
            widget = self._input_for(key)
            self.inputs[key] = widget
            self.boxes[key] = FieldBox(widget)
            form.addRow(self.tr(FIELD_LABELS[key]), self.boxes[key])
        self.inputs["uscc"].textChanged.connect(self.check_uscc)
        self.inputs["name"].editingFinished.connect(self.check_name)

    def _input_for(self, key: str) -> QWidget:
        if key == "town_id":
            combo = QComboBox()
            combo.addItem(self.tr("（未填）"), NO_VALUE)
            for t in self._towns:
                combo.addItem(t.name, t.id)
            return combo
        if key == "founded_on":
            return OptionalDateEdit()
        if key == "above_scale":
            return QCheckBox(self.tr("规上工业企业"))
        edit = QLineEdit()
        if key == "uscc":
            edit.setMaxLength(24)
            edit.setPlaceholderText(self.tr("18位代码"))
        return edit

    # ----- values -----

    def load(self, stored: dict[str, Any], enterprise_id: int | None) -> None:
        """Show the stored fields of an enterprise (blank_values() for a new one)."""
        self._stored = stored
        self.enterprise_id = enterprise_id
        for key, widget in self.inputs.items():
            value = stored.get(key)
            if key == "town_id":
                widget.setCurrentIndex(
                    max(0, widget.findData(NO_VALUE if value is None else value))
                )
            elif key == "founded_on":
                widget.set_value(value)
            elif key == "above_scale":
                widget.setChecked(bool(value))
            else:
                widget.setText(value or "")
        self.clear_messages()

    def form_values(self) -> dict[str, Any]:
        """The fields as typed."""
        out: dict[str, Any] = {}
        for key, widget in self.inputs.items():
            if key == "town_id":
                town = widget.currentData()
                out[key] = None if town == NO_VALUE else town
            elif key == "founded_on":
                out[key] = widget.value()
            elif key == "above_scale":
                out[key] = widget.isChecked()
            else:
                out[key] = widget.text().strip() or None
        return out

    def changed_fields(self) -> dict[str, Any]:
        """Fields that differ from the stored enterprise."""
        now = self.form_values()
        return {k: v for k, v in now.items() if v != self._stored.get(k)}

    def clear_messages(self) -> None:
        """No message under any field."""
        for box in self.boxes.values():
            box.clear()

    def show_error(self, field: str, text: str) -> None:
        """A red message under this field, and the focus on it."""
        box = self.boxes[field]
        box.show_error(text)
        box.editor.setFocus()

    # ----- live checks -----

    @Slot()
    def check_uscc(self) -> None:
        """Say which character is wrong, or the length, as the code is typed."""
        text = self.inputs["uscc"].text().strip()
        box = self.boxes["uscc"]
        if not text:
            box.clear()
            return
        checked = validate_uscc(text)
        if checked.errors:
            box.show_error("；".join(checked.errors))
            return
        owner = self._owner_of(checked.value or "")
        if owner:
            box.show_warning(self.tr("该代码已属于：{name}").format(name=owner))
        else:
            box.show_warning("；".join(checked.warnings))

    def _owner_of(self, uscc: str) -> str | None:
        with self._ctx.session() as s:
            found = enterprises.find_by_uscc(s, uscc)
            if found is None or found == self.enterprise_id:
                return None
            return enterprises.get(s, found).name

    @Slot()
    def check_name(self) -> None:
        """Warn (amber) when a live enterprise has a very close name."""
        name = self.inputs["name"].text().strip()
        if not name or not self.isVisible():  # the editor closing takes the focus away: no check
            return
        with self._ctx.session() as s:
            close = enterprises.similar_names(s, name, self.enterprise_id)
        if close:
            text = self.tr("已有名称相近的企业：{names}").format(names="、".join(close[:3]))
            self.boxes["name"].show_warning(text)
        else:
            self.boxes["name"].clear()
