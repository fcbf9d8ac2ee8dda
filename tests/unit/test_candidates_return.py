"""高新技术企业后备库（培育库）名单: the rows equal the candidates, with gaps, stages and the town filter."""

from __future__ import annotations

from openpyxl import load_workbook

from db.services.plans import cultivation_pipeline as pipeline
from db.store import Store
from desktop.returns.compute import compute
from desktop.returns.definitions import get_definition
from desktop.returns.definitions.candidates import CANDIDATES
from desktop.returns.model import Period
from desktop.returns.xlsx import render_xlsx
from tests.unit.cultivation_store import OP, Y, district


def test_rows_gaps_and_stages(store: Store) -> None:
    with store.transaction() as s:
        ids = district(s)
        pipeline.add_entry(s, ids["ok"], Y, OP, stage="已申报")
    assert get_definition("candidates") is CANDIDATES
    with store.session() as s:
        table = compute(CANDIDATES, s, Period(Y))
        town = compute(CANDIDATES, s, Period(Y), town="古井镇")
    keys = [c.key for c in table.columns]
    assert [c.header for c in table.columns] == [
        "序号",
        "企业名称",
        "所属镇街",
        "营业收入",
        "研发费用",
        "研发占比(%)",
        "研发人员占比(%)",
        "未达标项",
        "培育阶段",
    ]
    rows = {str(r[1]): dict(zip(keys, r, strict=True)) for r in table.rows}
    assert list(rows) == ["企业01", "企业03", "企业02", "企业07"]
    assert [r["seq"] for r in rows.values()] == [1, 2, 3, 4]
    short = rows["企业01"]
    assert (short["revenue"], short["rd_expense"], short["rd_ratio"]) == (1000.0, 11.8, 1.18)
    assert short["gaps"] == "研发费用还差 38.2 万元；研发人员还差 2 人"
    assert (rows["企业02"]["gaps"], rows["企业02"]["stage"]) == ("", "已申报")
    assert rows["企业07"]["town"] == ""
    assert [str(r[1]) for r in town.rows] == ["企业02"]
    assert table.errors == []


def test_missing_figures_warn_and_xlsx_renders(store: Store, tmp_path: object) -> None:
    from pathlib import Path

    with store.transaction() as s:
        ids = district(s)
        # in the pipeline without figures of the year: listed, and the return warns
        pipeline.add_entry(s, ids["no_figures"], Y, OP)
    with store.session() as s:
        table = compute(CANDIDATES, s, Period(Y))
    assert any("企业06缺少2025年营业收入" in w.message for w in table.warnings)
    out = Path(str(tmp_path)) / "后备库.xlsx"
    render_xlsx(table, out)
    sheet = load_workbook(out).active
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "高新技术企业后备库（培育库）名单" in texts
    assert "研发费用还差 38.2 万元；研发人员还差 2 人" in texts
