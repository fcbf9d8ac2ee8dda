"""Demo technology contracts (2021–2026) and S&T results with their transfers.

The district absorbs about 20亿元 of contract value in 2025 (吸纳, the buyer in the district) and
has transferred about 100 distinct results cumulatively by 2025, so that the seeded indicators'
targets are meaningful. Parties are roster enterprises (linked by code) or outside institutions;
some results are completed by district institutions outside the roster (区内).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise, ResultTransfer, TechContract, TechResult
from db.rules.contracts import CONTRACT_TYPES, TRANSFER_METHODS
from desktop.demo.bulk import Row, created, insert_rows, next_id
from desktop.demo.roster import DemoEnterprise

# 吸纳 per year (万元): 2025 is near 20亿; 2026 runs to the end of November.
ABSORBED = {2021: 62_000, 2022: 88_000, 2023: 113_000, 2024: 168_000, 2025: 205_000, 2026: 150_000}
CONTRACTS_PER_YEAR = {2021: 160, 2022: 210, 2023: 260, 2024: 320, 2025: 380, 2026: 300}
# Distinct results first transferred per year (cumulative 2025 ≈ 104).
TRANSFERRED = {2021: 12, 2022: 17, 2023: 22, 2024: 24, 2025: 29, 2026: 18}
OUTSIDE = (
    "中国科学技术大学",
    "合肥工业大学",
    "安徽农业大学",
    "安徽中医药大学",
    "南京农业大学",
    "江南大学",
    "中国药科大学",
    "合肥某智能装备有限公司",
    "上海某医药研发有限公司",
    "杭州某信息技术有限公司",
    "中国中医科学院中药研究所",
    "安徽省农业科学院",
    "蚌埠某检测技术有限公司",
    "阜阳某生物科技有限公司",
)
DISTRICT_INSTITUTIONS = ("亳州学院", "亳州职业技术学院", "亳州市农业科学研究院")
FIELDS = ("生物医药", "现代农业", "先进制造", "电子信息", "新材料", "节能环保", "食品")
SUBJECTS = (
    "中药材智能分拣",
    "中药饮片炮制工艺",
    "白芍规范化种植",
    "药用菌发酵",
    "农产品冷链物流",
    "中药提取物质量控制",
    "智能仓储管理系统",
    "生物有机肥制备",
    "中药配方颗粒生产线",
    "药材溯源平台",
    "低温干燥设备",
    "功能性食品配方",
)
KIND_WORD = {
    "技术开发": "开发",
    "技术转让": "技术转让",
    "技术许可": "专利实施许可",
    "技术咨询": "咨询",
    "技术服务": "技术服务",
}
OFFICE = "亳州市技术市场服务中心"


def _day(rng: random.Random, year: int) -> date:
    last = 334 if year == 2026 else 364
    return date(year, 1, 1) + timedelta(days=rng.randrange(last))


def _codes(session: Session) -> dict[int, str]:
    return {eid: code for eid, code in session.execute(select(Enterprise.id, Enterprise.uscc))}


def _contract_rows(
    rng: random.Random, roster: list[DemoEnterprise], codes: dict[int, str], first: int
) -> list[Row]:
    rows: list[Row] = []
    for year, count in CONTRACTS_PER_YEAR.items():
        drafts: list[Row] = []
        for n in range(count):
            kind = rng.choices(CONTRACT_TYPES, (40, 12, 8, 10, 30))[0]
            shape = rng.random()  # < .55 吸纳, < .85 输出, else both in the district
            a, b = rng.sample(roster, 2)
            outside = rng.choice(OUTSIDE)
            seller = (outside, None) if shape < 0.55 else (a.name, a)
            buyer = (outside, None) if 0.55 <= shape < 0.85 else (b.name, b)
            amount = round(rng.lognormvariate(4.2, 1.0), 4)
            drafts.append(
                {
                    "reg_no": f"{year}3416020{n + 1:05d}",
                    "name": f"{rng.choice(SUBJECTS)}{KIND_WORD[kind]}",
                    "contract_type": kind,
                    "seller_name": seller[0],
                    "seller_uscc": codes[seller[1].id] if seller[1] else None,
                    "seller_enterprise_id": seller[1].id if seller[1] else None,
                    "seller_local": None if seller[1] else False,
                    "buyer_name": buyer[0],
                    "buyer_uscc": codes[buyer[1].id] if buyer[1] else None,
                    "buyer_enterprise_id": buyer[1].id if buyer[1] else None,
                    "buyer_local": None if buyer[1] else False,
                    "amount": amount,
                    "registered_on": _day(rng, year),
                    "registry_office": OFFICE,
                    "field": rng.choice(FIELDS),
                    "town_id": None,
                    "note": None,
                }
            )
        absorbed = sum(d["amount"] for d in drafts if d["buyer_enterprise_id"] is not None)
        scale = ABSORBED[year] / absorbed
        for d in drafts:
            d["amount"] = round(d["amount"] * scale, 2)
            d["tech_amount"] = round(d["amount"] * rng.uniform(0.6, 1.0), 2)
            d["id"] = first + len(rows)
            rows.append(d)
    return rows


def _results(
    rng: random.Random, roster: list[DemoEnterprise], codes: dict[int, str], first: int
) -> list[Row]:
    rows: list[Row] = []
    for n in range(150):
        year = 2019 + n * 7 // 150
        who = rng.random()
        row: Row = {"id": first + n, "reg_no": f"934{year}Y{n + 1:04d}"}
        if who < 0.5:
            e = rng.choice(roster)
            row |= {"completer_name": e.name, "completer_uscc": codes[e.id]}
            row |= {"completer_enterprise_id": e.id, "completer_local": None, "town_id": None}
        elif who < 0.75:
            row |= {"completer_name": rng.choice(DISTRICT_INSTITUTIONS), "completer_uscc": None}
            row |= {"completer_enterprise_id": None, "completer_local": True, "town_id": None}
        else:
            row |= {"completer_name": rng.choice(OUTSIDE[:7]), "completer_uscc": None}
            row |= {"completer_enterprise_id": None, "completer_local": False, "town_id": None}
        row |= {
            "name": f"{rng.choice(SUBJECTS)}关键技术",
            "result_type": rng.choices(("应用技术", "基础理论", "软科学"), (8, 1, 1))[0],
            "registered_on": date(year, 1, 1) + timedelta(days=rng.randrange(300)),
            "field": rng.choice(FIELDS),
            "note": None,
        }
        rows.append(row)
    return rows


def _transfers(
    rng: random.Random,
    results: list[Row],
    contracts: list[Row],
    roster: list[DemoEnterprise],
    codes: dict[int, str],
    first: int,
) -> list[Row]:
    rows: list[Row] = []
    pool = list(results)
    rng.shuffle(pool)
    transfer_contracts = [c for c in contracts if c["contract_type"] in ("技术转让", "技术许可")]
    for year, count in TRANSFERRED.items():
        chosen = [r for r in pool if r["registered_on"].year <= year][:count]
        for r in chosen:
            pool.remove(r)
            for again in range(1 if rng.random() < 0.8 else 2):
                on = _day(rng, min(year + again, 2026))
                local = rng.random() < 0.6
                taker = rng.choice(roster) if local else None
                link = rng.choice(transfer_contracts) if rng.random() < 0.3 else None
                rows.append(
                    {
                        "id": first + len(rows),
                        "result_id": r["id"],
                        "method": rng.choices(TRANSFER_METHODS, (25, 30, 20, 20, 5))[0],
                        "taker_name": taker.name if taker else rng.choice(OUTSIDE[7:]),
                        "taker_uscc": codes[taker.id] if taker else None,
                        "taker_enterprise_id": taker.id if taker else None,
                        "taker_local": None if taker else False,
                        "transferred_on": on,
                        "amount": round(rng.lognormvariate(3.5, 0.9), 2),
                        "contract_id": link["id"] if link else None,
                        "contract_reg_no": link["reg_no"] if link else None,
                        "note": None,
                    }
                )
    return rows


def create_contracts(
    session: Session, rng: random.Random, roster: list[DemoEnterprise], operator: str
) -> None:
    """Insert ~1,600 contracts, 150 results and ~150 transfers (Core bulk inserts, audited)."""
    codes = _codes(session)
    contracts = _contract_rows(rng, roster, codes, next_id(session, TechContract))
    insert_rows(session, TechContract, contracts)
    created(session, operator, "tech_contract", contracts)
    results = _results(rng, roster, codes, next_id(session, TechResult))
    insert_rows(session, TechResult, results)
    created(session, operator, "tech_result", results)
    moved = _transfers(rng, results, contracts, roster, codes, next_id(session, ResultTransfer))
    insert_rows(session, ResultTransfer, moved)
    created(session, operator, "result_transfer", moved)
