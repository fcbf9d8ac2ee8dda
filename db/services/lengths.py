"""The declared text lengths of the store's columns, checked on every audited write.

One home for the rule “a text may not be longer than its column's String(n)” (db.rules.text.too_long):
audit.add_created, audit.apply_changes and audit.apply_year call `check_lengths` before they set a
value, so every service that writes through them refuses a too long text with an InputError naming
the field; the import planners of the other kinds reject such a row with `length_problems`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import String, Table

from db.rules.text import too_long
from db.services.errors import InputError

# How the clerk knows each limited column (the editors' and the import templates' wording).
LABELS: dict[str, dict[str, str]] = {
    "enterprises": {
        "name": "企业名称",
        "uscc": "统一社会信用代码",
        "address": "注册地址",
        "industry": "行业类别",
        "legal_rep": "法定代表人",
        "contact": "联系人",
        "phone": "联系电话",
        "pinyin_initials": "企业名称拼音首字母",
    },
    "qualifications": {"number": "证书编号", "level": "资质级别", "revoke_reason": "撤销原因"},
    "commissioners": {
        "name": "姓名（名称）",
        "kind": "特派员类型",
        "level": "级别",
        "gender": "性别",
        "id_number": "身份证号码",
        "phone": "联系电话",
        "unit": "派出单位",
        "contact_person": "联系人",
        "title": "职称",
        "field": "专业领域",
        "status": "状态",
    },
    "demands": {
        "requester": "需求方",
        "requester_kind": "需求方类型",
        "field": "需求领域",
        "status": "需求状态",
    },
    "dispatches": {"target_name": "服务对象"},
    "service_records": {"place": "服务地点", "kind": "服务方式"},
    "assessments": {"grade": "考核等次"},
    "carriers": {
        "name": "载体名称",
        "kind": "载体类型",
        "level": "级别",
        "operator": "运营主体",
        "address": "地址",
        "contact": "联系人",
        "phone": "联系电话",
    },
    "incubatees": {"team_name": "团队名称", "exit_kind": "离孵方式"},
    "carrier_years": {"grade": "评价结果"},
    "platforms": {
        "name": "平台名称",
        "kind": "平台类型",
        "level": "级别",
        "host_name": "依托单位",
        "department": "认定部门",
    },
    "indicators": {
        "code": "指标代码",
        "name": "指标名称",
        "unit": "单位",
        "department": "责任单位",
        "source": "数据来源",
        "kind": "指标类型",
        "series": "增长所依据的指标",
    },
    "cultivation_entries": {"track": "培育类别", "stage": "培育阶段"},
    "tech_contracts": {
        "reg_no": "合同登记号",
        "name": "合同名称",
        "contract_type": "合同类型",
        "seller_name": "卖方名称",
        "seller_uscc": "卖方统一社会信用代码",
        "buyer_name": "买方名称",
        "buyer_uscc": "买方统一社会信用代码",
        "registry_office": "登记机构",
        "field": "技术领域",
    },
    "tech_results": {
        "reg_no": "成果登记号",
        "name": "成果名称",
        "completer_name": "完成单位",
        "completer_uscc": "完成单位统一社会信用代码",
        "result_type": "成果类型",
        "field": "技术领域",
    },
    "result_transfers": {
        "method": "转化方式",
        "taker_name": "承接单位",
        "taker_uscc": "承接单位统一社会信用代码",
        "contract_reg_no": "合同登记号",
    },
    "towns": {"name": "镇街名称"},
    "town_aliases": {"alias": "镇街别名"},
}


def table_of(model_or_row: Any) -> Table:
    """The table a mapped class (or one of its rows) is stored in."""
    table: Table = model_or_row.__table__
    return table


@cache
def _limits(table: Table) -> dict[str, int]:
    return {
        c.name: c.type.length
        for c in table.c
        if isinstance(c.type, String) and c.type.length is not None
    }


def limit_of(table: Table, name: str) -> int | None:
    """The declared String(n) length of a column; None for Text and non-text columns."""
    return _limits(table).get(name)


def label_of(table: Table, name: str) -> str:
    """The field's name as the clerk knows it (the column name when none is declared)."""
    return LABELS.get(table.name, {}).get(name, name)


def length_problems(table: Table, values: Mapping[str, object]) -> dict[str, str]:
    """{field: message} of the texts longer than their column allows (“企业名称不能超过200个字”)."""
    out: dict[str, str] = {}
    for name, value in values.items():
        limit = limit_of(table, name)
        problem = too_long(label_of(table, name), value, limit) if limit is not None else None
        if problem:
            out[name] = problem
    return out


def check_lengths(model_or_row: Any, values: Mapping[str, object]) -> None:
    """Refuse (InputError naming the field) a text longer than its column's declared length."""
    for name, message in length_problems(table_of(model_or_row), values).items():
        raise InputError(message, name)
