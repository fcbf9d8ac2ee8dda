"""Innovation platforms: validation, host from the roster, counts by kind against targets."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.models import Indicator, IndicatorTarget
from db.rules.identifiers import uscc_check_char
from db.services import enterprises, platforms
from db.services.errors import DuplicateError, InputError
from db.store import Store

OP = "测试员"


def _enterprise(s: Session, n: int) -> int:
    body = f"91341602{n:09d}"
    return enterprises.create(s, {"name": f"依托企业{n}", "uscc": body + uscc_check_char(body)}, OP)


def _platform(s: Session, name: str, **kw: object) -> int:
    values = {"name": name, "kind": "院士工作站", "level": "省级", "host_name": "亳州学院"} | kw
    return platforms.create_platform(s, values, OP)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"name": "", "kind": "院士工作站", "level": "省级", "host_name": "甲"},
            "name",
            "平台名称不能为空",
        ),
        (
            {"name": "甲", "kind": "研究院", "level": "省级", "host_name": "甲"},
            "kind",
            "平台类型应为",
        ),
        (
            {"name": "甲", "kind": "院士工作站", "level": "区级", "host_name": "甲"},
            "level",
            "级别应为",
        ),
        ({"name": "甲", "kind": "院士工作站", "level": "省级"}, "host_name", "依托单位"),
        (
            {
                "name": "甲",
                "kind": "院士工作站",
                "level": "省级",
                "host_name": "甲",
                "recognized_year": 3000,
            },
            "recognized_year",
            "认定年份",
        ),
        ({"name": "甲", "level": "省级", "host_name": "甲"}, "kind", "请选择平台类型"),
    ],
)
def test_validation_messages(
    store: Store, values: dict[str, object], field: str, message: str
) -> None:
    with store.transaction() as s, pytest.raises(InputError) as caught:
        platforms.create_platform(s, values, OP)
    assert caught.value.field == field
    assert message in str(caught.value)


def test_kind_and_name_unique_and_alias(store: Store) -> None:
    with store.transaction() as s:
        pid = _platform(s, "亳州学院院士工作站")
        with pytest.raises(DuplicateError) as caught:
            _platform(s, "亳州学院院士工作站")
        assert caught.value.existing_id == pid
        _platform(s, "亳州学院院士工作站", kind="专家工作站")  # another kind: allowed
        other = _platform(s, "中药技术创新中心", kind="技术创新中心")
        assert platforms.get_platform(s, other).kind == "工程技术研究中心"
        platforms.delete_platform(s, pid, OP)
        with pytest.raises(DuplicateError, match="回收站"):
            _platform(s, "亳州学院院士工作站")


def test_host_from_roster_gives_name_and_platforms_of_enterprise(store: Store) -> None:
    with store.transaction() as s:
        eid = _enterprise(s, 1)
        pid = _platform(s, "企业院士工作站", host_enterprise_id=eid, host_name=None)
        _platform(s, "学院工作站")
        assert platforms.get_platform(s, pid).host_name == "依托企业1"
        assert [p.name for p in platforms.platforms_of_enterprise(s, eid)] == ["企业院士工作站"]
        platforms.update_platform(s, pid, {"host_enterprise_id": None, "host_name": "亳州学院"}, OP)
        assert platforms.platforms_of_enterprise(s, eid) == []
        with pytest.raises(InputError, match="依托"):
            platforms.update_platform(s, pid, {"host_name": ""}, OP)


def test_filters_and_years(store: Store) -> None:
    with store.transaction() as s:
        _platform(s, "甲站", recognized_year=2020)
        _platform(s, "乙中心", kind="企业技术中心", level="市级", recognized_year=2023)
        f = platforms.PlatformFilter
        assert [p.name for p in platforms.list_platforms(s, f(kind="企业技术中心"))] == ["乙中心"]
        assert [p.name for p in platforms.list_platforms(s, f(level="省级"))] == ["甲站"]
        assert [p.name for p in platforms.list_platforms(s, f(year=2020))] == ["甲站"]
        assert [p.name for p in platforms.list_platforms(s, f(text="乙"))] == ["乙中心"]
        assert platforms.recognition_years(s) == [2023, 2020]


def test_counts_by_kind_against_targets(store: Store) -> None:
    with store.transaction() as s:
        for n, year in enumerate((2019, 2020, 2021, 2023, 2024)):
            _platform(s, f"工作站{n}", recognized_year=year)
        _platform(s, "中心", kind="企业技术中心", recognized_year=2022)
        ind = s.scalar(
            insert(Indicator)
            .values(
                code="platform_academician",
                name="院士工作站数",
                unit="个",
                base_year=2020,
                base_value=2.0,
                source="platforms:院士工作站",
            )
            .returning(Indicator.id)
        )
        s.execute(insert(IndicatorTarget), [{"indicator_id": ind, "year": 2023, "target": 6.0}])
        rows = {t.kind: t for t in platforms.targets(s, 2023)}
        assert platforms.count_by_kind(s, 2020) == {"院士工作站": 2}
    station = rows["院士工作站"]
    assert (station.actual, station.target, station.gap) == (4, 6.0, 2.0)
    assert station.growth == pytest.approx((4 / 2) ** (1 / 3) - 1)
    centre = rows["企业技术中心"]
    assert (centre.actual, centre.target, centre.gap, centre.growth) == (1, None, None, None)


def test_targets_without_indicators(store: Store) -> None:
    with store.transaction() as s:
        rows = platforms.targets(s, 2025)
    assert [r.kind for r in rows] == list(platforms.KINDS)
    assert all(r.actual == 0 and r.target is None for r in rows)


def test_default_target_year(store: Store) -> None:
    from datetime import date

    with store.transaction() as s:
        assert platforms.default_target_year(s, date(2026, 5, 1)) == 2026
        ind = s.scalar(
            insert(Indicator)
            .values(code="p", name="院士工作站", source="platforms:院士工作站")
            .returning(Indicator.id)
        )
        s.execute(insert(IndicatorTarget), [{"indicator_id": ind, "year": 2025, "target": 6.0}])
        assert platforms.default_target_year(s, date(2026, 5, 1)) == 2025
        assert platforms.default_target_year(s, date(2025, 1, 1)) == 2025
