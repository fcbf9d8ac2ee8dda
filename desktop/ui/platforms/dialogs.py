"""The platform editor: kind, level, host picked from the roster or typed, year, department."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLineEdit, QWidget

from db.services import platforms
from db.services.towns import list_towns
from desktop.operations import Operation
from desktop.ui.common.fields import NumberEdit
from desktop.ui.common.forms import FormDialog, choice_row, combo, select_data
from desktop.ui.common.picker import EnterprisePicker
from desktop.ui.shell.context import AppContext


class PlatformDialog(FormDialog):
    """Create or edit an innovation platform."""

    def __init__(self, ctx: AppContext, platform_id: int | None, parent: QWidget | None = None):
        title = "新建创新平台" if platform_id is None else "编辑创新平台"
        super().__init__(ctx, title, parent, platform_id)
        self.setMinimumWidth(560)
        with ctx.session() as s:
            towns = list_towns(s)
            view = platforms.get_platform(s, platform_id) if platform_id else None
        self.add_field("name", "平台名称", QLineEdit())
        self.add_field(
            "kind", "平台类型", combo([("请选择", None), *[(k, k) for k in platforms.KINDS]])
        )
        self.add_field(
            "level", "级别", combo([("请选择", None), *[(v, v) for v in platforms.LEVELS]])
        )
        self._host_row()
        self.picker = EnterprisePicker(ctx)
        self.add_field("host_enterprise_id", "依托企业", self.picker)
        self.add_field("host_name", "依托单位名称", QLineEdit())
        self.add_field("recognized_year", "认定年份", NumberEdit(integer=True))
        self.add_field("department", "认定部门", QLineEdit())
        self.add_field(
            "town_id", "所属镇街", combo([("未填", None), *[(t.name, t.id) for t in towns]])
        )
        self.add_field("note", "备注", QLineEdit())
        if view is not None:
            self._show(view)
        self._host_changed()
        self.remember_initial()

    def _host_row(self) -> None:
        self.host_enterprise, self.host_other = choice_row(
            self, self.tr("依托主体"), self.tr("名录中的企业"), self.tr("其他单位（高校、院所等）")
        )
        self.host_other.toggled.connect(self._host_changed)

    def _show(self, view: platforms.PlatformView) -> None:
        self.version = view.version
        for key in ("name", "department", "note"):
            self.widget(key).setText(getattr(view, key) or "")
        for key in ("kind", "level", "town_id"):
            select_data(self.widget(key), getattr(view, key))
        self.widget("recognized_year").set_value(view.recognized_year)
        if view.host_enterprise_id is not None:
            self.picker.set_value(view.host_enterprise_id, view.host_name)
        else:
            self.host_other.setChecked(True)
            self.widget("host_name").setText(view.host_name)

    def load_current(self) -> None:
        """The platform as it is stored now (another desk changed it)."""
        if self.record_id is not None:
            with self._ctx.session() as s:
                view = platforms.get_platform(s, self.record_id)
            self.host_enterprise.setChecked(True)  # _show picks 其他单位 when the host is one
            self._show(view)
            self._host_changed()

    @Slot()
    def _host_changed(self) -> None:
        other = self.host_other.isChecked()
        for key, shown in (("host_enterprise_id", not other), ("host_name", other)):
            self.boxes[key].setVisible(shown)
            label = self.form.labelForField(self.boxes[key])
            if label is not None:
                label.setVisible(shown)
        self.validate()

    def values(self) -> dict[str, Any]:
        """The picked enterprise or the typed host name, by the chosen kind of host."""
        values = super().values()
        if getattr(self, "host_other", None) is not None and self.host_other.isChecked():
            values["host_enterprise_id"] = None
        else:
            values["host_name"] = None
        return values

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """Required fields, then the service's own checks."""
        if getattr(self, "host_other", None) is None:
            return {}
        found = platforms.platform_problems(values)
        if "host_name" in found and not self.host_other.isChecked():
            found["host_enterprise_id"] = self.tr("请在名录中搜索并选择依托企业")
            del found["host_name"]
        for key, message in (
            ("name", "平台名称不能为空"),
            ("kind", "请选择平台类型"),
            ("level", "请选择级别"),
        ):
            if not values.get(key):
                found.setdefault(key, self.tr(message))
        return found

    def operation(self, values: dict[str, Any]) -> Operation[object]:
        """Create, or update the changed fields (the host's two fields together)."""
        if self.record_id is None:
            return partial(platforms.create_platform, values=values, operator=self._ctx.operator)
        changed = self.changed_values(values)
        if "host_enterprise_id" in changed or "host_name" in changed:
            changed["host_enterprise_id"] = values["host_enterprise_id"]
            changed["host_name"] = values["host_name"]
        return partial(
            platforms.update_platform,
            platform_id=self.record_id,
            values=changed,
            operator=self._ctx.operator,
            expected_version=self.version,
        )
