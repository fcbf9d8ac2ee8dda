"""The editors of 科技成果: a result (its 完成单位 linked to the roster by code) and a transfer (one
of the five ways, its 承接单位, and its technology contract picked by 登记号)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Slot
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QWidget

from db.rules.contracts import INSIDE, OUTSIDE, RESULT_TYPES, TRANSFER_METHODS
from db.services.contracts import queries, results
from db.services.contracts.parties import live_enterprise_by_code
from db.services.contracts.records import find_contract
from db.services.towns import TownView, list_towns
from desktop.operations import Operation
from desktop.ui.common.fields import NO_VALUE, NumberEdit, OptionalDateEdit
from desktop.ui.common.forms import FormDialog, combo, select_data
from desktop.ui.shell.context import AppContext

MAX_SUGGESTIONS = 20


def local_combo() -> Any:
    """所在地: 未填 / 区内 / 区外 (NO_VALUE, never None, as item data)."""
    return combo([("所在地未填", NO_VALUE), (INSIDE, 1), (OUTSIDE, 0)])


def _from_combo(value: Any, as_bool: bool) -> Any:
    if value == NO_VALUE:
        return None
    return bool(value) if as_bool and value is not None else value


class LedgerDialog(FormDialog):
    """A FormDialog with a roster look-up under a party's code."""

    def party(self, key: str, label: str) -> QLabel:
        """信用代码 + 所在地 of a party, and a hint saying whether the code is in the roster."""
        code = QLineEdit()
        code.setPlaceholderText(self.tr("18位，名录企业据此关联"))
        self.add_row(
            self.tr("{l}信用代码").format(l=label),
            (f"{key}_uscc", f"{label}统一社会信用代码", code, 3),
            (f"{key}_local", f"{label}所在地", local_combo(), 1),
        )
        hint = QLabel()
        hint.setObjectName("hint")
        self.form.addRow("", hint)
        code.textChanged.connect(self._lookup)
        self._party = (key, label, hint)
        self.party_hint = hint
        return hint

    @Slot()
    def _lookup(self) -> None:
        key, label, hint = self._party
        code = self.widget(f"{key}_uscc").text().strip().upper()
        with self._ctx.session() as s:
            found = live_enterprise_by_code(s, {code}) if len(code) == 18 else {}
        if code in found:
            hint.setText(self.tr("名录中的企业：按区内计"))
        else:
            rest = self.tr("不在企业名录中") if code else self.tr("未填信用代码")
            hint.setText(self.tr("{r}：按“{l}所在地”判断是否区内").format(r=rest, l=label))


class ResultDialog(LedgerDialog):
    """Create or edit an S&T result."""

    def __init__(
        self, ctx: AppContext, result_id: int | None, parent: QWidget | None = None
    ) -> None:
        title = "登记科技成果" if result_id is None else "编辑科技成果"
        super().__init__(ctx, title, parent, result_id)
        self.setMinimumWidth(720)
        with ctx.session() as s:
            towns = list_towns(s)
            view = self._find(s, result_id)
        self.add_row(
            "登记号",
            ("reg_no", "登记号", QLineEdit(), 3),
            ("registered_on", "登记日期", OptionalDateEdit(), 2),
        )
        self.add_field("name", "成果名称", QLineEdit())
        self.add_field("completer_name", "完成单位", QLineEdit())
        self.party("completer", "完成单位")
        kinds = combo([("未填", ""), *[(t, t) for t in RESULT_TYPES]])
        self.add_row(
            "成果类型", ("result_type", "成果类型", kinds, 2), ("field", "技术领域", QLineEdit(), 3)
        )
        self.add_field("town_id", "所属镇街", self._towns(towns))
        self.add_field("note", "备注", QLineEdit())
        if view is not None:
            self._show(view)
        self._lookup()
        self.remember_initial()

    @staticmethod
    def _find(session: Any, result_id: int | None) -> queries.ResultView | None:
        if result_id is None:
            return None
        return next((r for r in queries.list_results(session) if r.id == result_id), None)

    @staticmethod
    def _towns(towns: Sequence[TownView]) -> Any:
        return combo([("未填", NO_VALUE), *[(t.name, t.id) for t in towns]])

    def load_current(self) -> None:
        """The result as it is stored now (another desk changed it)."""
        with self._ctx.session() as s:
            view = self._find(s, self.record_id)
        if view is not None:
            self._show(view)
            self._lookup()

    def _show(self, r: queries.ResultView) -> None:
        self.version = r.version
        for key in ("reg_no", "name", "completer_name", "completer_uscc", "field", "note"):
            self.widget(key).setText(getattr(r, key) or "")
        self.widget("registered_on").set_value(r.registered_on)
        select_data(self.widget("result_type"), r.result_type or "")
        local = r.completer_local
        select_data(self.widget("completer_local"), NO_VALUE if local is None else int(local))
        select_data(self.widget("town_id"), NO_VALUE if r.town_id is None else r.town_id)

    def values(self) -> dict[str, Any]:
        """The fields as the service takes them."""
        values = super().values()
        if "completer_local" in values:
            values["completer_local"] = _from_combo(values["completer_local"], True)
        if "town_id" in values:
            values["town_id"] = _from_combo(values["town_id"], False)
        if "result_type" in values:
            values["result_type"] = values["result_type"] or None
        return values

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """The service's checks of the whole result."""
        return results.result_problems_as_typed(values, date.today()) if values else {}

    def operation(self, values: dict[str, Any]) -> Operation[object]:
        """Create, or update the changed fields."""
        if self.record_id is None:
            return partial(results.create_result, values=values, operator=self._ctx.operator)
        return partial(
            results.update_result,
            result_id=self.record_id,
            values=self.changed_values(values),
            operator=self._ctx.operator,
            expected_version=self.version,
        )


