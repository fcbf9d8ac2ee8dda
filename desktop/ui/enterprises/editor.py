"""The enterprise editor: basic data, qualifications, yearly figures, links, the contract ledger
and history.

Nothing is written until 保存; then `save_enterprise` writes everything in one transaction on the
write worker, and the editor reloads (and closes, for 保存) when the result is delivered.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import StaleEdit
from db.services import enterprises
from db.services.carriers import incubation_history
from db.services.contracts.queries import ledger_of_enterprise
from db.services.enterprises import EDITABLE, qualifications
from db.services.enterprises.operations import save_enterprise
from db.services.errors import DuplicateError, InputError
from db.services.platforms import platforms_of_enterprise
from db.services.settings import get_settings
from db.services.towns import list_towns
from desktop.ui.common.fields import FieldBox
from desktop.ui.common.stale_edit import ask_reload, shown_text, value_text
from desktop.ui.enterprises.basic_tab import BasicTab, blank_values
from desktop.ui.enterprises.display import FIELD_LABELS
from desktop.ui.enterprises.history_tab import HistoryTab, load_history
from desktop.ui.enterprises.ledger_tab import LedgerTab
from desktop.ui.enterprises.links_tab import LinksTab
from desktop.ui.enterprises.qualifications_tab import QualificationsTab
from desktop.ui.enterprises.years_tab import YearsTab
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, show_error


class EnterpriseEditor(QDialog):
    """Edit or create one enterprise; nothing is written until 保存, then in one transaction."""

    saved = Signal(int)

    def __init__(
        self, ctx: AppContext, enterprise_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._id = enterprise_id
        self.save_task: TaskHandle[int] | None = None
        self.last_save_ok: bool | None = None
        self._close_after_save = False
        # the versions opened: a save over another desk's change is refused (db/services/versions)
        self.version: int | None = None
        self._year_versions: dict[int, int] | None = None
        self.resize(1040, 600)  # fits 1280×650 logical px (1366×768 at 100%, 1920×1080 at 150%)
        self._build()
        self._load()
        self._first_field_focused = False

    def _build(self) -> None:
        with self._ctx.session() as s:
            types = qualifications.list_types(s)
            towns = list_towns(s)
            settings = get_settings(s)
        self.basic = BasicTab(self._ctx, towns)
        self.quals = QualificationsTab(types, settings)
        self.years = YearsTab()
        self.links = LinksTab()
        self.ledger = LedgerTab()
        self.ledger.open_requested.connect(self.open_in_screen)
        self.history = HistoryTab()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.basic, self.tr("基本信息"))
        self.tabs.addTab(self.quals, self.tr("资质"))
        self.tabs.addTab(self.years, self.tr("年度数据"))
        self.tabs.addTab(self.links, self.tr("孵化与平台"))
        self.tabs.addTab(self.ledger, self.tr("技术合同与成果"))
        self.tabs.addTab(self.history, self.tr("历史"))
        self.general_message = FieldBox(QWidget())
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton(
            self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.save_button.clicked.connect(self.save_and_close)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.setToolTip(self.tr("保存并关闭（Enter）；Ctrl+S 保存后继续编辑"))
        # what the last save did: "已保存（20:15:03）", in the dialog rather than in a message box
        self.status = QLabel()
        self.status.setObjectName("editorStatus")
        self.status.setStyleSheet("QLabel#editorStatus { color: #1e7b34; }")
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.general_message)
        layout.addLayout(bottom)
        # Only now is the button inside the dialog, which must know it as its default button:
        # set earlier, the first 添加 of a tab became the default and Enter saved nothing.
        self.save_button.setDefault(True)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.activated.connect(self.save_and_stay)

    def _load(self) -> None:
        """Show the stored enterprise (or an empty form) and start a fresh working copy."""
        self.version, self._year_versions = None, None
        if self._id is None:
            self.basic.load(blank_values(), None)
            self.quals.load([])
            self.years.load([])
            self.setWindowTitle(self.tr("新建企业"))
            return
        with self._ctx.session() as s:
            view = enterprises.get(s, self._id)
            quals = qualifications.for_enterprise(s, self._id)
            history = load_history(s, self._id)
            incubations = incubation_history(s, self._id)
            hosted = platforms_of_enterprise(s, self._id)
            ledger = ledger_of_enterprise(s, self._id)
        self.version = view.version
        self._year_versions = {y.year: y.version for y in view.years}
        self.basic.load({k: getattr(view, k) for k in EDITABLE}, self._id)
        self.quals.load(quals)
        self.years.load(view.years)
        self.history.show_entries(history)
        self.links.show_links(incubations, hosted)
        self.ledger.show_ledger(ledger, view.name)
        self.setWindowTitle(self.tr("企业：{name}").format(name=view.name))

    def is_dirty(self) -> bool:
        """Whether closing now would lose something."""
        return bool(
            self.basic.changed_fields() or self.quals.is_dirty() or self.years.changed_years()
        )

    def is_saving(self) -> bool:
        """Whether a save was started and its result has not been delivered yet."""
        return self.save_task is not None and not self.save_task.finished

    # ----- saving -----

    def save(self) -> TaskHandle[int] | None:
        """Start writing everything in one transaction; None when a save is still running.

        When it is written the editor reloads, emits `saved` and sets `last_save_ok`; bad input
        is shown next to its field.
        """
        if self.is_saving():
            return None
        self.basic.clear_messages()
        self.general_message.clear()
        self.status.clear()
        fields = self.basic.form_values() if self._id is None else self.basic.changed_fields()
        op = partial(
            save_enterprise,
            enterprise_id=self._id,
            fields=fields,
            qualification_edits=self.quals.edits(),
            year_edits=self.years.changed_years(),
            operator=self._ctx.operator,
            expected_version=self.version,
            year_versions=self._year_versions,
        )
        self.last_save_ok = None
        self._close_after_save = False
        self.save_task = run_op(
            self,
            self._ctx,
            op,
            label=self.tr("正在保存…"),
            on_done=self._saved,
            on_error=self._save_failed,
        )
        return self.save_task

    def showEvent(self, event: QShowEvent) -> None:
        """Opened: the focus on the first field (the name), ready for typing."""
        super().showEvent(event)
        if not self._first_field_focused:
            self._first_field_focused = True
            self.tabs.setCurrentWidget(self.basic)
            self.basic.inputs[EDITABLE[0]].setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(object)
    def _saved(self, enterprise_id: int) -> None:
        self._id = enterprise_id
        self._load()
        self.last_save_ok = True
        self.status.setText(
            self.tr("已保存（{time}）").format(time=datetime.now().strftime("%H:%M:%S"))
        )
        self.saved.emit(enterprise_id)
        if self._close_after_save:
            self._close_after_save = False
            self.accept()

    @Slot(object)
    def _save_failed(self, exc: BaseException) -> None:
        self.last_save_ok = False
        self._close_after_save = False
        if isinstance(exc, StaleEdit):
            self._offer_reload(exc)
        elif isinstance(exc, DuplicateError) and self._id is None and exc.field == "uscc":
            self._offer_existing(exc)
        elif isinstance(exc, InputError):
            self._show_input_error(exc)
        else:
            show_error(self, exc)

    def _offer_reload(self, exc: StaleEdit) -> None:
        """Another desk changed the enterprise: list what was not saved; 重新载入 shows the store."""
        if ask_reload(self, exc, self.unsaved_input()):
            self._load()

    def unsaved_input(self) -> list[tuple[str, str]]:
        """The clerk's input a save would have written, as (label, text) lines."""
        lines = [
            (self.tr(FIELD_LABELS[key]), shown_text(self.basic.inputs[key]))
            for key in self.basic.changed_fields()
        ]
        for year, values in sorted(self.years.changed_years().items()):
            lines += [
                (self.tr("{y}年{f}").format(y=year, f=self.tr(FIELD_LABELS[k])), value_text(v))
                for k, v in values.items()
            ]
        for q in self.quals.edits():
            fields = "，".join(
                f"{self.tr(FIELD_LABELS.get(k, k))} {value_text(v)}"
                for k, v in q.values.items()
                if k in FIELD_LABELS and (q.edited or q.id is None)
            )
            revoked = self.tr("撤销于 {d}").format(d=q.revoke[0].isoformat()) if q.revoke else ""
            lines.append((self.tr("资质"), "；".join(x for x in (fields, revoked) if x)))
        return lines

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
            self.basic.boxes["uscc"].show_error(str(exc))

    def _show_input_error(self, exc: InputError) -> None:
        field = exc.field
        if field is not None and field in self.basic.boxes:
            self.tabs.setCurrentWidget(self.basic)
            self.basic.show_error(field, str(exc))
        else:
            self.general_message.show_error(str(exc))

    # ----- another screen -----

    @Slot(str, object)
    def open_in_screen(self, key: str, options: Any) -> bool:
        """A record of the 技术合同与成果 tab in its own screen: the editor closes (when nothing
        would be lost) and the main window shows that screen; False when it stayed open."""
        parent = self.parentWidget()
        window = parent.window() if parent is not None else None
        if window is None or not hasattr(window, "navigate"):
            return False
        if self.is_dirty() or self.is_saving():
            QMessageBox.information(
                self,
                self.tr("打开记录"),
                self.tr("企业信息有未保存的修改。请先保存或取消，再打开这条记录。"),
            )
            return False
        super().reject()
        window.navigate(key, origin=self.tr("企业名录"), **options)
        return True

    # ----- closing -----

    @Slot()
    def save_and_stay(self) -> None:
        """Ctrl+S: write and keep editing; "已保存（…）" below says it was written."""
        if self.save_button.isEnabled():  # a read-only editor has no 保存
            self.save()

    @Slot()
    def save_and_close(self) -> None:
        """保存: write, then close once it is written (stays open on bad input)."""
        if self.save() is not None:
            self._close_after_save = True

    def reject(self) -> None:
        """Esc / 取消 / close: ask 保存/放弃/取消 when something would be lost."""
        if self.is_saving():
            return  # the save in flight closes the dialog, or shows what it refused
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
            self.save_and_close()
        elif answer == QMessageBox.StandardButton.Discard:
            super().reject()
