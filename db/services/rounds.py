"""Collection rounds (征集, spec/import.md): a kind and a data year sent to the towns, and each town's
progress 下发 → 已回收 → 已导入 (with the batch).

A town whose import batch was undone reads 已回收 again (its returned file can be imported anew);
the towns still 下发 are the round's missing ones. Every change is audited as entity
"collection_round" (the round's id), one field per town ("十九里镇.status"); never under the import
batch, so undoing a batch leaves the round's own record alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CollectionRound, CollectionRoundTown, ImportBatch, Town
from db.rules.years import record_year_problem
from db.services import audit
from db.services.errors import InputError, NotFound
from db.services.towns import TownMatcher, list_towns

ENTITY = "collection_round"
SENT = "下发"
RETURNED = "已回收"
IMPORTED = "已导入"
STATUSES = (SENT, RETURNED, IMPORTED)


@dataclass(frozen=True)
class RoundTown:
    """One town of a round as the 报送 screen and `collect status` show it."""

    town_id: int
    town: str
    status: str  # SENT, RETURNED or IMPORTED (an undone batch reads RETURNED)
    sent_file: str | None
    sent_sha256: str | None
    sent_at: datetime | None
    returned_file: str | None
    returned_sha256: str | None
    returned_at: datetime | None
    batch_id: int | None  # the batch that imported the returned file (kept when undone)
    batch_undone: bool = False
    created: int = 0  # the batch's counts: what the town's file changed
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    @property
    def missing(self) -> bool:
        """The town has not sent its workbook back."""
        return self.status == SENT


@dataclass(frozen=True)
class RoundView:
    """A round with its towns in the towns' display order."""

    id: int
    kind: str
    year: int
    created_at: datetime
    created_by: str
    note: str | None
    towns: tuple[RoundTown, ...]

    @property
    def missing(self) -> list[str]:
        """The towns still 下发 (not returned)."""
        return [t.town for t in self.towns if t.missing]

    def count(self, status: str) -> int:
        """How many towns are at a status."""
        return sum(1 for t in self.towns if t.status == status)

    def town(self, name: str) -> RoundTown | None:
        """The row of a town by its current name."""
        return next((t for t in self.towns if t.town == name), None)


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _towns_of(session: Session, names: Iterable[str] | None) -> list[Town]:
    """The towns named (aliases and unique prefixes match), or every town; refused when none."""
    every = {t.id: t for t in session.scalars(select(Town))}
    if names is None:
        chosen = [every[t.id] for t in list_towns(session)]
        if not chosen:
            raise InputError("尚未设置镇街，请先在“设置”中添加镇街（或 bureau towns add）", "towns")
        return chosen
    matcher = TownMatcher.from_session(session)
    found: list[Town] = []
    for name in names:
        view = matcher.match(name)
        if view is None:
            raise InputError(f"未找到镇街：{name}", "towns")
        if every[view.id] not in found:
            found.append(every[view.id])
    if not found:
        raise InputError("请至少选择一个镇街", "towns")
    return found


def create_round(
    session: Session,
    kind: str,
    year: int,
    towns: Iterable[str] | None,
    operator: str,
    note: str | None = None,
    today: datetime | None = None,
) -> int:
    """A new round of `kind` for data year `year` to the towns named (default every town), all 下发.

    The year is a record year (db.rules.years: 1980 … this year). Returns the round's id.
    """
    problem = record_year_problem(year, (today or datetime.now()).date())
    if problem:
        raise InputError(f"数据{problem}：{year}", "year")
    chosen = _towns_of(session, towns)
    note = (note or "").strip() or None
    row = CollectionRound(kind=kind, year=year, created_by=operator, note=note)
    row.towns = [CollectionRoundTown(town_id=t.id, status=SENT) for t in chosen]
    values = {"kind": kind, "year": year, "towns": [t.name for t in chosen], "note": note}
    return audit.add_created(session, row, values, operator, ENTITY)


def _round(session: Session, round_id: int) -> CollectionRound:
    row = session.get(CollectionRound, round_id)
    if row is None:
        raise NotFound(f"征集第 {round_id} 轮不存在")
    return row


def _town_row(session: Session, round_id: int, town_name: str) -> tuple[CollectionRoundTown, str]:
    """The round's row of a town written by name (its current name, an alias or a unique prefix)."""
    row = _round(session, round_id)
    view = TownMatcher.from_session(session).match(town_name)
    for item in row.towns:
        if view is not None and item.town_id == view.id:
            return item, view.name
    raise InputError(f"征集第 {round_id} 轮不包括镇街“{town_name}”", "town")


def _set(
    session: Session,
    item: CollectionRoundTown,
    town: str,
    values: dict[str, object],
    operator: str,
) -> dict[str, tuple[object, object]]:
    """Set a town row's values; audit what changed as "<town>.<field>" on the round."""
    diff = {k: (getattr(item, k), v) for k, v in values.items() if getattr(item, k) != v}
    for key, (_old, new) in diff.items():
        setattr(item, key, new)
    if diff:
        changes = {f"{town}.{k}": change for k, change in diff.items()}
        audit.record(session, operator, "update", ENTITY, item.round_id, changes)
        session.flush()
    return diff


