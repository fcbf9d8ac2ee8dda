"""Undoing import batches in reverse order restores the store exactly (issue 11, finding 6).

An undone batch is no "later edit" of the records an earlier batch wrote, nor are the undo's own
audit rows; records edited by hand after a batch are still kept.

The dump compares every business table, all columns but `created_at` / `updated_at` / `version`
(the store sets `updated_at` and bumps `version` on every write, an undo included, and cannot
give the old time back; an editor opened before the undo must see it as a change). The
audit trail (`audit_log`) and the batch history (`import_batches`) are left out: an undo adds to
them by design.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.models import Base, Carrier, Commissioner, Enterprise
from db.rules.identifiers import org_code_check_char, resident_id_check_char, uscc_check_char
from db.services import carriers as carrier_service
from db.services import enterprises as enterprise_service
from db.services.imports.batches import UndoResult
from db.services.towns import add_towns
from db.store import Store, open_store
from desktop.importing.engine import ImportOptions, apply_import, plan_import, undo_import
from desktop.progress import drain

OPERATOR = "测试员"
TOWNS = ("古井镇", "五马镇")
KEPT = "导入后该企业又被修改过，已保留"
Dump = dict[str, list[tuple[Any, ...]]]


def uscc(n: int) -> str:
    """A valid 统一社会信用代码 numbered n."""
    org = f"{n:08d}"
    body = f"91341602{org}{org_code_check_char(org)}"
    return body + uscc_check_char(body)


def resident_id(seq: int) -> str:
    """A valid resident ID numbered seq."""
    body = f"34160219800101{seq:03d}"
    return body + resident_id_check_char(body)


def dump(store: Store) -> Dump:
    """Every business table, rows by id, without the times the store keeps itself."""
    out: Dump = {}
    with store.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in ("audit_log", "import_batches"):
                continue
            kept = ("created_at", "updated_at", "version")
            columns = [c for c in table.c if c.name not in kept]
            rows = conn.execute(select(*columns).order_by(*table.primary_key.columns))
            out[table.name] = [tuple(r) for r in rows]
    return out


class Importer:
    """Writes a CSV per batch and commits it through the real import engine."""

    def __init__(self, store: Store, folder: Path) -> None:
        self.store, self.folder, self.count = store, folder, 0

    def commit(self, rows: Sequence[Sequence[Any]], kind: str | None = None) -> int | None:
        """Import the rows (header first); the batch id, or None when nothing would change."""
        self.count += 1
        path = self.folder / f"batch{self.count}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        plan = drain(plan_import(self.store, path, ImportOptions(kind=kind, year=2025)))
        if not plan.counts["created"] and not plan.counts["updated"]:
            return None
        return drain(apply_import(self.store, plan, OPERATOR)).batch_id

    def undo(self, batch_id: int) -> UndoResult:
        """Undo one batch through the engine."""
        return drain(undo_import(self.store, batch_id, OPERATOR))


@contextmanager
def fresh_store(template: Path) -> Iterator[tuple[Store, Importer]]:
    """A store of its own (copied from the migrated template) with the district's towns."""
    folder = Path(tempfile.mkdtemp(prefix="undo-order-"))
    try:
        shutil.copyfile(template, folder / "bureau.sqlite")
        store = open_store(folder / "bureau.sqlite")
        try:
            with store.transaction() as s:
                add_towns(s, list(TOWNS), OPERATOR)
            yield store, Importer(store, folder)
        finally:
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


ENTERPRISE_HEADER = ["企业名称", "统一社会信用代码", "所属镇街", "法定代表人", "营业收入(万元)"]


def _enterprises(rows: Sequence[tuple[str, int, int]]) -> list[list[Any]]:
    return [ENTERPRISE_HEADER] + [[n, uscc(c), TOWNS[0], "张三", r] for n, c, r in rows]


# ---------------------------------------------------------------- the finding, as reported


