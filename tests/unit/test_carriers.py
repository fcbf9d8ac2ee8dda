"""Incubation carriers: validation, incubating counts on boundary dates, graduation, readiness."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, CarrierYear
from db.rules.identifiers import uscc_check_char
from db.services import carriers, enterprises
from db.services.enterprises import qualifications
from db.services.errors import DuplicateError, InputError
from db.services.settings import update_settings
from db.store import Store

OP = "测试员"


def _uscc(n: int) -> str:
    body = f"91341602{n:09d}"
    return body + uscc_check_char(body)


def _enterprise(s: Session, n: int) -> int:
    return enterprises.create(s, {"name": f"孵化企业{n}", "uscc": _uscc(n)}, OP)


def _carrier(s: Session, name: str = "谯城科创孵化器", **kw: object) -> int:
    values = {"name": name, "kind": "科技企业孵化器", "level": "省级"} | kw
    return carriers.create_carrier(s, values, OP)


def _incubatee(s: Session, cid: int, entered: date, **kw: object) -> int:
    values: dict[str, object] = {"entered_on": entered} | kw
    if "enterprise_id" not in values:
        values.setdefault("team_name", f"团队{entered.isoformat()}")
    return carriers.add_incubatee(s, cid, values, OP)


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": " ", "kind": "众创空间"}, "name", "载体名称不能为空"),
        ({"name": "甲", "kind": "孵化园"}, "kind", "载体类型应为"),
        ({"name": "甲", "kind": "众创空间", "level": "县级"}, "level", "级别应为"),
        ({"name": "甲", "kind": "众创空间", "area": -1}, "area", "场地面积不能为负数"),
        ({"name": "甲", "kind": "众创空间", "stations": -3}, "stations", "工位数不能为负数"),
        ({"name": "甲", "kind": "众创空间", "phone": "12345"}, "phone", "电话号码格式不正确"),
        (
            {"name": "甲", "kind": "众创空间", "recognized_year": 1800},
            "recognized_year",
            "认定年份",
        ),
        ({"name": "甲"}, "kind", "请选择载体类型"),
    ],
)
def test_carrier_validation_messages(
    store: Store, values: dict[str, object], field: str, message: str
) -> None:
    with store.transaction() as s, pytest.raises(InputError) as caught:
        carriers.create_carrier(s, values, OP)
    assert caught.value.field == field
    assert message in str(caught.value)


def test_carrier_name_is_unique_and_phone_normalised(store: Store) -> None:
    with store.transaction() as s:
        cid = _carrier(s, phone="0558-5123456", area=12000, stations=300)
        with pytest.raises(DuplicateError) as caught:
            _carrier(s)
        assert caught.value.existing_id == cid
        view = carriers.get_carrier(s, cid)
        assert view.phone == "0558-5123456"
        assert view.area == 12000
        audited = s.scalars(
            select(AuditEntry.field).where(
                AuditEntry.entity == "carrier", AuditEntry.entity_id == cid
            )
        ).all()
        assert "name" in audited and "phone" in audited


def test_carrier_problems_as_you_type() -> None:
    assert carriers.carrier_problems({"name": "甲", "area": "abc"}) == {"area": "场地面积应为数字"}
    assert carriers.carrier_problems({"name": "甲", "kind": "众创空间"}) == {}


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"entered_on": date(2024, 1, 1)}, "enterprise_id", "请选择名录中的企业或填写团队名称"),
        ({"team_name": "甲队"}, "entered_on", "入孵日期必须填写"),
        (
            {"team_name": "甲队", "entered_on": date(2024, 5, 1), "exited_on": date(2024, 4, 30)},
            "exited_on",
            "离孵日期不能早于入孵日期",
        ),
        (
            {"team_name": "甲队", "entered_on": date(2024, 5, 1), "exited_on": date(2024, 6, 1)},
            "exit_kind",
            "请选择离孵方式",
        ),
        (
            {"team_name": "甲队", "entered_on": date(2024, 5, 1), "exit_kind": "毕业"},
            "exited_on",
            "请填写离孵日期",
        ),
        (
            {"team_name": "甲队", "entered_on": date(2024, 5, 1), "exit_kind": "结业"},
            "exit_kind",
            "离孵方式应为",
        ),
        (
            {"team_name": "甲队", "entered_on": date(2024, 5, 1), "investment": -1},
            "investment",
            "负数",
        ),
    ],
)
def test_incubatee_validation_messages(
    store: Store, values: dict[str, object], field: str, message: str
) -> None:
    with store.transaction() as s:
        cid = _carrier(s)
        with pytest.raises(InputError) as caught:
            carriers.add_incubatee(s, cid, values, OP)
    assert caught.value.field == field
    assert message in str(caught.value)


def test_same_enterprise_cannot_overlap_in_one_carrier(store: Store) -> None:
    with store.transaction() as s:
        cid = _carrier(s)
        eid = _enterprise(s, 1)
        first = _incubatee(s, cid, date(2022, 1, 1), enterprise_id=eid)
        with pytest.raises(DuplicateError):
            _incubatee(s, cid, date(2023, 1, 1), enterprise_id=eid)
        carriers.exit_incubatee(s, first, date(2023, 6, 30), "迁出", OP)
        _incubatee(s, cid, date(2023, 6, 30), enterprise_id=eid)  # re-entry after the exit day
        history = carriers.incubation_history(s, eid)
    assert [(h.entered_on, h.exit_kind) for h in history] == [
        (date(2023, 6, 30), None),
        (date(2022, 1, 1), "迁出"),
    ]


# ------------------------------------------------------------------ counts


def test_incubating_counts_on_boundary_dates(store: Store) -> None:
    """Entry day counts, exit day does not (domain.md)."""
    with store.transaction() as s:
        cid = _carrier(s)
        _incubatee(s, cid, date(2024, 3, 1))
        _incubatee(
            s, cid, date(2023, 1, 1), exited_on=date(2024, 6, 30), exit_kind="毕业", team_name="乙"
        )
        count = carriers.count_incubating
        assert count(s, date(2024, 2, 29), cid) == 1
        assert count(s, date(2024, 3, 1), cid) == 2  # entry day counts
        assert count(s, date(2024, 6, 29), cid) == 2
        assert count(s, date(2024, 6, 30), cid) == 1  # exit day does not
        assert count(s, date(2022, 12, 31), cid) == 0
        assert carriers.count_graduates(s, 2024, cid) == 1
        assert carriers.count_graduates(s, 2023, cid) == 0
        views = carriers.list_incubatees(s, cid, date(2024, 6, 30))
    assert [v.name for v in views] == ["团队2024-03-01"]


def test_graduates_only_count_exit_kind_graduation_in_the_year(store: Store) -> None:
    with store.transaction() as s:
        cid = _carrier(s)
        for n, (kind, exited) in enumerate(
            [
                ("毕业", date(2024, 1, 1)),
                ("毕业", date(2024, 12, 31)),
                ("迁出", date(2024, 5, 1)),
                ("毕业", date(2025, 1, 1)),
            ]
        ):
            _incubatee(
                s, cid, date(2020, 1, 1), team_name=f"队{n}", exited_on=exited, exit_kind=kind
            )
        assert carriers.count_graduates(s, 2024, cid) == 2
        assert carriers.count_graduates_until(s, cid, date(2024, 12, 31)) == 2
        assert carriers.count_graduates_until(s, cid, date(2025, 1, 1)) == 3


def test_deleted_carrier_and_removed_incubatee_do_not_count(store: Store) -> None:
    with store.transaction() as s:
        a, b = _carrier(s, "甲孵化器"), _carrier(s, "乙孵化器")
        keep = _incubatee(s, a, date(2024, 1, 1))
        gone = _incubatee(s, a, date(2024, 1, 2), team_name="误录")
        _incubatee(s, b, date(2024, 1, 1))
        carriers.remove_incubatee(s, gone, OP)
        carriers.delete_carrier(s, b, OP)
        assert carriers.count_incubating(s, date(2024, 2, 1)) == 1
        rows = carriers.list_carriers(s, on=date(2024, 2, 1))
        assert [(r.name, r.incubating) for r in rows] == [("甲孵化器", 1)]
        assert carriers.get_incubatee(s, keep).name == "团队2024-01-01"


def test_list_filters(store: Store) -> None:
    with store.transaction() as s:
        _carrier(s, "甲孵化器", level="国家级")
        _carrier(s, "乙众创空间", kind="众创空间", level="市级", operator="乙公司")
        f = carriers.CarrierFilter
        assert [c.name for c in carriers.list_carriers(s, f(kind="众创空间"))] == ["乙众创空间"]
        assert [c.name for c in carriers.list_carriers(s, f(level="国家级"))] == ["甲孵化器"]
        assert [c.name for c in carriers.list_carriers(s, f(text="乙公司"))] == ["乙众创空间"]
        summary = carriers.summary(s)
    assert summary.by_kind == (("科技企业孵化器", 1), ("众创空间", 1))
    assert summary.total == 2


# ------------------------------------------------------------------ graduation routes


def test_graduation_suggestions_on_known_cases(store: Store) -> None:
    on = date(2025, 6, 30)
    with store.transaction() as s:
        cid = _carrier(s)
        hte, investor, earner, nothing = (_enterprise(s, n) for n in (1, 2, 3, 4))
        tid = qualifications.type_id(s, "high_tech")
        qualifications.add(
            s, hte, {"type_id": tid, "number": "GR202334000001", "issued_on": date(2023, 11, 1)}, OP
        )
        enterprises.set_year(s, earner, 2023, {"revenue": 600.0}, OP)
        enterprises.set_year(s, earner, 2024, {"revenue": 500.0}, OP)
        enterprises.set_year(s, nothing, 2023, {"revenue": 600.0}, OP)
        enterprises.set_year(s, nothing, 2024, {"revenue": 400.0}, OP)  # exactly 1000: not > 1000
        for eid in (hte, earner, nothing):
            _incubatee(s, cid, date(2022, 1, 1), enterprise_id=eid, investment=100.0)
        _incubatee(s, cid, date(2022, 1, 1), enterprise_id=investor, investment=600.0)
        _incubatee(s, cid, date(2022, 1, 1), team_name="上市团队", listed=True)
        _incubatee(s, cid, date(2025, 7, 1), team_name="尚未入孵", listed=True)
        checks = {c.name: c for c in carriers.graduation_check(s, cid, on)}
    assert checks["孵化企业1"].routes == (carriers.ROUTE_HIGH_TECH,)
    assert checks["孵化企业2"].routes == (carriers.ROUTE_INVESTMENT,)
    assert checks["孵化企业3"].routes == (carriers.ROUTE_REVENUE,)
    assert "2023–2024年营业收入合计1100万元" in checks["孵化企业3"].details
    assert checks["孵化企业4"].routes == ()
    assert not checks["孵化企业4"].eligible
    assert checks["上市团队"].routes == (carriers.ROUTE_LISTED,)
    assert "尚未入孵" not in checks


def test_expired_high_tech_certificate_is_not_a_route(store: Store) -> None:
    with store.transaction() as s:
        cid = _carrier(s)
        eid = _enterprise(s, 9)
        tid = qualifications.type_id(s, "high_tech")
        qualifications.add(
            s, eid, {"type_id": tid, "number": "GR202034000009", "issued_on": date(2020, 1, 1)}, OP
        )
        _incubatee(s, cid, date(2021, 1, 1), enterprise_id=eid)
        assert carriers.graduation_check(s, cid, date(2022, 12, 31))[0].routes == ("高新技术企业",)
        assert carriers.graduation_check(s, cid, date(2023, 1, 1))[0].routes == ()


def test_two_year_revenue_needs_consecutive_years() -> None:
    assert carriers.two_year_revenue({2021: 900.0, 2023: 900.0}) is None
    assert carriers.two_year_revenue({2022: 1.0, 2023: 2.0, 2024: 3.0}) == (2024, 5.0)


# ------------------------------------------------------------------ yearly data


def test_year_data_converts_thousand_yuan_and_sits_beside_computed(store: Store) -> None:
    with store.transaction() as s:
        cid = _carrier(s)
        _incubatee(s, cid, date(2024, 2, 1))
        _incubatee(
            s, cid, date(2023, 1, 1), exited_on=date(2024, 9, 1), exit_kind="毕业", team_name="毕"
        )
        values = {
            "incubatees_reported": 3,
            "graduates_reported": 1,
            "financing": 12345,
            "grade": "良好",
        }
        carriers.set_carrier_year(s, cid, 2024, values, OP, financing_unit="千元")
        row = s.scalar(select(CarrierYear).where(CarrierYear.carrier_id == cid))
        assert row is not None and row.financing == pytest.approx(1234.5)
        assert row.grade == "B"
        view = carriers.carrier_year(s, cid, 2024)
        years = carriers.carrier_years(s, cid, today=date(2025, 3, 1))
    assert (view.incubatees_computed, view.incubatees_reported) == (1, 3)
    assert (view.graduates_computed, view.graduates_reported) == (1, 1)
    assert view.new_computed == 1
    assert view.grade_name == "良好"
    assert view.differences == ("在孵企业数：填报3，记录1",)
    assert [y.year for y in years] == [2025, 2024, 2023]
    assert carriers.thousand_yuan_to_wan(10.0) == pytest.approx(1.0)


def test_year_data_validation(store: Store) -> None:
    with store.transaction() as s:
        cid = _carrier(s)
        with pytest.raises(InputError, match="评价结果"):
            carriers.set_carrier_year(s, cid, 2024, {"grade": "E"}, OP)
        with pytest.raises(InputError, match="吸纳就业人数不能为负数"):
            carriers.set_carrier_year(s, cid, 2024, {"jobs": -1}, OP)
        with pytest.raises(InputError, match="年度应在"):
            carriers.set_carrier_year(s, cid, 1999, {"jobs": 1}, OP)


# ------------------------------------------------------------------ readiness


def test_incubator_readiness_figures(store: Store) -> None:
    on = date(2025, 6, 30)
    with store.transaction() as s:
        cid = _carrier(s, area=8000.0)
        for n in range(45):
            _incubatee(s, cid, date(2024, 1, 1), team_name=f"在孵{n}")
        for n in range(20):
            _incubatee(
                s,
                cid,
                date(2020, 1, 1),
                team_name=f"毕业{n}",
                exited_on=date(2023, 1, 1),
                exit_kind="毕业",
            )
        r = carriers.readiness_check(s, cid, on)
    by_label = {c.label: c for c in r.checks}
    assert (by_label["场地面积"].met, by_label["场地面积"].shortfall) == (False, 2000.0)
    assert (by_label["在孵企业"].actual, by_label["在孵企业"].shortfall) == (45, 5)
    assert by_label["累计毕业企业"].met and by_label["累计毕业企业"].shortfall == 0
    assert not r.ready


def test_makerspace_readiness_uses_settings_and_either_space_rule(store: Store) -> None:
    with store.transaction() as s:
        update_settings(s, {"makerspace_min_teams": 2}, OP)
        cid = _carrier(s, "创客空间", kind="众创空间", area=300.0, stations=40)
        _incubatee(s, cid, date(2024, 3, 1), team_name="甲")
        _incubatee(
            s, cid, date(2023, 3, 1), team_name="乙", exited_on=date(2024, 2, 1), exit_kind="淘汰"
        )
        r = carriers.readiness_check(s, cid, date(2024, 12, 31))
        other = carriers.readiness_check(
            s, _carrier(s, "加速器一号", kind="加速器"), date(2024, 1, 1)
        )
    labels = {c.label: c for c in r.checks}
    assert not labels["场地面积"].met and labels["工位"].met
    assert labels["2024年服务团队和企业"].actual == 2
    assert r.ready
    assert not other.applicable
