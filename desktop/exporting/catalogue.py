"""Every export kind of spec/cli.md and the one entry point that writes any of them.

`export_kind(store, kind, path, scope, operator)` reads the kind's sheets and writes them to .xlsx
(every sheet) or .csv (the first); the file appears whole or not at all (OutputError otherwise).
An export that shows ID numbers (--with-ids) is audited before the file is written.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from db.services import audit
from db.services.enterprises.roster import RosterFilter, RosterQuery
from db.store import Store
from desktop.exporting import people, places
from desktop.exporting.enterprises import CSV_NOTE, enterprise_sheets
from desktop.exporting.files import check_target
from desktop.exporting.ledger import contracts as ledger_contracts
from desktop.exporting.ledger import results as ledger_results
from desktop.exporting.ledger import transfers as ledger_transfers
from desktop.exporting.scope import ExportScope
from desktop.exporting.sheets import Sheet, is_csv, write_csv, write_xlsx
from desktop.progress import CancelToken, Progress

Reader = Callable[[Session, ExportScope], list[Sheet]]


def _enterprises(session: Session, scope: ExportScope) -> list[Sheet]:
    ids = RosterQuery(scope.as_of).ids(session, RosterFilter(town_id=scope.town_id))
    return enterprise_sheets(session, ids, scope.as_of)


def _qualifications(session: Session, scope: ExportScope) -> list[Sheet]:
    return _enterprises(session, scope)[1:2]


def _figures(session: Session, scope: ExportScope) -> list[Sheet]:
    return _enterprises(session, scope)[2:3]


@dataclass(frozen=True)
class ExportKind:
    """One export kind: what it is called, how it reads, which options apply to it."""

    kind: str
    title: str
    read: Reader
    town: bool = True  # --town filters it
    as_of: bool = False  # --as-of changes it
    ids: bool = False  # it shows ID numbers (masked unless --with-ids)


KINDS: dict[str, ExportKind] = {
    k.kind: k
    for k in (
        ExportKind("enterprises", "企业名录", _enterprises, as_of=True),
        ExportKind("qualifications", "企业资质", _qualifications),
        ExportKind("figures", "企业年度数据", _figures),
        ExportKind("commissioners", "科技特派员", people.commissioners, town=False, ids=True),
        ExportKind("demands", "需求库", people.demands),
        ExportKind("services", "服务记录", people.services, ids=True),
        ExportKind("carriers", "孵化载体", places.carriers),
        ExportKind("incubatees", "在孵企业", places.incubatees),
        ExportKind("platforms", "创新平台", places.platforms),
        ExportKind("dispatches", "选派结对", people.dispatches, ids=True),
        ExportKind("assessments", "年度考核", people.assessments, town=False, ids=True),
        ExportKind("carrier-years", "载体年度数据", places.carrier_years),
        ExportKind("indicators", "指标", places.indicators, town=False),
        ExportKind("contracts", "技术合同", ledger_contracts),
        ExportKind("results", "科技成果", ledger_results),
        ExportKind("transfers", "科技成果转化", ledger_transfers),
    )
}


@dataclass(frozen=True)
class ExportResult:
    """What was written: the file, each sheet with its row count, and a note for the clerk."""

    path: Path
    sheets: tuple[tuple[str, int], ...]
    note: str | None = None

    @property
    def rows(self) -> int:
        """Data rows written in all sheets."""
        return sum(n for _title, n in self.sheets)


def _audit_ids(store: Store, kind: str, path: Path, scope: ExportScope, operator: str) -> None:
    detail = {"kind": kind, "file": str(path), "town_id": scope.town_id}
    with store.transaction() as session:
        audit.record(session, operator, "export", "commissioner", 0, {"id_number": (None, detail)})


def export_kind(
    store: Store,
    kind: str,
    path: Path,
    scope: ExportScope,
    operator: str,
    cancel: CancelToken | None = None,
) -> Generator[Progress, None, ExportResult]:
    """Write one export kind to `path` (.xlsx: every sheet; .csv: the first sheet)."""
    spec = KINDS[kind]
    check_target(path)
    if spec.ids and scope.with_ids:
        _audit_ids(store, kind, path, scope, operator)
    with store.session() as session:
        sheets = spec.read(session, scope)
        written = sheets[:1] if is_csv(path) else sheets
        if is_csv(path):
            yield from write_csv(path, sheets[0], cancel)
        else:
            yield from write_xlsx(path, sheets, cancel)
    note = CSV_NOTE if len(written) < len(sheets) else None
    return ExportResult(path, tuple((s.title, s.total) for s in written), note)
