"""设置 › 镇街: the towns in their display order — add, rename, aliases, 上移/下移, 删除.

Each change is its own named operation on the write worker, applied at once, and names the
version of the town(s) the list showed (a change another desk made meanwhile is refused and the
list is read again). 上移/下移 name every town's version (the whole order is what moves); 删除 asks
first and is refused, inline, while records still use the town.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Slot
from PySide6.QtWidgets import QListWidgetItem, QMessageBox, QWidget

from db.errors import StaleEdit
from db.services import towns as town_service
from db.services.towns import TownError
from desktop.operations import Operation
from desktop.ui.settings.view import SettingsView
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.operations import run_op
from desktop.ui.shell.tasks import TaskHandle, show_error

ALIAS_SEPARATORS = re.compile(r"[,，、;；\s]+")
ID_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
ALIASES_ROLE = Qt.ItemDataRole.UserRole + 2
VERSION_ROLE = Qt.ItemDataRole.UserRole + 3


def _tr(text: str) -> str:
    return QCoreApplication.translate("", text)  # context "": see packaging/translations.py


class TownsPanel(QObject):
    """Behaviour of the 镇街 group of the 设置 screen."""

    def __init__(self, ctx: AppContext, view: SettingsView, owner: QWidget) -> None:
        super().__init__(owner)
        self.ctx = ctx
        self.view = view
        self.owner = owner
        self.task: TaskHandle[Any] | None = None
        self._name_sent = ""
        v = view
        v.towns.currentItemChanged.connect(self._on_selected)
        v.add_town.clicked.connect(self.add)
        v.rename_town.clicked.connect(self.rename)
        v.save_aliases.clicked.connect(self.save_aliases)
        v.town_name.returnPressed.connect(self.add)
        v.move_up.clicked.connect(self.move_up)
        v.move_down.clicked.connect(self.move_down)
        v.remove_town.clicked.connect(self.remove)
        self.changers = (
            v.town_name,
            v.add_town,
            v.rename_town,
            v.town_aliases,
            v.save_aliases,
            v.move_up,
            v.move_down,
            v.remove_town,
        )
        ctx.guard("towns", *self.changers)

    # ---- the list --------------------------------------------------------------------------

    def load(self, select_id: int | None = None) -> None:
        """Fill the town list from the store, keeping or setting the selection."""
        current = select_id if select_id is not None else self.selected_id()
        with self.ctx.session() as session:
            towns = town_service.list_towns(session)
        lst = self.view.towns
        lst.blockSignals(True)
        lst.clear()
        for town in towns:
            text = town.name
            if town.aliases:
                text += _tr("（别名：{0}）").format("、".join(town.aliases))
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, town.id)
            item.setData(NAME_ROLE, town.name)
            item.setData(ALIASES_ROLE, list(town.aliases))
            item.setData(VERSION_ROLE, town.version)
            lst.addItem(item)
            if town.id == current:
                lst.setCurrentItem(item)
        lst.blockSignals(False)
        self._on_selected(lst.currentItem(), None)

    def selected_id(self) -> int | None:
        """The id of the town selected in the list."""
        item = self.view.towns.currentItem()
        return None if item is None else int(item.data(ID_ROLE))

    def _selected_version(self) -> int | None:
        item = self.view.towns.currentItem()
        return None if item is None else int(item.data(VERSION_ROLE))

    def _shown_versions(self) -> dict[int, int]:
        lst = self.view.towns
        items = (lst.item(row) for row in range(lst.count()))
        return {int(i.data(ID_ROLE)): int(i.data(VERSION_ROLE)) for i in items}

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_selected(self, item: QListWidgetItem | None, _old: QListWidgetItem | None) -> None:
        v = self.view
        allowed = self.ctx.allowed("towns")
        has = item is not None and allowed
        row = v.towns.currentRow()
        for widget in (v.rename_town, v.save_aliases, v.town_aliases, v.remove_town):
            widget.setEnabled(has)
        v.move_up.setEnabled(has and row > 0)
        v.move_down.setEnabled(has and 0 <= row < v.towns.count() - 1)
        aliases = item.data(ALIASES_ROLE) if item is not None else []
        v.town_aliases.setText("、".join(aliases or []))

    # ---- changes ---------------------------------------------------------------------------

    @Slot()
    def add(self) -> None:
        """Add the town typed in the name field."""
        name = self.view.town_name.text()
        self._name_sent = name.strip()
        op = partial(town_service.add_towns, names=[name], operator=self.ctx.operator)
        self._change(op, self._on_added)

    @Slot(object)
    def _on_added(self, added: list[str]) -> None:
        self._changed(_tr("已添加“{0}”").format(added[0]) if added else _tr("该镇街已存在"))
        self.view.town_name.clear()
        self._select_named(self._name_sent)

    @Slot()
    def rename(self) -> None:
        """Rename the selected town to the name typed."""
        town_id = self.selected_id()
        if town_id is None:
            return
        name = self.view.town_name.text()
        self._name_sent = name.strip()
        op = partial(
            town_service.rename_town,
            town_id=town_id,
            new_name=name,
            operator=self.ctx.operator,
            expected_version=self._selected_version(),
        )
        self._change(op, self._on_renamed)

    @Slot(object)
    def _on_renamed(self, _result: None) -> None:
        self._changed(_tr("已改名为“{0}”，旧名称保留为别名").format(self._name_sent))
        self.view.town_name.clear()

    @Slot()
    def save_aliases(self) -> None:
        """Save the aliases typed for the selected town."""
        town_id = self.selected_id()
        if town_id is None:
            return
        aliases = [a for a in ALIAS_SEPARATORS.split(self.view.town_aliases.text()) if a]
        op = partial(
            town_service.set_aliases,
            town_id=town_id,
            aliases=aliases,
            operator=self.ctx.operator,
            expected_version=self._selected_version(),
        )
        self._change(op, lambda _r: self._changed(_tr("别名已保存")))

    @Slot()
    def move_up(self) -> None:
        """The selected town one place earlier in every list."""
        self._move(-1)

    @Slot()
    def move_down(self) -> None:
        """The selected town one place later in every list."""
        self._move(1)

    def _move(self, step: int) -> None:
        town_id = self.selected_id()
        if town_id is None or self._busy():
            return
        op = partial(
            town_service.move_town,
            town_id=town_id,
            step=step,
            operator=self.ctx.operator,
            expected_versions=self._shown_versions(),
        )
        self._change(op, lambda _r: self._changed(_tr("顺序已保存")))

    @Slot()
    def remove(self) -> None:
        """Ask, then remove the selected town (refused while anything uses it)."""
        item = self.view.towns.currentItem()
        town_id = self.selected_id()
        if item is None or town_id is None or self._busy():
            return
        name = str(item.data(NAME_ROLE))
        answer = QMessageBox.question(
            self.owner,
            _tr("删除镇街"),
            _tr("删除镇街“{0}”吗？\n只有没有任何企业、载体、派驻等记录使用的镇街才能删除。").format(
                name
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        op = partial(
            town_service.remove_town,
            town_id=town_id,
            operator=self.ctx.operator,
            expected_version=self._selected_version(),
        )
        self._change(op, lambda removed: self._changed(_tr("已删除“{0}”").format(removed)))

    def _busy(self) -> bool:
        """A town change is still on its way (the list shows the versions from before it)."""
        return self.task is not None and not self.task.finished

    def _change(self, op: Operation[Any], on_done: Callable[[Any], None]) -> None:
        self.task = run_op(
            self.owner,
            self.ctx,
            op,
            label=_tr("正在保存镇街…"),
            on_done=on_done,
            on_error=self._on_failed,
        )

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, TownError):
            show_error(self.owner, exc)
            if isinstance(exc, StaleEdit):  # another desk changed the town: show it as stored now
                self.load()
            return
        self._say(str(exc), "fieldError")
        self.load()

    def _changed(self, message: str) -> None:
        self._say(message, "hint")
        self.load()

    def _say(self, text: str, kind: str) -> None:
        label = self.view.town_message
        label.setText(text)
        label.setObjectName(kind)
        label.show()
        label.style().unpolish(label)
        label.style().polish(label)

    def _select_named(self, name: str) -> None:
        lst = self.view.towns
        for row in range(lst.count()):
            if lst.item(row).data(NAME_ROLE) == name:
                lst.setCurrentRow(row)
                return
