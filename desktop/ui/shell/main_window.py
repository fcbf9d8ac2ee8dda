"""The main window: menu bar, left navigation built from SCREENS, a stack of lazily built screens,
status bar.

Cold start: `bureau gui` shows the window's frame (menu bar, navigation, status bar, a
"正在打开数据…" line) from an `Opening`, then opens the store and calls `attach(ctx)`, which builds
the first screen. `MainWindow(ctx)` does both at once. A first screen whose class offers
`before_store(url, parent)` (首页: its start-up snapshot) may be shown filled before the store is
open (`show_before_store`); `attach(ctx)` then hands it the store (its `attach(ctx)`).

Size (1366×768 at 100%, 1920×1080 at 150% = 1280×720 logical, less a taskbar and the title bar):
the window's own parts — navigation NAV_WIDTH wide, menu bar, status bar — leave a screen at least
1080×560 in a 1280×650 window; each screen keeps its minimumSizeHint() within that. The saved
geometry is restored only while it fits a screen (geometry.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, Slot
from PySide6.QtGui import QCloseEvent, QIcon, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from db.roles import ROLE_LABELS, Role
from desktop.paths import resource
from desktop.preferences import Preferences
from desktop.ui.common import files
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.errors import show_unexpected
from desktop.ui.shell.geometry import default_rect, fitting_screen, read_saved
from desktop.ui.shell.menus import WindowMenus
from desktop.ui.shell.refresh import FocusRefresher
from desktop.ui.shell.screens import SCREENS, ScreenSpec

log = logging.getLogger(__name__)

NAV_WIDTH = 168


def server_place(url: str) -> str:
    """host/db of a server URL (a socket's folder stands for the host; never the password)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = parts.hostname or (query.get("host") or ["localhost"])[0]
    port = str(parts.port or (query.get("port") or [""])[0])
    if port and port != "5432":
        host = f"{host}:{port}"
    return f"{host}/{unquote(parts.path.lstrip('/'))}"


@dataclass(frozen=True)
class Opening:
    """What the window shows while its store is still being opened."""

    store_name: str
    operator: str
    prefs: Preferences


class MainWindow(QMainWindow):
    """科创台账's window: navigation on the left, the current screen on the right."""

    def __init__(self, ctx: AppContext | Opening, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx: AppContext | None = None
        self.refresher: FocusRefresher | None = None
        self._prefs = ctx.prefs
        self.specs: list[ScreenSpec] = list(SCREENS)
        self._screens: dict[str, QWidget] = {}
        self._current_key = ""
        self._shown: set[str] = set()
        self._before_store: set[str] = set()  # screens built before the store was open
        self.nav = self._build_navigation()
        self.stack = QStackedWidget()
        self.placeholder = self._build_placeholder()
        self._placeholder_shown = True
        self._build_central()
        self.store_label = ElidedLabel()
        self.operator_label = QLabel()
        self._build_status_bar()
        self.menus = WindowMenus(self)
        self.setWindowTitle("科创台账")
        self._restore_geometry()
        if isinstance(ctx, Opening):
            self._show_status(ctx.store_name, ctx.operator)
            self.nav.setEnabled(False)
        else:
            self.attach(ctx)

    @property
    def ctx(self) -> AppContext:
        """The open store, operator and preferences (RuntimeError before `attach`)."""
        if self._ctx is None:
            raise RuntimeError("the main window has no store yet")
        return self._ctx

    def is_attached(self) -> bool:
        """Whether the store is open and the screens can be built."""
        return self._ctx is not None

    def attach(self, ctx: AppContext) -> QWidget | None:
        """Take the open store: fill title and status bar, then build and show the first screen."""
        self._ctx = ctx
        self._prefs = ctx.prefs
        files.protect_store(ctx.store.path)  # the file dialogs hide it and never open it
        self.context_changed()
        self.nav.setEnabled(True)
        self.refresher = FocusRefresher(self, ctx.store)
        self.refresher.check()  # the stamp the first screen was read at
        for key in sorted(self._before_store):
            self._screens[key].attach(ctx)  # type: ignore[attr-defined]
        first = self.navigate(self._first_screen())
        self.menus.screen_changed()
        if first is not None:
            self._drop_placeholder()
        return first

    def show_before_store(self, url: str) -> QWidget | None:
        """The first screen shown before the store is open, when its class can (its
        `before_store(url, parent)` gives a widget: 首页 from its start-up snapshot); else None."""
        key = self._first_screen()
        spec = next(s for s in self.specs if s.key == key)
        before_store = getattr(spec.load(), "before_store", None)
        widget = before_store(url, self.stack) if callable(before_store) else None
        if not isinstance(widget, QWidget):
            return None
        self._screens[key] = widget
        self._before_store.add(key)
        self.stack.addWidget(widget)
        self.stack.setCurrentWidget(widget)
        self._select_nav_row(key)
        self._drop_placeholder()
        return widget

    def _drop_placeholder(self) -> None:
        if self._placeholder_shown:
            self._placeholder_shown = False
            self.stack.removeWidget(self.placeholder)
            self.placeholder.deleteLater()

    # ---- building -------------------------------------------------------------------------

    def _build_navigation(self) -> QListWidget:
        nav = QListWidget()
        nav.setObjectName("navigation")
        nav.setFixedWidth(NAV_WIDTH)
        nav.setIconSize(QSize(20, 20))
        nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for spec in self.specs:
            item = QListWidgetItem(QIcon(str(resource("icons", spec.icon))), self.tr(spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setSizeHint(QSize(NAV_WIDTH - 16, nav.fontMetrics().height() * 2 + 8))
            keys = self.shortcut_keys().get(spec.key)
            if keys:
                item.setToolTip(f"{self.tr(spec.title)}（{keys}）")
            nav.addItem(item)
        nav.currentRowChanged.connect(self._on_nav_row)
        return nav

    def _build_placeholder(self) -> QLabel:
        label = QLabel(self.tr("正在打开数据…"))
        label.setObjectName("openingPlaceholder")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.stack.addWidget(label)
        return label

    def _build_central(self) -> None:
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(True)
        self.store_label.setObjectName("storeLabel")
        self.operator_label.setObjectName("operatorLabel")
        bar.addWidget(self.store_label, 1)
        bar.addPermanentWidget(self.operator_label)

    def shortcut_keys(self) -> dict[str, str]:
        """Ctrl+1 … Ctrl+9 for the first nine screens, Ctrl+0 for the tenth; 设置 (last) is always
        Ctrl+, — the preferences key of most desktop programs — whatever the number of screens."""
        others = [spec.key for spec in self.specs if spec.key != "settings"]
        keys = {key: f"Ctrl+{(i + 1) % 10}" for i, key in enumerate(others[:10])}
        if any(spec.key == "settings" for spec in self.specs):
            keys["settings"] = "Ctrl+,"
        return keys

    # ---- navigation -----------------------------------------------------------------------

    def current_key(self) -> str:
        """The key of the screen shown now."""
        return self._current_key

    def screen_widget(self, key: str) -> QWidget | None:
        """The screen built for `key`, if it was shown once."""
        return self._screens.get(key)

    def navigate(self, key: str, **kw: Any) -> QWidget | None:
        """Show the screen `key` (building it the first time); kw go to its open_filter()."""
        if self._ctx is None:
            return None  # still opening the store
        if key != self._current_key and not self._can_leave_current():
            self._select_nav_row(self._current_key)
            return None
        widget = self._ensure_screen(key)
        if widget is None:
            self._select_nav_row(self._current_key)
            return None
        shown_before = key in self._shown
        self._current_key = key
        self.stack.setCurrentWidget(widget)
        self._select_nav_row(key)
        if shown_before and hasattr(widget, "refresh"):
            widget.refresh()
        self._shown.add(key)
        if kw and hasattr(widget, "open_filter"):
            widget.open_filter(**kw)
        self.menus.screen_changed()
        return widget

    def _ensure_screen(self, key: str) -> QWidget | None:
        if key in self._screens:
            return self._screens[key]
        spec = next((s for s in self.specs if s.key == key), None)
        if spec is None:
            log.warning("unknown screen %s", key)
            return None
        try:
            widget = spec.load()(self.ctx, self.stack)
        except Exception as exc:
            show_unexpected(self, exc)
            return None
        self._screens[key] = widget
        self.stack.addWidget(widget)
        return widget

    def current_screen(self) -> QWidget | None:
        """The screen shown now (None while the store is still opening)."""
        return self._screens.get(self._current_key)

    def showEvent(self, event: QShowEvent) -> None:
        """Shown: the screen shown was told first (its showEvent), so the menus route its keys."""
        super().showEvent(event)
        self.menus.screen_changed()

    def changeEvent(self, event: QEvent) -> None:
        """Activated again (back from another program or desk): lists refresh when data changed.

        (changeEvent, not event(): Python then runs on a change of state, not on every event.)
        """
        super().changeEvent(event)
        activated = event.type() == QEvent.Type.ActivationChange and self.isActiveWindow()
        if activated and self.refresher is not None:
            self.refresher.check()

    def _can_leave_current(self) -> bool:
        widget = self._screens.get(self._current_key)
        can_leave = getattr(widget, "can_leave", None)
        return bool(can_leave()) if callable(can_leave) else True

    def _select_nav_row(self, key: str) -> None:
        rows = [i for i, s in enumerate(self.specs) if s.key == key]
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(rows[0] if rows else -1)
        self.nav.blockSignals(False)

    def _first_screen(self) -> str:
        keys = [s.key for s in self.specs]
        last = self._prefs.last_screen
        return last if last in keys else keys[0]

    @Slot(int)
    def _on_nav_row(self, row: int) -> None:
        if 0 <= row < len(self.specs):
            self.navigate(self.specs[row].key)

    # ---- context: title, store, operator ---------------------------------------------------

    def context_changed(self) -> None:
        """Re-read what the window shows of the context (bureau name, operator)."""
        from db.services.settings import get_settings

        with self.ctx.session() as session:
            bureau = get_settings(session).bureau_name.strip()
        self.setWindowTitle(f"科创台账 — {bureau}" if bureau else "科创台账")
        store = self.ctx.store
        if store.path is None:
            self._show_server(store.url, store.login or self.ctx.operator, store.role)
        else:
            self._show_status(store.display_name, self.ctx.operator)

    def _show_status(self, store_name: str, operator: str) -> None:
        if "://" in store_name:  # a server store still being opened
            self.store_label.setText(self.tr("服务器 {0}").format(server_place(store_name)))
            self.store_label.setToolTip(store_name)
            self.operator_label.setText(self.tr("操作员：{0}").format(operator))
            return
        self.store_label.setText(self.tr("数据文件：{0}").format(store_name))
        self.store_label.setToolTip(store_name)
        self.operator_label.setText(self.tr("操作员：{0}").format(operator))
        self.operator_label.show()

    def _show_server(self, url: str, login: str, role: Role) -> None:
        """Where the data is and who: 服务器 host/db · 账号 wangl（录入）."""
        text = self.tr("服务器 {place} · 账号 {login}（{role}）").format(
            place=server_place(url), login=login, role=self.tr(ROLE_LABELS[role])
        )
        self.store_label.setText(text)
        self.store_label.setToolTip(self.ctx.store.display_name)
        self.operator_label.clear()
        self.operator_label.hide()

    @Slot()
    def bring_to_front(self) -> None:
        """Another window on the same store was refused: show this one instead."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    # ---- geometry -------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        """The saved geometry while it fits a screen whole; else the default for this screen."""
        prefs = self._prefs
        blob = QByteArray.fromBase64(prefs.window_geometry.encode())
        saved = read_saved(blob) if prefs.window_geometry else None
        restored = saved is not None and fitting_screen(saved) is not None
        if restored:
            restored = self.restoreGeometry(blob)
        if not restored:
            self.setGeometry(default_rect(self.screen()))
        if prefs.window_state:
            self.restoreState(QByteArray.fromBase64(prefs.window_state.encode()))

    def save_geometry(self) -> None:
        """Keep geometry, state and the current screen in this user's preferences."""
        prefs = self._prefs
        prefs.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        prefs.window_state = bytes(self.saveState().toBase64().data()).decode("ascii")
        if self._current_key:  # closed while the store was still opening: keep the last screen
            prefs.last_screen = self._current_key
        try:
            prefs.save()
        except OSError:
            log.exception("could not save preferences")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask the current screen (unsaved changes), then save geometry."""
        if not self._can_leave_current():
            event.ignore()
            return
        self.save_geometry()
        super().closeEvent(event)


class ElidedLabel(QLabel):
    """The status bar's data location: elided in the middle when the window is narrow (the whole
    text in its tooltip), so a long path never widens the window past the screen."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(120)

    def setText(self, text: str) -> None:
        """Keep the whole text; show as much of it as fits."""
        self._full = text
        self._elide()

    def text(self) -> str:
        """The whole text (what is painted may be elided)."""
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self._full, Qt.TextElideMode.ElideMiddle, self.width()
        )
        super().setText(shown)
