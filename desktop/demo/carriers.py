"""Demo incubation carriers, their incubatees (2019–2025) and yearly operation data."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy.orm import Session

from db.models import Carrier, CarrierYear, Incubatee
from desktop.demo import pools
from desktop.demo.bulk import Row, created, insert_rows, next_id
from desktop.demo.roster import DemoEnterprise

# name, kind, level, recognised, town, area m², stations, incubatees
CARRIERS: tuple[tuple[str, str, str, int, str, float, int, int], ...] = (
    ("谯城区科技企业孵化器", "科技企业孵化器", "省级", 2017, "十九里镇", 32000.0, 260, 16),
    ("亳州现代中药产业孵化器", "科技企业孵化器", "市级", 2019, "十九里镇", 18000.0, 150, 12),
    ("芍花路科技企业孵化基地", "科技企业孵化器", "区级", 2021, "芍花路街道", 9000.0, 90, 8),
    ("谯城区青年创客空间", "众创空间", "省级", 2016, "汤陵街道", 1800.0, 120, 0),
    ("本草众创空间", "众创空间", "市级", 2019, "芍花路街道", 900.0, 60, 0),
    ("涡河众创空间", "众创空间", "区级", 2022, "汤陵街道", 650.0, 40, 0),
    ("谯城区中药材星创天地", "星创天地", "国家级", 2018, "十九里镇", 5200.0, 80, 7),
    ("五马镇现代农业星创天地", "星创天地", "省级", 2020, "五马镇", 3600.0, 50, 5),
    ("牛集镇果蔬星创天地", "星创天地", "市级", 2021, "牛集镇", 2400.0, 30, 4),
    ("谯城区科技企业加速器", "加速器", "市级", 2022, "十九里镇", 26000.0, 100, 6),
)
TEAMS_PER_SPACE = (10, 8, 6)
TEAM_TOPICS = (
    "智慧中药溯源",
    "中药材电商直播",
    "亳菊深加工",
    "白芍标准化种植",
    "农业无人机植保",
    "中药配方颗粒研发",
    "药食同源饮品",
    "智能仓储物流",
    "中医药文创",
    "农产品冷链",
    "乡村研学旅游",
    "中药材病虫害识别",
)
OPERATORS = (
    "亳州市谯城区科创投资发展有限公司",
    "亳州市谯城区城市建设投资有限公司",
    "亳州市谯城区现代农业发展有限公司",
)
GRADES = ("A", "B", "C")


def _carrier_rows(rng: random.Random, first: int, town_ids: dict[str, int]) -> list[Row]:
    rows: list[Row] = []
    for i, (name, kind, level, year, town, area, stations, _n) in enumerate(CARRIERS):
        rows.append(
            {
                "id": first + i,
                "name": name,
                "kind": kind,
                "level": level,
                "recognized_year": year,
                "operator": OPERATORS[i % len(OPERATORS)],
                "town_id": town_ids[town],
                "address": f"安徽省亳州市谯城区{town}{rng.choice(pools.ROADS)}{rng.randrange(1, 300)}号",
                "area": area,
                "stations": stations,
                "contact": pools.person_name(rng, rng.random() < 0.6),
                "phone": pools.landline(rng),
                "note": None,
            }
        )
    return rows


def _exit(rng: random.Random, entered: date, graduate_ok: bool) -> tuple[date | None, str | None]:
    roll = rng.random()
    if roll < 0.62 or entered.year >= 2025:
        return None, None
    kind = "毕业" if graduate_ok and roll < 0.85 else rng.choice(("迁出", "淘汰"))
    exited = pools.day_between(rng, date(entered.year + 1, 1, 1), date(2025, 12, 20))
    return exited, kind


def _enterprise_incubatees(
    rng: random.Random, carriers: list[Row], roster: list[DemoEnterprise], high_tech: set[int]
) -> list[Row]:
    young = [e for e in roster if e.founded.year >= 2017 and not e.above_scale]
    rows: list[Row] = []
    chosen = rng.sample(young, sum(c[7] for c in CARRIERS))
    for carrier, spec in zip(carriers, CARRIERS, strict=True):
        for _ in range(spec[7]):
            e = chosen.pop()
            first = max(e.founded, date(max(spec[3], 2019), 1, 1))
            entered = pools.day_between(rng, first, max(first, date(2025, 10, 31)))
            graduate_ok = e.id in high_tech or rng.random() < 0.5
            exited, kind = _exit(rng, entered, graduate_ok)
            rows.append(_incubatee(carrier["id"], e.id, None, entered, exited, kind))
            if kind == "毕业":
                rows[-1]["investment"] = round(rng.uniform(300, 1200), 0)
    return rows


def _incubatee(
    carrier_id: int,
    enterprise_id: int | None,
    team: str | None,
    entered: date,
    exited: date | None,
    kind: str | None,
) -> Row:
    return {
        "carrier_id": carrier_id,
        "enterprise_id": enterprise_id,
        "team_name": team,
        "entered_on": entered,
        "exited_on": exited,
        "exit_kind": kind,
        "investment": None,
        "listed": False,
        "note": None,
    }


def _team_incubatees(rng: random.Random, carriers: list[Row]) -> list[Row]:
    spaces = [c for c in carriers if c["kind"] == "众创空间"]
    rows: list[Row] = []
    for carrier, count in zip(spaces, TEAMS_PER_SPACE, strict=True):
        for topic in rng.sample(TEAM_TOPICS, count):
            start = date(max(carrier["recognized_year"], 2019), 1, 1)
            entered = pools.day_between(rng, start, date(2025, 9, 30))
            exited, kind = _exit(rng, entered, False)
            rows.append(_incubatee(carrier["id"], None, f"{topic}项目团队", entered, exited, kind))
    return rows


def _active(rows: list[Row], carrier_id: int, on: date) -> list[Row]:
    return [
        r
        for r in rows
        if r["carrier_id"] == carrier_id
        and r["entered_on"] <= on
        and (r["exited_on"] is None or r["exited_on"] > on)
    ]


def _years(rng: random.Random, carriers: list[Row], incubatees: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for c in carriers:
        for year in (2023, 2024, 2025):
            active = _active(incubatees, c["id"], date(year, 12, 31))
            graduates = sum(
                1
                for r in incubatees
                if r["carrier_id"] == c["id"]
                and r["exit_kind"] == "毕业"
                and r["exited_on"].year == year
            )
            new = sum(
                1 for r in incubatees if r["carrier_id"] == c["id"] and r["entered_on"].year == year
            )
            rows.append(
                {
                    "carrier_id": c["id"],
                    "year": year,
                    "incubatees_reported": len(active),
                    "graduates_reported": graduates,
                    "new_enterprises": new,
                    "jobs": len(active) * rng.randrange(6, 18),
                    "financing": round(len(active) * rng.uniform(20, 120), 1),
                    "events": rng.randrange(4, 24),
                    "grade": rng.choices(GRADES, (3, 5, 2))[0],
                }
            )
    return rows


def create_carriers(
    session: Session,
    rng: random.Random,
    roster: list[DemoEnterprise],
    high_tech: set[int],
    town_ids: dict[str, int],
    operator: str,
) -> None:
    """Insert 10 carriers, ~80 incubatees and their 2023–2025 operation data."""
    carriers = _carrier_rows(rng, next_id(session, Carrier), town_ids)
    incubatees = _enterprise_incubatees(rng, carriers, roster, high_tech)
    incubatees += _team_incubatees(rng, carriers)
    first = next_id(session, Incubatee)
    for i, row in enumerate(incubatees):
        row["id"] = first + i
    insert_rows(session, Carrier, carriers)
    insert_rows(session, Incubatee, incubatees)
    insert_rows(session, CarrierYear, _years(rng, carriers, incubatees))
    created(session, operator, "carrier", carriers)
    created(session, operator, "incubatee", incubatees)
