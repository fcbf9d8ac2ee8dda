"""首次设置向导: offered once the store is open when it has no bureau yet (db/services/setup.py).

The wizard collects, then writes everything at 完成 in one operation on the write worker (settings,
towns, the seeded indicators, this year's targets — each audited); 取消 writes nothing and the wizard
is offered again next time; 跳过 remembers on the store not to offer it again. 帮助 → 首次设置向导…
opens it again at any time, filled with what the store holds.

The wizard is window-modal without a nested event loop (`open()`): the window behind it is built
and filled as usual, and tests drive the wizard like any widget.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSize, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from db.roles import Action
from db.services import settings as settings_service
from db.services import setup as setup_service
from db.services import towns as towns_service
from desktop.ui.common import files
from desktop.ui.firstrun import demo
from desktop.ui.firstrun.pages import (
    BureauPage,
    ImportPage,
    SignatoriesPage,
    TargetsPage,
    TownsPage,
)
from desktop.ui.shell import reopen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import show_message
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, run_task, show_error

log = logging.getLogger(__name__)

WIZARD_SIZE = QSize(720, 520)  # logical px: well inside 1280×650
ROSTER_FILTER = "表格文件 (*.xlsx *.xls *.xlsm *.ods *.csv *.txt);;所有文件 (*)"
NEEDED_RIGHTS: tuple[Action, ...] = ("settings", "towns", "targets")


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


def may_set_up(ctx: AppContext) -> bool:
    """Whether this desk may write what the wizard writes (an admin's, on a writable store)."""
    return not ctx.store.read_only and all(ctx.allowed(right) for right in NEEDED_RIGHTS)


class FirstRunWizard(QWizard):
    """The bureau's name, towns, signatories, this year's targets and an optional first import."""

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window_ = window
        self.setObjectName("firstRunWizard")
        self.setWindowTitle(_tr("首次设置向导"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setOption(QWizard.WizardOption.NoDefaultButton, False)
        for button, text in (
            (QWizard.WizardButton.BackButton, "< 上一步(&B)"),
            (QWizard.WizardButton.NextButton, "下一步(&N) >"),
            (QWizard.WizardButton.FinishButton, "完成(&F)"),
            (QWizard.WizardButton.CancelButton, "取消"),
            (QWizard.WizardButton.CustomButton1, "跳过，不再提示(&K)"),
        ):
            self.setButtonText(button, _tr(text))
        self.button(QWizard.WizardButton.CustomButton1).setToolTip(
            _tr("不做设置，以后打开也不再提示（可从“帮助 → 首次设置向导”再打开）")
        )
        self.customButtonClicked.connect(self._on_custom_button)
        self.task: TaskHandle[Any] | None = None
        self.finished_ok = False
        existing, values, targets = self._current()
        year = date.today().year
        self.bureau_page = BureauPage()
        self.bureau_page.bureau.setText(values.bureau_name)
        self.towns_page = TownsPage(existing)
        self.signatories_page = SignatoriesPage(
            {name: getattr(values, name) for name in setup_service.SIGNATORIES}
        )
        self.targets_page = TargetsPage(year, targets["high_tech"], targets["tech_sme"])
        self.import_page = ImportPage()
        for page in (
            self.bureau_page,
            self.towns_page,
            self.signatories_page,
            self.targets_page,
            self.import_page,
        ):
            self.addPage(page)
        self.bureau_page.demo_requested.connect(self.open_demo)
        self.towns_page.file_requested.connect(self.read_towns_file)
        self.import_page.file_requested.connect(self.choose_import)
        self.resize(self._fitting_size())

    def _current(self) -> tuple[list[str], settings_service.Settings, dict[str, int | None]]:
        with self.ctx.session() as session:
            existing = [t.name for t in towns_service.list_towns(session)]
            values = settings_service.get_settings(session)
            targets = settings_service.get_count_targets(session, date.today().year)
        return existing, values, targets

    def _fitting_size(self) -> QSize:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return WIZARD_SIZE
        area = screen.availableGeometry().size()
        return WIZARD_SIZE.boundedTo(QSize(area.width() - 40, area.height() - 60))

    # ---- what is written ----------------------------------------------------------------------

    def answers(self) -> setup_service.Setup:
        """What 完成 writes."""
        year, high_tech, tech_sme = self.targets_page.targets()
        return setup_service.Setup(
            bureau_name=self.bureau_page.bureau.text(),
            year=year,
            towns=tuple(self.towns_page.names()),
            signatories=self.signatories_page.values(),
            high_tech_target=high_tech,
            tech_sme_target=tech_sme,
        )

    def accept(self) -> None:
        """完成: write everything in one operation; the wizard closes once it is saved."""
        if self.task is not None:
            return
        op = partial(setup_service.apply_setup, setup=self.answers(), operator=self.ctx.operator)
        self._busy(True)
        self.task = run_op(
            self,
            self.ctx,
            op,
            label=_tr("正在保存设置…"),
            on_done=self._saved,
            on_error=self._failed,
        )

    def reject(self) -> None:
        """取消 (or Esc, or the window's ×): nothing is written; not while a save is running."""
        if self.task is not None:
            return
        super().reject()

    @Slot(object)
    def _saved(self, _settings: object) -> None:
        self.task = None
        self.finished_ok = True
        log.info("first-run setup saved")
        super().accept()
        window = self.window_
        context_changed = getattr(window, "context_changed", None)
        if callable(context_changed):
            context_changed()  # the bureau in the title
        refresher = getattr(window, "refresher", None)
        if refresher is not None:
            refresher.refresh_current()
        if self.import_page.path is not None:
            self._open_import(self.import_page.path)

    def _open_import(self, path: Path) -> None:
        navigate = getattr(self.window_, "navigate", None)
        screen = navigate("imports") if callable(navigate) else None
        add_files = getattr(screen, "add_files", None)
        if callable(add_files):
            add_files([path])

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self._busy(False)
        show_error(self, exc)

    def _busy(self, busy: bool) -> None:
        for which in (
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.CustomButton1,
        ):
            self.button(which).setEnabled(not busy)

    @Slot(int)
    def _on_custom_button(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton1.value:
            self.skip()

    def skip(self) -> TaskHandle[None] | None:
        """跳过: remember on the store not to offer the wizard again, and close."""
        if self.task is not None:
            return None
        self._busy(True)
        op = partial(setup_service.skip_setup, operator=self.ctx.operator)
        self.task = run_op(
            self, self.ctx, op, label=_tr("正在保存…"), on_done=self._skipped, on_error=self._failed
        )
        return self.task

    @Slot(object)
    def _skipped(self, _result: object) -> None:
        self.task = None
        self.reject()

    # ---- files --------------------------------------------------------------------------------

    def _start_folder(self) -> str:
        return self.ctx.prefs.last_folder or str(Path.home())

    @Slot()
    def read_towns_file(self) -> None:
        """从名册文件读取…: the towns of a spreadsheet's 所属镇街 column, added to the box."""
        chosen = files.open_file_name(
            self, _tr("选择名册文件"), self._start_folder(), _tr(ROSTER_FILTER)
        )
        if not chosen:
            return
        from desktop.importing.readers import UnreadableFile
        from desktop.ui.firstrun.roster import towns_in_file

        try:
            names = towns_in_file(Path(chosen))
        except UnreadableFile as exc:
            show_message(self, str(exc))
            return
        self.towns_page.add_names(names)

    @Slot()
    def choose_import(self) -> None:
        """选择文件…: the file 导入 opens after 完成."""
        chosen = files.open_file_name(
            self, _tr("选择要导入的文件"), self._start_folder(), _tr(ROSTER_FILTER)
        )
        if chosen:
            self.import_page.set_path(Path(chosen))

    # ---- the demo district --------------------------------------------------------------------

    @Slot()
    def open_demo(self) -> TaskHandle[Path] | None:
        """打开演示区县看看: make the demo file (once), then reopen the window on it."""
        path = demo.demo_store_path()
        answer = QMessageBox.question(
            self,
            _tr("演示区县"),
            _tr(
                "将关闭当前数据，打开演示区县（虚构的数据，保存在另一个文件中）：\n{path}\n\n"
                "这里的数据不会改动；关闭程序后再打开，仍回到这里，并再次提示设置。"
            ).format(path=path),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        self._busy(True)
        self.task = run_task(
            self,
            lambda _cancel: demo.make_demo(path, self.ctx.operator),
            label=_tr("正在准备演示区县…"),
            on_done=self._demo_ready,
            on_error=self._failed,
            write=True,
        )
        return self.task

    @Slot(object)
    def _demo_ready(self, path: Path) -> None:
        self.task = None
        self.reject()  # nothing of this wizard is written
        reopen.request(self.window_, str(path))


def first_run_needed(ctx: AppContext) -> bool:
    """Whether to offer the wizard: no bureau yet, never finished or skipped, and this desk may
    set the bureau up."""
    if not may_set_up(ctx):
        return False
    with ctx.session() as session:
        return setup_service.needs_setup(session)


def offer_first_run(window: QWidget, ctx: AppContext) -> FirstRunWizard | None:
    """Open the wizard over the window (帮助 → 首次设置向导…); refused for a desk that may not."""
    existing = window.findChild(FirstRunWizard, "firstRunWizard")
    if existing is not None and existing.isVisible():
        existing.raise_()
        existing.activateWindow()
        return existing
    if not may_set_up(ctx):
        reason = ctx.refusal("settings") if not ctx.store.read_only else _tr("数据文件是只读的。")
        show_message(window, reason)
        return None
    wizard = FirstRunWizard(ctx, window)
    wizard.open()
    return wizard


def maybe_offer_first_run(window: QWidget, ctx: AppContext) -> FirstRunWizard | None:
    """Once the store is attached: the wizard when the store has no bureau yet, else None."""
    try:
        needed = first_run_needed(ctx)
    except Exception:  # never keep the window from opening over the offer
        log.exception("could not tell whether the store needs setting up")
        return None
    return offer_first_run(window, ctx) if needed else None
