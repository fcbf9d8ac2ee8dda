"""Rules of the technology-contract ledger (spec/plans.md "Technology contracts", "S&T results").

Pure functions, no store: the closed lists, the 区内/区外 words, and the checks of one contract,
result or transfer, each returning {field: message} in plain Chinese (empty when all is well).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from db.rules.text import normalize_text

CONTRACT_TYPES = ("技术开发", "技术转让", "技术许可", "技术咨询", "技术服务")
# How registration systems also write the types (技术开发合同, 委托开发 …).
CONTRACT_TYPE_ALIASES = {
    "委托开发": "技术开发",
    "合作开发": "技术开发",
    "技术秘密转让": "技术转让",
    "专利权转让": "技术转让",
    "专利申请权转让": "技术转让",
    "专利实施许可": "技术许可",
    "技术秘密许可": "技术许可",
}
TRANSFER_METHODS = ("自行投资实施转化", "向他人转让", "许可他人使用", "合作实施转化", "作价投资")
TRANSFER_METHOD_ALIASES = {
    "自行投资": "自行投资实施转化",
    "自行实施": "自行投资实施转化",
    "转让": "向他人转让",
    "许可": "许可他人使用",
    "合作实施": "合作实施转化",
    "合作转化": "合作实施转化",
    "作价入股": "作价投资",
}
RESULT_TYPES = ("应用技术", "基础理论", "软科学")
INSIDE, OUTSIDE = "区内", "区外"
_LOCAL_WORDS = {"区内": True, "本区": True, "是": True, "区外": False, "外地": False, "否": False}


def canonical_contract_type(value: object) -> str | None:
    """The contract type of the list for a written one (技术开发合同 → 技术开发), else None."""
    text = normalize_text(value).replace(" ", "")
    if text.endswith("合同"):
        text = text[:-2]
    text = CONTRACT_TYPE_ALIASES.get(text, text)
    return text if text in CONTRACT_TYPES else None


def canonical_method(value: object) -> str | None:
    """The way of transfer of the five (促进科技成果转化法) for a written one, else None."""
    text = normalize_text(value).replace(" ", "")
    text = TRANSFER_METHOD_ALIASES.get(text, text)
    return text if text in TRANSFER_METHODS else None


def parse_local(value: object) -> bool | None:
    """区内 → True, 区外 → False, blank → None; anything else also None (see local_problem)."""
    return _LOCAL_WORDS.get(normalize_text(value).replace(" ", ""))


def local_problem(value: object) -> str | None:
    """The message for a 所在地 cell that is neither 区内 nor 区外 (blank is fine)."""
    text = normalize_text(value)
    if not text or parse_local(text) is not None:
        return None
    return f"所在地应填“{INSIDE}”或“{OUTSIDE}”：{text}"


def is_in_district(enterprise_id: int | None, local: bool | None) -> bool:
    """A party is in the district when it is a roster enterprise, or its row said 区内."""
    return enterprise_id is not None or local is True


def _future(values: Mapping[str, Any], key: str, today: date, label: str) -> dict[str, str]:
    day = values.get(key)
    if isinstance(day, date) and day > today:
        return {key: f"{label}晚于今天：{day.isoformat()}"}
    return {}


def _amount(values: Mapping[str, Any], key: str, label: str) -> dict[str, str]:
    amount = values.get(key)
    if amount is not None and amount < 0:
        return {key: f"{label}不能为负数"}
    return {}


def contract_problems(values: Mapping[str, Any], today: date) -> dict[str, str]:
    """A whole contract: required fields, a known type, amounts ≥ 0, 技术交易额 ≤ 合同成交额,
    registration date not in the future."""
    found: dict[str, str] = {}
    for key, label in (
        ("reg_no", "登记号"),
        ("name", "合同名称"),
        ("seller_name", "卖方名称"),
        ("buyer_name", "买方名称"),
    ):
        if not values.get(key):
            found[key] = f"{label}必须填写"
    kind = values.get("contract_type")
    if not kind:
        found["contract_type"] = "合同类型必须填写"
    elif kind not in CONTRACT_TYPES:
        found["contract_type"] = "合同类型应为：" + "、".join(CONTRACT_TYPES)
    if values.get("amount") is None:
        found["amount"] = "合同成交额必须填写"
    if values.get("registered_on") is None:
        found["registered_on"] = "登记日期必须填写"
    found |= _amount(values, "amount", "合同成交额") | _amount(values, "tech_amount", "技术交易额")
    amount, tech = values.get("amount"), values.get("tech_amount")
    if amount is not None and tech is not None and tech > amount + 1e-9 and not found:
        found["tech_amount"] = f"技术交易额（{tech:g}万元）不能大于合同成交额（{amount:g}万元）"
    return found | _future(values, "registered_on", today, "登记日期")


def result_problems(values: Mapping[str, Any], today: date) -> dict[str, str]:
    """A whole result: 登记号, 成果名称, 完成单位, 登记日期 (not in the future), a known type."""
    found: dict[str, str] = {}
    for key, label in (("reg_no", "登记号"), ("name", "成果名称"), ("completer_name", "完成单位")):
        if not values.get(key):
            found[key] = f"{label}必须填写"
    if values.get("registered_on") is None:
        found["registered_on"] = "登记日期必须填写"
    kind = values.get("result_type")
    if kind and kind not in RESULT_TYPES:
        found["result_type"] = "成果类型应为：" + "、".join(RESULT_TYPES)
    return found | _future(values, "registered_on", today, "登记日期")


def transfer_problems(values: Mapping[str, Any], today: date) -> dict[str, str]:
    """A whole transfer: one of the five ways, 承接单位, 转化日期 (not in the future), amount ≥ 0."""
    found: dict[str, str] = {}
    method = values.get("method")
    if not method:
        found["method"] = "转化方式必须填写"
    elif method not in TRANSFER_METHODS:
        found["method"] = "转化方式应为：" + "、".join(TRANSFER_METHODS)
    if not values.get("taker_name"):
        found["taker_name"] = "承接单位必须填写"
    if values.get("transferred_on") is None:
        found["transferred_on"] = "转化日期必须填写"
    found |= _amount(values, "amount", "合同金额")
    return found | _future(values, "transferred_on", today, "转化日期")
