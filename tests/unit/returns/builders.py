"""A small known store for the returns tests, written through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from db.rules.identifiers import uscc_check_char
from db.services import enterprises, settings, towns
from db.services.enterprises import qualifications
from db.services.enterprises.qualifications import type_id

OPERATOR = "测试员"
TOWNS = ("十九里镇", "亳州街道", "濉溪镇")
RARE = "亳 濉 埇 谯 蒙 涡 砀 歙 黟 婺 鄞 邗 盱 眙 泗 琊 犍 邳 郯 莒 闫 喆 昇 堃 淼 燚 玥 珺 祎 彧"


def uscc(i: int) -> str:
    """A valid USCC for test enterprise number i."""
    first17 = f"91341600{i:09d}"
    return first17 + uscc_check_char(first17)


def hte_number(i: int, issued: date) -> str:
    """A well-formed high-tech certificate number issued in Anhui."""
    return f"GR{issued.year}34{i:06d}"


def sme_number(i: int, year: int) -> str:
    """A well-formed tech-SME registration number of a year."""
    return f"{year}341602A{i:07d}"


@dataclass
class Known:
    town_ids: dict[str, int]
    next_i: int = 1


def setup(session: Session) -> Known:
    """Towns, settings with signatories, and 2025 targets."""
    towns.add_towns(session, TOWNS, OPERATOR)
    ids = {t.name: t.id for t in towns.list_towns(session)}
    settings.update_settings(
        session,
        {
            "bureau_name": "谯城区科学技术局",
            "head_of_unit": "闫喆",
            "head_of_statistics": "王淼",
            "preparer": "李珺",
            "contact_phone": "0558-5123456",
        },
        OPERATOR,
    )
    settings.set_count_target(session, "high_tech", 2025, 100, OPERATOR)
    settings.set_count_target(session, "tech_sme", 2025, 100, OPERATOR)
    return Known(ids)


def enterprise(session: Session, known: Known, name: str, town: str | None, **extra: object) -> int:
    """Create an enterprise in a town (None = no town)."""
    i = known.next_i
    known.next_i += 1
    values = {"name": name, "uscc": uscc(i), "town_id": known.town_ids.get(town or ""), **extra}
    return enterprises.create(session, values, OPERATOR)


def high_tech(session: Session, enterprise_id: int, issued: date) -> int:
    """Give an enterprise a high-tech certificate issued on a date."""
    values = {
        "type_id": type_id(session, "high_tech"),
        "number": hte_number(enterprise_id, issued),
        "issued_on": issued,
    }
    return qualifications.add(session, enterprise_id, values, OPERATOR)


def tech_sme(session: Session, enterprise_id: int, year: int) -> int:
    """Give an enterprise a tech-SME entry for a year."""
    values = {
        "type_id": type_id(session, "tech_sme"),
        "number": sme_number(enterprise_id, year),
        "evaluation_year": year,
    }
    return qualifications.add(session, enterprise_id, values, OPERATOR)


def small_store(session: Session) -> Known:
    """Known data: 3 towns + an enterprise without town; certificates on the boundary dates."""
    known = setup(session)
    a = enterprise(session, known, "亳州濉河科技有限公司", "十九里镇", industry="医药制造")
    high_tech(session, a, date(2023, 1, 1))  # valid through 2025-12-31: expiring in 2025
    tech_sme(session, a, 2025)
    b = enterprise(session, known, "埇桥谯城新材料股份有限公司", "十九里镇", industry="新材料")
    high_tech(session, b, date(2022, 12, 31))  # valid through 2025-12-30
    c = enterprise(session, known, "蒙城涡阳砀山歙县黟县电子有限公司", "亳州街道")
    high_tech(session, c, date(2025, 3, 15))  # new this year
    tech_sme(session, c, 2025)
    d = enterprise(session, known, "婺源鄞州邗江盱眙泗县琊山犍为邳州郯城莒县机械有限公司", "濉溪镇")
    tech_sme(session, d, 2025)
    tech_sme(session, d, 2024)
    e = enterprise(session, known, "昇堃燚玥珺祎彧智能科技有限公司", None)
    high_tech(session, e, date(2024, 6, 1))
    f = enterprise(session, known, "已过期证书企业有限公司", "亳州街道")
    high_tech(session, f, date(2021, 5, 1))  # expired 2024-04-30
    g = enterprise(
        session, known, "规上无研发工业有限公司", "十九里镇", above_scale=True, industry="纺织"
    )
    enterprises.set_year(
        session,
        g,
        2025,
        {"revenue": 60000.0, "rd_expense": 0.0, "rd_activity": False, "rd_institution": False},
        OPERATOR,
    )
    h = enterprise(session, known, "规上有研发工业有限公司", "濉溪镇", above_scale=True)
    enterprises.set_year(
        session,
        h,
        2025,
        {"revenue": 20000.0, "rd_expense": 300.0, "rd_activity": True, "rd_institution": False},
        OPERATOR,
    )
    k = enterprise(session, known, "规上小型工业有限公司", "濉溪镇", above_scale=True)
    enterprises.set_year(session, k, 2025, {"revenue": 12000.0, "rd_activity": False}, OPERATOR)
    return known


def many_high_tech(session: Session, known: Known, count: int) -> None:
    """`count` enterprises with certificates valid through 2025, spread over the towns."""
    for n in range(count):
        town = TOWNS[n % len(TOWNS)]
        eid = enterprise(session, known, f"第{n + 1:04d}号高新技术测试企业有限公司", town)
        high_tech(session, eid, date(2023 + n % 3, 1 + n % 12, 1 + n % 28))
