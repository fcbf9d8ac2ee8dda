"""Undo of a batch that renamed an enterprise brings its search columns back with the name."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from db.models import Enterprise
from db.store import Store
from desktop.importing.engine import ImportOptions, apply_import, plan_import, undo_import
from desktop.progress import drain

USCC = "91110000600037341L"


def _import(store: Store, path: Path, name: str) -> int:
    path.write_text(f"企业名称,统一社会信用代码\n{name},{USCC}\n", encoding="utf-8")
    plan = drain(plan_import(store, path, ImportOptions(year=2025)))
    return drain(apply_import(store, plan, "测试员")).batch_id


def _search_columns(store: Store) -> tuple[str, str, str]:
    with store.session() as s:
        row = s.execute(
            select(Enterprise.name, Enterprise.search_text, Enterprise.pinyin_initials)
        ).one()
    return row.name, row.search_text, row.pinyin_initials


def test_undo_of_a_rename_restores_the_search_columns(store: Store, tmp_path: Path) -> None:
    _import(store, tmp_path / "a.csv", "华信生物科技有限公司")
    before = _search_columns(store)
    renamed = _import(store, tmp_path / "b.csv", "鸿运食品有限公司")
    assert _search_columns(store)[2].startswith("hysp")
    drain(undo_import(store, renamed, "测试员"))
    assert _search_columns(store) == before
    assert before[2].startswith("hxsw")
