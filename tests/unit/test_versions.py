"""Record versions (migration 0008, spec/desks.md): a save over another desk's change is refused.

Every editable record carries a version; every write bumps it (ORM updates, bulk imports, undo);
a save naming the version its clerk opened is refused with StaleEdit, naming the other desk's
operator and time, and writes nothing.
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session

from db.errors import StaleEdit, StoreRefused
from db.models import AuditEntry, Base, Enterprise, Platform
from db.models.base import Versioned
from db.services import carriers, enterprises, platforms, towns
from db.services.commissioners import assessments, dispatches, records, roster
from db.services.commissioners import operations as commissioner_ops
from db.services.enterprises import qualifications
from db.services.enterprises.operations import QualificationEdit, save_enterprise
from db.services.imports import bulk
from db.services.plans import cultivation, cultivation_pipeline, indicators
from db.services.versions import NOT_STORED, stale_message
from db.store import MIGRATIONS, Store, head_revision, open_store

FIXTURE_0007 = Path(__file__).parent.parent / "fixtures" / "stores" / "schema-0007.sqlite"
USCC = "91110000600037341L"
ME, OTHER = "张敏", "王磊"


def _migration_tables() -> tuple[str, ...]:
    path = MIGRATIONS / "versions" / "0008_record_versions.py"
    spec = importlib.util.spec_from_file_location("m0008", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.TABLES)


def _versioned_tables() -> set[str]:
    return {
        m.class_.__tablename__ for m in Base.registry.mappers if issubclass(m.class_, Versioned)
    }


def _last_change(store: Store) -> tuple[str, Any]:
    """Operator and time of the newest audit row (on PostgreSQL the operator is the login)."""
    with store.session() as s:
        row = s.execute(select(AuditEntry.operator, AuditEntry.at).order_by(AuditEntry.id.desc()))
        operator, at = row.first() or ("", None)
    return operator, at


def _enterprise(store: Store) -> int:
    with store.transaction() as s:
        return enterprises.create(s, {"name": "亳州华信生物科技有限公司", "uscc": USCC}, ME)


def test_every_versioned_model_has_the_column_the_migration_adds(store: Store) -> None:
    assert set(_migration_tables()) == _versioned_tables()
    columns = inspect(store.engine)
    for table in _migration_tables():
        found = {c["name"]: c for c in columns.get_columns(table)}
        assert "version" in found, table
        assert found["version"]["nullable"] is False
        assert "1" in str(found["version"]["default"])


def test_the_released_0007_store_upgrades_with_every_record_at_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(FIXTURE_0007, path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0007"
    counts = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in _migration_tables()
    }
    conn.close()
    store = open_store(path)
    assert store.revision() == head_revision()
    with store.engine.connect() as c:
        for table, count in counts.items():
            versions = c.exec_driver_sql(f"SELECT DISTINCT version FROM {table}").fetchall()
            assert versions == ([(1,)] if count else []), table
    # the fixture holds a record of (almost) every kind, so the upgrade really touched them
    assert sum(1 for n in counts.values() if n) >= 18
    with store.transaction() as s:
        eid = s.scalar(select(Enterprise.id).where(Enterprise.deleted_at.is_(None)))
        assert eid is not None
        enterprises.update(s, eid, {"note": "升级后修改"}, ME, expected_version=1)
    with store.session() as s:
        assert enterprises.get(s, eid).version == 2
    store.close()


def test_a_save_on_the_opened_version_writes_and_bumps_it(store: Store) -> None:
    eid = _enterprise(store)
    with store.session() as s:
        opened = enterprises.get(s, eid)
    assert opened.version == 1
    with store.transaction() as s:
        enterprises.update(s, eid, {"phone": "0558-1"}, ME, expected_version=opened.version)
    with store.session() as s:
        assert enterprises.get(s, eid).version == 2


def test_a_save_over_another_desks_change_is_refused_naming_who_and_when(store: Store) -> None:
    eid = _enterprise(store)
    with store.session() as s:
        opened = enterprises.get(s, eid)
    with store.transaction() as s:  # the other desk saves first
        enterprises.update(s, eid, {"phone": "0558-2"}, OTHER, expected_version=opened.version)
    who, at = _last_change(store)
    with store.session() as s:
        audit_rows = s.scalar(select(func.count(AuditEntry.id)))
    with pytest.raises(StaleEdit) as refused, store.transaction() as s:
        enterprises.update(s, eid, {"phone": "0558-3"}, ME, expected_version=opened.version)
    assert isinstance(refused.value, StoreRefused)  # the command line exits 3
    assert refused.value.operator == who == (OTHER if store.login is None else store.login)
    assert str(refused.value) == (
        f"保存失败：此记录在您打开后已被 {who} 于 {at:%Y-%m-%d %H:%M} 修改。"
        "为免覆盖对方的修改，本次没有保存。请重新载入后再改。"
    )
    with store.session() as s:
        now = enterprises.get(s, eid)
        assert (now.phone, now.version) == ("0558-2", 2)
        assert s.scalar(select(func.count(AuditEntry.id))) == audit_rows  # nothing written


def test_stale_message_without_a_known_author() -> None:
    assert "已被其他人修改" in stale_message(None, None)


def test_saving_the_editor_checks_the_enterprise_its_years_and_qualifications(
    store: Store,
) -> None:
    eid = _enterprise(store)
    with store.transaction() as s:
        enterprises.set_year(s, eid, 2024, {"revenue": 100.0}, ME)
        ht = qualifications.type_id(s, "tech_sme")
        qid = qualifications.add(s, eid, {"type_id": ht, "number": "2024341602A0000001"}, ME)
    with store.session() as s:
        view = enterprises.get(s, eid)
        qual = qualifications.get(s, qid)
    years = {y.year: y.version for y in view.years}

    def save_year(values: dict[int, dict[str, Any]], op: str) -> int:
        with store.transaction() as s:
            return save_enterprise(
                s, eid, {}, [], values, op, expected_version=view.version, year_versions=years
            )

    save_year({2024: {"revenue": 120.0}}, OTHER)  # the year row bumps; the enterprise's does not
    with pytest.raises(StaleEdit, match=_last_change(store)[0]):
        save_year({2024: {"revenue": 130.0}}, ME)
    with pytest.raises(StaleEdit):  # a year another desk entered since it was opened
        with store.transaction() as s:
            enterprises.set_year(s, eid, 2023, {"revenue": 1.0}, OTHER)
        save_year({2023: {"revenue": 2.0}}, ME)
    edit = QualificationEdit(qid, {"number": "2024341602A0000002"}, True, version=qual.version)
    with store.transaction() as s:
        save_enterprise(s, eid, {}, [edit], {}, OTHER, expected_version=view.version)
    with pytest.raises(StaleEdit), store.transaction() as s:
        save_enterprise(s, eid, {}, [edit], {}, ME, expected_version=view.version)
    with store.session() as s:
        again = enterprises.get(s, eid)
        assert {y.year: y.revenue for y in again.years} == {2023: 1.0, 2024: 120.0}
        assert qualifications.get(s, qid).number == "2024341602A0000002"
        assert NOT_STORED not in {y.version for y in again.years}


def _platform(s: Session, eid: int) -> int:
    values = {"name": "华信院士工作站", "kind": "院士工作站", "level": "省级"}
    return platforms.create_platform(s, values | {"host_enterprise_id": eid}, ME)


Ledger = tuple[
    Callable[[Session, int], int],  # create (with the enterprise's id)
    Callable[[Session, int], int],  # the version a reader sees
    Callable[[Session, int, str, int | None], object],  # save a change by an operator
]

LEDGERS: dict[str, Ledger] = {
    "platform": (
        _platform,
        lambda s, i: platforms.get_platform(s, i).version,
        lambda s, i, op, v: platforms.update_platform(s, i, {"note": op}, op, expected_version=v),
    ),
    "carrier": (
        lambda s, _e: carriers.create_carrier(s, {"name": "孵化器", "kind": "科技企业孵化器"}, ME),
        lambda s, i: carriers.get_carrier(s, i).version,
        lambda s, i, op, v: carriers.update_carrier(s, i, {"note": op}, op, expected_version=v),
    ),
    "commissioner": (
        lambda s, _e: roster.create(
            s, {"name": "张三", "kind": "个人", "id_number": "341602198001010018"}, ME
        ),
        lambda s, i: roster.get(s, i).version,
        lambda s, i, op, v: commissioner_ops.save_commissioner(
            s, i, {"note": op}, op, expected_version=v
        ),
    ),
}


@pytest.mark.parametrize("kind", sorted(LEDGERS))
def test_every_ledgers_editor_save_is_refused_when_stale(store: Store, kind: str) -> None:
    create, version_of, save = LEDGERS[kind]
    eid = _enterprise(store)
    with store.transaction() as s:
        rid = create(s, eid)
    with store.session() as s:
        opened = version_of(s, rid)
    with store.transaction() as s:
        save(s, rid, OTHER, opened)
    with pytest.raises(StaleEdit, match=_last_change(store)[0]), store.transaction() as s:
        save(s, rid, ME, opened)
    with store.transaction() as s:  # without a version (the command line): saved as before
        save(s, rid, ME, None)
    with store.session() as s:
        assert version_of(s, rid) == opened + 2


def test_bulk_updates_and_undo_bump_the_version(store: Store) -> None:
    eid = _enterprise(store)
    with store.transaction() as s:
        pid = _platform(s, eid)
    with store.engine.begin() as conn:
        table = Platform.__table__
        bulk.update_many(conn, table, [{"_id": pid, "note": "导入"}])  # type: ignore[arg-type]
    with store.session() as s:
        assert s.scalar(select(Platform.version).where(Platform.id == pid)) == 2
    with store.transaction() as s:  # an ORM-enabled Core update keeps the session's copy in step
        s.execute(update(Platform).where(Platform.id == pid).values(version=Platform.version + 1))
        platform = s.get(Platform, pid)
        assert platform is not None
        platform.note = "再改"
    with store.session() as s:
        assert s.scalar(select(Platform.version).where(Platform.id == pid)) == 4


def test_an_import_and_its_undo_bump_versions(store: Store, tmp_path: Path) -> None:
    from desktop.importing.engine import ImportOptions, apply_import, plan_import, undo_import
    from desktop.progress import drain

    eid = _enterprise(store)
    csv = tmp_path / "企业.csv"
    csv.write_text(f"企业名称,统一社会信用代码,联系电话\n亳州华信生物科技有限公司,{USCC},0558-9\n")
    plan = drain(plan_import(store, csv, ImportOptions(kind="enterprises", year=2025)))
    batch = drain(apply_import(store, plan, OTHER)).batch_id
    assert batch is not None
    with store.session() as s:
        assert enterprises.get(s, eid).version == 2
    drain(undo_import(store, batch, OTHER))
    with store.session() as s:
        after = enterprises.get(s, eid)
        assert (after.phone, after.version) == (None, 3)


def test_an_incubatee_exit_and_a_carrier_year_check_their_versions(store: Store) -> None:
    with store.transaction() as s:
        cid = carriers.create_carrier(s, {"name": "孵化器", "kind": "科技企业孵化器"}, ME)
        iid = carriers.add_incubatee(
            s, cid, {"team_name": "团队", "entered_on": date(2025, 1, 2)}, ME
        )
    with store.session() as s:
        incubatee = carriers.get_incubatee(s, iid)
        year = carriers.carrier_year(s, cid, 2025)
    assert year.version == NOT_STORED
    with store.transaction() as s:
        carriers.update_incubatee(s, iid, {"note": "改"}, OTHER, expected_version=incubatee.version)
        carriers.set_carrier_year(s, cid, 2025, {"jobs": 3}, OTHER, expected_version=year.version)
    with pytest.raises(StaleEdit), store.transaction() as s:
        carriers.exit_incubatee(
            s, iid, date(2025, 6, 1), "毕业", ME, expected_version=incubatee.version
        )
    with pytest.raises(StaleEdit), store.transaction() as s:
        carriers.set_carrier_year(s, cid, 2025, {"jobs": 4}, ME, expected_version=year.version)
    with store.session() as s:
        assert carriers.get_incubatee(s, iid).exited_on is None
        assert carriers.carrier_year(s, cid, 2025).jobs == 3


def _dispatch(store: Store) -> tuple[int, int]:
    """A commissioner and a dispatch of it (ids)."""
    with store.transaction() as s:
        cid = roster.create(
            s, {"name": "张三", "kind": "个人", "id_number": "341602198001010018"}, ME
        )
        did = dispatches.dispatch(s, cid, "谯城区某合作社", None, date(2025, 1, 2), operator=ME)
    return cid, did


def test_a_service_record_edited_in_the_grid_is_refused_when_stale(store: Store) -> None:
    _cid, did = _dispatch(store)
    typed = {"served_on": date(2025, 3, 1), "kind": "现场指导", "trained": 5}
    with store.transaction() as s:
        rid = records.add(s, did, typed, ME)
    with store.session() as s:
        (opened,) = records.list_records(s, did)
    with store.transaction() as s:  # the other desk's row
        commissioner_ops.save_service_row(
            s, did, rid, typed | {"trained": 8}, OTHER, expected_version=opened.version
        )
    with pytest.raises(StaleEdit, match=_last_change(store)[0]), store.transaction() as s:
        commissioner_ops.save_service_row(
            s, did, rid, typed | {"trained": 9}, ME, expected_version=opened.version
        )
    with store.session() as s:
        assert records.get(s, rid).trained == 8
    with store.transaction() as s:  # based on what is stored now: saved, with the new version
        saved = commissioner_ops.save_service_row(
            s, did, rid, typed | {"trained": 9}, ME, expected_version=opened.version + 1
        )
    assert (saved.trained, saved.version) == (9, opened.version + 2)


def test_ending_a_dispatch_and_a_grade_are_refused_when_stale(store: Store) -> None:
    cid, did = _dispatch(store)
    with store.session() as s:
        shown = dispatches.get(s, did)
        (row,) = assessments.assessment_rows(s, 2025)
    assert row.version == NOT_STORED
    with store.transaction() as s:  # the other desk ends it and grades first
        dispatches.end_dispatch(s, did, date(2025, 6, 30), OTHER, expected_version=shown.version)
        assessments.set_grade(s, cid, 2025, "优秀", OTHER, expected_version=row.version)
    with pytest.raises(StaleEdit), store.transaction() as s:
        dispatches.end_dispatch(s, did, date(2025, 7, 31), ME, expected_version=shown.version)
    with pytest.raises(StaleEdit), store.transaction() as s:  # graded since it was shown
        assessments.set_grade(s, cid, 2025, "合格", ME, expected_version=row.version)
    with store.session() as s:
        assert dispatches.get(s, did).end_on == date(2025, 6, 30)
        assert assessments.get_grade(s, cid, 2025) == "优秀"
        now = dispatches.get(s, did)
        (graded,) = assessments.assessment_rows(s, 2025)
    with store.transaction() as s:
        dispatches.end_dispatch(s, did, date(2025, 7, 31), ME, expected_version=now.version)
        assessments.set_grade(s, cid, 2025, "合格", ME, expected_version=graded.version)
    with store.session() as s:
        assert dispatches.get(s, did).end_on == date(2025, 7, 31)
        assert assessments.get_grade(s, cid, 2025) == "合格"


def test_an_indicators_target_and_manual_actual_are_refused_when_stale(store: Store) -> None:
    with store.transaction() as s:
        towns.add_towns(s, ["古井镇"], ME)
        (town,) = towns.list_towns(s)
        manual = {"code": "gdp", "name": "高新技术产业增加值", "unit": "亿元", "kind": "amount"}
        indicators.add_indicator(s, manual, ME)
        indicators.set_target(s, "gdp", 2025, 10.0, ME)
    with store.session() as s:
        shown = indicators.indicator_value(s, "gdp", 2025)
    assert shown.target_version == 1 and shown.actual_version == NOT_STORED
    assert [t.target_version for t in shown.by_town] == []  # no town target yet
    with store.transaction() as s:  # the other desk
        indicators.set_target(s, "gdp", 2025, 12.0, OTHER, expected_version=shown.target_version)
        indicators.set_actual(s, "gdp", 2025, 3.0, OTHER, expected_version=NOT_STORED)
        indicators.set_target(s, "gdp", 2025, 2.0, OTHER, town_id=town.id, expected_version=0)
    for write in (
        lambda s: indicators.set_target(s, "gdp", 2025, 11.0, ME, expected_version=1),
        lambda s: indicators.set_actual(s, "gdp", 2025, 4.0, ME, expected_version=NOT_STORED),
        lambda s: indicators.set_target(
            s, "gdp", 2025, 1.0, ME, town_id=town.id, expected_version=NOT_STORED
        ),
    ):
        with pytest.raises(StaleEdit, match=_last_change(store)[0]), store.transaction() as s:
            write(s)
    with store.session() as s:
        now = indicators.indicator_value(s, "gdp", 2025)
    assert (now.target, now.actual, now.by_town[0].target) == (12.0, 3.0, 2.0)
    with store.transaction() as s:  # based on the values shown now: saved
        indicators.set_target(s, "gdp", 2025, 11.0, ME, expected_version=now.target_version)
        indicators.set_actual(s, "gdp", 2025, 4.0, ME, expected_version=now.actual_version)
        version = now.by_town[0].target_version
        indicators.set_target(s, "gdp", 2025, 1.0, ME, town_id=town.id, expected_version=version)
    with store.session() as s:
        again = indicators.indicator_value(s, "gdp", 2025)
    assert (again.target, again.actual, again.by_town[0].target) == (11.0, 4.0, 1.0)


def test_a_cultivation_stage_change_is_refused_when_stale(store: Store) -> None:
    eid = _enterprise(store)
    with store.session() as s:
        outside = cultivation.candidate_of(s, eid, 2025)
    assert outside is None or outside.entry_version == NOT_STORED
    with store.transaction() as s:  # the other desk puts it into the pipeline first
        entry = cultivation_pipeline.move_enterprise(
            s, eid, 2025, "培育中", OTHER, expected_version=NOT_STORED
        )
    with pytest.raises(StaleEdit), store.transaction() as s:  # shown as not in the pipeline
        cultivation_pipeline.move_enterprise(
            s, eid, 2025, "已申报", ME, expected_version=NOT_STORED
        )
    with store.session() as s:
        shown = cultivation.candidate_of(s, eid, 2025)
    assert shown is not None and shown.entry_version == 1
    with store.transaction() as s:
        cultivation_pipeline.set_stage(s, entry, "已申报", OTHER, expected_version=1)
    with pytest.raises(StaleEdit, match=_last_change(store)[0]), store.transaction() as s:
        cultivation_pipeline.move_enterprise(s, eid, 2025, "已申报", ME, expected_version=1)
    with pytest.raises(StaleEdit), store.transaction() as s:
        cultivation_pipeline.set_stage(s, entry, "培育中", ME, expected_version=1)
    with store.session() as s:
        now = cultivation.candidate_of(s, eid, 2025)
    assert now is not None and (now.stage, now.entry_version) == ("已申报", 2)
    with store.transaction() as s:
        cultivation_pipeline.move_enterprise(s, eid, 2025, "未通过", ME, expected_version=2)
    with store.session() as s:
        assert cultivation_pipeline.get_entry(s, entry).stage == "未通过"


def test_a_town_rename_is_refused_when_stale(store: Store) -> None:
    with store.transaction() as s:
        towns.add_towns(s, ["古井镇"], ME)
    with store.session() as s:
        (shown,) = towns.list_towns(s)
    with store.transaction() as s:
        towns.rename_town(s, shown.id, "古井镇一", OTHER, expected_version=shown.version)
    with pytest.raises(StaleEdit, match=_last_change(store)[0]), store.transaction() as s:
        towns.rename_town(s, shown.id, "古井镇二", ME, expected_version=shown.version)
    with store.session() as s:
        (now,) = towns.list_towns(s)
    assert (now.name, now.version) == ("古井镇一", shown.version + 1)
    with store.transaction() as s:
        towns.rename_town(s, shown.id, "古井镇二", ME, expected_version=now.version)
    with store.session() as s:
        assert towns.list_towns(s)[0].name == "古井镇二"


def test_a_town_alias_save_is_refused_when_stale(store: Store) -> None:
    with store.transaction() as s:
        towns.add_towns(s, ["古井镇"], ME)
    with store.session() as s:
        (shown,) = towns.list_towns(s)
    with store.transaction() as s:  # another desk writes aliases: the town's version moves on
        towns.set_aliases(s, shown.id, ["古井"], OTHER, expected_version=shown.version)
    with pytest.raises(StaleEdit, match=_last_change(store)[0]), store.transaction() as s:
        towns.set_aliases(s, shown.id, ["古井集"], ME, expected_version=shown.version)
    with store.session() as s:
        (now,) = towns.list_towns(s)
    assert (now.aliases, now.version) == (("古井",), shown.version + 1)
    with store.transaction() as s:  # a rename after it is stale too, and an unchanged save is not
        towns.set_aliases(s, shown.id, ["古井"], ME, expected_version=now.version)
        towns.set_aliases(s, shown.id, ["古井", "古井集"], ME, expected_version=now.version)
    with pytest.raises(StaleEdit), store.transaction() as s:
        towns.rename_town(s, shown.id, "古井镇二", OTHER, expected_version=now.version)
    with store.session() as s:
        (last,) = towns.list_towns(s)
    assert (last.name, last.aliases, last.version) == (
        "古井镇",
        ("古井", "古井集"),
        now.version + 1,
    )
