"""The three editors: a commissioner, a demand, a dispatch."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QCompleter, QLineEdit, QPlainTextEdit, QWidget

from db.services.commissioners import demands, dispatches, roster
from db.services.commissioners.common import KINDS, LEVELS, REQUESTER_KINDS, STATUSES
from db.services.commissioners.operations import save_commissioner, save_demand
from db.services.towns import list_towns
from desktop.operations import Operation
from desktop.ui.commissioners.dialogs import (
    RecordDialog,
    combo,
    date_edit,
    py_date,
    select_data,
    spin_year,
    year_spin,
)
from desktop.ui.shell.context import AppContext


def _towns(ctx: AppContext, blank: str) -> QComboBox:
    with ctx.session() as s:
        towns = list_towns(s)
    return combo([(blank, None), *((t.name, t.id) for t in towns)])


class CommissionerEditor(RecordDialog):
    """New or existing commissioner; the kind decides what is required (ID, unit, contact)."""

    TEXT_FIELDS = (
        ("name", "姓名/名称"),
        ("id_number", "身份证号码"),
        ("phone", "联系电话"),
        ("unit", "派出单位"),
        ("contact_person", "联系人"),
        ("title", "职称"),
        ("field", "专业领域"),
    )

    def __init__(
        self, ctx: AppContext, commissioner_id: int | None, parent: QWidget | None = None
    ) -> None:
        title = "新建科技特派员" if commissioner_id is None else "编辑科技特派员"
        super().__init__(ctx, title, parent)
        self.commissioner_id = commissioner_id
        self.add_field("kind", "类型", combo([(k, k) for k in KINDS]))
        self.add_field("level", "级别", combo([("", None), *((v, v) for v in LEVELS)]))
        for key, label in self.TEXT_FIELDS:
            self.add_field(key, label, QLineEdit())
        self.add_field("gender", "性别", combo([("", None), ("男", "男"), ("女", "女")]))
        self.add_field("first_year", "首次选派年度", year_spin(None))
        self.add_field("status", "状态", combo([(v, v) for v in STATUSES]))
        self.add_field("note", "备注", QLineEdit())
        self.fields["kind"].currentIndexChanged.connect(self._kind_changed)  # type: ignore[attr-defined]
        if commissioner_id is not None:
            self._load(commissioner_id)
        self._kind_changed()
        self.dirty = False
        self.revalidate()

    def _load(self, commissioner_id: int) -> None:
        with self._ctx.session() as s:
            v = roster.get(s, commissioner_id)
        self.version = v.version
        for key in ("kind", "level", "gender", "status"):
            select_data(self.fields[key], getattr(v, key))  # type: ignore[arg-type]
        for key, _label in self.TEXT_FIELDS:
            self.fields[key].setText(getattr(v, key) or "")  # type: ignore[attr-defined]
        if not self._ctx.allowed("edit"):  # a read-only viewer sees the ID masked (domain.md)
            self.fields["id_number"].setText(v.masked_id or "")  # type: ignore[attr-defined]
        self.fields["note"].setText(v.note or "")  # type: ignore[attr-defined]
        if v.first_year is not None:
            self.fields["first_year"].setValue(v.first_year)  # type: ignore[attr-defined]
        self.remember_loaded()

    def load_current(self) -> None:
        """The commissioner as stored now (another desk changed it)."""
        if self.commissioner_id is not None:
            self._load(self.commissioner_id)
            self._kind_changed()

    def _kind_changed(self) -> None:
        person = self.data("kind") == "个人"
        self.fields["id_number"].setEnabled(person)
        self.fields["contact_person"].setEnabled(self.data("kind") == "法人" or not person)
        self.fields["gender"].setEnabled(not person)

    def values(self) -> dict[str, Any]:
        """The form as the services' field → value map."""
        out: dict[str, Any] = {k: self.text(k) or None for k, _l in self.TEXT_FIELDS}
        out |= {k: self.data(k) for k in ("kind", "level", "gender", "status")}
        out["note"] = self.text("note") or None
        out["first_year"] = spin_year(self.fields["first_year"])  # type: ignore[arg-type]
        if out["kind"] == "个人":
            out["gender"] = None  # derived from the ID number
        else:
            out["id_number"] = None
        return out

    def check(self) -> tuple[dict[str, str], tuple[str, ...]]:
        checked = roster.check(self.values())
        person = checked.values.get("kind") == "个人"
        if person and checked.values.get("gender"):
            select_data(self.fields["gender"], checked.values["gender"])  # type: ignore[arg-type]
        return checked.errors, checked.warnings

    def operation(self) -> Operation[int]:
        return partial(
            save_commissioner,
            commissioner_id=self.commissioner_id,
            values=self.values(),
            operator=self._ctx.operator,
            expected_version=self.version,
        )


