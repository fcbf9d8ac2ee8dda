"""高新技术企业和科技型中小企业“双突破”进展情况表: towns + 合计.

Rules: 有效数 = enterprises with a high-tech certificate valid on the as-of date; 其中本年新认定 = of
those, certified in the year; 年内到期 = of those, whose certificate ends in the year; 年末预计 = valid
on 31 December (db.services.figures.counts); 入库数 = tech-SMEs of the year. Targets exist for the district
only, so they and the completion rates are shown on 合计.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from db.services.figures import counts
from db.services.figures import returns_data as data
from db.services.settings import get_count_targets
from desktop.returns.model import (
    CheckResult,
    Column,
    LegalMarks,
    Query,
    ReturnDefinition,
    SourceRows,
    Value,
)

HT = "高新技术企业"
SME = "科技型中小企业"
COLUMNS = (
    Column("town", "镇街", width=30),
    Column("ht", "有效数", "int", 18, HT),
    Column("ht_new", "其中本年新认定", "int", 20, HT),
    Column("ht_expiring", "年内到期", "int", 18, HT),
    Column("ht_year_end", "年末预计", "int", 18, HT),
    Column("ht_target", "目标", "int", 16, HT),
    Column("ht_rate", "完成率(%)", "percent", 18, HT, decimals=1),
    Column("sme", "入库数", "int", 18, SME),
    Column("sme_target", "目标", "int", 16, SME),
    Column("sme_rate", "完成率(%)", "percent", 18, SME, decimals=1),
)
SUMMED = ("ht", "ht_new", "ht_expiring", "ht_year_end", "sme")
LABELS = {"ht": "高企有效数", "ht_new": "本年新认定", "ht_expiring": "年内到期"}
LABELS |= {"ht_year_end": "年末预计", "sme": "科小入库数"}


def _rate(count: int, target: int | None) -> float | None:
    return None if not target else round(count * 100 / target, 1)


def _district(session: Session, on: date) -> dict[str, Value]:
    year = on.year
    year_end = date(year, 12, 31)
    ht = counts.count_high_tech(session, on)
    sme = counts.count_tech_sme(session, year)
    targets = get_count_targets(session, year)
    new = sum(data.new_high_tech_by_town(session, on).values())
    expiring = sum(data.expiring_high_tech_by_town(session, on).values())
    return {
        "ht": ht,
        "ht_new": new,
        "ht_expiring": expiring,
        "ht_year_end": counts.count_high_tech(session, year_end),
        "ht_target": targets["high_tech"],
        "ht_rate": _rate(ht, targets["high_tech"]),
        "sme": sme,
        "sme_target": targets["tech_sme"],
        "sme_rate": _rate(sme, targets["tech_sme"]),
    }


def source(session: Session, query: Query) -> SourceRows:
    """One row per town (and one for enterprises without a town when there are any) + 合计."""
    on = query.as_of
    per = {
        "ht": data.high_tech_by_town(session, on),
        "ht_new": data.new_high_tech_by_town(session, on),
        "ht_expiring": data.expiring_high_tech_by_town(session, on),
        "ht_year_end": data.high_tech_by_town(session, date(on.year, 12, 31)),
        "sme": data.tech_sme_by_town(session, on.year),
    }
    names: list[str | None] = list(data.town_names(session))
    if any(None in values for values in per.values()):
        names.append(None)
    rows: list[dict[str, Value]] = []
    for name in names:
        row: dict[str, Value] = {"town": name or data.NO_TOWN}
        row |= {key: per[key].get(name, 0) for key in SUMMED}
        rows.append(row)
    return SourceRows(rows, _district(session, on))


def towns_add_up(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Error: a column's town rows do not add up to the district 合计."""
    found: list[CheckResult] = []
    total = rows.total or {}
    for key in SUMMED:
        town_sum = sum(v for r in rows.rows if isinstance(v := r[key], int))
        if town_sum != total.get(key):
            message = f"{LABELS[key]}：各镇街合计 {town_sum} 与全区 {total.get(key)} 不一致"
            found.append(CheckResult("error", f"sum:{key}", message))
    return found


def targets_set(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Warning: no district target for the year; enterprises without a town."""
    found: list[CheckResult] = []
    total = rows.total or {}
    for key, label in (("ht_target", "高新技术企业"), ("sme_target", "科技型中小企业")):
        if total.get(key) is None:
            message = f"{query.as_of.year}年{label}目标未设置，完成率空缺"
            found.append(CheckResult("warning", f"target:{key}", message))
    if any(r["town"] == data.NO_TOWN for r in rows.rows):
        message = "有企业未填所属镇街，单列为“（未填镇街）”"
        found.append(CheckResult("warning", "no-town", message))
    return found


DOUBLE_BREAKTHROUGH = ReturnDefinition(
    id="double-breakthrough",
    title="高新技术企业和科技型中小企业“双突破”进展情况表",
    period_kind="year",
    columns=COLUMNS,
    source=source,
    legal_marks=LegalMarks(table_no="科双01表"),
    unit="家",
    totals=True,
    checks=(towns_add_up, targets_set),
    town_filter=False,
    uses_as_of=True,
)