def test_undo_b_then_a_restores_the_store(template_store: Path) -> None:
    with fresh_store(template_store) as (store, importer):
        start = dump(store)
        a = importer.commit(_enterprises([(f"企业{i}", i, 10) for i in range(1, 6)]))
        b = importer.commit(_enterprises([(f"企业{i}新", i, 20) for i in range(1, 3)]))
        assert a is not None and b is not None
        assert importer.undo(b) == UndoResult(b, 2, ())
        assert importer.undo(a) == UndoResult(a, 5, ())
        assert dump(store) == start


def test_undo_in_reverse_order_of_other_kinds(template_store: Path) -> None:
    header = ["载体名称", "载体类型", "工位数"]
    people = ["姓名", "身份证号码", "派出单位", "专业领域"]
    with fresh_store(template_store) as (store, importer):
        start = dump(store)
        a = importer.commit([header] + [[f"载体{i}", "众创空间", i] for i in range(1, 4)])
        b = importer.commit([header, ["载体1", "众创空间", 50], ["载体2", "加速器", 60]])
        c = importer.commit([people, ["张三", resident_id(1), "农科院", "果树"]])
        d = importer.commit([people, ["张三丰", resident_id(1), "林科院", "茶叶"]])
        assert None not in (a, b, c, d)
        for batch in (d, c, b, a):
            assert batch is not None and not importer.undo(batch).kept
        assert dump(store) == start


def test_commissioner_search_text_follows_an_undone_rename(template_store: Path) -> None:
    people = ["姓名", "身份证号码", "派出单位", "专业领域"]
    with fresh_store(template_store) as (store, importer):
        importer.commit([people, ["张三", resident_id(1), "农科院", "果树"]])
        before = dump(store)["commissioners"]
        renamed = importer.commit([people, ["李四", resident_id(1), "林科院", "茶叶"]])
        with store.session() as s:
            assert "李四" in (s.scalar(select(Commissioner.search_text)) or "")
        assert renamed is not None and not importer.undo(renamed).kept
        assert dump(store)["commissioners"] == before


# ---------------------------------------------------------------- edits by hand still count


def test_a_hand_edit_after_an_undone_batch_is_still_kept(template_store: Path) -> None:
    with fresh_store(template_store) as (store, importer):
        a = importer.commit(_enterprises([(f"企业{i}", i, 10) for i in range(1, 4)]))
        b = importer.commit(_enterprises([("企业1新", 1, 20)]))
        assert a is not None and b is not None
        with store.transaction() as s:
            second = enterprise_service.find_by_uscc(s, uscc(2))
            assert second is not None
            enterprise_service.update(s, second, {"legal_rep": "王五"}, OPERATOR)
        assert importer.undo(b) == UndoResult(b, 1, ())
        result = importer.undo(a)
        assert result.reverted == 2 and [(k.uscc, k.reason) for k in result.kept] == [
            (uscc(2), KEPT)
        ]
        with store.session() as s:
            assert list(s.scalars(select(Enterprise.legal_rep))) == ["王五"]


def test_a_record_an_undo_kept_still_counts_for_the_earlier_batch(template_store: Path) -> None:
    """Batch B's undo kept 企业1 (edited by hand after B): its changes stand, A keeps it too."""
    with fresh_store(template_store) as (store, importer):
        a = importer.commit(_enterprises([("企业1", 1, 10), ("企业2", 2, 10)]))
        b = importer.commit(_enterprises([("企业1新", 1, 20)]))
        assert a is not None and b is not None
        with store.transaction() as s:
            first = enterprise_service.find_by_uscc(s, uscc(1))
            assert first is not None
            enterprise_service.update(s, first, {"legal_rep": "王五"}, OPERATOR)
        assert [k.uscc for k in importer.undo(b).kept] == [uscc(1)]
        result = importer.undo(a)
        assert result.reverted == 1 and [k.uscc for k in result.kept] == [uscc(1)]
        with store.session() as s:
            assert list(s.scalars(select(Enterprise.name))) == ["企业1新"]


