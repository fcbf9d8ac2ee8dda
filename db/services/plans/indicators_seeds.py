"""The computed indicators of spec/plans.md that `bureau init` seeds, without targets.

Seeding adds the codes a store lacks and leaves every existing indicator as it is (a clerk's own
name, unit, source or targets are never overwritten), so it is safe on every init and upgrade.
The codes of the 双突破 counts are those of db/services/settings.py.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Indicator
from db.services.plans.indicators_edit import add_indicator
from db.services.settings import HIGH_TECH_INDICATOR, TECH_SME_INDICATOR

STI = "区科技局"
# code, name, unit, kind, source
SEEDS: tuple[tuple[str, str, str, str, str], ...] = (
    (HIGH_TECH_INDICATOR, "高新技术企业数", "家", "count", "high_tech"),
    ("high_tech_new", "新认定高新技术企业数", "家", "count", "high_tech_first"),
    (TECH_SME_INDICATOR, "科技型中小企业入库数", "家", "count", "tech_sme"),
    ("rd_expense", "企业研发费用", "万元", "amount", "rd_expense_total"),
    ("rd_growth", "研发支出年均增长", "%", "growth", "rd_expense_total"),
    ("rd_activity_rate", "规上工业企业研发活动开展率", "%", "rate", "rd_activity_rate"),
    ("rd_institution_rate", "规上工业企业研发机构设置率", "%", "rate", "rd_institution_rate"),
    ("platforms_provincial", "省级及以上科技创新平台", "个", "count", "platforms:*:省级+"),
    ("carriers", "孵化载体", "家", "count", "carriers"),
    ("incubatees", "在孵企业", "家", "count", "incubatees"),
    ("tech_contracts", "吸纳技术合同成交额", "亿元", "amount", "contracts_absorbed"),
    ("contracts_output", "输出技术合同成交额", "亿元", "amount", "contracts_output"),
    ("contracts_count", "技术合同登记数", "项", "count", "contracts_count"),
    ("results_transferred", "当年转化科技成果", "项", "count", "results_transferred"),
    (
        "transferred_results",
        "累计转化科技成果",
        "项",
        "cumulative",
        "results_transferred_cumulative",
    ),
    ("results_local_rate", "科技成果本地转化率", "%", "rate", "results_local_rate"),
    ("commissioners", "选派科技特派员", "人", "count", "commissioners_dispatched"),
)


def seed_indicators(session: Session, operator: str) -> list[str]:
    """Add the seeded indicators a store lacks (audited); returns the codes added."""
    known = set(session.scalars(select(Indicator.code)))
    order = session.scalar(select(func.max(Indicator.sort_order))) or 0
    added: list[str] = []
    for position, (code, name, unit, kind, source) in enumerate(SEEDS, start=1):
        if code in known:
            continue
        values: dict[str, object] = {"code": code, "name": name, "unit": unit, "kind": kind}
        values |= {"source": source, "department": STI, "sort_order": order + position}
        add_indicator(session, values, operator)
        added.append(code)
    return added
