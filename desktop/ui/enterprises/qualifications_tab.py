"""The editor's 资质 tab: the qualifications' working copy, saved with the enterprise."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from db.rules.validity import qualification_status, valid_from, validity_window
from db.services.enterprises import qualifications
from db.services.enterprises.operations import QualificationEdit
from db.services.enterprises.qualifications import (
    QualificationTypeView,
    QualificationView,
)
from db.services.settings import Settings
from desktop.ui.enterprises.display import cells, lay_out_with_buttons, read_only_table
from desktop.ui.enterprises.subdialogs import QualificationDialog, RevokeDialog

HEADERS = ("资质类型", "编号", "级别", "发证日期", "评价年度", "有效期至", "状态")


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

    @classmethod
    def of(cls, q: QualificationView) -> PendingQualification:
        """A stored qualification, unchanged so far."""
        values = {k: getattr(q, k) for k in qualifications.EDITABLE if k != "note"}
        return cls(q.id, values, q.revoked_on, q.revoke_reason, q)

    @property
    def pending(self) -> bool:
        """Whether saving has something to write for it."""
        return self.id is None or self.edited or self.revoke is not None

    def edit(self) -> QualificationEdit:
        """What saving writes for it."""
        version = None if self.stored is None else self.stored.version  # the one opened
        return QualificationEdit(self.id, dict(self.values), self.edited, self.revoke, version)


class QualificationsTab(QWidget):
    """Qualifications with validity and status; 添加 / 修改 / 撤销 change the working copy."""

    def __init__(
        self, types: list[QualificationTypeView], settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._types = types
        self._province = settings.province_code
        self._warn_days = settings.expiry_warning_days
        self._last_day_included = settings.hte_last_day_included
        self.quals: list[PendingQualification] = []
        self.view, self.model = read_only_table([self.tr(h) for h in HEADERS])
        self.view.doubleClicked.connect(self.edit_qualification)
        self.buttons = {
            key: QPushButton(self.tr(text))
            for key, text in (("add", "添加"), ("edit", "修改"), ("revoke", "撤销"))
        }
        self.buttons["add"].clicked.connect(self.add_qualification)
        self.buttons["edit"].clicked.connect(self.edit_qualification)
        self.buttons["revoke"].clicked.connect(self.revoke_qualification)
        lay_out_with_buttons(self, self.view, self.buttons.values())

    # ----- working copy -----

    def load(self, stored: Iterable[QualificationView]) -> None:
        """Start a working copy from the stored qualifications."""
        self.quals = [PendingQualification.of(q) for q in stored]
        self._show()

    def is_dirty(self) -> bool:
        """Whether saving has something to write."""
        return any(q.pending for q in self.quals)

    def edits(self) -> list[QualificationEdit]:
        """What saving writes: the new, edited and revoked qualifications."""
        return [q.edit() for q in self.quals if q.pending]

    # ----- showing -----

    def _type(self, type_id: int) -> QualificationTypeView:
        return next(t for t in self._types if t.id == type_id)

    def _through(self, q: PendingQualification) -> date | None:
        if q.stored is not None and not q.edited:
            return q.stored.valid_through
        t = self._type(q.values["type_id"])
        try:
            _start, through = validity_window(
                t.rule,
                q.values.get("issued_on"),
                q.values.get("evaluation_year"),
                self._last_day_included,
            )
        except ValueError:
            return None
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

    def _show(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for q in self.quals:
            v = q.values
            row = [
                self._type(v["type_id"]).name,
                v.get("number"),
                v.get("level"),
                v.get("issued_on"),
                v.get("evaluation_year"),
                self._through(q),
                self._status(q),
            ]
            self.model.appendRow(cells(row))
        self.view.resizeColumnsToContents()

    # ----- actions -----

    def _current(self) -> PendingQualification | None:
        row = self.view.currentIndex().row()
        return self.quals[row] if 0 <= row < len(self.quals) else None

    @Slot()
    def add_qualification(self) -> None:
        """Add a qualification to the working copy."""
        dialog = QualificationDialog(self._types, self._province, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.quals.append(PendingQualification(None, dialog.values()))
            self._show()

    @Slot()
    def edit_qualification(self) -> None:
        """Edit the selected qualification."""
        q = self._current()
        if q is None:
            return
        dialog = QualificationDialog(self._types, self._province, q.values, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.values() != q.values:
            q.values = dialog.values()
            q.edited = q.id is not None
            self._show()

    @Slot()
    def revoke_qualification(self) -> None:
        """Revoke (取消资格) the selected qualification from a date."""
        q = self._current()
        if q is None:
            return
        dialog = RevokeDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            q.revoke = dialog.values()
            self._show()
