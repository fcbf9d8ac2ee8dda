"""The enterprise editor: basic data, qualifications, yearly figures and history; one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.rules.identifiers import validate_uscc
from db.rules.validity import qualification_status, valid_from, valid_through
from db.services import audit, enterprises
from db.services.carriers import IncubationRecord, incubation_history
from db.services.enterprises import EDITABLE, YEAR_FIELDS, YearFigures, qualifications
from db.services.enterprises.qualifications import QualificationTypeView, QualificationView
from db.services.errors import DuplicateError, InputError
from db.services.platforms import PlatformView, platforms_of_enterprise
from db.services.settings import get_settings
from db.services.towns import list_towns
from desktop.ui.common.fields import NO_VALUE, FieldBox, OptionalDateEdit
from desktop.ui.enterprises.subdialogs import QualificationDialog, RevokeDialog, YearDialog
from desktop.ui.shell.context import AppContext

FIELD_LABELS = {
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "town_id": "所属镇街",
    "address": "注册地址",
    "founded_on": "成立日期",
    "industry": "行业类别",
    "legal_rep": "法定代表人",
    "contact": "联系人",
    "phone": "联系电话",
    "above_scale": "是否规上工业企业",
    "note": "备注",
    "revenue": "营业收入",
    "rd_expense": "研发费用",
    "employees": "从业人员数",
    "rd_staff": "研发人员数",
    "rd_activity": "研发活动",
    "rd_institution": "研发机构",
    "number": "编号",
    "issued_on": "发证日期",
    "evaluation_year": "评价年度",
    "revoked_on": "撤销日期",
    "revoke_reason": "撤销原因",
}
ACTION_LABELS = {
    "create": "新建",
    "delete": "删除",
    "restore": "恢复",
    "revoke": "撤销",
    "undo": "撤销导入",
}
TEXT_FIELDS = ("name", "uscc", "address", "industry", "legal_rep", "contact", "phone", "note")


@dataclass
class PendingQualification:
    """A qualification in the editor's working copy; saved with the enterprise."""

    id: int | None
    values: dict[str, Any]
    revoked_on: date | None = None
    revoke_reason: str | None = None
    stored: QualificationView | None = None
    edited: bool = False
    revoke: tuple[date, str] | None = None

    @property
    def pending(self) -> bool:
        """Whether saving has something to write for it."""
        return self.id is None or self.edited or self.revoke is not None


@dataclass
class WorkingCopy:
    quals: list[PendingQualification] = field(default_factory=list)
    years: dict[int, dict[str, Any]] = field(default_factory=dict)
    years_stored: dict[int, dict[str, Any]] = field(default_factory=dict)

    def changed_years(self) -> dict[int, dict[str, Any]]:
        """Years whose figures differ from the stored ones."""
        return {y: v for y, v in self.years.items() if self.years_stored.get(y) != v}


def _year_values(y: YearFigures) -> dict[str, Any]:
    return {k: getattr(y, k) for k in YEAR_FIELDS}


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _table(headers: list[str]) -> tuple[QTableView, QStandardItemModel]:
    model = QStandardItemModel(0, len(headers))
    model.setHorizontalHeaderLabels(headers)
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view, model


def _row(values: list[Any]) -> list[QStandardItem]:
    items = []
    for v in values:
        item = QStandardItem(_shown(v))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        items.append(item)
    return items