class DemandEditor(RecordDialog):
    """New or existing demand of the library (status changes are separate buttons)."""

    def __init__(
        self, ctx: AppContext, demand_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, "新建需求" if demand_id is None else "编辑需求", parent)
        self.demand_id = demand_id
        self.add_field("requester", "需求方", QLineEdit())
        self.add_field("requester_kind", "需求方类型", combo([(k, k) for k in REQUESTER_KINDS]))
        self.add_field("town_id", "所属镇街", _towns(ctx, "（未注明）"))
        self.add_field("field", "需求领域", QLineEdit())
        problem = QPlainTextEdit()
        problem.setFixedHeight(80)
        problem.setTabChangesFocus(True)
        self.add_field("problem", "需求内容", problem)
        self.add_field("raised_on", "提出日期", date_edit())
        self.add_field("note", "备注", QLineEdit())
        if demand_id is not None:
            self._load(demand_id)
        self.dirty = False
        self.revalidate()

    def _load(self, demand_id: int) -> None:
        with self._ctx.session() as s:
            d = demands.get(s, demand_id)
        self.version = d.version
        self.fields["requester"].setText(d.requester)  # type: ignore[attr-defined]
        select_data(self.fields["requester_kind"], d.requester_kind)  # type: ignore[arg-type]
        select_data(self.fields["town_id"], d.town_id)  # type: ignore[arg-type]
        self.fields["field"].setText(d.field or "")  # type: ignore[attr-defined]
        self.fields["problem"].setPlainText(d.problem)  # type: ignore[attr-defined]
        self.fields["raised_on"].setDate(d.raised_on)  # type: ignore[attr-defined]
        self.fields["note"].setText(d.note or "")  # type: ignore[attr-defined]
        self.remember_loaded()

    def load_current(self) -> None:
        """The demand as stored now (another desk changed it)."""
        if self.demand_id is not None:
            self._load(self.demand_id)

    def values(self) -> dict[str, Any]:
        """The form as the services' field → value map."""
        return {
            "requester": self.text("requester"),
            "requester_kind": self.data("requester_kind"),
            "town_id": self.data("town_id"),
            "field": self.text("field") or None,
            "problem": self.text("problem"),
            "raised_on": py_date(self.fields["raised_on"]),  # type: ignore[arg-type]
            "note": self.text("note") or None,
        }

    def check(self) -> tuple[dict[str, str], tuple[str, ...]]:
        return demands.check(self.values())[1], ()

    def operation(self) -> Operation[int]:
        return partial(
            save_demand,
            demand_id=self.demand_id,
            values=self.values(),
            operator=self._ctx.operator,
            expected_version=self.version,
        )


