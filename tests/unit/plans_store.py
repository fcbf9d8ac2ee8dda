"""A small district built through the real services (not the demo) for the indicators' tests.

Every figure the tests expect is counted by hand from the rows below (see the comments).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from db.models import ResultTransfer, TechContract, TechResult
from db.rules.identifiers import uscc_check_char
from db.services import carriers, enterprises, platforms
from db.services.commissioners import dispatches
from db.services.commissioners import roster as commissioners
from db.services.enterprises import qualifications
from db.services.towns import add_towns, list_towns

OP = "测试员"
T1, T2 = "十九里镇", "古井镇"


def uscc(n: int) -> str:
    """A valid unified social credit code numbered n."""
    body = f"91341602{n:09d}"
    return body + uscc_check_char(body)


@dataclass(frozen=True)
class District:
    """The ids the tests look at."""

    towns: dict[str, int]
    e: dict[int, int]  # enterprise number → id
    platforms: dict[str, int]
    contracts: dict[str, int]
    results: dict[str, int]


def _enterprise(s: Session, n: int, town: int | None, above: bool) -> int:
    values = {"name": f"测试企业{n}", "uscc": uscc(n), "town_id": town, "above_scale": above}
    return enterprises.create(s, values, OP)


def _hte(s: Session, eid: int, issued: date, n: int) -> None:
    tid = qualifications.type_id(s, "high_tech")
    values = {"type_id": tid, "number": f"GR{issued.year}34{n:06d}", "issued_on": issued}
    qualifications.add(s, eid, values, OP)


def _sme(s: Session, eid: int, year: int, n: int) -> None:
    tid = qualifications.type_id(s, "tech_sme")
    qualifications.add(s, eid, {"type_id": tid, "number": f"{year}341602A{n:07d}"}, OP)


def _roster(s: Session, t: dict[str, int]) -> dict[int, int]:
    e = {
        1: _enterprise(s, 1, t[T1], True),
        2: _enterprise(s, 2, t[T1], True),
        3: _enterprise(s, 3, t[T2], True),
        4: _enterprise(s, 4, t[T2], False),
        5: _enterprise(s, 5, None, False),
        6: _enterprise(s, 6, t[T1], True),
    }
    _hte(s, e[1], date(2022, 3, 1), 1)  # through 2025-02-28
    _hte(s, e[1], date(2025, 3, 1), 2)  # a renewal: not new in 2025
    _hte(s, e[2], date(2025, 6, 1), 3)  # first ever in 2025
    _hte(s, e[3], date(2022, 12, 31), 4)  # through 2025-12-30
    _hte(s, e[6], date(2025, 1, 10), 5)  # deleted below: never counts
    _sme(s, e[4], 2025, 1)
    _sme(s, e[5], 2025, 2)
    _sme(s, e[4], 2024, 3)
    figures = {
        2024: {
            1: (100, True, True),
            2: (50, False, False),
            3: (150, True, False),
            4: (20, None, None),
        },
        2025: {
            1: (120, True, True),
            2: (60, True, False),
            3: (180, False, False),
            4: (40, None, None),
        },
    }
    for year, rows in figures.items():
        for n, (rd, activity, institution) in rows.items():
            values = {"rd_expense": rd, "rd_activity": activity, "rd_institution": institution}
            enterprises.set_year(s, e[n], year, values, OP)
    enterprises.set_year(s, e[5], 2025, {"revenue": 10.0}, OP)
    enterprises.set_year(s, e[6], 2025, {"rd_expense": 999.0, "rd_activity": True}, OP)
    enterprises.soft_delete(s, e[6], OP)
    return e


def _platforms(s: Session, t: dict[str, int]) -> dict[str, int]:
    def make(name: str, kind: str, level: str, year: int | None, town: int | None) -> int:
        values = {"name": name, "kind": kind, "level": level, "recognized_year": year}
        values |= {"host_name": "亳州学院", "town_id": town}
        return platforms.create_platform(s, values, OP)

    p = {
        "p1": make("甲院士工作站", "院士工作站", "省级", 2019, t[T1]),
        "p2": make("乙院士工作站", "院士工作站", "市级", 2020, t[T1]),
        "p3": make("丙工程技术研究中心", "工程技术研究中心", "国家级", 2024, t[T2]),
        "p4": make("丁企业技术中心", "企业技术中心", "省级", 2025, t[T2]),
        "p5": make("戊院士工作站", "院士工作站", "省级", 2021, t[T2]),
        "p6": make("己重点实验室", "重点实验室", "市级", None, None),
    }
    platforms.delete_platform(s, p["p5"], OP)
    return p


def _carriers(s: Session, t: dict[str, int], e: dict[int, int]) -> None:
    def make(name: str, kind: str, level: str, year: int, town: int) -> int:
        values = {"name": name, "kind": kind, "level": level, "recognized_year": year}
        return carriers.create_carrier(s, values | {"town_id": town}, OP)

    c1 = make("十九里科技企业孵化器", "科技企业孵化器", "省级", 2020, t[T1])
    c2 = make("古井众创空间", "众创空间", "区级", 2023, t[T2])
    make("古井第二众创空间", "众创空间", "市级", 2025, t[T2])
    carriers.add_incubatee(s, c1, {"enterprise_id": e[4], "entered_on": date(2024, 5, 1)}, OP)
    graduate = {"team_name": "团队甲", "entered_on": date(2023, 1, 1)}
    graduate |= {"exited_on": date(2025, 6, 30), "exit_kind": "毕业"}
    carriers.add_incubatee(s, c1, graduate, OP)
    carriers.add_incubatee(s, c2, {"team_name": "团队乙", "entered_on": date(2025, 2, 1)}, OP)


def _contract(s: Session, reg: str, amount: float, on: date, **parties: object) -> int:
    values: dict[str, object] = {"seller_name": "区外卖方", "buyer_name": "区外买方"}
    values |= {"seller_local": False, "buyer_local": False} | parties
    row = TechContract(
        reg_no=reg,
        name=f"合同{reg}",
        contract_type="技术开发",
        amount=amount,
        registered_on=on,
        **values,
    )
    s.add(row)
    s.flush()
    return row.id


def _ledger(
    s: Session, t: dict[str, int], e: dict[int, int]
) -> tuple[dict[str, int], dict[str, int]]:
    k = {
        "k1": _contract(
            s, "K1", 5000, date(2025, 3, 1), seller_enterprise_id=e[1], seller_local=None
        ),
        "k2": _contract(
            s, "K2", 3000, date(2025, 5, 1), buyer_enterprise_id=e[3], buyer_local=None
        ),
        "k3": _contract(
            s, "K3", 2000, date(2025, 7, 1), seller_enterprise_id=e[2], buyer_enterprise_id=e[4]
        ),
        "k4": _contract(s, "K4", 1000, date(2025, 8, 1), buyer_local=True, town_id=t[T1]),
        "k5": _contract(s, "K5", 9000, date(2025, 9, 1)),
        "k6": _contract(s, "K6", 700, date(2024, 12, 31), buyer_enterprise_id=e[3]),
        "k7": _contract(s, "K7", 800, date(2025, 10, 1), buyer_enterprise_id=e[3]),
    }
    s.get_one(TechContract, k["k7"]).deleted_at = datetime(2025, 11, 1)

    def result(reg: str, **values: object) -> int:
        row = TechResult(reg_no=reg, name=f"成果{reg}", registered_on=date(2020, 1, 1), **values)
        s.add(row)
        s.flush()
        return row.id

    r = {
        "r1": result("R1", completer_name="测试企业1", completer_enterprise_id=e[1]),
        "r2": result("R2", completer_name="区外大学", completer_local=False, town_id=t[T2]),
        "r3": result("R3", completer_name="区内研究所", completer_local=True),
    }
    for rid, on, taker in (
        ("r1", date(2025, 2, 1), {"taker_enterprise_id": e[3]}),
        ("r1", date(2025, 9, 1), {"taker_local": False}),
        ("r2", date(2025, 4, 1), {"taker_enterprise_id": e[2]}),
        ("r3", date(2023, 6, 1), {"taker_local": True}),
        ("r3", date(2021, 3, 1), {"taker_local": True}),
        ("r2", date(2020, 5, 1), {"taker_local": True}),
    ):
        s.add(
            ResultTransfer(
                result_id=r[rid],
                method="向他人转让",
                taker_name="承接单位",
                transferred_on=on,
                **taker,
            )
        )
    s.flush()
    return k, r


def _commissioners(s: Session, t: dict[str, int], e: dict[int, int]) -> None:
    a = commissioners.create(s, {"name": "张特派"}, OP)
    b = commissioners.create(s, {"name": "李特派"}, OP)
    dispatches.dispatch(s, a, e[1], t[T1], date(2024, 6, 1), date(2025, 3, 1), operator=OP)
    dispatches.dispatch(s, a, "古井镇某合作社", t[T2], date(2025, 6, 1), operator=OP)
    dispatches.dispatch(
        s, b, "古井镇某村", t[T2], date(2023, 1, 1), date(2024, 12, 31), operator=OP
    )


def build(s: Session) -> District:
    """The whole district: roster, certificates, figures, platforms, carriers, ledger, commissioners."""
    add_towns(s, [T1, T2], OP)
    t = {x.name: x.id for x in list_towns(s)}
    e = _roster(s, t)
    p = _platforms(s, t)
    _carriers(s, t, e)
    k, r = _ledger(s, t, e)
    _commissioners(s, t, e)
    return District(t, e, p, k, r)
