"""Demo indicators of the district's plans: targets, base values and hand-entered actuals."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Indicator, IndicatorActual, IndicatorTarget
from db.services.settings import set_count_target
from desktop.demo.bulk import Row, created, insert_rows, next_id

COUNT_TARGETS = {2024: 90, 2025: 100, 2026: 110}


# code, name, unit, base year, base value, department, source, targets, actuals
MANUAL: tuple[
    tuple[str, str, str, int, float, str, str, dict[int, float], dict[int, float]], ...
] = (
    (
        "rd_growth",
        "全社会研发支出年均增长",
        "%",
        2020,
        0.0,
        "区科技局、区统计局",
        "manual",
        {2023: 15.0, 2024: 15.0, 2025: 15.0},
        {2023: 13.6, 2024: 16.2, 2025: 15.4},
    ),
    (
        "tech_contracts",
        "技术合同成交额",
        "亿元",
        2020,
        4.6,
        "区科技局",
        "manual",
        {2023: 12.0, 2024: 16.0, 2025: 20.0},
        {2023: 11.3, 2024: 16.8, 2025: 21.5},
    ),
    (
        "transferred_results",
        "累计转化科技成果",
        "项",
        2020,
        32.0,
        "区科技局",
        "manual",
        {2023: 70.0, 2024: 85.0, 2025: 100.0},
        {2023: 68.0, 2024: 87.0, 2025: 103.0},
    ),
    (
        "platform_academician",
        "院士工作站",
        "个",
        2020,
        5.0,
        "区科协",
        "platforms:院士工作站",
        {2023: 6.0, 2024: 6.0, 2025: 7.0},
        {},
    ),
    (
        "platform_engineering",
        "工程技术研究中心",
        "个",
        2020,
        2.0,
        "区科技局",
        "platforms:工程技术研究中心",
        {2023: 4.0, 2024: 5.0, 2025: 5.0},
        {},
    ),
    (
        "platform_enterprise_tech",
        "企业技术中心",
        "个",
        2020,
        2.0,
        "区经信局",
        "platforms:企业技术中心",
        {2023: 3.0, 2024: 3.0, 2025: 4.0},
        {},
    ),
    (
        "platform_postdoc",
        "博士后工作站",
        "个",
        2020,
        1.0,
        "区人社局",
        "platforms:博士后工作站",
        {2023: 1.0, 2024: 2.0, 2025: 2.0},
        {},
    ),
)


def _count_targets(session: Session, operator: str) -> None:
    for year, target in COUNT_TARGETS.items():
        for key in ("high_tech", "tech_sme"):
            set_count_target(session, key, year, target, operator)
    counts = session.scalars(
        select(Indicator).where(Indicator.source.in_(("high_tech", "tech_sme"))).order_by(Indicator.id)
    )
    for order, ind in enumerate(counts, start=1):
        ind.sort_order = order
    session.flush()


def create_indicators(session: Session, operator: str) -> None:
    """The two count targets (through the settings service) and the plan's other indicators."""
    _count_targets(session, operator)
    first = next_id(session, Indicator)
    indicators: list[Row] = []
    targets: list[Row] = []
    actuals: list[Row] = []
    for i, spec in enumerate(MANUAL):
        code, name, unit, base_year, base_value, department, source, goal, done = spec
        iid = first + i
        indicators.append(
            {
                "id": iid,
                "code": code,
                "name": name,
                "unit": unit,
                "base_year": base_year,
                "base_value": base_value or None,
                "department": department,
                "source": source,
                "sort_order": 3 + i,
                "note": None,
            }
        )
        targets += [{"indicator_id": iid, "year": y, "target": v} for y, v in goal.items()]
        actuals += [
            {"indicator_id": iid, "year": y, "value": v, "note": None} for y, v in done.items()
        ]
    insert_rows(session, Indicator, indicators)
    insert_rows(session, IndicatorTarget, targets)
    insert_rows(session, IndicatorActual, actuals)
    created(session, operator, "indicator", indicators)
