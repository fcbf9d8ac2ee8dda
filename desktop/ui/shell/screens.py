"""The screens of the main window, in the order of its left navigation.

A screen is a QWidget subclass constructed as `Cls(ctx: AppContext, parent: QWidget | None = None)`;
it is imported (importlib) and built the first time it is shown, so start-up stays fast.
Optional hooks the main window calls when present:
* `refresh()` — the screen is shown again (after the first time);
* `open_filter(**kw)` — another screen navigated here with `MainWindow.navigate(key, **kw)`;
* `can_leave() -> bool` — the user is leaving (e.g. ask about unsaved changes); False stays;
* `print_current()` — 文件 › 打印… (Ctrl+P): print what the screen shows (disabled without it);
* `focus_search()` — 编辑 › 查找… (Ctrl+F): put the focus in the screen's search box.
A screen may own keys with its own QShortcuts (Ctrl+F, Ctrl+N, Delete …): the menu bar then leaves
those keys to it while it is shown (desktop/ui/shell/menus.py), so no key is ever ambiguous.

To add a screen, add one `ScreenSpec` line to SCREENS.
`icon` is a file name under resources/icons/.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from desktop.ui.shell.context import AppContext

ScreenFactory = Callable[[AppContext, QWidget | None], QWidget]


@dataclass(frozen=True)
class ScreenSpec:
    key: str
    title: str
    icon: str
    factory: str  # "package.module:ClassName"

    def load(self) -> ScreenFactory:
        """Import the screen's module and return its class."""
        module_name, _, class_name = self.factory.partition(":")
        cls: ScreenFactory = getattr(importlib.import_module(module_name), class_name)
        return cls


SCREENS: list[ScreenSpec] = [
    ScreenSpec("home", "首页", "home.svg", "desktop.ui.home.screen:HomeScreen"),
    ScreenSpec(
        "enterprises", "企业名录", "enterprises.svg", "desktop.ui.enterprises.screen:RosterScreen"
    ),
    ScreenSpec(
        "commissioners",
        "科技特派员",
        "commissioners.svg",
        "desktop.ui.commissioners.screen:CommissionersScreen",
    ),
    ScreenSpec("carriers", "孵化载体", "carriers.svg", "desktop.ui.carriers.screen:CarriersScreen"),
    ScreenSpec(
        "platforms", "创新平台", "platforms.svg", "desktop.ui.platforms.screen:PlatformsScreen"
    ),
    ScreenSpec(
        "indicators",
        "指标与目标",
        "indicators.svg",
        "desktop.ui.indicators.screen:IndicatorsScreen",
    ),
    ScreenSpec(
        "cultivation",
        "培育库",
        "cultivation.svg",
        "desktop.ui.cultivation.screen:CultivationScreen",
    ),
    ScreenSpec(
        "contracts", "技术合同", "contracts.svg", "desktop.ui.contracts.screen:ContractsScreen"
    ),
    ScreenSpec("results", "科技成果", "results.svg", "desktop.ui.results.screen:ResultsScreen"),
    ScreenSpec("imports", "导入", "import.svg", "desktop.ui.imports.screen:ImportScreen"),
    ScreenSpec("collect", "报送", "collect.svg", "desktop.ui.collect.screen:CollectScreen"),
    ScreenSpec("returns", "统计报表", "returns.svg", "desktop.ui.returns.screen:ReturnsScreen"),
    ScreenSpec("rdlists", "两清零", "rdlists.svg", "desktop.ui.rdlists.screen:RdListsScreen"),
    # 设置 stays last.
    ScreenSpec("settings", "设置", "settings.svg", "desktop.ui.settings.screen:SettingsScreen"),
]


def screen_spec(key: str) -> ScreenSpec:
    """The spec registered under `key` (KeyError when none is)."""
    for spec in SCREENS:
        if spec.key == key:
            return spec
    raise KeyError(key)
