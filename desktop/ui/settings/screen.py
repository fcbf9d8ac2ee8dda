"""设置: the bureau's settings, towns, signatories, targets, thresholds, backups and this user's name
(tab 常规), and the returns' legal marks (tab 报表, marks.py).

保存 sends the form's fields, targets, the backups' retention and the changed legal marks to the
write worker as one operation (`settings.save_settings`); town changes are applied at once, each
its own operation.
The automatic backups are listed and restored by backups.py; tab 数据位置 (location.py) switches
this desk between its local file and a server. Leaving with unsaved changes asks.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.rules.settings import CANDIDATE_FIELDS
from db.services import returns_marks
from db.services import settings as settings_service
from db.services.settings import BackupRetention, Settings, SettingsError
from desktop.ui.settings.backups import BackupsPanel
from desktop.ui.settings.location import LocationPanel
from desktop.ui.settings.location_view import LocationView
from desktop.ui.settings.marks import LegalMarksPanel
from desktop.ui.settings.towns import TownsPanel
from desktop.ui.settings.view import NOT_SET, SettingsView
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, show_error

TEXT_FIELDS = (
    "bureau_name",
    "province_code",
    "district_code",
    "head_of_unit",
    "head_of_statistics",
    "preparer",
    "contact_phone",
)
NUMBER_FIELDS = ("expiry_warning_days", "rd_list_a_revenue", "rd_list_b_revenue", *CANDIDATE_FIELDS)
INTEGER_FIELDS = ("expiry_warning_days", "candidate_min_years")
TARGET_KEYS = ("high_tech", "tech_sme")
LEAVE_WAIT_MS = 30_000  # saving before leaving: how long to wait for the worker at most

TargetKey = tuple[int, str]


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


class SettingsScreen(QWidget):
    """The 设置 screen: a form over the store's settings plus the town list."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.ctx = ctx
        self.view = SettingsView()
        self.marks = LegalMarksPanel()
        self.tabs = QTabWidget()
        self._saved = Settings()
        self._saved_retention = BackupRetention()
        self._saved_targets: dict[TargetKey, int | None] = {}
        self._edited_targets: dict[TargetKey, int | None] = {}
        self.save_task: TaskHandle[Settings] | None = None
        self.last_save_ok: bool | None = None
        self.towns = TownsPanel(ctx, self.view, self)
        self.backups = BackupsPanel(ctx, self.view, self, self._after_restore)
        self.location_view = LocationView()
        self.location = LocationPanel(ctx, self.location_view, self)
        self.location.load()  # once: a refresh keeps what the clerk is typing there
        self._lay_out()
        self._connect()
        self.load()

    # ---- set-up ----------------------------------------------------------------------------

    def _lay_out(self) -> None:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.tabs.addTab(scroll, _tr("常规"))
        self.tabs.addTab(self.marks, _tr("报表"))
        self.tabs.addTab(self.view.backup_tab, _tr("备份"))
        location = QScrollArea()
        location.setWidgetResizable(True)
        location.setFrameShape(QFrame.Shape.NoFrame)
        location.setWidget(self.location_view)
        self.tabs.addTab(location, _tr("数据位置"))
        self.tabs.setDocumentMode(True)
        self.tabs.setStyleSheet("QTabWidget::tab-bar { left: 24px; }")
        layout.addWidget(self.view.header_bar())
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.view.button_bar())

    def _connect(self) -> None:
        v = self.view
        for name in (*TEXT_FIELDS, "operator"):
            getattr(v, name).textChanged.connect(self._on_edited)
        for name in (*NUMBER_FIELDS, "keep_daily", "keep_weekly"):
            getattr(v, name).valueChanged.connect(self._on_edited)
        v.target_high_tech.valueChanged.connect(self._on_target_edited)
        v.target_tech_sme.valueChanged.connect(self._on_target_edited)
        v.target_year.valueChanged.connect(self._on_year_changed)
        self.marks.edited.connect(self._on_edited)
        v.save.clicked.connect(self._on_save_clicked)
        v.revert.clicked.connect(self.load)
        self._guard()

    def _guard(self) -> None:
        """What this desk's role may not change is disabled, its tooltip saying why."""
        v, guard = self.view, self.ctx.guard
        fields = [getattr(v, n) for n in (*TEXT_FIELDS, *NUMBER_FIELDS)]
        guard("settings", v.save, v.revert, v.keep_daily, v.keep_weekly, *fields)
        guard("targets", v.target_high_tech, v.target_tech_sme)
        guard("marks", self.marks.table, *self.marks.kinds.values())
        guard("backup", v.backup_file)
        guard("restore", v.restore_backup, v.restore_file)

    # ---- loading ---------------------------------------------------------------------------

    @Slot()
    def load(self) -> None:
        """Read everything from the store and this user's preferences; forget unsaved edits."""
        with self.ctx.session() as session:
            self._saved = settings_service.get_settings(session)
            self._saved_retention = settings_service.get_backup_retention(session)
            stored_marks = returns_marks.stored_marks(session)
        self._saved_targets.clear()
        self._edited_targets.clear()
        v = self.view
        self._block(True)
        for name in TEXT_FIELDS:
            getattr(v, name).setText(str(getattr(self._saved, name)))
        for name in NUMBER_FIELDS:
            getattr(v, name).setValue(getattr(self._saved, name))
        v.keep_daily.setValue(self._saved_retention.keep_daily)
        v.keep_weekly.setValue(self._saved_retention.keep_weekly)
        v.operator.setText(self.ctx.operator)
        self._show_targets()
        self._block(False)
        self.marks.load(stored_marks, self._saved.bureau_name)
        self.load_towns()
        self.backups.reload()
        self.location.show_current()
        self._clear_errors()
        self._update_buttons()

    def refresh(self) -> None:
        """Shown again: reload unless the user has unsaved edits here."""
        if not self.is_dirty():
            self.load()

    def _block(self, blocked: bool) -> None:
        for widget in self.view.findChildren(QLineEdit) + self.view.findChildren(QSpinBox):
            widget.blockSignals(blocked)
        for spin in self.view.findChildren(QDoubleSpinBox):
            spin.blockSignals(blocked)

    def _targets_of(self, year: int) -> dict[str, int | None]:
        if (year, TARGET_KEYS[0]) not in self._saved_targets:
            with self.ctx.session() as session:
                stored = settings_service.get_count_targets(session, year)
            for key in TARGET_KEYS:
                self._saved_targets[(year, key)] = stored[key]
        return {
            key: self._edited_targets.get((year, key), self._saved_targets[(year, key)])
            for key in TARGET_KEYS
        }

    def _show_targets(self) -> None:
        targets = self._targets_of(self.view.target_year.value())
        for key, spin in self._target_spins().items():
            spin.blockSignals(True)
            value = targets[key]
            spin.setValue(NOT_SET if value is None else value)
            spin.blockSignals(False)

    def _target_spins(self) -> dict[str, QSpinBox]:
        return {"high_tech": self.view.target_high_tech, "tech_sme": self.view.target_tech_sme}

    # ---- what changed ----------------------------------------------------------------------

    def form_values(self) -> dict[str, Any]:
        """The form's values, as the settings service takes them."""
        v = self.view
        values: dict[str, Any] = {name: getattr(v, name).text().strip() for name in TEXT_FIELDS}
        for name in NUMBER_FIELDS:
            value = getattr(v, name).value()
            values[name] = int(value) if name in INTEGER_FIELDS else round(float(value), 2)
        return values

    def changes(self) -> dict[str, Any]:
        """Settings fields whose value differs from the store's."""
        return {k: val for k, val in self.form_values().items() if getattr(self._saved, k) != val}

    def retention(self) -> BackupRetention:
        """The backups' retention as the form shows it."""
        return BackupRetention(self.view.keep_daily.value(), self.view.keep_weekly.value())

    def retention_changed(self) -> bool:
        """Whether the retention differs from the store's."""
        return self.retention() != self._saved_retention

    def target_changes(self) -> dict[TargetKey, int | None]:
        """Targets (year, key) edited to a value other than the store's."""
        return {k: val for k, val in self._edited_targets.items() if self._saved_targets[k] != val}

    def operator_name(self) -> str:
        """The operator name typed in the form."""
        return self.view.operator.text().strip()

    def is_dirty(self) -> bool:
        """Whether anything differs from what is saved."""
        return bool(
            self.changes()
            or self.target_changes()
            or self.retention_changed()
            or self.marks.changes()
            or self.operator_name() != self.ctx.operator
        )

    def _update_buttons(self) -> None:
        dirty = self.is_dirty()
        self.view.save.setEnabled(dirty)
        self.view.revert.setEnabled(dirty)
        if dirty:
            self.view.status.setText(_tr("有未保存的修改"))

    @Slot()
    def _on_edited(self) -> None:
        self._update_buttons()

    @Slot()
    def _on_target_edited(self) -> None:
        year = self.view.target_year.value()
        for key, spin in self._target_spins().items():
            value = spin.value()
            self._edited_targets[(year, key)] = None if value == NOT_SET else value
        self._update_buttons()

    @Slot(int)
    def _on_year_changed(self, _year: int) -> None:
        self._show_targets()

    # ---- saving ----------------------------------------------------------------------------

    @Slot()
    def _on_save_clicked(self) -> None:
        self.save()

    def save(self) -> TaskHandle[Settings] | None:
        """Validate, then save the form on the write worker; messages go next to the fields.

        Returns the running save (None when the form was refused before writing);
        `last_save_ok` holds the outcome once it was delivered.
        """
        self._clear_errors()
        changes = self.changes()
        if not self._validate(changes):
            self.view.status.setText(_tr("未保存：请先改正标红的内容"))
            self.last_save_ok = False
            return None
        self.last_save_ok = None
        self.view.save.setEnabled(False)  # not twice while the worker writes
        op = partial(
            settings_service.save_settings,
            changes=changes,
            targets=self.target_changes(),
            operator=self.ctx.operator,
            retention=self.retention() if self.retention_changed() else None,
            legal_marks=self.marks.changes() or None,
        )
        self.save_task = run_op(
            self,
            self.ctx,
            op,
            label=_tr("正在保存设置…"),
            on_done=self._on_saved,
            on_error=self._on_save_failed,
        )
        return self.save_task

    @Slot(object)
    def _on_saved(self, _settings: Settings) -> None:
        self._save_operator()
        self.load()
        self.view.status.setText(_tr("已保存"))
        self._tell_window()
        self.last_save_ok = True

    @Slot(object)
    def _on_save_failed(self, exc: BaseException) -> None:
        self.last_save_ok = False
        self.view.save.setEnabled(self.is_dirty())
        if isinstance(exc, SettingsError) and self.marks.changes():
            self.marks.show_error("", str(exc))
            self.view.status.setText(_tr("未保存：") + str(exc))
        elif isinstance(exc, SettingsError):
            self._show_error(self.view.target_error, None, str(exc))
        else:
            show_error(self, exc)

    def _validate(self, changes: dict[str, Any]) -> bool:
        ok = True
        for name, value in changes.items():
            try:
                settings_service.validate({name: value})
            except SettingsError as exc:
                self._show_error(self._error_label_of(name), getattr(self.view, name), str(exc))
                ok = False
        try:
            settings_service.validate_retention(self.retention())
        except SettingsError as exc:
            self._show_error(self.view.backup_error, self.view.keep_daily, str(exc))
            ok = False
        if not self.marks.validate():
            ok = False
        if not self.operator_name():
            self._show_error(
                self.view.operator_error, self.view.operator, _tr("操作员姓名不能为空")
            )
            ok = False
        return ok

    def _save_operator(self) -> None:
        name = self.operator_name()
        if name == self.ctx.operator:
            return
        self.ctx.operator = name
        self.ctx.prefs.operator = name
        try:
            self.ctx.prefs.save()
        except OSError as exc:
            QMessageBox.warning(self, _tr("设置"), _tr("无法保存本机设置：{0}").format(exc))

    def _after_restore(self) -> None:
        """The whole store was replaced: show what it holds now."""
        self.load()
        self._tell_window()

    def _tell_window(self) -> None:
        changed = getattr(self.window(), "context_changed", None)
        if callable(changed):
            changed()

    def _error_label_of(self, name: str) -> QLabel:
        v = self.view
        if name in ("bureau_name", "province_code", "district_code"):
            return v.bureau_error
        if name in ("head_of_unit", "head_of_statistics", "preparer", "contact_phone"):
            return v.signatory_error
        if name in CANDIDATE_FIELDS:
            return v.candidate_error
        return v.threshold_error

    def _show_error(self, label: QLabel, field: QWidget | None, message: str) -> None:
        text = label.text()
        label.setText(f"{text}\n{message}" if text else message)
        label.show()
        if field is not None:
            field.setProperty("invalid", True)
            field.style().unpolish(field)
            field.style().polish(field)
            field.setFocus()

    def _clear_errors(self) -> None:
        v = self.view
        for label in (
            v.bureau_error,
            v.signatory_error,
            v.target_error,
            v.threshold_error,
            v.operator_error,
            v.backup_error,
            v.candidate_error,
        ):
            label.clear()
            label.hide()
        for widget in v.findChildren(QWidget):
            if widget.property("invalid"):
                widget.setProperty("invalid", False)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        v.status.clear()
        self.marks.clear_error()

    def can_leave(self) -> bool:
        """Ask about unsaved changes: save, discard, or stay."""
        if not self.is_dirty():
            return True
        answer = QMessageBox.question(
            self,
            _tr("设置"),
            _tr("设置有未保存的修改，要保存吗？"),
            QMessageBox.StandardButton.Yes
            | QMessageBox.StandardButton.No
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            return self._save_before_leaving()
        if answer == QMessageBox.StandardButton.No:
            self.load()
            return True
        return False

    def _save_before_leaving(self) -> bool:
        """Leave only once the worker has saved (events keep flowing while it writes)."""
        task = self.save()
        if task is not None:
            task.wait(LEAVE_WAIT_MS)
        return bool(self.last_save_ok)

    # ---- towns (applied at once, towns.py) --------------------------------------------------

    @property
    def town_task(self) -> TaskHandle[Any] | None:
        """The last town change sent to the write worker."""
        return self.towns.task

    def load_towns(self, select_id: int | None = None) -> None:
        """Fill the town list from the store, keeping or setting the selection."""
        self.towns.load(select_id)

    def selected_town_id(self) -> int | None:
        """The id of the town selected in the list."""
        return self.towns.selected_id()