class TransferDialog(LedgerDialog):
    """Record or edit a transfer of one result; its contract is picked by 登记号."""

    def __init__(
        self,
        ctx: AppContext,
        result: queries.ResultView,
        transfer: queries.TransferView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "新增成果转化" if transfer is None else "编辑成果转化"
        super().__init__(ctx, title, parent, None if transfer is None else transfer.id)
        self.setMinimumWidth(720)
        self._result = result
        self.form.addRow(self.tr("科技成果"), QLabel(f"{result.reg_no}　{result.name}"))
        methods = combo([("请选择", ""), *[(m, m) for m in TRANSFER_METHODS]])
        self.add_row(
            "转化方式",
            ("method", "转化方式", methods, 3),
            ("transferred_on", "转化日期", OptionalDateEdit(), 2),
        )
        self.add_field("taker_name", "承接单位", QLineEdit())
        self.party("taker", "承接单位")
        amount = NumberEdit()
        amount.setPlaceholderText(self.tr("万元"))
        self.add_field("amount", "合同金额（万元）", amount)
        self._contract_field()
        self.add_field("note", "备注", QLineEdit())
        if transfer is not None:
            self._show(transfer)
        self._lookup()
        self._contract_changed()
        self.remember_initial()

    def _contract_field(self) -> None:
        reg = QLineEdit()
        reg.setPlaceholderText(self.tr("输入技术合同登记号、合同名称或单位名称检索"))
        self.suggestions = QStringListModel(self)
        completer = QCompleter(self.suggestions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        reg.setCompleter(completer)
        self.add_field("contract_reg_no", "关联技术合同", reg)
        self.contract_hint = QLabel()
        self.contract_hint.setObjectName("hint")
        self.contract_hint.setWordWrap(True)
        self.form.addRow("", self.contract_hint)
        reg.textEdited.connect(self.suggest)
        reg.textChanged.connect(self._contract_changed)

    def load_current(self) -> None:
        """The transfer as it is stored now (another desk changed it)."""
        with self._ctx.session() as s:
            found = queries.transfers_of_result(s, self._result.id)
        view = next((t for t in found if t.id == self.record_id), None)
        if view is not None:
            self._show(view)
            self._lookup()
            self._contract_changed()

    def _show(self, t: queries.TransferView) -> None:
        self.version = t.version
        for key in ("taker_name", "taker_uscc", "contract_reg_no", "note"):
            self.widget(key).setText(getattr(t, key) or "")
        select_data(self.widget("method"), t.method)
        self.widget("transferred_on").set_value(t.transferred_on)
        self.widget("amount").set_value(t.amount)
        local = t.taker_local
        select_data(self.widget("taker_local"), NO_VALUE if local is None else int(local))

    @Slot(str)
    def suggest(self, text: str) -> None:
        """登记号s of the contracts matching what is typed (登记号, name or party)."""
        text = text.strip()
        if len(text) < 2:
            self.suggestions.setStringList([])
            return
        with self._ctx.session() as s:
            ids = queries.contract_ids(s, queries.ContractFilter(text=text))[:MAX_SUGGESTIONS]
            found = queries.contract_views(s, ids)
        self.suggestions.setStringList([c.reg_no for c in found])

    @Slot()
    def _contract_changed(self) -> None:
        reg_no = self.widget("contract_reg_no").text().strip()
        if not reg_no:
            self.contract_hint.setText(self.tr("不关联技术合同"))
            return
        with self._ctx.session() as s:
            cid = find_contract(s, reg_no)
            c = queries.get_contract(s, cid) if cid is not None else None
        if c is None:
            self.contract_hint.setText(
                self.tr("未找到登记号为 {r} 的技术合同：保存后暂不关联，登记该合同后再编辑").format(
                    r=reg_no
                )
            )
            return
        self.contract_hint.setText(
            self.tr("已关联：{name}（{seller} → {buyer}，{amount:,.2f} 万元，{on}）").format(
                name=c.name,
                seller=c.seller_name,
                buyer=c.buyer_name,
                amount=c.amount,
                on=c.registered_on.isoformat(),
            )
        )

    def values(self) -> dict[str, Any]:
        """The fields as the service takes them, with the result."""
        values = super().values()
        if "taker_local" in values:
            values["taker_local"] = _from_combo(values["taker_local"], True)
        if "method" in values:
            values["method"] = values["method"] or None
        return values

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """The service's checks of the whole transfer."""
        return results.transfer_problems_as_typed(values, date.today()) if values else {}

    def operation(self, values: dict[str, Any]) -> Operation[object]:
        """Record the transfer of the result, or update the changed fields."""
        if self.record_id is None:
            return partial(
                results.create_transfer,
                values=values | {"result_id": self._result.id},
                operator=self._ctx.operator,
            )
        return partial(
            results.update_transfer,
            transfer_id=self.record_id,
            values=self.changed_values(values),
            operator=self._ctx.operator,
            expected_version=self.version,
        )
