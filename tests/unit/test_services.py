"""Services: towns, settings, enterprises, qualifications — every write validated and audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry
from db.services import audit, enterprises, settings, towns
from db.services.enterprises import qualifications
from db.services.errors import DuplicateError, InputError
from db.store import Store

OP = "测试员"
USCC_A = "91110000600037341L"
USCC_B = "91110108551385082Q"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


def test_towns_add_is_idempotent_and_rename_keeps_old_name_as_alias(store: Store) -> None:
    with store.transaction() as s:
        assert towns.add_towns(s, ["十九里镇", " 古井镇 "], OP) == ["十九里镇", "古井镇"]
        assert towns.add_towns(s, ["十九里镇", "五马镇"], OP) == ["五马镇"]
        gj = next(t for t in towns.list_towns(s) if t.name == "古井镇")
        towns.rename_town(s, gj.id, "古井镇人民政府", OP)
        towns.set_aliases(s, gj.id, ["古井", "古井镇"], OP)
    with store.session() as s:
        listed = towns.list_towns(s)
        assert [t.name for t in listed] == ["十九里镇", "古井镇人民政府", "五马镇"]
        matcher = towns.TownMatcher(listed)
        assert (
            matcher.match("古井镇") is not None and matcher.match("古井镇").name == "古井镇人民政府"
        )
        assert matcher.match("十九里").name == "十九里镇"  # unique prefix
        assert matcher.match("不存在镇") is None
        assert audit.history(s, "town", gj.id)[0].field == "aliases"


def test_town_alias_clash_and_empty_name_are_refused(store: Store) -> None:
    with store.transaction() as s:
        towns.add_towns(s, ["十九里镇", "五马镇"], OP)
        ids = {t.name: t.id for t in towns.list_towns(s)}
        with pytest.raises(towns.TownError, match="已被其他镇街使用"):
            towns.set_aliases(s, ids["五马镇"], ["十九里镇"], OP)
        with pytest.raises(towns.TownError, match="不能为空"):
            towns.add_towns(s, ["  "], OP)


def test_settings_validate_persist_and_audit(store: Store) -> None:
    with store.transaction() as s:
        with pytest.raises(settings.SettingsError, match="省份代码"):
            settings.update_settings(s, {"province_code": "3X"}, OP)
        saved = settings.update_settings(s, {"bureau_name": "谯城区科技局", "preparer": "王芳"}, OP)
        assert saved.bureau_name == "谯城区科技局"
        settings.set_count_target(s, "high_tech", 2025, 100, OP)
        settings.set_count_target(s, "tech_sme", 2025, 120, OP)
        settings.set_count_target(s, "tech_sme", 2025, 110, OP)
    with store.session() as s:
        assert settings.get_settings(s).preparer == "王芳"
        assert settings.get_count_targets(s, 2025) == {"high_tech": 100, "tech_sme": 110}
        assert settings.get_count_targets(s, 2024) == {"high_tech": None, "tech_sme": None}
        fields = {e.field for e in audit.history(s, "settings", 1)}
        assert {"bureau_name", "preparer"} <= fields


def test_enterprise_create_update_delete_restore_are_audited(store: Store) -> None:
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "亳州华信生物科技有限公司", "uscc": USCC_A}, OP)
        diff = enterprises.update(s, eid, {"name": "亳州华信生物股份有限公司", "phone": ""}, OP)
        assert diff == {"name": ("亳州华信生物科技有限公司", "亳州华信生物股份有限公司")}
        enterprises.soft_delete(s, eid, "李四")
    with store.session() as s:
        assert [d.id for d in enterprises.recycle_bin(s)] == [eid]
        # a server records its login instead (migration 0009)
        assert enterprises.recycle_bin(s)[0].deleted_by == (store.login or "李四")
    with store.transaction() as s:
        enterprises.restore(s, eid, OP)
    with store.session() as s:
        trail = audit.history(s, "enterprise", eid)
        assert [e.action for e in trail] == ["restore", "delete", "update", "create", "create"]
        update = trail[2]
        assert (update.field, update.old_value, update.new_value) == (
            "name",
            "亳州华信生物科技有限公司",
            "亳州华信生物股份有限公司",
        )
        assert enterprises.recycle_bin(s) == []
        assert enterprises.get(s, eid).deleted_at is None


def test_enterprise_input_is_validated(store: Store) -> None:
    with store.transaction() as s:
        with pytest.raises(InputError, match="校验位") as bad:
            enterprises.create(s, {"name": "甲公司", "uscc": "91110000600037341X"}, OP)
        assert bad.value.field == "uscc"
        with pytest.raises(InputError, match="名称"):
            enterprises.create(s, {"name": " ", "uscc": USCC_A}, OP)
        eid = enterprises.create(s, {"name": "甲公司", "uscc": _full_width(USCC_A)}, OP)
        assert enterprises.get(s, eid).uscc == USCC_A
        with pytest.raises(DuplicateError) as dup:
            enterprises.create(s, {"name": "乙公司", "uscc": USCC_A.lower()}, OP)
        assert dup.value.existing_id == eid
        assert enterprises.similar_names(s, "甲") == []


def test_similar_name_warns_for_the_same_core_name(store: Store) -> None:
    with store.transaction() as s:
        enterprises.create(s, {"name": "亳州华信生物科技有限公司", "uscc": USCC_A}, OP)
        assert enterprises.similar_names(s, "亳州华信生物科技有限责任公司") == [
            "亳州华信生物科技有限公司"
        ]
        assert enterprises.similar_names(s, "亳州华信食品有限公司") == []


def test_yearly_figures_are_upserted_and_ratio_computed(store: Store) -> None:
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "甲公司", "uscc": USCC_A}, OP)
        enterprises.set_year(s, eid, 2024, {"revenue": 2000.0, "rd_expense": 100.0}, OP)
        diff = enterprises.set_year(s, eid, 2024, {"revenue": 2500.0, "rd_expense": 100.0}, OP)
        assert diff == {"2024.revenue": (2000.0, 2500.0)}
        with pytest.raises(InputError, match="负数"):
            enterprises.set_year(s, eid, 2024, {"employees": -1}, OP)
    with store.session() as s:
        (year,) = enterprises.get(s, eid).years
        assert year.rd_ratio == pytest.approx(0.04)


def _add_hte(s: object, eid: int, number: str, issued: date) -> int:
    tid = qualifications.type_id(s, "high_tech")  # type: ignore[arg-type]
    values = {"type_id": tid, "number": number, "issued_on": issued}
    return qualifications.add(s, eid, values, OP)  # type: ignore[arg-type]


def test_high_tech_validity_status_and_revocation(store: Store) -> None:
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "甲公司", "uscc": USCC_A}, OP)
        qid = _add_hte(s, eid, "GR202334001234", date(2023, 1, 1))
        q = qualifications.get(s, qid)
        assert (q.valid_from, q.valid_through) == (date(2023, 1, 1), date(2025, 12, 31))
        assert q.status(date(2025, 1, 1)) == "有效"
        assert q.status(date(2025, 12, 1)) == "即将到期"
        assert q.status(date(2026, 1, 1)) == "已过期"
        qualifications.revoke(s, qid, date(2024, 6, 1), "取消资格", OP)
        assert qualifications.get(s, qid).status(date(2024, 6, 1)) == "已撤销"
        with pytest.raises(InputError, match="证书编号和发证日期"):
            qualifications.add(s, eid, {"type_id": q.type_id, "number": "GR202334001235"}, OP)
        with pytest.raises(InputError, match="GR"):
            _add_hte(s, eid, "GX202334001235", date(2023, 1, 1))


def test_certificate_year_mismatch_is_a_warning_not_an_error(store: Store) -> None:
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "甲公司", "uscc": USCC_A}, OP)
        tid = qualifications.type_id(s, "high_tech")
        checked = qualifications.validate(
            s, {"type_id": tid, "number": "GR202234001234", "issued_on": date(2023, 1, 1)}
        )
        assert checked.warnings and checked.valid_through == date(2025, 12, 31)
        assert eid


def test_tech_sme_year_comes_from_number_and_must_agree(store: Store) -> None:
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "甲公司", "uscc": USCC_A}, OP)
        tid = qualifications.type_id(s, "tech_sme")
        qid = qualifications.add(s, eid, {"type_id": tid, "number": "2025341602A0568138"}, OP)
        q = qualifications.get(s, qid)
        assert (q.evaluation_year, q.valid_from, q.valid_through) == (
            2025,
            date(2025, 1, 1),
            date(2025, 12, 31),
        )
        with pytest.raises(InputError, match="不符"):
            qualifications.add(
                s,
                eid,
                {"type_id": tid, "number": "2024341602A0568138", "evaluation_year": 2025},
                OP,
            )
        with pytest.raises(InputError, match="相同"):
            qualifications.add(s, eid, {"type_id": tid, "number": "2025341602A0568138"}, OP)


def test_every_write_leaves_audit_rows(store: Store) -> None:
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "甲公司", "uscc": USCC_A}, OP)
        _add_hte(s, eid, "GR202334001234", date(2023, 1, 1))
        n = s.scalar(select(func.count()).select_from(AuditEntry))
        assert n is not None and n >= 4
        assert {e.operator for e in s.scalars(select(AuditEntry))} == {store.login or OP}