def test_a_hand_edit_of_another_kind_is_still_kept(template_store: Path) -> None:
    header = ["载体名称", "载体类型", "工位数"]
    with fresh_store(template_store) as (store, importer):
        a = importer.commit([header, ["甲", "众创空间", 1], ["乙", "众创空间", 2]])
        b = importer.commit([header, ["甲", "众创空间", 10]])
        assert a is not None and b is not None
        with store.transaction() as s:
            second = s.scalar(select(Carrier.id).where(Carrier.name == "乙"))
            assert second is not None
            carrier_service.update_carrier(s, second, {"stations": 3}, OPERATOR)
        assert not importer.undo(b).kept
        assert [k.uscc for k in importer.undo(a).kept] == ["乙"]


# ---------------------------------------------------------------- any sequence, reverse undo

HTE_NUMBERS = ("GR202034000123", "GR202134000555")
NAMES = ("华信生物科技有限公司", "鸿运食品有限公司", "甲公司", "乙新公司")


@st.composite
def enterprise_rows(draw: st.DrawFn) -> list[list[Any]]:
    """A small roster: creates and updates of a pool of codes, figures and qualifications."""
    header = [
        *("企业名称", "统一社会信用代码", "所属镇街", "法定代表人", "成立日期"),
        *("营业收入(万元)", "从业人员数", "是否有研发活动"),
        *("高新技术企业证书编号", "高企发证日期", "科技型中小企业入库编号", "入库年度"),
    ]
    codes = draw(st.sets(st.integers(1, 6), min_size=1, max_size=4))
    rows: list[list[Any]] = [header]
    for code in sorted(codes):
        maybe = st.none() | st.just("")
        hte = draw(st.none() | st.sampled_from(HTE_NUMBERS))
        issued = draw(st.sampled_from([date(2020, 5, 6), date(2021, 3, 1)])) if hte else None
        sme_year = draw(st.none() | st.sampled_from([2024, 2025]))
        sme = f"{sme_year}341602A{code:07d}" if sme_year else None
        rows.append(
            [
                draw(st.sampled_from(NAMES)),
                uscc(code),
                draw(maybe | st.sampled_from(TOWNS)),
                draw(maybe | st.sampled_from(["张三", "李四"])),
                draw(maybe | st.sampled_from(["2019-01-02", "2020-07-08"])),
                draw(maybe | st.sampled_from([10, 12.5, 999])),
                draw(maybe | st.integers(1, 50)),
                draw(maybe | st.sampled_from(["是", "否"])),
                hte or "",
                issued.isoformat() if issued else "",
                sme or "",
                sme_year or "",
            ]
        )
    return rows


@st.composite
def carrier_rows(draw: st.DrawFn) -> list[list[Any]]:
    """Carriers by name: creates and updates of a small pool."""
    names = draw(st.sets(st.sampled_from(["甲基地", "乙基地", "丙基地"]), min_size=1))
    rows: list[list[Any]] = [["载体名称", "载体类型", "工位数", "所属镇街"]]
    for name in sorted(names):
        kind = draw(st.sampled_from(["众创空间", "加速器"]))
        rows.append([name, kind, draw(st.integers(1, 30)), draw(st.sampled_from(TOWNS))])
    return rows


@st.composite
def commissioner_rows(draw: st.DrawFn) -> list[list[Any]]:
    """Commissioners by ID number: creates, renames and new fields."""
    seqs = draw(st.sets(st.integers(1, 3), min_size=1))
    rows: list[list[Any]] = [["姓名", "身份证号码", "派出单位", "专业领域"]]
    for seq in sorted(seqs):
        name = draw(st.sampled_from(["张三", "李四"]))
        field = draw(st.sampled_from(["", "果树", "茶叶"]))
        rows.append([name, resident_id(seq), draw(st.sampled_from(["农科院", "林科院"])), field])
    return rows


