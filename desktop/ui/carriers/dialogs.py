"""The dialogs of 孵化载体: a carrier, an incubatee, an exit (毕业/离孵) and a year's operation data."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from db.rules.years import FIRST_PLAN_YEAR
from db.services import carriers
from db.services.towns import list_towns
from desktop.operations import Operation
from desktop.ui.common.fields import NumberEdit, OptionalDateEdit
from desktop.ui.common.forms import FormDialog, choice_row, combo, select_data
from desktop.ui.common.picker import EnterprisePicker
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import TaskHandle


def _text(widget: QLineEdit, value: object) -> None:
    widget.setText("" if value is None else str(value))


class CarrierDialog(FormDialog):
    """Create or edit a carrier."""

    def __init__(self, ctx: AppContext, carrier_id: int | None, parent: QWidget | None = None):
        title = "新建孵化载体" if carrier_id is None else "编辑孵化载体"
        super().__init__(ctx, title, parent, carrier_id)
        with ctx.session() as s:
            towns = list_towns(s)
            view = carriers.get_carrier(s, carrier_id) if carrier_id else None
        self.add_field("name", "载体名称", QLineEdit())
        self.add_field("kind", "类型", combo([("请选择", None), *[(k, k) for k in carriers.KINDS]]))
        self.add_field("level", "级别", combo([("未填", None), *[(v, v) for v in carriers.LEVELS]]))
        self.add_field("recognized_year", "认定年份", NumberEdit(integer=True))
        self.add_field("operator", "运营主体", QLineEdit())
        self.add_field(
            "town_id", "所属镇街", combo([("未填", None), *[(t.name, t.id) for t in towns]])
        )
        self.add_field("address", "地址", QLineEdit())
        self.add_field("area", "场地面积（m²）", NumberEdit())
        self.add_field("stations", "工位数（个）", NumberEdit(integer=True))
        self.add_field("contact", "联系人", QLineEdit())
        self.add_field("phone", "联系电话", QLineEdit())
        self.add_field("note", "备注", QLineEdit())
        if view is not None:
            self._show(view)
        self.remember_initial()

    def _show(self, view: carriers.CarrierView) -> None:
        self.version = view.version
        for key in ("name", "operator", "address", "contact", "phone", "note"):
            _text(self.widget(key), getattr(view, key))
        for key in ("kind", "level", "town_id"):
            select_data(self.widget(key), getattr(view, key))
        for key in ("recognized_year", "area", "stations"):
            self.widget(key).set_value(getattr(view, key))

    def load_current(self) -> None:
        """The carrier as it is stored now (another desk changed it)."""
        if self.record_id is not None:
            with self._ctx.session() as s:
                self._show(carriers.get_carrier(s, self.record_id))

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """Required name and kind, then the service's own checks."""
        found = carriers.carrier_problems(values)
        if not values.get("name"):
            found["name"] = self.tr("载体名称不能为空")
        if not values.get("kind"):
            found.setdefault("kind", self.tr("请选择载体类型"))
        return found

    def operation(self, values: dict[str, Any]) -> Operation[object]:
        """Create, or update the changed fields."""
        if self.record_id is None:
            return partial(carriers.create_carrier, values=values, operator=self._ctx.operator)
        return partial(
            carriers.update_carrier,
            carrier_id=self.record_id,
            values=self.changed_values(values),
            operator=self._ctx.operator,
            expected_version=self.version,
        )


