"""创新平台 screen: add a platform hosted by a roster enterprise or an institution, filters, targets."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert

from db.models import Indicator, IndicatorTarget
from db.rules.identifiers import uscc_check_char
from db.services import enterprises, platforms
from desktop.ui.platforms.screen import PlatformsScreen
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.screens import screen_spec

OP = "测试员"


def _save(qtbot: Any, dialog: Any) -> None:
    """保存, then wait until the write worker delivered the result."""
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.save_task is not None and dialog.save_task.wait()


@pytest.fixture
def screen(qtbot: Any, app_ctx: AppContext) -> PlatformsScreen:
    w = PlatformsScreen(app_ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def _choose(combo: Any, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_add_platform_hosted_by_roster_enterprise(
    qtbot: Any, screen: PlatformsScreen, app_ctx: AppContext
) -> None:
    body = "91341602000000001"
    with app_ctx.store.transaction() as s:
        eid = enterprises.create(
            s, {"name": "亳州神农药业有限公司", "uscc": body + uscc_check_char(body)}, OP
        )
    dialog = screen.new_platform()
    dialog.widget("name").setText("神农药业院士工作站")
    _choose(dialog.widget("kind"), "院士工作站")
    _choose(dialog.widget("level"), "省级")
    assert dialog.general.message.text() == "尚需填写：依托企业"
    assert not dialog.save_button.isEnabled()
    dialog.picker.search.setText("神农")
    qtbot.waitUntil(lambda: dialog.picker.results.count() == 1)
    dialog.picker.results.setCurrentRow(0)
    qtbot.keyClicks(dialog.widget("recognized_year"), "2023")
    assert dialog.save_button.isEnabled()
    _save(qtbot, dialog)
    assert not dialog.isVisible()
    rows = screen.platform_model.rows()
    assert [(p.name, p.host_enterprise_id, p.host_name) for p in rows] == [
        ("神农药业院士工作站", eid, "亳州神农药业有限公司")
    ]
    with app_ctx.session() as s:
        assert [p.name for p in platforms.platforms_of_enterprise(s, eid)] == ["神农药业院士工作站"]


def test_institution_host_year_checked_and_duplicate(
    qtbot: Any, screen: PlatformsScreen, app_ctx: AppContext
) -> None:
    with app_ctx.store.transaction() as s:
        platforms.create_platform(
            s,
            {"name": "学院工作站", "kind": "专家工作站", "level": "市级", "host_name": "亳州学院"},
            OP,
        )
    dialog = screen.new_platform()
    dialog.host_other.setChecked(True)
    dialog.widget("host_name").setText("亳州学院")
    dialog.widget("name").setText("学院工作站")
    _choose(dialog.widget("kind"), "专家工作站")
    _choose(dialog.widget("level"), "市级")
    qtbot.keyClicks(dialog.widget("recognized_year"), "1900")
    assert "认定年份应在1980" in dialog.boxes["recognized_year"].message.text()
    dialog.widget("recognized_year").setText("2022")
    assert dialog.save_button.isEnabled()
    _save(qtbot, dialog)
    assert dialog.isVisible()
    assert "已有同名的专家工作站" in dialog.boxes["name"].message.text()


def test_filters_and_targets(qtbot: Any, app_ctx: AppContext) -> None:
    with app_ctx.store.transaction() as s:
        for n, (kind, year) in enumerate(
            [("院士工作站", 2020), ("院士工作站", 2023), ("企业技术中心", 2021)]
        ):
            platforms.create_platform(
                s,
                {
                    "name": f"平台{n}",
                    "kind": kind,
                    "level": "省级",
                    "host_name": "亳州学院",
                    "recognized_year": year,
                },
                OP,
            )
        ind = s.scalar(
            insert(Indicator)
            .values(
                code="platform_academician",
                name="院士工作站数",
                unit="个",
                base_year=2020,
                base_value=1.0,
                source="platforms:院士工作站",
            )
            .returning(Indicator.id)
        )
        s.execute(insert(IndicatorTarget), [{"indicator_id": ind, "year": 2023, "target": 3.0}])
    screen = PlatformsScreen(app_ctx)
    qtbot.addWidget(screen)
    assert screen.target_year.value() == 2023  # the latest year with a platform target
    station = screen.target_model.row_at(0)
    assert (station.kind, station.actual, station.target) == ("院士工作站", 2, 3.0)
    assert screen.target_model.index(0, 3).data() == "差 1"
    screen.target_year.setValue(2020)
    assert screen.target_model.row_at(0).actual == 1
    _choose(screen.kind, "企业技术中心")
    assert [p.name for p in screen.platform_model.rows()] == ["平台2"]
    _choose(screen.kind, None)
    _choose(screen.year, 2023)
    assert [p.name for p in screen.platform_model.rows()] == ["平台1"]
    assert "共 1 个平台" in screen.count_label.text()


def test_registered_as_a_screen() -> None:
    assert screen_spec("platforms").load() is PlatformsScreen


def test_edit_host_to_institution_and_delete(
    qtbot: Any, screen: PlatformsScreen, app_ctx: AppContext, message_boxes: Any
) -> None:
    body = "91341602000000002"
    with app_ctx.store.transaction() as s:
        eid = enterprises.create(
            s, {"name": "亳州甲公司", "uscc": body + uscc_check_char(body)}, OP
        )
        pid = platforms.create_platform(
            s,
            {"name": "甲站", "kind": "专家工作站", "level": "市级", "host_enterprise_id": eid},
            OP,
        )
    screen.refresh()
    screen.platform_table.selectRow(0)
    dialog = screen.edit_platform()
    assert dialog.picker.value() == eid and not dialog.host_other.isChecked()
    dialog.host_other.setChecked(True)
    dialog.widget("host_name").setText("亳州学院")
    _save(qtbot, dialog)
    with app_ctx.session() as s:
        view = platforms.get_platform(s, pid)
    assert (view.host_enterprise_id, view.host_name) == (None, "亳州学院")
    screen.platform_table.selectRow(0)
    screen.delete_platform()
    assert screen.delete_task is not None and screen.delete_task.wait()
    assert screen.platform_model.rowCount() == 0 and len(message_boxes.shown) == 1
