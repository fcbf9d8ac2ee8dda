"""A small district with a record of every export kind, written through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from db.models import Indicator, IndicatorActual, IndicatorTarget
from db.rules.identifiers import resident_id_check_char
from db.services import carriers, enterprises, platforms, towns
from db.services.commissioners import assessments, demands, dispatches, records, roster
from db.services.contracts.records import create_contract
from db.services.contracts.results import create_result, create_transfer
from db.services.enterprises import qualifications
from tests.unit.test_roster_service import make_uscc

OP = "测试员"
TOWNS = ("十九里镇", "古井镇")
ID_BODY = "34160219800101001"
ID_NUMBER = ID_BODY + resident_id_check_char(ID_BODY)


@dataclass(frozen=True)
class District:
    towns: dict[str, int]
    huaxin: int  # 十九里镇: three certificates (one revoked), a gazelle, two 科小 years, 3 years
    mingyuan: int  # 古井镇: one certificate, one year
    revoked: int  # the revoked certificate of huaxin
    commissioner: int


def _enterprises(s: Session, town: dict[str, int]) -> tuple[int, int, int]:
    ht = qualifications.type_id(s, "high_tech")
    sme = qualifications.type_id(s, "tech_sme")
    gazelle = qualifications.type_id(s, "gazelle")
    huaxin = enterprises.create(
        s,
        {"name": "华信生物科技有限公司", "uscc": make_uscc(1), "town_id": town["十九里镇"]},
        OP,
    )
    revoked = qualifications.add(
        s, huaxin, {"type_id": ht, "number": "GR201634000001", "issued_on": date(2016, 1, 5)}, OP
    )
    qualifications.revoke(s, revoked, date(2017, 3, 1), "弄虚作假", OP)
    for number, issued in (
        ("GR201934000001", date(2019, 6, 1)),
        ("GR202234000001", date(2022, 11, 1)),
    ):
        qualifications.add(s, huaxin, {"type_id": ht, "number": number, "issued_on": issued}, OP)
    qualifications.add(
        s, huaxin, {"type_id": gazelle, "level": "省级", "issued_on": date(2024, 5, 1)}, OP
    )
    for year in (2024, 2025):
        qualifications.add(s, huaxin, {"type_id": sme, "evaluation_year": year}, OP)
    for year, revenue in ((2023, 300.0), (2024, 400.0), (2025, 500.0)):
        enterprises.set_year(s, huaxin, year, {"revenue": revenue, "rd_activity": True}, OP)
    mingyuan = enterprises.create(
        s,
        {"name": "安徽明远机械有限公司", "uscc": make_uscc(2), "town_id": town["古井镇"]},
        OP,
    )
    qualifications.add(
        s, mingyuan, {"type_id": ht, "number": "GR202434000002", "issued_on": date(2024, 3, 1)}, OP
    )
    enterprises.set_year(s, mingyuan, 2025, {"revenue": 12000.0, "employees": 80}, OP)
    return huaxin, mingyuan, revoked


def _commissioners(s: Session, town: dict[str, int], huaxin: int) -> int:
    person = roster.create(
        s,
        {"name": "李明", "kind": "个人", "id_number": ID_NUMBER, "unit": "安徽农业大学"},
        OP,
    )
    roster.create(
        s,
        {
            "name": "亳州中药研究所",
            "kind": "法人",
            "unit": "亳州中药研究所",
            "contact_person": "王磊",
        },
        OP,
    )
    demand = demands.create(
        s,
        {
            "requester": "华信生物科技有限公司",
            "requester_kind": "企业",
            "enterprise_id": huaxin,
            "town_id": town["十九里镇"],
            "problem": "中药材提取工艺改进",
            "raised_on": date(2025, 2, 1),
        },
        OP,
    )
    dispatch = dispatches.dispatch(
        s, person, huaxin, town["十九里镇"], date(2025, 3, 1), demand_id=demand, operator=OP
    )
    records.add(s, dispatch, {"served_on": date(2025, 5, 6), "trained": 12, "benefit": 3.5}, OP)
    assessments.set_grade(s, person, 2025, "优秀", OP)
    return person


def _carriers(s: Session, town: dict[str, int], mingyuan: int) -> None:
    carrier = carriers.create_carrier(
        s,
        {"name": "谯城科技企业孵化器", "kind": "科技企业孵化器", "town_id": town["古井镇"]},
        OP,
    )
    carriers.add_incubatee(
        s, carrier, {"team_name": "青年创客团队", "entered_on": date(2024, 9, 1)}, OP
    )
    carriers.add_incubatee(
        s, carrier, {"enterprise_id": mingyuan, "entered_on": date(2024, 1, 2)}, OP
    )
    carriers.set_carrier_year(s, carrier, 2025, {"jobs": 40, "financing": 120.0}, OP)
    carriers.create_carrier(
        s, {"name": "十九里众创空间", "kind": "众创空间", "town_id": town["十九里镇"]}, OP
    )


def _platforms(s: Session, huaxin: int) -> None:
    platforms.create_platform(
        s,
        {
            "name": "华信院士工作站",
            "kind": "院士工作站",
            "level": "省级",
            "host_enterprise_id": huaxin,
        },
        OP,
    )
    platforms.create_platform(
        s,
        {
            "name": "亳州职院专家工作站",
            "kind": "专家工作站",
            "level": "市级",
            "host_name": "亳州职业技术学院",
        },
        OP,
    )


def _indicator(s: Session) -> None:
    ind = Indicator(code="test_manual", name="测试指标", unit="项", source="manual", sort_order=999)
    s.add(ind)
    s.flush()
    s.add(IndicatorTarget(indicator_id=ind.id, year=2025, target=12.0))
    s.add(IndicatorActual(indicator_id=ind.id, year=2025, value=9.0, note="手填"))


def _ledger(s: Session) -> None:
    """A contract (华信 sells), a result of 华信 and its transfer linked to the contract."""
    today = date(2026, 1, 5)
    contract = {
        "reg_no": "2025340100000001",
        "name": "中药饮片炮制工艺技术开发",
        "contract_type": "技术开发",
        "seller_name": "亳州市华信科技有限公司",
        "seller_uscc": make_uscc(1),
        "buyer_name": "合肥某药业有限公司",
        "buyer_local": False,
        "amount": 120.5,
        "tech_amount": 100.0,
        "registered_on": date(2025, 6, 1),
    }
    create_contract(s, contract, OP, today)
    result = create_result(
        s,
        {
            "reg_no": "9340000025000001",
            "name": "一种中药饮片干燥装置",
            "completer_name": "亳州市华信科技有限公司",
            "completer_uscc": make_uscc(1),
            "registered_on": date(2025, 3, 1),
        },
        OP,
        today,
    )
    create_transfer(
        s,
        {
            "result_id": result,
            "method": "向他人转让",
            "taker_name": "合肥某药业有限公司",
            "taker_local": False,
            "transferred_on": date(2025, 6, 1),
            "amount": 120.5,
            "contract_reg_no": "2025340100000001",
        },
        OP,
        today,
    )


def small_district(s: Session) -> District:
    """Two towns with a record of every export kind."""
    towns.add_towns(s, TOWNS, OP)
    town = {t.name: t.id for t in towns.list_towns(s)}
    huaxin, mingyuan, revoked = _enterprises(s, town)
    person = _commissioners(s, town, huaxin)
    _carriers(s, town, mingyuan)
    _platforms(s, huaxin)
    _indicator(s)
    _ledger(s)
    return District(town, huaxin, mingyuan, revoked, person)