@st.composite
def platform_rows(draw: st.DrawFn) -> list[list[Any]]:
    """Platforms hosted by roster enterprises (a reference undo must respect) or by a name."""
    names = draw(st.sets(st.sampled_from(["甲中心", "乙中心"]), min_size=1))
    rows: list[list[Any]] = [
        ["平台名称", "平台类型", "级别", "依托单位", "依托单位统一社会信用代码"]
    ]
    for name in sorted(names):
        host = draw(st.none() | st.integers(1, 6))
        level = draw(st.sampled_from(["省级", "市级"]))
        rows.append([name, "工程技术研究中心", level, "依托公司", uscc(host) if host else ""])
    return rows


@st.composite
def incubatee_rows(draw: st.DrawFn) -> list[list[Any]]:
    """Incubatees of the pool's carriers: roster enterprises (by code) or teams."""
    rows: list[list[Any]] = [["载体名称", "企业名称或团队名称", "统一社会信用代码", "入孵日期"]]
    keys = draw(st.sets(st.integers(0, 3), min_size=1, max_size=3))
    for key in sorted(keys):
        carrier = draw(st.sampled_from(["甲基地", "乙基地"]))
        code = uscc(key) if key else ""
        entered = draw(st.sampled_from(["2024-03-01", "2025-01-05"]))
        rows.append([carrier, "团队" if not key else "在孵公司", code, entered])
    return rows


@st.composite
def service_rows(draw: st.DrawFn) -> list[list[Any]]:
    """Service records of known commissioners (a dispatch is created when none fits)."""
    header = ["特派员姓名", "身份证号码", "服务对象", "服务对象统一社会信用代码", "服务日期"]
    rows: list[list[Any]] = [[*header, "培训人数"]]
    for seq in sorted(draw(st.sets(st.integers(1, 3), min_size=1))):
        code = draw(st.none() | st.integers(1, 6))
        served = draw(st.sampled_from(["2025-02-01", "2025-03-01"]))
        trained = draw(st.integers(0, 20))
        rows.append(
            ["张三", resident_id(seq), "服务公司", uscc(code) if code else "", served, trained]
        )
    return rows


@st.composite
def demand_rows(draw: st.DrawFn) -> list[list[Any]]:
    """Demands whose status moves along the flow."""
    rows: list[list[Any]] = [["需求方", "统一社会信用代码", "需求内容", "提出日期", "状态"]]
    for problem in sorted(draw(st.sets(st.sampled_from(["病虫害", "养殖"]), min_size=1))):
        status = draw(st.sampled_from(["", "待对接", "已对接", "已解决"]))
        rows.append(["需求公司", uscc(1), problem, "2025-01-02", status])
    return rows


BATCHES = st.lists(
    st.one_of(
        enterprise_rows().map(lambda r: ("enterprises", r)),
        carrier_rows().map(lambda r: ("carriers", r)),
        commissioner_rows().map(lambda r: ("commissioners", r)),
        platform_rows().map(lambda r: ("platforms", r)),
        incubatee_rows().map(lambda r: ("incubatees", r)),
        service_rows().map(lambda r: ("services", r)),
        demand_rows().map(lambda r: ("demands", r)),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=enterprise_rows(), batches=BATCHES)
def test_any_imports_undone_in_reverse_order_restore_the_start(
    template_store: Path, seed: list[list[Any]], batches: list[tuple[str, list[list[Any]]]]
) -> None:
    with fresh_store(template_store) as (store, importer):
        # The records the generated batches update or refer to (never undone).
        importer.commit(seed)
        importer.commit([["载体名称", "载体类型"], ["甲基地", "众创空间"]])
        importer.commit([["姓名", "身份证号码", "派出单位"], ["张三", resident_id(1), "农科院"]])
        start = dump(store)
        done = [importer.commit(rows, kind) for kind, rows in batches]
        for batch in reversed(done):
            if batch is not None:
                result = importer.undo(batch)
                assert not result.kept, result.kept
        assert dump(store) == start
