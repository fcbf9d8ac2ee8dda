"""导出 on every list of the window: the rows shown (with the list's filter), no live formula,
ID numbers masked, and the clerk told where the file is (issue 11)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from db.rules.identifiers import mask_resident_id, resident_id_check_char
from db.services import carriers, platforms
from db.services.commissioners import roster
from db.services.towns import add_towns
from desktop.ui.carriers.screen import CarriersScreen
from desktop.ui.commissioners.screen import CommissionersScreen
from desktop.ui.common import files
from desktop.ui.platforms.screen import PlatformsScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import wait_for_tasks

OP = "测试员"
BODY = "34160219800101001"
ID_NUMBER = BODY + resident_id_check_char(BODY)
PAYLOAD = '=HYPERLINK("http://x","y")'


@pytest.fixture
def seeded(app_ctx: AppContext) -> AppContext:
    with app_ctx.store.transaction() as s:
        add_towns(s, ["十九里镇"], OP)
        roster.create(s, {"name": "王建国", "id_number": ID_NUMBER, "field": "中药材种植"}, OP)
        roster.create(s, {"name": PAYLOAD, "kind": "团队", "unit": "亳州学院"}, OP)
        carriers.create_carrier(s, {"name": "谯城孵化器", "kind": "科技企业孵化器"}, OP)
        carriers.create_carrier(s, {"name": PAYLOAD, "kind": "众创空间"}, OP)
        for name in ("院士工作站甲", PAYLOAD):
            platforms.create_platform(
                s,
                {"name": name, "kind": "院士工作站", "level": "省级", "host_name": "亳州学院"},
                OP,
            )
    return app_ctx


def _export(
    qtbot: Any,
    button: QPushButton,
    out: Path,
    monkeypatch: pytest.MonkeyPatch,
    exporter: Any = None,
) -> list[list[Any]]:
    """Click 导出…, answer the save dialog with `out`, wait, read the sheet back."""
    monkeypatch.setattr(files, "save_file_name", lambda *_a, **_k: str(out))
    exporter = exporter or button.exporter  # type: ignore[attr-defined]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert exporter.task is not None and exporter.task.wait(10_000)
    assert exporter.notice is not None and str(out) in exporter.notice.text()
    exporter.notice.close()
    with zipfile.ZipFile(out) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.endswith(".xml"))
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _widget(qtbot: Any, w: Any) -> Any:
    qtbot.addWidget(w)
    w.resize(1300, 800)
    w.show()
    return w


def test_commissioners_lists_export_what_they_show(
    qtbot: Any, seeded: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = _widget(qtbot, CommissionersScreen(seeded))
    tab = screen.roster
    model = tab.view.model()

    def shown_in_full() -> bool:
        return any(
            model.index(r, c).data() == ID_NUMBER
            for r in range(model.rowCount())
            for c in range(model.columnCount())
        )

    for row in range(model.rowCount()):  # the commissioner with an ID, shown in full on screen …
        tab.view.selectRow(row)
        qtbot.mouseClick(tab.reveal, Qt.MouseButton.LeftButton)
        assert wait_for_tasks()
        if shown_in_full():
            break
    assert shown_in_full()
    rows = _export(qtbot, tab.export_button, tmp_path / "名录.xlsx", monkeypatch)
    assert rows[0][0] == "姓名/名称" and len(rows) == 3
    cells = {str(v) for row in rows for v in row if v is not None}
    assert ID_NUMBER not in cells and mask_resident_id(ID_NUMBER) in cells  # … never in a file
    assert PAYLOAD in cells  # stored as text, not as a formula
    tab.search.setText("王建国")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    rows = _export(qtbot, tab.export_button, tmp_path / "筛选.xlsx", monkeypatch)
    assert [r[0] for r in rows[1:]] == ["王建国"]
    for other in (screen.demands, screen.dispatches, screen.records, screen.assessment):
        assert _export(qtbot, other.export_button, tmp_path / "x.xlsx", monkeypatch)[0]
    coverage = _export(qtbot, screen.coverage.export_button, tmp_path / "c.xlsx", monkeypatch)
    assert coverage[0][0]


def test_carriers_and_platforms_lists_export(
    qtbot: Any, seeded: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    carriers_screen = _widget(qtbot, CarriersScreen(seeded))
    exporters = carriers_screen.exporters
    button = carriers_screen.export_button
    rows = _export(qtbot, button, tmp_path / "载体.xlsx", monkeypatch, exporters["carriers"])
    assert rows[0][0] == "载体名称" and {r[0] for r in rows[1:]} == {"谯城孵化器", PAYLOAD}
    carriers_screen.kind.setCurrentIndex(carriers_screen.kind.findData("众创空间"))
    qtbot.waitUntil(lambda: carriers_screen.carrier_model.rowCount() == 1)
    rows = _export(qtbot, button, tmp_path / "众创.xlsx", monkeypatch, exporters["carriers"])
    assert [r[0] for r in rows[1:]] == [PAYLOAD]
    for other, key in (
        (carriers_screen.export_incubatees_button, "incubatees"),
        (carriers_screen.export_years_button, "years"),
    ):
        assert _export(qtbot, other, tmp_path / "y.xlsx", monkeypatch, exporters[key])[0][0]
    platforms_screen = _widget(qtbot, PlatformsScreen(seeded))
    rows = _export(qtbot, platforms_screen.export_button, tmp_path / "平台.csv.xlsx", monkeypatch)
    assert {r[0] for r in rows[1:]} == {"院士工作站甲", PAYLOAD}
    assert _export(qtbot, platforms_screen.export_targets_button, tmp_path / "t.xlsx", monkeypatch)


def test_a_list_exports_to_csv_without_formulas(
    qtbot: Any, seeded: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = _widget(qtbot, PlatformsScreen(seeded))
    out = tmp_path / "平台.csv"
    monkeypatch.setattr(files, "save_file_name", lambda *_a, **_k: str(out))
    exporter = screen.export_button.exporter  # type: ignore[attr-defined]
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert exporter.task.wait(10_000)
    exporter.notice.close()
    text = out.read_text(encoding="utf-8-sig")
    assert "'" + PAYLOAD.replace('"', '""') in text or "'" + PAYLOAD in text
    assert not any(line.startswith("=") for line in text.splitlines())


def test_after_an_export_the_clerk_may_open_the_folder(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QWidget

    from desktop.ui.common.export import tell_saved

    opened: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )
    parent = QWidget()
    qtbot.addWidget(parent)
    saved = tmp_path / "名录.xlsx"
    box = tell_saved(parent, saved, "已导出 3 行")
    assert box.isVisible() and box.text() == "已导出 3 行"
    assert sorted(b.text() for b in box.buttons()) == sorted(["打开所在文件夹", "关闭"])
    box.folder_button.click()
    assert [u.toLocalFile() for u in opened] == [str(tmp_path)]
