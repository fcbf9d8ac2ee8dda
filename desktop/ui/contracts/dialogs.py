"""The contract editor: every field of a technology contract, checked as you type by the service.

A party's code is looked up in the roster while it is typed: a roster enterprise is in the district
whatever its 所在地 says (parties.py); otherwise 区内 / 区外 decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from db.rules.contracts import CONTRACT_TYPES, INSIDE, OUTSIDE
from db.services.contracts import queries, records
from db.services.contracts.parties import live_enterprise_by_code
from db.services.towns import TownView, list_towns
from desktop.operations import Operation
from desktop.ui.common.fields import NO_VALUE, NumberEdit, OptionalDateEdit
from desktop.ui.common.forms import FormDialog, combo, select_data
from desktop.ui.shell.context import AppContext

PARTIES = (("seller", "卖方"), ("buyer", "买方"))
COMBO_KEYS = ("seller_local", "buyer_local", "town_id")


def local_combo() -> Any:
    """所在地: 未填 / 区内 / 区外 (NO_VALUE, never None, as item data)."""
    return combo([("所在地未填", NO_VALUE), (INSIDE, 1), (OUTSIDE, 0)])


def town_combo(towns: Sequence[TownView]) -> Any:
    """所属镇街 of the record (used for a 区内 party that is not in the roster)."""
    return combo([("未填", NO_VALUE), *[(t.name, t.id) for t in towns]])


class ContractDialog(FormDialog):
    """Create or edit a technology contract."""

    def __init__(self, ctx: AppContext, contract_id: int | None, parent: QWidget | None = None):
        title = "登记技术合同" if contract_id is None else "编辑技术合同"
        super().__init__(ctx, title, parent, contract_id)
        self.setMinimumWidth(760)
        with ctx.session() as s:
            towns = list_towns(s)
            view = queries.get_contract(s, contract_id) if contract_id else None
        self.party_hints: dict[str, QLabel] = {}
        self.add_row(
            "登记号",
            ("reg_no", "登记号", QLineEdit(), 3),
            ("registered_on", "登记日期", OptionalDateEdit(), 2),
        )
        self.add_field("name", "合同名称", QLineEdit())
        types = combo([("请选择", ""), *[(t, t) for t in CONTRACT_TYPES]])
        self.add_row(
            "合同类型",
            ("contract_type", "合同类型", types, 2),
            ("field", "技术领域", QLineEdit(), 3),
        )
        for side, label in PARTIES:
            self._party(side, label)
        self.add_field("amount", "合同成交额（万元）", NumberEdit())
        self.add_field("tech_amount", "技术交易额（万元）", NumberEdit())
        self.widget("tech_amount").setPlaceholderText(self.tr("不大于合同成交额"))
        self.add_row(
            "登记机构",
            ("registry_office", "登记机构", QLineEdit(), 3),
            ("town_id", "所属镇街", town_combo(towns), 2),
        )
        note = QPlainTextEdit()
        note.setFixedHeight(54)
        self.add_field("note", "备注", note)
        if view is not None:
            self._show(view)
        self._lookup_parties()
        self.remember_initial()

    # ----- layout -----

    def _party(self, side: str, label: str) -> None:
        self.add_field(f"{side}_name", f"{label}名称", QLineEdit())
        code = QLineEdit()
        code.setPlaceholderText(self.tr("18位，名录企业据此关联"))
        self.add_row(
            f"{label}信用代码",
            (f"{side}_uscc", f"{label}统一社会信用代码", code, 3),
            (f"{side}_local", f"{label}所在地", local_combo(), 1),
        )
        hint = QLabel()
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.party_hints[side] = hint
        self.form.addRow("", hint)
        code.textChanged.connect(self._lookup_parties)

    def load_current(self) -> None:
        """The contract as it is stored now (another desk changed it)."""
        if self.record_id is not None:
            with self._ctx.session() as s:
                view = queries.get_contract(s, self.record_id)
            if view is not None:
                self._show(view)
                self._lookup_parties()

    def _show(self, c: queries.ContractView) -> None:
        self.version = c.version
        for key in ("reg_no", "name", "field", "registry_office", "seller_name", "buyer_name"):
            self.widget(key).setText(getattr(c, key) or "")
        for key in ("seller_uscc", "buyer_uscc"):
            self.widget(key).setText(getattr(c, key) or "")
        self.widget("note").setPlainText(c.note or "")
        select_data(self.widget("contract_type"), c.contract_type)
        for key in ("seller_local", "buyer_local"):
            local = getattr(c, key)
            select_data(self.widget(key), NO_VALUE if local is None else int(local))
        select_data(self.widget("town_id"), c.town_id if c.town_id is not None else NO_VALUE)
        self.widget("amount").set_value(c.amount)
        self.widget("tech_amount").set_value(c.tech_amount)
        self.widget("registered_on").set_value(c.registered_on)

    @Slot()
    def _lookup_parties(self) -> None:
        """Say under each code whether it is a roster enterprise (then it counts as 区内)."""
        codes = {side: self.widget(f"{side}_uscc").text().strip().upper() for side, _ in PARTIES}
        with self._ctx.session() as s:
            found = live_enterprise_by_code(s, {c for c in codes.values() if len(c) == 18})
        for side, label in PARTIES:
            code = codes[side]
            hint = self.party_hints[side]
            if code in found:
                hint.setText(self.tr("名录中的企业：按区内计，镇街取名录所填").format(label=label))
            elif code:
                hint.setText(
                    self.tr("不在企业名录中：按“{label}所在地”判断是否区内").format(label=label)
                )
            else:
                hint.setText(
                    self.tr("未填信用代码：按“{label}所在地”判断是否区内").format(label=label)
                )

    # ----- values -----

    def values(self) -> dict[str, Any]:
        """The fields as the service takes them (所在地 as True / False / None)."""
        values = super().values()
        for key in COMBO_KEYS:
            data = values.get(key)
            if data == NO_VALUE:
                values[key] = None
            elif key != "town_id" and data is not None:
                values[key] = bool(data)
        values["contract_type"] = values.get("contract_type") or None
        return values

    def problems(self, values: dict[str, Any]) -> dict[str, str]:
        """The service's checks of the whole contract (messages in Chinese)."""
        if not values:
            return {}
        return records.problems(values, date.today())

    def operation(self, values: dict[str, Any]) -> Operation[object]:
        """Create, or update the changed fields."""
        if self.record_id is None:
            return partial(records.create_contract, values=values, operator=self._ctx.operator)
        return partial(
            records.update_contract,
            contract_id=self.record_id,
            values=self.changed_values(values),
            operator=self._ctx.operator,
            expected_version=self.version,
        )
