"""The editor's small dialogs: a qualification, its revocation, one year's figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from db.rules.identifiers import validate_hte_number, validate_sme_number
from db.services.enterprises.qualifications import HIGH_TECH, TECH_SME, QualificationTypeView
from desktop.ui.common.fields import FieldBox, NumberEdit, OptionalDateEdit, YesNoCombo


class QualificationDialog(QDialog):
    """Add or edit one qualification; the number is checked as you type (warnings in amber)."""

    def __init__(
        self,
        types: list[QualificationTypeView],
        province_code: str,
        values: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("资质"))
        self._types = types
        self._province = province_code
        self.type_combo = QComboBox()
        for t in types:
            self.type_combo.addItem(t.name, t.id)
        self.number = QLineEdit()
        self.number_box = FieldBox(self.number)
        self.level = QComboBox()
        self.level.setEditable(True)
        self.issued_on = OptionalDateEdit()
        self.year = QSpinBox()
        self.year.setRange(0, 2100)
        self.year.setSpecialValueText(" ")
        form = QFormLayout(self)
        form.addRow(self.tr("资质类型"), self.type_combo)
        form.addRow(self.tr("证书/入库编号"), self.number_box)
        form.addRow(self.tr("级别"), self.level)
        form.addRow(self.tr("发证（认定）日期"), self.issued_on)
        form.addRow(self.tr("评价年度"), self.year)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.number.textChanged.connect(self.check_number)
        self.issued_on.dateChanged.connect(self.check_number)
        if values:
            self._show(values)
        self._type_changed()

    def _show(self, v: dict[str, Any]) -> None:
        for i in range(self.type_combo.count()):
            if self.type_combo.itemData(i) == v.get("type_id"):
                self.type_combo.setCurrentIndex(i)
        self.number.setText(v.get("number") or "")
        self.level.setCurrentText(v.get("level") or "")
        self.issued_on.set_value(v.get("issued_on"))
        self.year.setValue(v.get("evaluation_year") or 0)

    def current_type(self) -> QualificationTypeView:
        """The chosen catalogue type."""
        return self._types[self.type_combo.currentIndex()]

    @Slot()
    def _type_changed(self) -> None:
        level = self.level.currentText()
        levels = list(self.current_type().levels)
        self.level.clear()
        self.level.addItems(levels)
        if level in levels:
            self.level.setCurrentText(level)
        self.check_number()

    @Slot()
    def check_number(self) -> None:
        """Red for a malformed number, amber when its year disagrees with the dates."""
        text = self.number.text().strip()
        code = self.current_type().code
        if not text:
            self.number_box.clear()
            return
        if code == HIGH_TECH:
            checked = validate_hte_number(text, self.issued_on.value(), self._province)
        elif code == TECH_SME:
            checked = validate_sme_number(text, self.year.value() or None)
        else:
            self.number_box.clear()
            return
        if checked.errors:
            self.number_box.show_error("；".join(checked.errors))
        elif checked.warnings:
            self.number_box.show_warning("；".join(checked.warnings))
        else:
            self.number_box.clear()

    def values(self) -> dict[str, Any]:
        """What the services' add/edit take."""
        return {
            "type_id": self.type_combo.currentData(),
            "number": self.number.text().strip() or None,
            "level": self.level.currentText().strip() or None,
            "issued_on": self.issued_on.value(),
            "evaluation_year": self.year.value() or None,
        }


class RevokeDialog(QDialog):
    """取消资格: the date it stops counting and why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("撤销资质"))
        self.on = QDateEdit(QDate.currentDate())
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.reason = QLineEdit()
        form = QFormLayout(self)
        form.addRow(self.tr("撤销日期"), self.on)
        form.addRow(self.tr("原因"), self.reason)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[date, str]:
        """(date, reason)."""
        return self.on.date().toPython(), self.reason.text().strip()  # type: ignore[return-value]


class YearDialog(QDialog):
    """One data year's figures (万元 for money)."""

    def __init__(self, values: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("年度数据"))
        self.year = QSpinBox()
        self.year.setRange(1990, date.today().year)
        self.year.setValue(date.today().year - 1)
        self.revenue = NumberEdit()
        self.rd_expense = NumberEdit()
        self.employees = NumberEdit(integer=True)
        self.rd_staff = NumberEdit(integer=True)
        self.rd_activity = YesNoCombo()
        self.rd_institution = YesNoCombo()
        self.message = FieldBox(QWidget())
        form = QFormLayout(self)
        form.addRow(self.tr("年度"), self.year)
        form.addRow(self.tr("营业收入(万元)"), self.revenue)
        form.addRow(self.tr("研发费用(万元)"), self.rd_expense)
        form.addRow(self.tr("从业人员数"), self.employees)
        form.addRow(self.tr("研发人员数"), self.rd_staff)
        form.addRow(self.tr("是否有研发活动"), self.rd_activity)
        form.addRow(self.tr("是否有研发机构"), self.rd_institution)
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if values:
            self.year.setValue(values["year"])
            self.year.setEnabled(False)
            for key in ("revenue", "rd_expense", "employees", "rd_staff"):
                getattr(self, key).set_value(values.get(key))
            self.rd_activity.set_value(values.get("rd_activity"))
            self.rd_institution.set_value(values.get("rd_institution"))

    def accept(self) -> None:
        """Refuse to close while a number is not a number."""
        try:
            self.values()
        except ValueError as exc:
            self.message.show_error(str(exc))
            return
        super().accept()

    def values(self) -> dict[str, Any]:
        """{year, revenue, …} (ValueError with a clerk's message for a bad number)."""
        return {
            "year": self.year.value(),
            "revenue": self.revenue.value(),
            "rd_expense": self.rd_expense.value(),
            "employees": self.employees.value(),
            "rd_staff": self.rd_staff.value(),
            "rd_activity": self.rd_activity.value(),
            "rd_institution": self.rd_institution.value(),
        }