def record_sent(
    session: Session,
    round_id: int,
    town_name: str,
    file_name: str,
    sha256: str,
    operator: str,
) -> None:
    """The town's workbook was written to `file_name` (its SHA-256 tells the sent file apart)."""
    item, town = _town_row(session, round_id, town_name)
    values = {"sent_file": file_name, "sent_sha256": sha256, "sent_at": _now()}
    _set(session, item, town, values, operator)


def mark_returned(
    session: Session,
    round_id: int,
    town_name: str,
    file_name: str,
    sha256: str,
    operator: str,
) -> bool:
    """The town's filled workbook came back: 已回收 with the file. Returns whether anything changed.

    The same file (same SHA-256) registered again changes nothing; another file replaces the earlier
    one and reads 已回收 even after an import (the new file is still to be imported).
    """
    item, town = _town_row(session, round_id, town_name)
    if item.returned_sha256 == sha256 and item.status != SENT:
        return False  # already returned (an undone import of it reads 已回收 as it is)
    values: dict[str, object] = {
        "status": RETURNED,
        "returned_file": file_name,
        "returned_sha256": sha256,
        "returned_at": _now(),
        "batch_id": None,
    }
    return bool(_set(session, item, town, values, operator))


def mark_imported(
    session: Session,
    round_id: int,
    town_name: str,
    batch_id: int,
    operator: str | None = None,
) -> None:
    """The town's returned workbook was imported as `batch_id`: 已导入 (operator: the batch's).

    A town never registered as returned takes the batch's file as its returned file. Marking the
    same batch again changes nothing (the importer and the 报送 screen may both call it).
    """
    item, town = _town_row(session, round_id, town_name)
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(f"导入批次 {batch_id} 不存在")
    values: dict[str, object] = {"status": IMPORTED, "batch_id": batch_id}
    if item.returned_sha256 != batch.sha256:
        values |= {
            "returned_file": batch.file_name,
            "returned_sha256": batch.sha256,
            "returned_at": batch.created_at,
        }
    _set(session, item, town, values, operator or batch.operator)


def _town_view(item: CollectionRoundTown, town: str, batch: ImportBatch | None) -> RoundTown:
    undone = batch is not None and batch.undone_at is not None
    status = RETURNED if item.status == IMPORTED and (batch is None or undone) else item.status
    counts = (
        (batch.created, batch.updated, batch.unchanged, batch.rejected) if batch else (0, 0, 0, 0)
    )
    return RoundTown(
        item.town_id,
        town,
        status,
        item.sent_file,
        item.sent_sha256,
        item.sent_at,
        item.returned_file,
        item.returned_sha256,
        item.returned_at,
        item.batch_id,
        undone,
        *counts,
    )


def list_rounds(session: Session, round_ids: Sequence[int] | None = None) -> list[RoundView]:
    """Every round (or those asked for), newest first, each town with its status as it stands."""
    stmt = select(CollectionRound).order_by(CollectionRound.id.desc())
    if round_ids is not None:
        stmt = stmt.where(CollectionRound.id.in_(list(round_ids)))
    rounds = list(session.scalars(stmt))
    if not rounds:
        return []
    order = {t.id: (n, t.name) for n, t in enumerate(list_towns(session))}
    stmt_towns = (
        select(CollectionRoundTown, ImportBatch)
        .outerjoin(ImportBatch, ImportBatch.id == CollectionRoundTown.batch_id)
        .where(CollectionRoundTown.round_id.in_([r.id for r in rounds]))
    )
    towns: dict[int, list[RoundTown]] = {}
    for item, batch in session.execute(stmt_towns):
        towns.setdefault(item.round_id, []).append(
            _town_view(item, order.get(item.town_id, (0, ""))[1], batch)
        )
    return [
        RoundView(
            r.id,
            r.kind,
            r.year,
            r.created_at,
            r.created_by,
            r.note,
            tuple(sorted(towns.get(r.id, []), key=lambda t: order.get(t.town_id, (0, ""))[0])),
        )
        for r in rounds
    ]


def get_round(session: Session, round_id: int) -> RoundView:
    """One round with its towns (NotFound when there is no such round)."""
    found = list_rounds(session, [round_id])
    if not found:
        raise NotFound(f"征集第 {round_id} 轮不存在")
    return found[0]


def matching_round(session: Session, round_id: int, kind: str, year: int, town: str) -> int | None:
    """The round a workbook's marker names, when this store holds it with that kind, year and town.

    None for a round of another store (or one whose marker was edited): its file imports as any
    other file, and no round is marked.
    """
    row = session.get(CollectionRound, round_id)
    if row is None or (row.kind, row.year) != (kind, year):
        return None
    view = TownMatcher.from_session(session).match(town)
    if view is None or all(item.town_id != view.id for item in row.towns):
        return None
    return row.id
