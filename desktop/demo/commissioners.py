"""Demo science and technology commissioners, demands, dispatches, services and assessments."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from db.models import Assessment, Commissioner, Demand, Dispatch, ServiceRecord
from db.services.enterprises.search_text import search_text
from desktop.demo import pools
from desktop.demo.bulk import Row, created, insert_rows, next_id
from desktop.demo.roster import DemoEnterprise

INDIVIDUALS = 34
FIELDS = (
    "中药材种植",
    "畜牧养殖",
    "农产品加工",
    "食品工程",
    "机械制造",
    "电子信息",
    "生物医药",
    "农业机械",
)
FIELD_WEIGHTS = (10, 5, 5, 3, 3, 2, 4, 3)
RURAL_FIELDS = ("中药材种植", "畜牧养殖", "农产品加工", "农业机械")
RURAL_WEIGHTS = (10, 5, 4, 3)
INDUSTRY_FIELDS = {
    "农业": ("中药材种植", "农业机械"),
    "农副食品加工业": ("农产品加工", "食品工程"),
    "医药制造业": ("生物医药", "中药材种植", "机械制造"),
}
# unit, region code of its staff's IDs, titles held there
UNITS = (
    ("安徽农业大学", "340104", ("教授", "副教授", "讲师")),
    ("亳州职业技术学院", "341602", ("教授", "副教授", "讲师")),
    ("亳州市农业科学研究院", "341602", ("研究员", "副研究员", "助理研究员")),
    ("亳州学院", "341602", ("教授", "副教授", "讲师")),
    ("安徽中医药大学", "340103", ("教授", "副教授")),
    ("谯城区农业技术推广中心", "341602", ("高级农艺师", "农艺师")),
    ("亳州市畜牧兽医服务中心", "341621", ("高级畜牧师", "畜牧师")),
    ("安徽科技学院", "341103", ("教授", "副教授", "高级工程师")),
)
LEGAL_PERSONS = (
    ("亳州市农业科学研究院", "中药材种植"),
    ("亳州职业技术学院", "农产品加工"),
    ("安徽农业大学皖北综合试验站", "农业机械"),
)
TEAMS = (("中药材绿色种植科技特派员团队", "中药材种植"), ("皖北肉牛养殖科技特派员团队", "畜牧养殖"))
WORKSTATION = ("谯城区芍花科技特派员工作站", "中药材种植")
VILLAGES = ("张庄", "李楼", "王寨", "刘集", "孙庙", "赵桥", "周屯", "黄营", "高庄", "郭湾")
CROPS = ("白芍", "亳菊", "紫菀", "桔梗", "牡丹", "蔬菜", "小麦", "林果")
LIVESTOCK = ("肉牛", "黄牛", "山羊", "生猪")
HERBS = CROPS[:5]
PROBLEMS = {
    "中药材种植": (
        "{p}连作障碍与根腐病防治",
        "{p}规范化种植(GAP)技术指导",  # as the services store it (NFKC)
        "{p}品种退化、需要引进良种",
    ),
    "畜牧养殖": ("{p}养殖场粪污资源化利用", "{p}繁育与疫病防控技术", "规模养殖饲料配方优化"),
    "农产品加工": ("{p}产地初加工与烘干工艺", "{p}深加工新产品开发", "农产品分级包装与冷链储存"),
    "食品工程": ("食品生产线工艺改进", "产品保质期延长技术", "食品安全检测能力建设"),
    "机械制造": ("生产设备自动化改造", "零部件加工精度提升", "焊接工艺改进"),
    "电子信息": ("中药材溯源信息系统建设", "企业生产管理数字化", "电商平台运营技术"),
    "生物医药": ("中药饮片炮制工艺标准化", "中药提取物质量控制", "新产品注册与检验"),
    "农业机械": ("{p}机械化采收技术", "植保无人机应用", "农机具维修与改装"),
}
DEMAND_STATUSES = ("待对接",) * 14 + ("已对接",) * 20 + ("已解决",) * 21 + ("已关闭",) * 5
SERVICE_KINDS = ("现场指导", "技术培训", "新品种新技术引进", "项目合作", "其他")
SERVICE_WEIGHTS = (45, 25, 15, 10, 5)
GRADES = ("优秀", "良好", "合格", "不合格")
GRADE_WEIGHTS = (20, 42, 34, 4)


@dataclass(frozen=True)
class Target:
    """Someone a demand comes from or a commissioner serves."""

    name: str
    kind: str
    town_id: int
    enterprise_id: int | None
    industry: str | None = None


def _individual(rng: random.Random, cid: int) -> Row:
    male = rng.random() < 0.72
    unit, region, titles = rng.choice(UNITS)
    born = pools.day_between(rng, date(1965, 1, 1), date(1992, 12, 28))
    return {
        "id": cid,
        "name": pools.person_name(rng, male),
        "kind": "个人",
        "level": rng.choices(("省级", "市级", "区级"), (8, 14, 12))[0],
        "gender": "男" if male else "女",
        "id_number": pools.resident_id(rng, region, born, male),
        "phone": pools.mobile(rng),
        "unit": unit,
        "contact_person": None,
        "title": rng.choice(titles),
        "field": rng.choices(FIELDS, FIELD_WEIGHTS)[0],
        "first_year": rng.randrange(2016, 2026),
    }


def _collective(rng: random.Random, cid: int, kind: str, name: str, fld: str) -> Row:
    unit = name if kind == "法人" else rng.choice(UNITS)[0]
    return {
        "id": cid,
        "name": name,
        "kind": kind,
        "level": "省级" if kind == "法人" else rng.choice(("市级", "区级")),
        "gender": None,
        "id_number": None,
        "phone": pools.landline(rng),
        "unit": unit,
        "contact_person": pools.person_name(rng, rng.random() < 0.7),
        "title": None,
        "field": fld,
        "first_year": rng.randrange(2018, 2024),
    }


def _commissioners(rng: random.Random, first: int) -> list[Row]:
    rows = [_individual(rng, first + i) for i in range(INDIVIDUALS)]
    extra = [("法人", n, f) for n, f in LEGAL_PERSONS] + [("团队", n, f) for n, f in TEAMS]
    extra.append(("工作站", *WORKSTATION))
    for kind, name, fld in extra:
        rows.append(_collective(rng, first + len(rows), kind, name, fld))
    for r in rows:
        r["status"] = "在岗"
        r["search_text"] = search_text(r["name"], r["unit"])
    return rows


def _targets(
    rng: random.Random, roster: list[DemoEnterprise], town_ids: dict[str, int]
) -> list[Target]:
    farm_like = [e for e in roster if e.industry in ("农业", "农副食品加工业", "医药制造业")]
    out = [Target(e.name, "企业", e.town_id, e.id, e.industry) for e in rng.sample(farm_like, 24)]
    towns = list(town_ids.items())
    for _ in range(14):
        town, tid = rng.choice(towns)
        if rng.random() < 0.75:
            name = f"亳州市谯城区{town[:2]}{rng.choice(CROPS)}种植专业合作社"
        else:
            name = f"亳州市谯城区{town[:2]}{rng.choice(LIVESTOCK)}养殖专业合作社"
        out.append(Target(name, "合作社", tid, None))
    for village in VILLAGES:
        town, tid = rng.choice(towns)
        out.append(Target(f"{town}{village}村", "村", tid, None))
    for _ in range(12):
        town, tid = rng.choice(towns)
        out.append(Target(f"谯城区{pools.person_name(rng, True)}家庭农场", "家庭农场", tid, None))
    return sorted({t.name: t for t in out}.values(), key=lambda t: (t.kind, t.name))


def _field(rng: random.Random, target: Target) -> str:
    if target.name.endswith("养殖专业合作社"):
        return "畜牧养殖"
    if target.name.endswith("种植专业合作社"):
        return rng.choice(("中药材种植", "农产品加工", "农业机械"))
    if target.industry is None:
        return rng.choices(RURAL_FIELDS, RURAL_WEIGHTS)[0]
    return rng.choice(INDUSTRY_FIELDS[target.industry])


def _demands(rng: random.Random, first: int, targets: list[Target]) -> list[Row]:
    statuses = list(DEMAND_STATUSES)
    rng.shuffle(statuses)
    rows: list[Row] = []
    for i, status in enumerate(statuses):
        t = rng.choice(targets)
        fld = _field(rng, t)
        produce = {"畜牧养殖": LIVESTOCK, "中药材种植": HERBS}.get(fld, CROPS)
        problem = rng.choice(PROBLEMS[fld]).format(p=rng.choice(produce))
        rows.append(
            {
                "id": first + i,
                "requester": t.name,
                "requester_kind": t.kind,
                "enterprise_id": t.enterprise_id,
                "town_id": t.town_id,
                "field": fld,
                "problem": problem,
                "raised_on": pools.day_between(rng, date(2024, 1, 5), date(2025, 11, 30)),
                "status": status,
                "note": None,
            }
        )
    return rows


def _dispatch(rng: random.Random, did: int, commissioner: Row, target: Target, start: date) -> Row:
    return {
        "id": did,
        "commissioner_id": commissioner["id"],
        "enterprise_id": target.enterprise_id,
        "target_name": target.name,
        "town_id": target.town_id,
        "start_on": start,
        "end_on": start + timedelta(days=364),
        "agreement": rng.random() < 0.6,
        "demand_id": None,
    }


def _dispatches(
    rng: random.Random, first: int, people: list[Row], targets: list[Target], demands: list[Row]
) -> list[Row]:
    answered = [d for d in demands if d["status"] in ("已对接", "已解决")]
    by_name = {t.name: t for t in targets}
    rows: list[Row] = []
    for d in answered:
        start = min(d["raised_on"] + timedelta(days=rng.randrange(7, 40)), date(2025, 12, 20))
        row = _dispatch(rng, first + len(rows), rng.choice(people), by_name[d["requester"]], start)
        row["demand_id"] = d["id"]
        rows.append(row)
    while len(rows) < 52:
        start = pools.day_between(rng, date(2024, 3, 1), date(2025, 6, 30))
        rows.append(
            _dispatch(rng, first + len(rows), rng.choice(people), rng.choice(targets), start)
        )
    return rows


def _services(rng: random.Random, first: int, dispatches: list[Row]) -> list[Row]:
    rows: list[Row] = []
    last_day = date(2025, 12, 31)
    for i in range(300):
        d = dispatches[i % len(dispatches)] if i < len(dispatches) else rng.choice(dispatches)
        end = min(d["end_on"], last_day)
        kind = rng.choices(SERVICE_KINDS, SERVICE_WEIGHTS)[0]
        confirmed = rng.random() < 0.85
        rows.append(
            {
                "id": first + i,
                "dispatch_id": d["id"],
                "served_on": pools.day_between(rng, d["start_on"], max(end, d["start_on"])),
                "place": d["target_name"],
                "kind": kind,
                "trained": rng.randrange(15, 90) if kind == "技术培训" else rng.randrange(0, 12),
                "technologies": rng.randrange(1, 4) if kind == "新品种新技术引进" else 0,
                "benefit": round(rng.uniform(0, 40), 1) if rng.random() < 0.6 else 0.0,
                "confirmed": confirmed,
                "approved": confirmed and rng.random() < 0.85,
                "note": None,
            }
        )
    return rows


def _assessments(rng: random.Random, people: list[Row]) -> list[Row]:
    return [
        {
            "commissioner_id": p["id"],
            "year": year,
            "grade": rng.choices(GRADES, GRADE_WEIGHTS)[0],
            "note": None,
        }
        for year in (2024, 2025)
        for p in people
        if p["first_year"] <= year
    ]


def create_commissioners(
    session: Session,
    rng: random.Random,
    roster: list[DemoEnterprise],
    town_ids: dict[str, int],
    operator: str,
) -> None:
    """Insert ~40 commissioners, ~60 demands, ~50 dispatches, 300 services, 2 years of grades."""
    people = _commissioners(rng, next_id(session, Commissioner))
    targets = _targets(rng, roster, town_ids)
    demands = _demands(rng, next_id(session, Demand), targets)
    dispatches = _dispatches(rng, next_id(session, Dispatch), people, targets, demands)
    services = _services(rng, next_id(session, ServiceRecord), dispatches)
    steps = (
        (Commissioner, people, "commissioner"),
        (Demand, demands, "demand"),
        (Dispatch, dispatches, "dispatch"),
        (ServiceRecord, services, "service_record"),
    )
    for model, rows, entity in steps:
        insert_rows(session, model, rows)
        created(session, operator, entity, rows)
    insert_rows(session, Assessment, _assessments(rng, people))
