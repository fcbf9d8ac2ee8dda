"""导出 of the contracts list: every row of the current filter (and chip), read in the background.

A filtered list may hold 100,000 contracts, more than the window should read cell by cell on its
own thread (the shared `ListExporter` reads what a view shows); this exporter hands the ordered
ids to a background task that reads the rows a chunk at a time and writes them with the same cell
writer (desktop.exporting.tables: never a formula).
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import QTableView, QWidget

from db.services.contracts.queries import ContractView, contract_views
from desktop.exporting.tables import write_table
from desktop.progress import CancelToken, Progress
from desktop.ui.common import files
from desktop.ui.common.export import FILTERS, ListExporter
from desktop.ui.contracts.model import COL_TOWN, COLUMNS, ContractTableModel, district_towns
from desktop.ui.shell.context import AppContext
from desktop.ui.shell.tasks import TaskHandle, run_task

if TYPE_CHECKING:
    from db.store import Store

CHUNK = 2000


def row_texts(c: ContractView, side: str | None) -> list[object]:
    """One contract as the list shows it."""
    return [
        district_towns(c, side) if n == COL_TOWN else col.text(c) for n, col in enumerate(COLUMNS)
    ]


def export_contracts(
    store: Store,
    path: Path,
    title: str,
    ids: Sequence[int],
    side: str | None,
    cancel: CancelToken,
) -> Generator[Progress, None, int]:
    """Background work: read the contracts in order, a chunk at a time, and write them."""
    rows: list[list[object]] = []
    with store.session() as s:
        for start in range(0, len(ids), CHUNK):
            cancel.raise_if_cancelled()
            yield Progress(start, len(ids), "正在读取合同…")
            rows += [row_texts(c, side) for c in contract_views(s, ids[start : start + CHUNK])]
    headers = [QCoreApplication.translate("", c.title) for c in COLUMNS]
    return (yield from write_table(path, title, headers, rows))


class ContractExporter(ListExporter):
    """Asks where to save, then writes every contract of the list in the background."""

    def __init__(
        self,
        view: QTableView,
        model: ContractTableModel,
        title: str,
        ctx: AppContext,
        parent: QWidget,
    ) -> None:
        super().__init__(view, title, ctx, parent)
        self._model = model
        self._store = ctx.store

    @Slot()
    def export(self) -> TaskHandle[int] | None:
        """导出…: the rows of the list now; None when the clerk cancelled."""
        folder = self._ctx.prefs.last_folder or str(Path.home())
        answer = files.save_file_name(
            self._parent, self.tr("导出"), str(Path(folder) / f"{self._title}.xlsx"), FILTERS
        )
        if not answer:
            return None
        path = Path(answer)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".xlsx")
        self.last_path = path
        ids, side, store, title = (
            self._model.ids(),
            self._model.filter.side,
            self._store,
            self._title,
        )
        self.task = run_task(
            self._parent,
            lambda cancel: export_contracts(store, path, title, ids, side, cancel),
            label=self.tr("正在导出…"),
            on_done=self._written,
        )
        return self.task
