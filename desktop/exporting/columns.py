"""The columns of every export kind: the canonical import headers (spec/import.md).

Kinds with an import schema (desktop/importing/schemas.py) take their columns from it, so an export
re-imports (qualifications and figures too); the kinds without one yet declare theirs here with
the names the window uses (dispatches, assessments, carrier years, indicators) — an import schema
added for them later must keep these headers (a test compares).
"""

from __future__ import annotations

from desktop.exporting.sheets import Field, FieldKind
from desktop.importing.schemas import SCHEMAS

PARSER_KINDS: dict[str, FieldKind] = {
    "text": "text",
    "code": "code",
    "uscc": "code",
    "id": "code",
    "phone": "code",
    "date": "date",
    "money": "money",
    "int": "int",
    "number": "number",
    "bool": "flag",
    "year": "year",
}
WIDTHS = {"企业名称": 36, "统一社会信用代码": 22, "注册地址": 36, "高新技术企业证书编号": 20}


def _f(key: str, header: str, kind: FieldKind = "text") -> Field:
    return Field(key, header, kind, WIDTHS.get(header))


def schema_fields(kind: str) -> tuple[Field, ...]:
    """The columns of an import kind, in template order."""
    return tuple(_f(c.field, c.header, PARSER_KINDS[c.parser]) for c in SCHEMAS[kind].columns)


QUALIFICATIONS = schema_fields("qualifications")
FIGURES = schema_fields("figures")
DISPATCHES = (
    _f("commissioner", "特派员姓名"),
    _f("id_number", "身份证号码", "code"),
    _f("unit", "派出单位"),
    _f("target", "服务对象"),
    _f("target_uscc", "服务对象统一社会信用代码", "code"),
    _f("town", "所属镇街"),
    _f("start_on", "开始日期", "date"),
    _f("end_on", "结束日期", "date"),
    _f("agreement", "三方协议", "flag"),
    _f("demand_requester", "对接需求方"),
    _f("demand_problem", "对接需求内容"),
    _f("demand_raised_on", "需求提出日期", "date"),
)
ASSESSMENTS = (
    _f("commissioner", "特派员姓名"),
    _f("id_number", "身份证号码", "code"),
    _f("unit", "派出单位"),
    _f("year", "考核年度", "year"),
    _f("grade", "考核等次"),
    _f("note", "备注"),
)
CARRIER_YEARS = (
    _f("carrier", "载体名称"),
    _f("year", "年度", "year"),
    _f("incubatees_reported", "在孵企业数", "int"),
    _f("graduates_reported", "毕业企业数", "int"),
    _f("new_enterprises", "新增在孵数", "int"),
    _f("jobs", "吸纳就业人数", "int"),
    _f("financing", "获融资额(万元)", "money"),
    _f("events", "服务活动场次", "int"),
    _f("grade", "评价结果"),
)
INDICATOR_ACTUALS = (  # hand-entered actuals, beside the annex layout (no 指标名称 column: this
    _f("code", "指标代码", "code"),  # sheet is for reading and is not taken for an annex)
    _f("indicator", "所属指标及单位"),
    _f("year", "年度", "year"),
    _f("actual", "完成值", "number"),
    _f("actual_note", "说明"),
    _f("entered_by", "填报人"),
)
