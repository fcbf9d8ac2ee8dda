"""高新技术企业和科技型中小企业“双突破”进展情况表: towns + 合计.

Rules (plans.md “双突破 corrections”; their one home is db/services/figures/counts.py): 有效数 =
enterprises with a high-tech certificate valid on the as-of date; 其中本年新认定 = of those, whose
first-ever certificate was issued in the year; 其中重新认定 = of those, re-certified in the year;
年内到期 = of those, with no certificate that runs to 31 December; 年末预计 = 有效数 less 年内到期 (a
check enforces it row by row); 入库数 = tech-SMEs of the year. 目标 / 完成率: a town's from its town
target where one is set, the district's on 合计.
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
    Column("ht_renewed", "其中重新认定", "int", 20, HT),
    Column("ht_expiring", "年内到期", "int", 18, HT),
    Column("ht_year_end", "年末预计", "int", 18, HT),
    Column("ht_target", "目标", "int", 16, HT),
    Column("ht_rate", "完成率(%)", "percent", 18, HT, decimals=1),
    Column("sme", "入库数", "int", 18, SME),
    Column("sme_target", "目标", "int", 16, SME),
    Column("sme_rate", "完成率(%)", "percent", 18, SME, decimals=1),
)
SUMMED = ("ht", "ht_new", "ht_renewed", "ht_expiring", "ht_year_end", "sme")
LABELS = {"ht": "高企有效数", "ht_new": "本年新认定", "ht_renewed": "重新认定"}
LABELS |= {"ht_expiring": "年内到期"}
LABELS |= {"ht_year_end": "年末预计", "sme": "科小入库数"}


def _rate(count: int, target: int | None) -> float | None:
    return None if not target else round(count * 100 / target, 1)


def _district(session: Session, on: date) -> dict[str, Value]:
    ht = counts.count_high_tech(session, on)
    sme = counts.count_tech_sme(session, on.year)
    targets = get_count_targets(session, on.year)
    return {
        "ht": ht,
        "ht_target": targets["high_tech"],
        "ht_rate": _rate(ht, targets["high_tech"]),
        "sme": sme,
        "sme_target": targets["tech_sme"],
        "sme_rate": _rate(sme, targets["tech_sme"]),
    }


def _per_town(session: Session, on: date) -> dict[str, dict[str | None, int]]:
    return {
        "ht": data.high_tech_by_town(session, on),
        "ht_new": data.first_high_tech_by_town(session, on),
        "ht_renewed": data.renewed_high_tech_by_town(session, on),
        "ht_expiring": data.expiring_high_tech_by_town(session, on),
        "ht_year_end": data.year_end_high_tech_by_town(session, on),
        "sme": data.tech_sme_by_town(session, on.year),
    }


def _with_targets(row: dict[str, Value], targets: dict[str, int | None]) -> dict[str, Value]:
    ht, sme = row["ht"], row["sme"]
    assert isinstance(ht, int) and isinstance(sme, int)
    return row | {
        "ht_target": targets["high_tech"],
        "ht_rate": _rate(ht, targets["high_tech"]),
        "sme_target": targets["tech_sme"],
        "sme_rate": _rate(sme, targets["tech_sme"]),
    }


def source(session: Session, query: Query) -> SourceRows:
    """One row per town (and one for enterprises without a town when there are any) + 合计."""
    on = query.as_of
    per = _per_town(session, on)
    town_targets = data.count_town_targets(session, on.year)
    names: list[str | None] = list(data.town_names(session))
    if any(None in values for values in per.values()):
        names.append(None)
    rows: list[dict[str, Value]] = []
    for name in names:
        row: dict[str, Value] = {"town": name or data.NO_TOWN}
        row |= {key: per[key].get(name, 0) for key in SUMMED}
        targets = {key: town_targets[key].get(name or "") for key in ("high_tech", "tech_sme")}
        rows.append(_with_targets(row, targets))
    total = _district(session, on)
    total |= {key: sum(per[key].values()) for key in SUMMED if key not in total}
    return SourceRows(rows, total)


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


def year_end_balances(session: Session, query: Query, rows: SourceRows) -> list[CheckResult]:
    """Error: 有效数 − 年内到期 ≠ 年末预计 in a row (or on 合计)."""
    found: list[CheckResult] = []
    for row in [*rows.rows, rows.total or {}]:
        ht, expiring, year_end = row.get("ht"), row.get("ht_expiring"), row.get("ht_year_end")
        if not all(isinstance(v, int) for v in (ht, expiring, year_end)):
            continue
        assert isinstance(ht, int) and isinstance(expiring, int)
        if ht - expiring != year_end:
            town = row.get("town") or "合计"
            message = f"{town}：高企有效数 {ht} − 年内到期 {expiring} ≠ 年末预计 {year_end}"
            found.append(CheckResult("error", f"year-end:{town}", message))
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
    checks=(towns_add_up, year_end_balances, targets_set),
    town_filter=False,
    uses_as_of=True,
)
