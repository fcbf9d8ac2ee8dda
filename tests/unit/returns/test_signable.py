"""Returns a bureau can sign: 双突破 new / renewed / expiring / year-end and town targets, the
legal marks of 设置 → 报表, 报出日期, corrections (更正), the PDF text layer and metadata."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.models import AuditEntry, IndicatorTownTarget
from db.services import returns_marks, settings
from db.services.errors import InputError
from db.services.figures import counts
from db.services.settings import SettingsError
from db.store import Store
from desktop.returns import archive
from desktop.returns.compute import compute
from desktop.returns.definitions import BY_ID, CATALOGUE
from desktop.returns.definitions.double_breakthrough import year_end_balances
from desktop.returns.model import Period, Query, ReturnTable
from desktop.returns.pdf import pdf_bytes
from desktop.returns.xlsx import xlsx_bytes
from tests.unit.returns import builders
from tests.unit.returns.texts import pdf_text, xlsx_text

OP = builders.OPERATOR
DB = "double-breakthrough"


def _db(store: Store, as_of: date) -> ReturnTable:
    with store.session() as session:
        return compute(BY_ID[DB], session, Period(as_of.year), as_of=as_of)


def _rows(table: ReturnTable) -> dict[str, dict[str, object]]:
    keys = [c.key for c in table.columns]
    out = {str(r[0]): dict(zip(keys, r, strict=True)) for r in table.rows}
    assert table.total is not None
    out["合计"] = dict(zip(keys, table.total, strict=True))
    return out


@pytest.fixture
def pipeline(store: Store) -> Store:
    """十九里镇: a first certificate of 2025, a renewal of 2025, one ending 2025-06-30 (expiring),
    one ending 2025-06-30 already renewed in May (not expiring); 亳州街道: one valid to 2026."""
    with store.transaction() as s:
        known = builders.setup(s)
        new = builders.enterprise(s, known, "新认定科技有限公司", "十九里镇")
        builders.high_tech(s, new, date(2025, 3, 1))
        renewed = builders.enterprise(s, known, "重新认定科技有限公司", "十九里镇")
        builders.high_tech(s, renewed, date(2022, 2, 1))  # through 2025-01-31
        builders.high_tech(s, renewed, date(2025, 1, 20))  # renewal, through 2028
        ending = builders.enterprise(s, known, "年内到期科技有限公司", "十九里镇")
        builders.high_tech(s, ending, date(2022, 7, 1))  # through 2025-06-30
        carried = builders.enterprise(s, known, "到期已续科技有限公司", "十九里镇")
        builders.high_tech(s, carried, date(2022, 7, 1))  # through 2025-06-30 …
        builders.high_tech(s, carried, date(2025, 5, 20))  # … renewed before it ends
        other = builders.enterprise(s, known, "亳州谯城科技有限公司", "亳州街道")
        builders.high_tech(s, other, date(2023, 6, 1))
    return store


def test_new_renewed_expiring_and_year_end_per_town(pipeline: Store) -> None:
    rows = _rows(_db(pipeline, date(2025, 6, 1)))
    town = rows["十九里镇"]
    assert town["ht"] == 4  # new, renewed, ending, carried (its first certificate)
    assert town["ht_new"] == 1  # the renewal is not new
    assert town["ht_renewed"] == 2  # `renewed` and `carried`
    assert town["ht_expiring"] == 1  # `carried` has a later certificate
    assert town["ht_year_end"] == 3 == town["ht"] - town["ht_expiring"]  # type: ignore[operator]
    assert rows["亳州街道"]["ht_expiring"] == 0 and rows["亳州街道"]["ht_year_end"] == 1
    total = rows["合计"]
    assert (total["ht"], total["ht_new"], total["ht_renewed"]) == (5, 1, 2)
    assert (total["ht_expiring"], total["ht_year_end"]) == (1, 4)
    with pipeline.session() as session:
        result = counts.double_breakthrough(session, date(2025, 6, 1))
    assert result.projection_high_tech == total["ht_year_end"]  # `bureau stats` agrees


def test_year_end_check_is_an_error_in_the_row_that_does_not_balance(pipeline: Store) -> None:
    as_of = date(2025, 6, 1)
    query = Query(Period(2025), None, as_of)
    with pipeline.session() as session:
        table = compute(BY_ID[DB], session, Period(2025), as_of=as_of)
        source = BY_ID[DB].source(session, query)
        source.rows[0]["ht_year_end"] = 1
        found = year_end_balances(session, query, source)
    assert not table.errors
    assert [(c.level, c.key) for c in found] == [("error", "year-end:十九里镇")]
    assert "4 − 年内到期 1 ≠ 年末预计 1" in found[0].message


def test_town_targets_fill_target_and_rate_where_set(pipeline: Store) -> None:
    with pipeline.transaction() as s:
        ids = {name: i for name, i in builders_town_ids(s).items()}
        indicator = counts_indicator_id(s, "high_tech_count")
        s.add(
            IndicatorTownTarget(
                indicator_id=indicator, year=2025, town_id=ids["十九里镇"], target=8
            )
        )
    rows = _rows(_db(pipeline, date(2025, 6, 1)))
    assert rows["十九里镇"]["ht_target"] == 8
    assert rows["十九里镇"]["ht_rate"] == pytest.approx(50.0)
    assert rows["亳州街道"]["ht_target"] is None and rows["亳州街道"]["ht_rate"] is None
    assert rows["十九里镇"]["sme_target"] is None  # none set for the tech-SMEs
    assert rows["合计"]["ht_target"] == 100  # the district's own target


def builders_town_ids(session: object) -> dict[str, int]:
    from db.services.towns import list_towns

    return {t.name: t.id for t in list_towns(session)}  # type: ignore[arg-type]


def counts_indicator_id(session: object, code: str) -> int:
    from db.models import Indicator

    found = session.scalar(select(Indicator.id).where(Indicator.code == code))  # type: ignore[attr-defined]
    assert found is not None
    return int(found)


# ---- legal marks ---------------------------------------------------------------------------


def test_saved_marks_print_on_pdf_and_xlsx_and_blank_lines_are_left_out(pipeline: Store) -> None:
    with pipeline.transaction() as s:
        returns_marks.set_marks(
            s,
            DB,
            {
                "table_no": "",  # clears the default 科双01表
                "authority": "安徽省科学技术厅",
                "approval_kind": "备案机关",
                "approval_authority": "安徽省统计局",
                "approval_no": "皖统制〔2025〕12号",
                "valid_until": "",
            },
            OP,
        )
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "return_legal_marks"))
        fields = {a.field for a in audit}
    assert f"{DB}.approval_no" in fields and f"{DB}.table_no" in fields
    table = _db(pipeline, date(2025, 12, 31))
    assert table.legal_lines == [
        ("制表机关", "安徽省科学技术厅"),
        ("备案机关", "安徽省统计局"),
        ("备案文号", "皖统制〔2025〕12号"),
    ]
    pdf, xlsx = pdf_text(pdf_bytes(table)), xlsx_text(xlsx_bytes(table))
    for text in ("备案机关：安徽省统计局", "备案文号：皖统制〔2025〕12号"):
        assert text in pdf and text in xlsx
    assert "表　　号" not in pdf and "有效期至" not in xlsx


def test_marks_are_validated_and_saved_through_the_settings_form(pipeline: Store) -> None:
    with pipeline.transaction() as s, pytest.raises(InputError, match="批准机关"):
        returns_marks.set_marks(s, DB, {"approval_kind": "审批机关"}, OP)
    with pipeline.transaction() as s, pytest.raises(SettingsError, match="表号不能超过64个字"):
        settings.save_settings(s, {}, {}, OP, legal_marks={DB: {"table_no": "号" * 65}})
    with pipeline.transaction() as s:
        settings.save_settings(s, {}, {}, OP, legal_marks={"carriers": {"table_no": "科孵01表"}})
    with pipeline.session() as s:
        assert returns_marks.stored_marks(s) == {"carriers": {"table_no": "科孵01表"}}


def test_candidate_thresholds_are_validated() -> None:
    settings.validate({"candidate_rd_ratio_small": 5.5, "candidate_min_years": 2})
    for bad in ({"candidate_rd_ratio_mid": 120.0}, {"candidate_min_years": 1.5}):
        with pytest.raises(SettingsError):
            settings.validate(bad)
    with pytest.raises(SettingsError, match="研发人员占比"):
        settings.validate({"candidate_staff_ratio": -1.0})


# ---- 报出, 报出日期 and 更正 --------------------------------------------------------------


def test_correction_is_a_new_version_and_both_stay(pipeline: Store) -> None:
    table = _db(pipeline, date(2025, 12, 31))
    with pipeline.transaction() as s:
        first = archive.submit(s, table, {}, OP, on=date(2026, 1, 5))
    with pipeline.transaction() as s:
        with pytest.raises(archive.SubmitRefused, match="更正原因"):
            archive.submit(s, table, {}, OP, corrects_id=first, reason=" ")
        second = archive.submit(
            s, table, {}, OP, on=date(2026, 1, 9), corrects_id=first, reason="漏报一家企业"
        )
    with pipeline.transaction() as s, pytest.raises(archive.SubmitRefused, match="最新的一版"):
        archive.submit(s, table, {}, OP, corrects_id=first, reason="再改")
    other = _db_other(pipeline)
    with pipeline.transaction() as s, pytest.raises(archive.SubmitRefused, match="同一报表"):
        archive.submit(s, other, {}, OP, corrects_id=second, reason="错表")
    with pipeline.session() as s:
        history = archive.list_submitted(s)
        latest = archive.latest_version_ids(s)
        old, new = archive.get_submitted(s, first), archive.get_submitted(s, second)
    assert [(h.id, h.version, h.corrects_id) for h in history] == [
        (second, 2, first),
        (first, 1, None),
    ]
    assert history[0].correction_reason == "漏报一家企业"
    assert history[0].version_text == "第2版（更正）" and history[1].version_text == "第1版"
    assert latest == {second}
    assert old is not None and new is not None
    assert "报出日期：2026年1月5日" in pdf_text(old.pdf)
    assert "报出日期：2026年1月9日" in pdf_text(new.pdf)
    assert json.loads(new.data)["submitted_on"] == "2026-01-09"


def _db_other(store: Store) -> ReturnTable:
    with store.session() as session:
        return compute(BY_ID["high-tech-roster"], session, Period(2025), as_of=date(2025, 12, 31))


def test_an_empty_return_is_not_submitted(store: Store) -> None:
    with store.transaction() as s:
        builders.setup(s)
    with store.session() as s:
        table = compute(BY_ID["high-tech-roster"], s, Period(2025), as_of=date(2025, 12, 31))
    assert table.rows == []
    with store.transaction() as s, pytest.raises(archive.SubmitRefused, match="没有数据"):
        archive.submit(s, table, {}, OP)


# ---- the PDF's text layer and metadata -------------------------------------------------------


def test_characters_beyond_the_bmp_copy_out_of_the_pdf(store: Store) -> None:
    with store.transaction() as s:
        known = builders.setup(s)
        eid = builders.enterprise(s, known, "𠮷野家亳州餐饮有限公司", "十九里镇")
        builders.high_tech(s, eid, date(2024, 5, 1))
    with store.session() as s:
        table = compute(BY_ID["high-tech-roster"], s, Period(2025), as_of=date(2025, 12, 31))
    data = pdf_bytes(table)
    text = pdf_text(data)
    assert "𠮷野家亳州餐饮有限公司" in text
    assert "₻" not in text
    info = PdfReader(io.BytesIO(data)).metadata
    assert info is not None
    assert info.title == f"{table.title} {table.period_text}"
    assert info.author == "谯城区科学技术局"
    assert info.creator is not None and info.creator.startswith("科创台账")
    assert info.subject is not None and "谯城区科学技术局" in info.subject


def test_every_catalogue_return_renders_with_a_balanced_text_layer(pipeline: Store) -> None:
    for definition in CATALOGUE:
        with pipeline.session() as s:
            table = compute(definition, s, Period(2025), as_of=date(2025, 12, 31))
        assert table.title.split("（")[0][:6] in pdf_text(pdf_bytes(table))
