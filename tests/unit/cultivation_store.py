"""A small district for the 高企后备库 tests, built through the services (not the demo)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from db.rules.identifiers import uscc_check_char
from db.services import enterprises
from db.services.enterprises import qualifications
from db.services.towns import add_towns, list_towns

OP = "测试员"
Y = 2025


def uscc(n: int) -> str:
    body = f"91341602{n:09d}"
    return body + uscc_check_char(body)


def enterprise(
    s: Session, n: int, *, town_id: int | None = None, founded: date | None = date(2015, 1, 1)
) -> int:
    values = {"name": f"企业{n:02d}", "uscc": uscc(n), "town_id": town_id, "founded_on": founded}
    return enterprises.create(s, values, OP)


def figures(
    s: Session, eid: int, year: int, revenue: float | None, rd: float | None, emp: int, staff: int
) -> None:
    values = {"revenue": revenue, "rd_expense": rd, "employees": emp, "rd_staff": staff}
    enterprises.set_year(s, eid, year, values, OP)


def hte(s: Session, eid: int, issued: date, n: int) -> int:
    tid = qualifications.type_id(s, "high_tech")
    number = f"GR{issued.year}34{n:06d}"
    return qualifications.add(s, eid, {"type_id": tid, "number": number, "issued_on": issued}, OP)


def sme(s: Session, eid: int, year: int, n: int) -> int:
    tid = qualifications.type_id(s, "tech_sme")
    return qualifications.add(s, eid, {"type_id": tid, "number": f"{year}341602A{n:07d}"}, OP)


def district(s: Session) -> dict[str, int]:
    add_towns(s, ["十九里镇", "古井镇"], OP)
    towns = {t.name: t.id for t in list_towns(s)}
    ids = {
        "short": enterprise(s, 1, town_id=towns["十九里镇"]),
        "ok": enterprise(s, 2, town_id=towns["古井镇"]),
        "expiring": enterprise(s, 3, town_id=towns["十九里镇"]),
        "certified": enterprise(s, 4, town_id=towns["十九里镇"]),
        "young": enterprise(s, 5, founded=date(2025, 3, 1)),
        "no_figures": enterprise(s, 6),
        "no_founding": enterprise(s, 7, founded=None),
    }
    figures(s, ids["short"], Y, 1000.0, 11.8, 30, 1)
    figures(s, ids["ok"], Y, 8000.0, 400.0, 50, 6)
    figures(s, ids["expiring"], Y, 30000.0, 1200.0, 100, 12)
    figures(s, ids["certified"], Y, 500.0, 50.0, 10, 2)
    figures(s, ids["young"], Y, 100.0, 10.0, 5, 1)
    figures(s, ids["no_founding"], Y, 100.0, 1.0, 5, 1)
    figures(s, ids["no_figures"], Y - 1, 100.0, 10.0, 5, 1)
    hte(s, ids["expiring"], date(2023, 6, 1), 1)  # valid through 2026-05-31: not on 31 Dec 2026
    hte(s, ids["certified"], date(2024, 6, 1), 2)  # valid through 2027
    sme(s, ids["ok"], Y, 1)
    return ids