class EnterpriseEditor(QDialog):
    """Edit or create one enterprise; nothing is written until 保存, then in one transaction."""

    saved = Signal(int)

    def __init__(
        self, ctx: AppContext, enterprise_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._id = enterprise_id
        self.resize(900, 640)
        with ctx.session() as s:
            self._types = qualifications.list_types(s)
            self._towns = list_towns(s)
            settings = get_settings(s)
        self._warn_days = settings.expiry_warning_days
        self._province = settings.province_code
        self._last_day_included = settings.hte_last_day_included
        self._build()
        self._load()

    # ----- layout -----

    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(self._basic_tab(), self.tr("基本信息"))
        self.tabs.addTab(self._quals_tab(), self.tr("资质"))
        self.tabs.addTab(self._years_tab(), self.tr("年度数据"))
        self.history_view, self.history_model = _table(
            [self.tr(t) for t in ("时间", "操作人", "操作", "字段", "原值 → 新值", "导入文件")]
        )
        self.tabs.addTab(self._links_tab(), self.tr("孵化与平台"))
        self.tabs.addTab(self.history_view, self.tr("历史"))
        self.general_message = FieldBox(QWidget())
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton(
            self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_and_close)
        self.cancel_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.general_message)
        layout.addWidget(buttons)

    def _basic_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.inputs: dict[str, Any] = {}
        self.boxes: dict[str, FieldBox] = {}
        for key in EDITABLE:
            widget = self._input_for(key)
            self.inputs[key] = widget
            self.boxes[key] = FieldBox(widget)
            form.addRow(self.tr(FIELD_LABELS[key]), self.boxes[key])
        self.inputs["uscc"].textChanged.connect(self.check_uscc)
        self.inputs["name"].editingFinished.connect(self.check_name)
        return page

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

    def _quals_tab(self) -> QWidget:
        page = QWidget()
        headers = ["资质类型", "编号", "级别", "发证日期", "评价年度", "有效期至", "状态"]
        self.quals_view, self.quals_model = _table([self.tr(h) for h in headers])
        self.quals_view.doubleClicked.connect(self.edit_qualification)
        self.qual_buttons = {
            key: QPushButton(self.tr(text))
            for key, text in (("add", "添加"), ("edit", "修改"), ("revoke", "撤销"))
        }
        self.qual_buttons["add"].clicked.connect(self.add_qualification)
        self.qual_buttons["edit"].clicked.connect(self.edit_qualification)
        self.qual_buttons["revoke"].clicked.connect(self.revoke_qualification)
        return self._with_buttons(page, self.quals_view, self.qual_buttons.values())

    def _years_tab(self) -> QWidget:
        page = QWidget()
        headers = ["年度", "营业收入", "研发费用", "研发费用占比", "从业人员", "研发人员"]
        headers += ["研发活动", "研发机构"]
        self.years_view, self.years_model = _table([self.tr(h) for h in headers])
        self.years_view.doubleClicked.connect(self.edit_year)
        self.year_buttons = {
            key: QPushButton(self.tr(text)) for key, text in (("add", "添加"), ("edit", "修改"))
        }
        self.year_buttons["add"].clicked.connect(self.add_year)
        self.year_buttons["edit"].clicked.connect(self.edit_year)
        return self._with_buttons(page, self.years_view, self.year_buttons.values())

    @staticmethod
    def _with_buttons(page: QWidget, view: QWidget, buttons: Any) -> QWidget:
        row = QHBoxLayout()
        for b in buttons:
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(view, 1)
        return page

    def _links_tab(self) -> QWidget:
        """Where the enterprise was incubated and the innovation platforms it hosts (read-only)."""
        self.incubation_view, self.incubation_model = _table(
            [self.tr(t) for t in ("孵化载体", "载体类型", "入孵日期", "离孵日期", "离孵方式")]
        )
        self.platform_view, self.platform_model = _table(
            [self.tr(t) for t in ("平台名称", "平台类型", "级别", "认定年度", "认定部门")]
        )
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("孵化经历")))
        layout.addWidget(self.incubation_view, 1)
        layout.addWidget(QLabel(self.tr("依托本企业的创新平台")))
        layout.addWidget(self.platform_view, 1)
        return page

    def _show_links(self, incubations: list[IncubationRecord], hosted: list[PlatformView]) -> None:
        for model in (self.incubation_model, self.platform_model):
            model.removeRows(0, model.rowCount())
        for r in incubations:
            row = [r.carrier_name, r.carrier_kind, r.entered_on, r.exited_on, r.exit_kind]
            self.incubation_model.appendRow(_row(row))
        for p in hosted:
            self.platform_model.appendRow(
                _row([p.name, p.kind, p.level, p.recognized_year, p.department])
            )
        self.incubation_view.resizeColumnsToContents()
        self.platform_view.resizeColumnsToContents()

    # ----- loading -----

    def _load(self) -> None:
        self.work = WorkingCopy()
        self._stored: dict[str, Any] = {k: None for k in EDITABLE} | {"above_scale": False}
        if self._id is not None:
            with self._ctx.session() as s:
                view = enterprises.get(s, self._id)
                quals = qualifications.for_enterprise(s, self._id)
                history = self._history(s)
                incubations = incubation_history(s, self._id)
                hosted = platforms_of_enterprise(s, self._id)
            self._stored = {k: getattr(view, k) for k in EDITABLE}
            self.work.quals = [
                PendingQualification(q.id, self._qual_values(q), q.revoked_on, q.revoke_reason, q)
                for q in quals
            ]
            self.work.years_stored = {y.year: _year_values(y) for y in view.years}
            self.work.years = {y: dict(v) for y, v in self.work.years_stored.items()}
            self._show_history(history)
            self._show_links(incubations, hosted)
            self.setWindowTitle(self.tr("企业：{name}").format(name=view.name))
        else:
            self.setWindowTitle(self.tr("新建企业"))
        self._show_values(self._stored)
        self._show_quals()
        self._show_years()

    @staticmethod
    def _qual_values(q: QualificationView) -> dict[str, Any]:
        return {k: getattr(q, k) for k in qualifications.EDITABLE if k != "note"}

    def _show_values(self, values: dict[str, Any]) -> None:
        for key, widget in self.inputs.items():
            value = values.get(key)
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
        for box in self.boxes.values():
            box.clear()

    def form_values(self) -> dict[str, Any]:
        """The basic fields as typed."""
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
        """Basic fields that differ from the stored enterprise."""
        now = self.form_values()
        return {k: v for k, v in now.items() if v != self._stored.get(k)}

    def is_dirty(self) -> bool:
        """Whether closing now would lose something."""
        return bool(
            self.changed_fields()
            or any(q.pending for q in self.work.quals)
            or self.work.changed_years()
        )

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
            if found is None or found == self._id:
                return None
            return enterprises.get(s, found).name

    @Slot()
    def check_name(self) -> None:
        """Warn (amber) when a live enterprise has a very close name."""
        name = self.inputs["name"].text().strip()
        if not name:
            return
        with self._ctx.session() as s:
            close = enterprises.similar_names(s, name, self._id)
        if close:
            text = self.tr("已有名称相近的企业：{names}").format(names="、".join(close[:3]))
            self.boxes["name"].show_warning(text)
        else:
            self.boxes["name"].clear()

    # ----- qualifications -----

    def _type(self, type_id: int) -> QualificationTypeView:
        return next(t for t in self._types if t.id == type_id)

    def _through(self, q: PendingQualification) -> date | None:
        if q.stored is not None and not q.edited:
            return q.stored.valid_through
        t = self._type(q.values["type_id"])
        try:
            through = valid_through(
                t.rule, q.values.get("issued_on"), q.values.get("evaluation_year")
            )
        except ValueError:
            return None
        if through is not None and t.code == "high_tech" and not self._last_day_included:
            through = date.fromordinal(through.toordinal() - 1)
        return through

    def _status(self, q: PendingQualification) -> str:
        t = self._type(q.values["type_id"])
        revoked = q.revoke[0] if q.revoke else q.revoked_on
        try:
            start = valid_from(t.rule, q.values.get("issued_on"), q.values.get("evaluation_year"))
        except ValueError:
            return self.tr("缺少日期")
        status = qualification_status(
            date.today(), start, self._through(q), revoked, self._warn_days
        )
        return self.tr(status) + (self.tr("（未保存）") if q.pending else "")

    def _show_quals(self) -> None:
        self.quals_model.removeRows(0, self.quals_model.rowCount())
        for q in self.work.quals:
            v = q.values
            self.quals_model.appendRow(
                _row(
                    [
                        self._type(v["type_id"]).name,
                        v.get("number"),
                        v.get("level"),
                        v.get("issued_on"),
                        v.get("evaluation_year"),
                        self._through(q),
                        self._status(q),
                    ]
                )
            )
        self.quals_view.resizeColumnsToContents()

    def _current_qual(self) -> PendingQualification | None:
        row = self.quals_view.currentIndex().row()
        return self.work.quals[row] if 0 <= row < len(self.work.quals) else None

    def qualification_dialog(self, values: dict[str, Any] | None) -> QualificationDialog:
        """The dialog add/edit open (a method so tests can drive it)."""
        return QualificationDialog(self._types, self._province, values, self)

    @Slot()
    def add_qualification(self) -> None:
        """Add a qualification to the working copy."""
        dialog = self.qualification_dialog(None)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.work.quals.append(PendingQualification(None, dialog.values()))
            self._show_quals()

    @Slot()
    def edit_qualification(self) -> None:
        """Edit the selected qualification."""
        q = self._current_qual()
        if q is None:
            return
        dialog = self.qualification_dialog(q.values)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.values() != q.values:
            q.values = dialog.values()
            q.edited = q.id is not None
            self._show_quals()

    @Slot()
    def revoke_qualification(self) -> None:
        """Revoke (取消资格) the selected qualification from a date."""
        q = self._current_qual()
        if q is None:
            return
        dialog = RevokeDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            q.revoke = dialog.values()
            self._show_quals()

    # ----- years -----

    def _show_years(self) -> None:
        self.years_model.removeRows(0, self.years_model.rowCount())
        for year in sorted(self.work.years, reverse=True):
            v = self.work.years[year]
            ratio = YearFigures(year, v.get("revenue"), v.get("rd_expense")).rd_ratio
            self.years_model.appendRow(
                _row(
                    [
                        str(year),
                        v.get("revenue"),
                        v.get("rd_expense"),
                        f"{ratio:.2%}" if ratio is not None else "",
                        v.get("employees"),
                        v.get("rd_staff"),
                        v.get("rd_activity"),
                        v.get("rd_institution"),
                    ]
                )
            )
        self.years_view.resizeColumnsToContents()

    def year_dialog(self, values: dict[str, Any] | None) -> YearDialog:
        """The dialog add/edit of a year open (a method so tests can drive it)."""
        return YearDialog(values, self)

    @Slot()
    def add_year(self) -> None:
        """Add (or replace) one year's figures in the working copy."""
        dialog = self.year_dialog(None)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            self.work.years[values.pop("year")] = values
            self._show_years()

    @Slot()
    def edit_year(self) -> None:
        """Edit the selected year's figures."""
        row = self.years_view.currentIndex().row()
        years = sorted(self.work.years, reverse=True)
        if not 0 <= row < len(years):
            return
        year = years[row]
        dialog = self.year_dialog({"year": year} | self.work.years[year])
        if dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            self.work.years[values.pop("year")] = values
            self._show_years()

    # ----- history -----

    def _history(self, s: Any) -> list[audit.AuditView]:
        assert self._id is not None
        entries = audit.history(s, enterprises.ENTITY, self._id)
        for q in qualifications.for_enterprise(s, self._id):
            entries += audit.history(s, qualifications.ENTITY, q.id)
        return sorted(entries, key=lambda e: e.at, reverse=True)

    def _show_history(self, entries: list[audit.AuditView]) -> None:
        self.history_model.removeRows(0, self.history_model.rowCount())
        for e in entries:
            name = e.field or ""
            prefix, _, last = name.rpartition(".")
            label = (prefix + "年" if prefix else "") + FIELD_LABELS.get(last, last)
            change = "" if e.field is None else f"{_shown(e.old_value)} → {_shown(e.new_value)}"
            action = ACTION_LABELS.get(e.action, "修改")
            self.history_model.appendRow(
                _row(
                    [
                        e.at.strftime("%Y-%m-%d %H:%M"),
                        e.operator,
                        self.tr(action),
                        self.tr(label),
                        change,
                        e.batch_file,
                    ]
                )
            )
        self.history_view.resizeColumnsToContents()

    # ----- saving -----

    def save(self) -> bool:
        """Write everything in one transaction; on bad input show it next to the field."""
        for box in [*self.boxes.values(), self.general_message]:
            box.clear()
        try:
            with self._ctx.store.transaction() as s:
                eid = self._write(s)
        except DuplicateError as exc:
            if self._id is None and exc.field == "uscc":
                self._offer_existing(exc)
            else:
                self._show_input_error(exc)
            return False
        except InputError as exc:
            self._show_input_error(exc)
            return False
        self._id = eid
        self._load()
        self.saved.emit(eid)
        return True

    def _write(self, s: Any) -> int:
        op = self._ctx.operator
        if self._id is None:
            eid = enterprises.create(s, self.form_values(), op)
        else:
            eid = self._id
            enterprises.update(s, eid, self.changed_fields(), op)
        for q in self.work.quals:
            if q.id is None:
                qid = qualifications.add(s, eid, q.values, op)
            else:
                qid = q.id
                if q.edited:
                    qualifications.edit(s, qid, q.values, op)
            if q.revoke is not None:
                qualifications.revoke(s, qid, q.revoke[0], q.revoke[1], op)
        for year, values in self.work.changed_years().items():
            enterprises.set_year(s, eid, year, values, op)
        return eid

    def _offer_existing(self, exc: DuplicateError) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("企业已存在"),
            self.tr("{msg}。是否打开已有的企业？").format(msg=str(exc)),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._id = exc.existing_id
            self._load()
        else:
            self.boxes["uscc"].show_error(str(exc))

    def _show_input_error(self, exc: InputError) -> None:
        box = self.boxes.get(exc.field or "")
        if box is not None:
            self.tabs.setCurrentIndex(0)
            box.show_error(str(exc))
            box.editor.setFocus()
        else:
            self.general_message.show_error(str(exc))

    @Slot()
    def save_and_close(self) -> None:
        """保存: write, then close."""
        if self.save():
            self.accept()

    def reject(self) -> None:
        """Esc / 取消 / close: ask 保存/放弃/取消 when something would be lost."""
        if not self.is_dirty():
            super().reject()
            return
        buttons = (
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        answer = QMessageBox.question(
            self,
            self.tr("未保存的修改"),
            self.tr("有未保存的修改，是否保存？"),
            buttons,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            if self.save():
                self.accept()
        elif answer == QMessageBox.StandardButton.Discard:
            super().reject()
