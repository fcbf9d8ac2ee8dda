"""One home per rule: the settings defaults, LIKE escaping, the year bounds (issue 10)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import text

from db.models import BureauSettings
from db.rules.identifiers import uscc_check_char
from db.rules.settings import DEFAULTS, SETTINGS_FIELDS, Settings
from db.rules.years import (
    FIRST_PLAN_YEAR,
    FIRST_RECORD_YEAR,
    LAST_PLAN_YEAR,
    plan_year_problem,
    record_year_problem,
)
from db.services import carriers, enterprises, platforms
from db.services.commissioners import demands, roster
from db.services.enterprises.roster import RosterFilter, RosterQuery
from db.services.errors import InputError
from db.services.settings import SettingsError, get_settings, set_count_target
from db.store import Store

OP = "测试员"


def make_uscc(i: int) -> str:
    first17 = f"91341600{i:09d}"
    return first17 + uscc_check_char(first17)


def test_the_migration_seeds_the_defaults_of_settings(store: Store) -> None:
    with store.engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM bureau_settings WHERE id = 1")).mappings().one()
    seeded = {name: row[name] for name in SETTINGS_FIELDS}
    assert Settings(**seeded) == DEFAULTS
    with store.session() as s:
        assert get_settings(s) == DEFAULTS


def test_the_model_defaults_are_the_settings_defaults() -> None:
    columns = BureauSettings.__table__.c
    for f in dataclasses.fields(Settings):
        assert columns[f.name].default.arg == getattr(DEFAULTS, f.name), f.name


@pytest.mark.parametrize("needle", ["%", "_", "\\"])
def test_every_search_takes_wildcards_literally(store: Store, needle: str) -> None:
    """A search for % or _ finds only records containing that character (LIKE escaped)."""
    with store.transaction() as s:
        enterprises.create(s, {"name": "普通公司", "uscc": make_uscc(1)}, OP)
        enterprises.create(s, {"name": f"特殊{needle}公司", "uscc": make_uscc(2)}, OP)
        carriers.create_carrier(s, {"name": "普通孵化器", "kind": "科技企业孵化器"}, OP)
        carriers.create_carrier(s, {"name": f"特殊{needle}孵化器", "kind": "科技企业孵化器"}, OP)
        for name in ("普通工作站", f"特殊{needle}工作站"):
            platforms.create_platform(
                s,
                {"name": name, "kind": "院士工作站", "level": "省级", "host_name": "亳州学院"},
                OP,
            )
        for name in ("张三", f"李{needle}四"):
            roster.create(s, {"name": name, "kind": "团队", "unit": "亳州学院"}, OP)
        for who in ("普通合作社", f"特殊{needle}合作社"):
            demands.create(
                s,
                {
                    "requester": who,
                    "requester_kind": "村",
                    "problem": "病虫害",
                    "raised_on": date(2025, 3, 1),
                },
                OP,
            )
    with store.session() as s:
        found = RosterQuery(date(2025, 6, 30)).ids(s, RosterFilter(text=needle))
        assert len(found) == 1
        assert [c.name for c in carriers.list_carriers(s, carriers.CarrierFilter(text=needle))] == [
            f"特殊{needle}孵化器"
        ]
        listed = platforms.list_platforms(s, platforms.PlatformFilter(text=needle))
        assert [p.name for p in listed] == [f"特殊{needle}工作站"]
        assert [c.name for c in roster.search(s, roster.CommissionerFilter(text=needle))] == [
            f"李{needle}四"
        ]
        assert [d.requester for d in demands.list_demands(s, text=needle)] == [
            f"特殊{needle}合作社"
        ]


def test_year_bounds_have_one_home(store: Store) -> None:
    today = date(2025, 6, 30)
    assert record_year_problem(FIRST_RECORD_YEAR, today) is None
    assert record_year_problem(FIRST_RECORD_YEAR - 1, today)
    assert record_year_problem(2026, today)
    assert record_year_problem(2026, today, ahead=1) is None
    assert plan_year_problem(FIRST_PLAN_YEAR) is None and plan_year_problem(LAST_PLAN_YEAR) is None
    assert plan_year_problem(FIRST_PLAN_YEAR - 1) and plan_year_problem(LAST_PLAN_YEAR + 1)
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "年度公司", "uscc": make_uscc(3)}, OP)
        with pytest.raises(InputError, match=f"年度应在{FIRST_RECORD_YEAR}"):
            enterprises.set_year(s, eid, FIRST_RECORD_YEAR - 1, {"revenue": 1}, OP)
        with pytest.raises(SettingsError, match=f"年度应在{FIRST_PLAN_YEAR}到{LAST_PLAN_YEAR}"):
            set_count_target(s, "high_tech", LAST_PLAN_YEAR + 1, 10, OP)
