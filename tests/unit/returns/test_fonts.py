"""Every character a return may print is in one of the two shipped fonts."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Carrier, Commissioner, Enterprise, Platform, Town
from db.store import Store
from desktop.returns import fonts
from desktop.returns.definitions import CATALOGUE
from tests.unit.returns import builders

SAMPLE_TEXT = (
    "谯城区科学技术局 亳州市统计局 科技特派员 孵化载体 众创空间 星创天地 院士工作站 "
    "单位负责人 统计负责人 填表人 联系电话 报出日期 年 月 日 第 页 共 页 填报单位（盖章）： "
    "计量单位：万元 家 表　　号 制表机关 批准机关 备案机关 批准文号 备案文号 有效期至 "
    "甲乙丙丁戊己庚辛壬癸 0123456789 ABCDEFGHJKLMNPQRTUWXY（）〔〕“”、：；%-.()"
)


def _demo_text(store: Store) -> str:
    """All the text of the demo data."""
    from desktop import demo

    with store.transaction() as session:
        demo.fill(session, "测试员")
    parts: list[str] = []
    with store.session() as session:
        for model in (Enterprise, Town, Commissioner, Carrier, Platform):
            for row in session.scalars(select(model)):
                parts += [v for v in vars(row).values() if isinstance(v, str)]
    return "".join(parts)


def _definitions_text() -> str:
    parts: list[str] = []
    for d in CATALOGUE:
        parts += [d.title, *(c.header for c in d.columns), *(c.group or "" for c in d.columns)]
        parts += [value for _label, value in d.legal_marks.lines()]
    return "".join(parts)


def test_font_files_and_licences_are_shipped() -> None:
    assert fonts.primary_font_path().is_file()
    assert fonts.fallback_font_path().is_file()
    folder = fonts.primary_font_path().parent
    assert (folder / "ARPHICPL.txt").is_file() and (folder / "HANAZONO-LICENSE.txt").is_file()


def test_every_character_has_a_glyph(store: Store) -> None:
    text = builders.RARE + SAMPLE_TEXT + _definitions_text() + _demo_text(store)
    for name in builders.TOWNS:
        text += name
    assert fonts.missing(text) == []


def test_missing_reports_characters_neither_font_has() -> None:
    assert fonts.missing("亳\U000e0100") == ["\U000e0100"]
