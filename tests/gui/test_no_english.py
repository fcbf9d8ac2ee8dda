"""No English in the window: Qt's own texts (buttons, context menus, dialogs) and every screen's,
on a demo store, every tab visited; the ledger screens show their cells whole and fit 1366×768."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCalendarWidget,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QTabWidget,
    QWidget,
)

from db.store import Store
from desktop import demo
from desktop.ui.common.cells import MAX_CHARS, cell_fits
from desktop.ui.shell.app import style_sheet, ui_font
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.screens import SCREENS
from desktop.ui.shell.tasks import wait_for_tasks
from desktop.ui.shell.translations import install_translations
from tests.screens import _english, audit

MINE = ("indicators", "cultivation", "platforms", "contracts", "results", "collect", "imports")
SB = QMessageBox.StandardButton
DB = QDialogButtonBox.StandardButton


@pytest.fixture(scope="module", autouse=True)
def _as_the_app_is(qapp: Any) -> Iterator[None]:
    """The application as desktop/ui/shell/app.configure_application sets it up: translations,
    font and stylesheet (the stylesheet's cell padding is what a column's width must allow)."""
    install_translations(qapp)
    font, sheet = qapp.font(), qapp.styleSheet()
    qapp.setFont(ui_font())
    qapp.setStyleSheet(style_sheet())
    yield
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def _latin(texts: list[str]) -> list[str]:
    return [f"{t!r}: {' '.join(_english(t))}" for t in texts if _english(t.replace("&", ""))]


def _settle(qapp: Any) -> None:
    for _ in range(10):
        qapp.processEvents()
        wait_for_tasks(20_000)
    qapp.processEvents()


def test_qt_own_buttons_menus_and_dialogs_are_chinese(qtbot: Any) -> None:
    box = QMessageBox(QMessageBox.Icon.Question, "标题", "正文")
    box.setStandardButtons(
        SB.Yes | SB.No | SB.Save | SB.Discard | SB.Cancel | SB.Ok | SB.Close | SB.Apply
    )
    buttons = QDialogButtonBox(
        DB.Ok | DB.Cancel | DB.Save | DB.Discard | DB.Yes | DB.No | DB.Close | DB.Reset | DB.Help
    )
    edit = QLineEdit("文字")
    menu = edit.createStandardContextMenu()
    asking = QInputDialog()
    asking.setLabelText("原因")
    calendar = QCalendarWidget()
    for w in (box, buttons, edit, asking, calendar):
        qtbot.addWidget(w)
    asking.show()
    texts = [b.text() for b in box.buttons()] + [b.text() for b in buttons.buttons()]
    texts += [a.text().split("\t")[0] for a in menu.actions()]
    texts += [b.text() for b in asking.findChildren(QAbstractButton)]
    texts += [calendar.locale().monthName(m) for m in range(1, 13)]
    texts += [calendar.locale().dayName(d) for d in range(1, 8)]
    assert len(texts) > 30
    assert _latin(texts) == []
    assert {"是(&Y)", "否(&N)", "保存", "取消"} <= set(texts)
    asking.close()


def _visible_texts_of_tabs(window: QWidget, key: str, qapp: Any) -> list[str]:
    """What audit() finds in English on the screen as shown and on each of its tabs."""
    found = [f for f in audit(window, key) if ": english:" in f]
    for tabs in window.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            _settle(qapp)
            found += [f for f in audit(window, f"{key}/{tabs.tabText(i)}") if ": english:" in f]
        tabs.setCurrentIndex(0)
    return found


@pytest.fixture
def demo_window(store: Store, app_ctx: AppContext, message_boxes: Any, qtbot: Any) -> Iterator[Any]:
    from desktop.ui.shell.main_window import MainWindow

    with store.transaction() as s:
        demo.fill(s, "演示")
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    yield window
    message_boxes.answer = SB.No
    window.close()


def test_no_english_on_any_screen_or_tab(demo_window: Any, qapp: Any) -> None:
    found: list[str] = []
    for spec in SCREENS:
        demo_window.navigate(spec.key)
        _settle(qapp)
        found += _visible_texts_of_tabs(demo_window, spec.key, qapp)
    assert list(dict.fromkeys(found)) == [], "\n".join(dict.fromkeys(found))


def _clipped_cells(view: QTableView) -> list[str]:
    """Cells elided though short: only text wider than the cap (28 characters) may elide."""
    model = view.model()
    cap = view.fontMetrics().horizontalAdvance("汉") * MAX_CHARS
    bad: list[str] = []
    for row in range(min(model.rowCount(), 30)):
        for col in range(model.columnCount()):
            text = model.index(row, col).data()
            if (
                not text
                or view.isColumnHidden(col)
                or not getattr(view.itemDelegateForColumn(col), "draws_text", True)
            ):
                continue
            if (
                not cell_fits(view, row, col)
                and view.fontMetrics().horizontalAdvance(str(text)) <= cap
            ):
                title = model.headerData(col, Qt.Orientation.Horizontal)
                bad.append(f"{title} row {row}: {text}")
    return bad


@pytest.mark.parametrize("key", MINE)
def test_ledger_screens_show_short_cells_whole_and_fit_a_small_screen(
    key: str, demo_window: Any, qapp: Any
) -> None:
    screen = demo_window.navigate(key)
    _settle(qapp)
    hint = screen.minimumSizeHint()
    assert hint.width() <= 1080 and hint.height() <= 560, (key, hint)
    clipped = [
        f"{key}: {cell}"
        for view in demo_window.findChildren(QTableView)
        if view.isVisible() and view.model() is not None
        for cell in _clipped_cells(view)
    ]
    assert clipped == []
    labels = [
        w.text()
        for w in demo_window.findChildren(QLabel)
        if w.isVisible()
        and not w.wordWrap()
        and w.text()
        and "<" not in w.text()
        and w.width() < w.fontMetrics().horizontalAdvance(w.text()) - 2
    ]
    assert labels == []