class IncubateeDialog(FormDialog):
    """Add an incubatee (an enterprise of the roster — searched or created — or a team), or edit."""

    def __init__(
        self,
        ctx: AppContext,
        carrier_id: int,
        incubatee_id: int | None = None,
        parent: QWidget | None = None,
    ):
        title = "添加在孵企业/团队" if incubatee_id is None else "编辑在孵记录"
        super().__init__(ctx, title, parent, incubatee_id)
        self.setMinimumWidth(560)
        self._carrier_id = carrier_id
        self._mode_row()
        self.picker = EnterprisePicker(ctx)
        self.add_field("enterprise_id", "名录企业", self.picker)
        self.add_field("team_name", "团队名称", QLineEdit())
        entered = OptionalDateEdit()
        entered.set_value(date.today())
        self.add_field("entered_on", "入孵日期", entered)
        self.add_field("investment", "获天使/创投投资（万元）", NumberEdit())
        self.add_field("listed", "兼并/收购/上市", QCheckBox(self.tr("已被兼并、收购或上市")))
        self.add_field("note", "备注", QLineEdit())
        if incubatee_id is not None:
            self._load(incubatee_id)
        self._mode_changed()
        self.remember_initial()

    def _mode_row(self) -> None:
        self.as_enterprise, self.as_team = choice_row(
            self, self.tr("入孵对象"), self.tr("名录中的企业"), self.tr("创业团队")
        )
        self.as_team.toggled.connect(self._mode_changed)

    def _load(self, incubatee_id: int) -> None:
        with self._ctx.session() as s:
            view = carriers.get_incubatee(s, incubatee_id)
        self.version = view.version
        self._exit = (view.exited_on, view.exit_kind)
        if view.enterprise_id is not None:
            self.picker.set_value(view.enterprise_id, view.name)
        else:
            self.as_team.setChecked(True)
            _text(self.widget("team_name"), view.team_name)
        self.widget("entered_on").set_value(view.entered_on)
        self.widget("investment").set_value(view.investment)
        self.widget("listed").setChecked(view.listed)
        _text(self.widget("note"), view.note)

    def load_current(self) -> None:
        """The incubatee as it is stored now (another desk changed it)."""
        if self.record_id is not None:
            self._load(self.record_id)
            self._mode_changed()

    @Slot()
    def _mode_changed(self) -> None:
        team = self.as_team.isChecked()
        self.boxes["enterprise_id"].setVisible(not team)
        self.boxes["team_name"].setVisible(team)
        for key, shown in (("enterprise_id", not team), ("team_name", team)):
            label = self.form.labelForField(self.boxes[key])
            if label is not None:
                label.setVisible(shown)
        self.validate()

    def values(self) -> dict[str, Any]:
        """Only the picked enterprise or the team name, by the chosen mode."""
        values = super().values()
        if getattr(self, "as_team", None) is not None and self.as_team.isChecked():
            values["enterprise_id"] = None
        else:
            values["team_name"] = None
        return values

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """Missing enterprise/team, dates and amounts, as the service checks them."""
        if getattr(self, "as_team", None) is None:
            return {}
        found = carriers.incubatee_problems(values | self._exit_values())
        if "" in found:
            found["entered_on"] = found.pop("")
        if "enterprise_id" in found and self.as_team.isChecked():
            found["team_name"] = self.tr("请填写团队名称")
            del found["enterprise_id"]
        elif "enterprise_id" in found:
            found["enterprise_id"] = self.tr("请在名录中搜索并选择企业（没有的可新建）")
        return found

    def _exit_values(self) -> dict[str, Any]:
        exit_on, kind = getattr(self, "_exit", (None, None))
        return {"exited_on": exit_on, "exit_kind": kind}

    def operation(self, values: dict[str, Any]) -> Operation[object]:
        """Add the incubatee, or update the changed fields."""
        if self.record_id is None:
            return partial(
                carriers.add_incubatee,
                carrier_id=self._carrier_id,
                values=values,
                operator=self._ctx.operator,
            )
        return partial(
            carriers.update_incubatee,
            incubatee_id=self.record_id,
            values=self.changed_values(values),
            operator=self._ctx.operator,
            expected_version=self.version,
        )


