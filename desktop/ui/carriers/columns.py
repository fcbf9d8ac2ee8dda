"""What the tables of 孵化载体 show: the carriers, a carrier's incubatees, years and checks."""

from __future__ import annotations

from datetime import date

from db.services import carriers
from desktop.ui.common.tables import OK_COLOUR, SHORT_COLOUR, Col, shown

DIFF_COLOUR = "#a15c00"  # a reported figure that differs from the one the records give

CARRIER_COLUMNS: list[Col[carriers.CarrierView]] = [
    Col("载体名称", lambda c: c.name),
    Col("类型", lambda c: c.kind),
    Col("级别", lambda c: c.level or ""),
    Col("认定年份", lambda c: shown(c.recognized_year), lambda c: c.recognized_year, True),
    Col("所属镇街", lambda c: c.town or ""),
    Col("运营主体", lambda c: c.operator or ""),
    Col("面积(m²)", lambda c: shown(c.area, 0), lambda c: c.area, True),
    Col("工位", lambda c: shown(c.stations), lambda c: c.stations, True),
    Col("在孵", lambda c: str(c.incubating), lambda c: c.incubating, True),
    Col("本年毕业", lambda c: str(c.graduates_this_year), lambda c: c.graduates_this_year, True),
]


def incubatee_columns(on: date) -> list[Col[carriers.IncubateeView]]:
    """The incubatee columns; the status is the one on `on`."""
    return [
        Col("企业/团队", lambda i: i.name),
        Col("类别", lambda i: "名录企业" if i.enterprise_id else "团队"),
        Col("统一社会信用代码", lambda i: i.uscc or ""),
        Col("入孵日期", lambda i: i.entered_on.isoformat(), lambda i: i.entered_on),
        Col(
            "离孵日期",
            lambda i: i.exited_on.isoformat() if i.exited_on else "",
            lambda i: i.exited_on,
        ),
        Col("状态", lambda i: i.status(on)),
        Col("获投资(万元)", lambda i: shown(i.investment), lambda i: i.investment, True),
        Col("上市/并购", lambda i: "是" if i.listed else ""),
    ]


def _year_colour(rep: int | None, comp: int) -> str | None:
    return DIFF_COLOUR if rep is not None and rep != comp else None


YEAR_COLUMNS: list[Col[carriers.CarrierYearView]] = [
    Col("年度", lambda y: str(y.year), lambda y: y.year),
    Col("在孵·记录", lambda y: str(y.incubatees_computed), numeric=True),
    Col(
        "在孵·填报",
        lambda y: shown(y.incubatees_reported),
        numeric=True,
        colour=lambda y: _year_colour(y.incubatees_reported, y.incubatees_computed),
    ),
    Col("毕业·记录", lambda y: str(y.graduates_computed), numeric=True),
    Col(
        "毕业·填报",
        lambda y: shown(y.graduates_reported),
        numeric=True,
        colour=lambda y: _year_colour(y.graduates_reported, y.graduates_computed),
    ),
    Col("新增·记录", lambda y: str(y.new_computed), numeric=True),
    Col(
        "新增·填报",
        lambda y: shown(y.new_enterprises),
        numeric=True,
        colour=lambda y: _year_colour(y.new_enterprises, y.new_computed),
    ),
    Col("就业(人)", lambda y: shown(y.jobs), numeric=True),
    Col("融资(万元)", lambda y: shown(y.financing), numeric=True),
    Col("活动(场)", lambda y: shown(y.events), numeric=True),
    Col("评价", lambda y: f"{y.grade_name}({y.grade})" if y.grade else ""),
]

GRADUATION_COLUMNS: list[Col[carriers.GraduationCheck]] = [
    Col("企业/团队", lambda g: g.name),
    Col(
        "建议",
        lambda g: "可申请毕业" if g.eligible else "暂不满足",
        colour=lambda g: OK_COLOUR if g.eligible else None,
    ),
    Col("满足的毕业条件", lambda g: "、".join(g.routes)),
    Col("依据", lambda g: "；".join(g.details)),
]


def _fmt(value: float | None) -> str:
    return "未填" if value is None else f"{value:,.0f}"


READINESS_COLUMNS: list[Col[carriers.ThresholdCheck]] = [
    Col("条件", lambda c: c.label + ("（两项满足其一）" if c.group else "")),
    Col("要求", lambda c: f"≥ {c.required:,.0f} {c.unit}", numeric=True),
    Col("实际", lambda c: f"{_fmt(c.actual)} {c.unit}", numeric=True),
    Col(
        "结果",
        lambda c: "✓ 满足" if c.met else f"差 {c.shortfall:,.0f} {c.unit}",
        colour=lambda c: OK_COLOUR if c.met else SHORT_COLOUR,
    ),
]