class DispatchDialog(RecordDialog):
    """A new dispatch, or a stored one corrected (`dispatch_id`: its target, town, period and
    三方协议; the commissioner stays); the target is an enterprise of the roster or any unit."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        commissioner_id: int | None = None,
        demand_id: int | None = None,
        dispatch_id: int | None = None,
    ) -> None:
        super().__init__(ctx, "新建选派结对" if dispatch_id is None else "编辑选派结对", parent)
        self.demand_id = demand_id
        self.dispatch_id = dispatch_id
        with ctx.session() as s:
            people = roster.search(s, roster.CommissionerFilter())
            self._enterprises = {name: eid for eid, name in dispatches.enterprise_choices(s)}
            demand = demands.get(s, demand_id) if demand_id is not None else None
        self.add_field(
            "commissioner_id",
            "科技特派员",
            combo([("", None)] + [(f"{p.name}（{p.field or p.kind}）", p.id) for p in people]),
        )
        target = QComboBox()
        target.setEditable(True)
        target.addItems(sorted(self._enterprises))
        target.setCurrentText("")
        completer = QCompleter(sorted(self._enterprises), target)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        target.setCompleter(completer)
        line = target.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("名录中的企业，或合作社、村等单位名称"))
        self.add_field("target", "服务对象", target)
        target.editTextChanged.connect(self._changed)
        self.add_field("town_id", "服务镇街", _towns(ctx, "（未注明）"))
        self.add_field("start_on", "开始日期", date_edit())
        has_end = QCheckBox(self.tr("有结束日期"))
        self.add_field("has_end", "", has_end)
        self.add_field("end_on", "结束日期", date_edit(date(date.today().year, 12, 31)))
        self.add_field("agreement", "", QCheckBox(self.tr("已签订三方协议")))
        has_end.toggled.connect(self.fields["end_on"].setEnabled)
        self.fields["end_on"].setEnabled(False)
        select_data(self.fields["commissioner_id"], commissioner_id)  # type: ignore[arg-type]
        if dispatch_id is not None:
            self._load(dispatch_id)
            self.fields["commissioner_id"].setEnabled(False)  # the records hang under them
        elif demand is not None:
            target.setCurrentText(demand.requester)
            select_data(self.fields["town_id"], demand.town_id)  # type: ignore[arg-type]
            self.form.insertRow(0, self.tr("对接需求"), QLineEdit(demand.problem, readOnly=True))
        self.dirty = False
        self.revalidate()

    def _load(self, dispatch_id: int) -> None:
        with self._ctx.session() as s:
            d = dispatches.get(s, dispatch_id)
        self.version = d.version
        select_data(self.fields["commissioner_id"], d.commissioner_id)  # type: ignore[arg-type]
        self.fields["target"].setCurrentText(d.target_name)  # type: ignore[attr-defined]
        select_data(self.fields["town_id"], d.town_id)  # type: ignore[arg-type]
        self.fields["start_on"].setDate(d.start_on)  # type: ignore[attr-defined]
        self.fields["has_end"].setChecked(d.end_on is not None)  # type: ignore[attr-defined]
        if d.end_on is not None:
            self.fields["end_on"].setDate(d.end_on)  # type: ignore[attr-defined]
        self.fields["agreement"].setChecked(d.agreement)  # type: ignore[attr-defined]
        self.remember_loaded()

    def load_current(self) -> None:
        """The dispatch as stored now (another desk changed it)."""
        if self.dispatch_id is not None:
            self._load(self.dispatch_id)

    def target(self) -> int | str:
        """The roster enterprise's id when the name is one, else the name typed."""
        name = self.text("target")
        return self._enterprises.get(name, name)

    def check(self) -> tuple[dict[str, str], tuple[str, ...]]:
        errors: dict[str, str] = {}
        if self.data("commissioner_id") is None and self.dispatch_id is None:
            errors["commissioner_id"] = "请选择科技特派员"
        if not self.text("target"):
            errors["target"] = "请填写服务对象"
        end = self._end_on()
        if end is not None and end < py_date(self.fields["start_on"]):  # type: ignore[arg-type]
            errors["end_on"] = "结束日期不能早于开始日期"
        warnings = (
            ()
            if isinstance(self.target(), int) or not self.text("target")
            else ("服务对象不在企业名录中，将按单位名称记录",)
        )
        return errors, warnings

    def _end_on(self) -> date | None:
        if not self.fields["has_end"].isChecked():  # type: ignore[attr-defined]
            return None
        return py_date(self.fields["end_on"])  # type: ignore[arg-type]

    def operation(self) -> Operation[int]:
        if self.dispatch_id is not None:
            return partial(
                dispatches.update_dispatch,
                dispatch_id=self.dispatch_id,
                target=self.target(),
                town_id=self.data("town_id"),
                start_on=py_date(self.fields["start_on"]),  # type: ignore[arg-type]
                end_on=self._end_on(),
                agreement=self.fields["agreement"].isChecked(),  # type: ignore[attr-defined]
                operator=self._ctx.operator,
                expected_version=self.version,
            )
        return partial(
            dispatches.dispatch,
            commissioner_id=self.data("commissioner_id"),
            target=self.target(),
            town_id=self.data("town_id"),
            start_on=py_date(self.fields["start_on"]),  # type: ignore[arg-type]
            end_on=self._end_on(),
            agreement=self.fields["agreement"].isChecked(),  # type: ignore[attr-defined]
            demand_id=self.demand_id,
            operator=self._ctx.operator,
        )