class ExitDialog(FormDialog):
    """毕业/离孵: the exit date and kind of an incubatee (today and 毕业 proposed)."""

    def __init__(self, ctx: AppContext, incubatee_id: int, parent: QWidget | None = None):
        super().__init__(ctx, "毕业/离孵", parent, incubatee_id)
        self._incubatee_id = incubatee_id
        with ctx.session() as s:
            self._view = carriers.get_incubatee(s, incubatee_id)
        self.version = self._view.version
        self.form.addRow(self.tr("在孵对象"), QLabel(self._view.name))
        self.form.addRow(self.tr("入孵日期"), QLabel(self._view.entered_on.isoformat()))
        on = OptionalDateEdit()
        on.set_value(self._view.exited_on or date.today())
        self.add_field("exited_on", "离孵日期", on)
        kinds = combo([(k, k) for k in carriers.EXIT_KINDS])
        select_data(kinds, self._view.exit_kind or carriers.GRADUATED)
        self.add_field("exit_kind", "离孵方式", kinds)
        self.remember_initial()

    def load_current(self) -> None:
        """The incubatee's stored exit (another desk changed the record)."""
        with self._ctx.session() as s:
            self._view = carriers.get_incubatee(s, self._incubatee_id)
        self.version = self._view.version
        self.widget("exited_on").set_value(self._view.exited_on or date.today())
        select_data(self.widget("exit_kind"), self._view.exit_kind or carriers.GRADUATED)

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """Exit date required, not before entry."""
        on = values.get("exited_on")
        if on is None:
            return {"exited_on": self.tr("请填写离孵日期")}
        if on < self._view.entered_on:
            return {"exited_on": self.tr("离孵日期不能早于入孵日期")}
        return {}

    @Slot()
    def save(self) -> TaskHandle[object] | None:
        """保存; a graduation that no route supports (暂不满足) asks first — 取消 keeps the
        dialog open as it is."""
        values = self.values()
        on = values.get("exited_on")
        if values.get("exit_kind") == carriers.GRADUATED and on is not None and self.validate():
            with self._ctx.session() as s:
                check = carriers.incubatee_graduation_check(s, self._incubatee_id, on)
            if not check.eligible and not self._confirm_graduation():
                return None
        return super().save()

    def _confirm_graduation(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("暂不满足毕业条件"),
            self.tr(
                "“{name}”暂不满足毕业条件：未认定为高新技术企业，获投资不足500万元，"
                "没有连续两年营业收入累计超过1000万元，也未被兼并、收购或上市。\n"
                "仍要登记为毕业吗？"
            ).format(name=self._view.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def operation(self, values: dict[str, Any]) -> Operation[object]:
        """Record the exit."""
        return partial(
            carriers.exit_incubatee,
            incubatee_id=self._incubatee_id,
            on=values["exited_on"],
            kind=values["exit_kind"],
            operator=self._ctx.operator,
            expected_version=self.version,
        )


YEAR_INPUTS = (
    ("incubatees_reported", "在孵企业数（填报）", True),
    ("graduates_reported", "毕业企业数（填报）", True),
    ("new_enterprises", "新增在孵数（填报）", True),
    ("jobs", "吸纳就业人数", True),
    ("financing", "获融资额", False),
    ("events", "服务活动场次", True),
)


class YearDialog(FormDialog):
    """A carrier's operation data of one year; the records' figures are shown beside."""

    def __init__(
        self,
        ctx: AppContext,
        carrier_id: int,
        year: int | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(ctx, "年度运营数据", parent, carrier_id)
        self._carrier_id = carrier_id
        self.year = QSpinBox()
        self.year.setRange(FIRST_PLAN_YEAR, date.today().year)
        self.year.setValue(year or date.today().year)
        self.form.addRow(self.tr("年度"), self.year)
        self.computed = QLabel()
        self.computed.setObjectName("hint")
        self.form.addRow(self.tr("记录统计"), self.computed)
        self.unit = combo([("万元", "万元"), ("千元（火炬统计）", "千元")])
        self.converted = QLabel()
        self.converted.setObjectName("hint")
        for key, label, integer in YEAR_INPUTS:
            self.add_field(key, label, NumberEdit(integer=integer))
            if key == "financing":
                self.form.addRow(self.tr("融资额单位"), self.unit)
                self.form.addRow("", self.converted)
        self.unit.currentIndexChanged.connect(self._unit_changed)
        grades = [("未评价", None), *[(f"{n}（{c}）", c) for c, n in carriers.GRADES.items()]]
        self.add_field("grade", "评价结果", combo(grades))
        self.year.valueChanged.connect(self._load)
        self._load()

    @Slot()
    def _load(self) -> None:
        with self._ctx.session() as s:
            view = carriers.carrier_year(s, self._carrier_id, self.year.value())
        self.version = view.version
        self.computed.setText(
            self.tr("在孵 {i} 个，毕业 {g} 个，新增 {n} 个（按在孵记录计算）").format(
                i=view.incubatees_computed, g=view.graduates_computed, n=view.new_computed
            )
        )
        for key, _label, _int in YEAR_INPUTS:
            self.widget(key).set_value(getattr(view, key))
        select_data(self.unit, "万元")
        select_data(self.widget("grade"), view.grade)
        self.remember_initial()

    def load_current(self) -> None:
        """The year's figures as they are stored now (another desk changed them)."""
        self._load()

    @Slot()
    def _unit_changed(self) -> None:
        self.validate()

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """Numbers not negative; show the 千元 → 万元 conversion."""
        found: dict[str, str] = {}
        for key, label, _int in YEAR_INPUTS:
            value = values.get(key)
            if isinstance(value, str):
                found[key] = self.tr("{l}应为数字").format(l=label)
            elif value is not None and value < 0:
                found[key] = self.tr("不能为负数")
        money = values.get("financing")
        if self.unit.currentData() == "千元" and isinstance(money, (int, float)):
            wan = carriers.thousand_yuan_to_wan(float(money))
            self.converted.setText(self.tr("融资额 {k:g} 千元 = {w:g} 万元").format(k=money, w=wan))
        else:
            self.converted.setText(self.tr("融资额以万元保存"))
        return found

    def operation(self, values: dict[str, Any]) -> Operation[object]:
        """Save the year's figures (financing converted from 千元 when chosen)."""
        return partial(
            carriers.set_carrier_year,
            carrier_id=self._carrier_id,
            year=self.year.value(),
            values=values,
            operator=self._ctx.operator,
            financing_unit=self.unit.currentData(),
            expected_version=self.version,
        )
