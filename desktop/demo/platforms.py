"""Demo innovation platforms hosted by roster enterprises and by institutions (2015–2025)."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from db.models import Platform
from desktop.demo.bulk import Row, created, insert_rows, next_id
from desktop.demo.roster import DemoEnterprise

# kind, approving department by level
DEPARTMENTS = {
    "院士工作站": {"省级": "安徽省科学技术协会", "市级": "亳州市科学技术协会"},
    "工程技术研究中心": {"省级": "安徽省科学技术厅", "市级": "亳州市科学技术局"},
    "企业技术中心": {"省级": "安徽省经济和信息化厅", "市级": "亳州市经济和信息化局"},
    "工业设计中心": {"省级": "安徽省经济和信息化厅", "市级": "亳州市经济和信息化局"},
    "工程研究中心": {"省级": "安徽省发展和改革委员会", "市级": "亳州市发展和改革委员会"},
    "重点实验室": {"省级": "安徽省科学技术厅", "市级": "亳州市科学技术局"},
    "新型研发机构": {"省级": "安徽省科学技术厅", "市级": "亳州市科学技术局"},
    "博士后工作站": {"国家级": "人力资源和社会保障部", "省级": "安徽省人力资源和社会保障厅"},
    "专家工作站": {"省级": "安徽省科学技术协会", "市级": "亳州市科学技术协会"},
}
# kind, level, recognition year, host: None = a roster enterprise, else an institution
PLATFORMS: tuple[tuple[str, str, int, str | None], ...] = (
    ("院士工作站", "省级", 2016, None),
    ("院士工作站", "省级", 2017, None),
    ("院士工作站", "省级", 2018, "亳州学院"),
    ("院士工作站", "市级", 2019, None),
    ("院士工作站", "省级", 2020, None),
    ("院士工作站", "省级", 2022, None),
    ("院士工作站", "市级", 2025, None),
    ("工程技术研究中心", "省级", 2015, None),
    ("工程技术研究中心", "省级", 2019, None),
    ("工程技术研究中心", "市级", 2021, "亳州市农业科学研究院"),
    ("工程技术研究中心", "市级", 2023, None),
    ("工程技术研究中心", "省级", 2024, None),
    ("企业技术中心", "省级", 2016, None),
    ("企业技术中心", "省级", 2020, None),
    ("企业技术中心", "市级", 2022, None),
    ("企业技术中心", "市级", 2025, None),
    ("重点实验室", "省级", 2021, "亳州学院"),
    ("新型研发机构", "省级", 2023, "亳州职业技术学院"),
    ("博士后工作站", "省级", 2018, None),
    ("博士后工作站", "国家级", 2024, None),
    ("专家工作站", "市级", 2020, None),
    ("专家工作站", "市级", 2024, "亳州职业技术学院"),
    ("工业设计中心", "市级", 2023, None),
    ("工程研究中心", "省级", 2022, None),
)
INSTITUTION_TOWN = "汤陵街道"
INSTITUTION_PLATFORMS = {
    ("院士工作站", "亳州学院"): "亳州学院中药资源院士工作站",
    ("工程技术研究中心", "亳州市农业科学研究院"): "亳州市中药材良种繁育工程技术研究中心",
    ("重点实验室", "亳州学院"): "安徽省中药资源保护与利用重点实验室",
    ("新型研发机构", "亳州职业技术学院"): "亳州现代中药产业技术研究院",
    ("专家工作站", "亳州职业技术学院"): "亳州职业技术学院农产品加工专家工作站",
}
REGION_PREFIXES = ("亳州市谯城区", "安徽省", "亳州市", "安徽", "亳州", "谯城", "皖北")


def _core(short: str) -> str:
    """A host's name without its legal form or region prefix (亳州市汤王智能装备 → 汤王智能装备)."""
    for prefix in REGION_PREFIXES:
        if short.startswith(prefix):
            return short[len(prefix) :]
    return short


def _name(kind: str, host: DemoEnterprise, level: str) -> str:
    if kind.endswith("工作站"):
        return f"{host.name}{kind}"
    region = {"国家级": "", "省级": "安徽省", "市级": "亳州市"}[level]
    return f"{region}{_core(host.short)}{kind}"


def create_platforms(
    session: Session,
    rng: random.Random,
    hosts: list[DemoEnterprise],
    town_ids: dict[str, int],
    operator: str,
) -> None:
    """Insert ~24 platforms; enterprise hosts are drawn from the given (innovative) enterprises."""
    first = next_id(session, Platform)
    pool = iter(rng.sample(hosts, len(hosts)))
    rows: list[Row] = []
    taken: set[tuple[str, str]] = set()
    for i, (kind, level, year, institution) in enumerate(PLATFORMS):
        row: Row = {"id": first + i, "kind": kind, "level": level, "recognized_year": year}
        if institution:
            name = INSTITUTION_PLATFORMS[(kind, institution)]
            row |= {"name": name, "host_enterprise_id": None, "host_name": institution}
            row["town_id"] = town_ids[INSTITUTION_TOWN]
        else:
            host = next(pool)
            name = _name(kind, host, level)
            if (kind, name) in taken:
                name = f"{host.short}{kind}"
            row |= {"name": name, "host_enterprise_id": host.id}
            row |= {"host_name": host.name, "town_id": host.town_id}
        taken.add((kind, row["name"]))
        rows.append(row | {"department": DEPARTMENTS[kind][level], "note": None})
    insert_rows(session, Platform, rows)
    created(session, operator, "platform", rows)
