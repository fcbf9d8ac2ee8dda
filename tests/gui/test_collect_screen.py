"""报送 screen: a new round from the dialog, registering returned files, 全部导入, 打开文件夹."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices

from db.services import rounds
from db.services.towns import add_towns
from desktop.importing.engine import ImportOptions, apply_import, plan_import
from desktop.progress import drain
from desktop.ui.collect.screen import CollectScreen
from desktop.ui.common import files
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.screens import screen_spec
from tests.unit.test_roster_service import make_uscc

OP = "测试员"
TOWNS = ("十九里镇", "五马镇", "牛集镇")
YEAR = date.today().year - 1


@pytest.fixture
def seeded(app_ctx: AppContext, tmp_path: Path) -> AppContext:
    """Three towns, two enterprises in 十九里镇 and one in 五马镇."""
    with app_ctx.store.transaction() as s:
        add_towns(s, TOWNS, OP)
    source = tmp_path / "seed.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["企业名称", "统一社会信用代码", "所属镇街", "营业收入(万元)"],
                ["甲科技有限公司", make_uscc(1), "十九里镇", "1200"],
                ["乙材料有限公司", make_uscc(2), "十九里镇", "88"],
                ["丙农业有限公司", make_uscc(3), "五马镇", "300"],
            ]
        )
    options = ImportOptions(kind="enterprises", year=YEAR)
    plan = drain(plan_import(app_ctx.store, source, options))
    assert drain(apply_import(app_ctx.store, plan, OP)).batch_id is not None
    return app_ctx


@pytest.fixture
def screen(qtbot: Any, seeded: AppContext, message_boxes: Any) -> CollectScreen:
    w = CollectScreen(seeded)
    qtbot.addWidget(w)
    w.resize(1100, 760)
    w.show()
    return w


def _make_round(qtbot: Any, screen: CollectScreen, folder: Path, towns: int = 3) -> int:
    dialog = screen.new_round()
    assert dialog.isVisible() and dialog.year.value() == YEAR
    assert dialog.chosen_towns() == TOWNS and dialog.all_towns.isChecked()
    dialog.folder.setText(str(folder))
    for n in range(towns, len(TOWNS)):
        dialog.town_list.item(n).setCheckState(Qt.CheckState.Unchecked)
    assert not dialog.all_towns.isChecked() or towns == len(TOWNS)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert screen.task is not None and screen.task.wait(15000)
    round_id = screen.selected_round_id()
    assert round_id is not None
    return round_id


def test_the_screen_is_registered_after_imports() -> None:
    spec = screen_spec("collect")
    assert spec.title == "报送" and spec.load() is CollectScreen
    from desktop.ui.shell.screens import SCREENS

    keys = [s.key for s in SCREENS]
    assert keys.index("collect") == keys.index("imports") + 1
    assert (Path(__file__).parents[2] / "resources" / "icons" / spec.icon).is_file()


def test_empty_screen_says_what_to_do(screen: CollectScreen) -> None:
    assert screen.round_model.rowCount() == 0
    assert "还没有征集" in screen.round_title.text()
    assert not screen.import_button.isEnabled() and not screen.register_button.isEnabled()


def test_new_round_dialog_writes_the_files(
    qtbot: Any, screen: CollectScreen, tmp_path: Path, seeded: AppContext
) -> None:
    out = tmp_path / "征集"
    out.mkdir()
    round_id = _make_round(qtbot, screen, out, towns=2)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{t}-企业名单-{YEAR}.xlsx" for t in TOWNS[:2]
    )
    assert [t.town for t in screen.town_model.rows()] == list(TOWNS[:2])
    assert "未报送（2）：十九里镇、五马镇" in screen.missing_label.text()
    assert f"第 {round_id} 轮" in screen.results.toPlainText()
    background = screen.town_model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert background is not None  # the missing town is shaded
    assert seeded.prefs.last_folder == str(out)


def test_an_existing_file_is_refused_with_a_message(
    qtbot: Any, screen: CollectScreen, tmp_path: Path, message_boxes: Any
) -> None:
    out = tmp_path / "征集"
    out.mkdir()
    (out / f"五马镇-企业名单-{YEAR}.xlsx").write_bytes(b"x")
    dialog = screen.new_round()
    dialog.folder.setText(str(out))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert screen.task is not None and screen.task.wait(15000)
    assert any("同名文件" in t for t in message_boxes.texts)
    assert screen.round_model.rowCount() == 0


def test_register_returned_files_and_import_everything(
    qtbot: Any,
    screen: CollectScreen,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes: Any,
    seeded: AppContext,
) -> None:
    out = tmp_path / "征集"
    out.mkdir()
    round_id = _make_round(qtbot, screen, out)
    back = tmp_path / "回收"
    back.mkdir()
    returned = back / "十九里镇回报.xlsx"
    returned.write_bytes((out / f"十九里镇-企业名单-{YEAR}.xlsx").read_bytes())
    book = openpyxl.load_workbook(returned)
    book["数据"].cell(4, 1).value = "丁新材料有限公司"
    book["数据"].cell(4, 2).value = make_uscc(4)
    book.save(returned)
    stranger = back / "别的表.xlsx"
    openpyxl.Workbook().save(stranger)
    monkeypatch.setattr(files, "open_file_names", lambda *a, **k: [str(returned), str(stranger)])
    handle = screen.register_files()
    assert handle is not None and handle.wait(15000)
    text = screen.results.toPlainText()
    assert "1 个文件已登记，1 个未登记" in text and "别的表.xlsx：不是征集表" in text
    town = screen.town_model.rows()[0]
    assert town.town == "十九里镇" and town.status == rounds.RETURNED
    assert screen.import_button.isEnabled()
    assert "未报送（2）：五马镇、牛集镇" in screen.missing_label.text()
    handle = screen.import_all()
    assert handle is not None and handle.wait(20000)
    assert any("将导入 1 个镇街" in t for t in message_boxes.texts)
    assert "1 个镇街已导入" in screen.results.toPlainText()
    town = screen.town_model.rows()[0]
    assert town.status == rounds.IMPORTED and town.batch_id is not None and town.created == 1
    assert not screen.import_button.isEnabled()
    with seeded.session() as s:
        assert rounds.get_round(s, round_id).town("十九里镇").status == rounds.IMPORTED  # type: ignore[union-attr]


def test_register_a_folder_reports_the_sent_files(
    qtbot: Any, screen: CollectScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "征集"
    out.mkdir()
    _make_round(qtbot, screen, out)
    monkeypatch.setattr(files, "existing_folder", lambda *a, **k: str(out))
    handle = screen.register_folder()
    assert handle is not None and handle.wait(15000)
    assert "0 个文件已登记，3 个未登记" in screen.results.toPlainText()
    assert "下发的原表" in screen.results.toPlainText()


def test_open_folder_opens_the_round_folder(
    qtbot: Any, screen: CollectScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "征集"
    out.mkdir()
    _make_round(qtbot, screen, out, towns=1)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    assert screen.open_folder() == out
    assert [u.toLocalFile() for u in opened] == [str(out)]


def test_screenshot(qtbot: Any, screen: CollectScreen, tmp_path: Path) -> None:
    out = tmp_path / "征集"
    out.mkdir()
    _make_round(qtbot, screen, out)
    screen.grab().save(str(tmp_path / "collect.png"))
    assert (tmp_path / "collect.png").stat().st_size > 0
