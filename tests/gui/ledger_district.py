"""A small contract ledger built through the services, for the 技术合同 / 科技成果 GUI tests.

Three roster enterprises (two towns), contracts of every side, results with transfers; the
expected figures are those the services compute (the tests compare the screens with them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from db.rules.identifiers import uscc_check_char
from db.services import enterprises
from db.services.contracts import records, results
from db.services.towns import add_towns, list_towns
from db.store import Store

OP = "测试员"
T1, T2 = "十九里镇", "古井镇"
YEAR = date.today().year - 1  # a whole past year: no date is in the future
LAST = YEAR - 1


def uscc(n: int) -> str:
    """A valid unified social credit code numbered n."""
    body = f"91341602{n:09d}"
    return body + uscc_check_char(body)


@dataclass(frozen=True)
class Ledger:
    towns: dict[str, int]
    e: dict[int, int]  # enterprise number → id
    contracts: dict[str, int]  # 登记号 → id
    results: dict[str, int]
    transfers: dict[str, int]


def _contract(reg: str, on: date, amount: float, tech: float | None, **more: object) -> dict:
    values: dict[str, object] = {
        "reg_no": reg,
        "name": f"合同{reg}",
        "contract_type": "技术开发",
        "seller_name": "区外大学",
        "buyer_name": "区外公司",
        "seller_local": False,
        "buyer_local": False,
        "amount": amount,
        "tech_amount": tech,
        "registered_on": on,
    }
    return values | more


def build(store: Store) -> Ledger:
    """The district: 3 enterprises, 6 contracts (one between two district parties), 2 results."""
    with store.transaction() as s:
        add_towns(s, [T1, T2], OP)
        t = {x.name: x.id for x in list_towns(s)}
        e = {
            n: enterprises.create(s, {"name": name, "uscc": uscc(n), "town_id": t[town]}, OP)
            for n, name, town in (
                (1, "亳州神农药业有限公司", T1),
                (2, "亳州华佗科技有限公司", T2),
                (3, "古井智能装备有限公司", T2),
            )
        }
        rows = [
            _contract(
                "K1",
                date(YEAR, 1, 15),
                500,
                400,
                seller_name="亳州神农药业有限公司",
                seller_uscc=uscc(1),
                contract_type="技术转让",
            ),
            _contract(
                "K2",
                date(YEAR, 2, 10),
                300,
                200,
                buyer_name="亳州华佗科技有限公司",
                buyer_uscc=uscc(2),
                contract_type="技术服务",
            ),
            _contract(
                "K3",
                date(YEAR, 4, 1),
                200,
                150,
                seller_name="亳州神农药业有限公司",
                seller_uscc=uscc(1),
                buyer_name="古井智能装备有限公司",
                buyer_uscc=uscc(3),
            ),
            _contract(
                "K4",
                date(YEAR, 5, 20),
                100,
                None,
                buyer_name="区内某合作社",
                buyer_local=True,
                town_id=t[T1],
                contract_type="技术咨询",
            ),
            _contract("K5", date(YEAR, 6, 30), 900, 800),
            _contract(
                "K6",
                date(LAST, 11, 3),
                70,
                70,
                buyer_name="亳州华佗科技有限公司",
                buyer_uscc=uscc(2),
            ),
        ]
        k = {v["reg_no"]: records.create_contract(s, v, OP) for v in rows}
        r = {
            "R1": results.create_result(
                s,
                {
                    "reg_no": "R1",
                    "name": "中药配方颗粒关键技术",
                    "completer_name": "亳州神农药业有限公司",
                    "completer_uscc": uscc(1),
                    "result_type": "应用技术",
                    "registered_on": date(LAST, 3, 1),
                },
                OP,
            ),
            "R2": results.create_result(
                s,
                {
                    "reg_no": "R2",
                    "name": "智能分拣装备",
                    "completer_name": "合肥工业大学",
                    "completer_local": False,
                    "registered_on": date(YEAR, 1, 5),
                },
                OP,
            ),
        }
        tr = {
            "T1": results.create_transfer(
                s,
                {
                    "result_id": r["R1"],
                    "method": "向他人转让",
                    "taker_name": "古井智能装备有限公司",
                    "taker_uscc": uscc(3),
                    "transferred_on": date(YEAR, 4, 2),
                    "amount": 150,
                    "contract_reg_no": "K3",
                },
                OP,
            ),
            "T2": results.create_transfer(
                s,
                {
                    "result_id": r["R2"],
                    "method": "许可他人使用",
                    "taker_name": "亳州华佗科技有限公司",
                    "taker_uscc": uscc(2),
                    "transferred_on": date(YEAR, 3, 1),
                },
                OP,
            ),
        }
    return Ledger(t, e, k, r, tr)
