"""The cultivation pipeline (spec/plans.md): entries per enterprise, track and year, their stages.

Stages 培育中 → 已申报 → 已认定 / 未通过 (db/rules/cultivation.py TRANSITIONS: 已申报 → 培育中 withdraws a
declaration, 未通过 → 培育中 cultivates again, 已认定 is final). Each stage sets its date (entered_on,
declared_on, decided_on). Every write is audited under entity ``cultivation_entry``; deleting moves an
entry to the recycle bin and adding it again brings the same row back.

已认定 closes by itself: reads derive it (cultivation.recognised_since); `close_recognised` also
writes it — every write here runs it for the entry's enterprise, so does adding or editing a
qualification by hand (enterprises/qualifications.py), and an import batch of the enterprise family
runs it once for the whole pipeline when its rows are written (desktop/importing/engine.py), its
audit rows tagged with the batch; undoing the batch reopens those entries (`reopen_batch`) unless
their stage was written since, or their certificate still stands.

`pipeline_counts` gives the dashboard and the returns the counts by stage and town and the
**预计新增** of the year after: the entries still 培育中 or 已申报 that pass every required test.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, extract, func, or_, select, update
from sqlalchemy.orm import Session

from db.models import AuditEntry, CultivationEntry, Enterprise, Qualification
from db.rules import cultivation as rules
from db.rules.text import normalize_text
from db.rules.years import FIRST_RECORD_YEAR, plan_year_problem
from db.services import audit
from db.services.errors import InputError, NotFound
from db.services.plans.cultivation import candidates, recognised_since
from db.services.queries import HIGH_TECH, TECH_SME, type_id, unindexed
from db.services.versions import claim

ENTITY = "cultivation_entry"
CLOSED_FIELDS = ("stage", "decided_on")  # what closing an entry writes
SYSTEM_OPERATOR = "系统"


@dataclass(frozen=True)
class EntryView:
    id: int
    enterprise_id: int
    track: str
    year: int
    stage: str  # as stored (a read of the list derives 已认定 too)
    entered_on: date | None
    declared_on: date | None
    decided_on: date | None
    note: str | None


def _view(e: CultivationEntry) -> EntryView:
    return EntryView(
        e.id,
        e.enterprise_id,
        e.track,
        e.year,
        e.stage,
        e.entered_on,
        e.declared_on,
        e.decided_on,
        e.note,
    )


def _check_track(track: str) -> None:
    if track not in rules.TRACKS:
        raise InputError(f"培育类别应为：{'、'.join(rules.TRACKS)}", "track")


def _check_year(year: int) -> None:
    problem = plan_year_problem(year)
    if problem:
        raise InputError(problem, "year")


def _check_day(day: date | None, today: date) -> None:
    if day is None:
        return
    if day > today:
        raise InputError("日期不能晚于今天", "on")
    if day.year < FIRST_RECORD_YEAR:
        raise InputError(f"日期应不早于{FIRST_RECORD_YEAR}年", "on")


def _note(note: str | None) -> str | None:
    """A note as every service stores text (NFKC, trimmed, inner spaces collapsed), None if blank."""
    return normalize_text(note or "") or None


def _live_enterprise(session: Session, enterprise_id: int) -> Enterprise:
    e = session.get(Enterprise, enterprise_id)
    if e is None or e.deleted_at is not None:
        raise NotFound("企业不存在（或已在回收站中）")
    return e


def _find(session: Session, enterprise_id: int, track: str, year: int) -> CultivationEntry | None:
    return session.scalar(
        select(CultivationEntry).where(
            CultivationEntry.enterprise_id == enterprise_id,
            CultivationEntry.track == track,
            CultivationEntry.year == year,
        )
    )


def get_entry(session: Session, entry_id: int) -> EntryView:
    """One live entry (NotFound when none)."""
    e = session.get(CultivationEntry, entry_id)
    if e is None or e.deleted_at is not None:
        raise NotFound("培育记录不存在")
    return _view(e)


def entry_of(
    session: Session, enterprise_id: int, year: int, track: str = rules.HIGH_TECH_TRACK
) -> EntryView | None:
    """The live entry of an enterprise in a year's pipeline, None when it is not in it."""
    e = _find(session, enterprise_id, track, year)
    return None if e is None or e.deleted_at is not None else _view(e)


def entries_of_enterprise(session: Session, enterprise_id: int) -> list[EntryView]:
    """An enterprise's live entries, newest year first (for the enterprise editor)."""
    stmt = (
        select(CultivationEntry)
        .where(
            CultivationEntry.enterprise_id == enterprise_id, CultivationEntry.deleted_at.is_(None)
        )
        .order_by(CultivationEntry.year.desc(), CultivationEntry.track)
    )
    return [_view(e) for e in session.scalars(stmt)]


def add_entry(
    session: Session,
    enterprise_id: int,
    year: int,
    operator: str,
    *,
    track: str = rules.HIGH_TECH_TRACK,
    stage: str = rules.CULTIVATING,
    on: date | None = None,
    note: str | None = None,
    today: date | None = None,
) -> int:
    """Put an enterprise into a year's pipeline at 培育中 (or straight at 已申报); audited."""
    today = today or date.today()
    _check_track(track)
    _check_year(year)
    _check_day(on, today)
    problem = rules.transition_problem(None, stage)
    if problem:
        raise InputError(problem, "stage")
    _live_enterprise(session, enterprise_id)
    day = on or today
    values: dict[str, Any] = {
        "stage": stage,
        "entered_on": day,
        "declared_on": day if stage == rules.DECLARED else None,
        "decided_on": None,
        "note": _note(note),
    }
    existing = _find(session, enterprise_id, track, year)
    if existing is not None and existing.deleted_at is None:
        raise InputError(f"该企业已在{year}年{rules.TRACKS[track]}培育库中（{existing.stage}）")
    if existing is not None:  # back from the recycle bin, started afresh
        audit.restore(session, existing, operator, ENTITY)
        audit.apply_changes(session, existing, values, operator, ENTITY)
        entry_id = existing.id
    else:
        row = CultivationEntry(enterprise_id=enterprise_id, track=track, year=year, **values)
        keys = {"enterprise_id": enterprise_id, "track": track, "year": year}
        entry_id = audit.add_created(session, row, keys | values, operator, ENTITY)
    close_recognised(session, operator, enterprise_id=enterprise_id)
    return entry_id


def set_stage(
    session: Session,
    entry_id: int,
    stage: str,
    operator: str,
    *,
    on: date | None = None,
    note: str | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Move an entry to `stage` (allowed transitions only), dated `on` (default today); audited.

    A note given replaces the entry's note; the stage read is the derived one, so an entry already
    closed by its certificate cannot move on. A move based on `expected_version` is refused
    (StaleEdit) when another desk changed the entry since.
    """
    claim(session, CultivationEntry, entry_id, expected_version, (ENTITY, entry_id))
    today = today or date.today()
    _check_day(on, today)
    e = session.get(CultivationEntry, entry_id)
    if e is None or e.deleted_at is not None:
        raise NotFound("培育记录不存在")
    close_recognised(session, operator, enterprise_id=e.enterprise_id)
    problem = rules.transition_problem(e.stage, stage)
    if problem:
        raise InputError(problem, "stage")
    values: dict[str, Any] = {"stage": stage, rules.stage_date_field(stage): on or today}
    if stage == rules.CULTIVATING:  # back to cultivation: the later dates no longer hold
        values |= {"declared_on": None, "decided_on": None}
    if note is not None:
        values["note"] = _note(note)
    return audit.apply_changes(session, e, values, operator, ENTITY)


def set_note(
    session: Session, entry_id: int, note: str | None, operator: str
) -> dict[str, tuple[Any, Any]]:
    """Replace an entry's note; audited."""
    e = session.get(CultivationEntry, entry_id)
    if e is None or e.deleted_at is not None:
        raise NotFound("培育记录不存在")
    return audit.apply_changes(session, e, {"note": _note(note)}, operator, ENTITY)


def move_enterprise(
    session: Session,
    enterprise_id: int,
    year: int,
    stage: str,
    operator: str,
    *,
    track: str = rules.HIGH_TECH_TRACK,
    on: date | None = None,
    note: str | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> int:
    """Set an enterprise's stage in a year's pipeline, adding the entry first when there is none.

    Returns the entry's id (the one operation behind `bureau candidates stage` and the screen).
    `expected_version` is the entry's version shown (NOT_STORED: not in the pipeline): refused
    (StaleEdit) when another desk added, moved or removed the entry since."""
    _check_track(track)
    stored = _find(session, enterprise_id, track, year)
    live_id = stored.id if stored is not None and stored.deleted_at is None else None
    owner = (ENTITY, 0 if stored is None else stored.id)
    claim(session, CultivationEntry, live_id, expected_version, owner)
    found = entry_of(session, enterprise_id, year, track)
    if found is None:
        return add_entry(
            session,
            enterprise_id,
            year,
            operator,
            track=track,
            stage=stage,
            on=on,
            note=note,
            today=today,
        )
    set_stage(session, found.id, stage, operator, on=on, note=note, today=today)
    return found.id


def delete_entry(session: Session, entry_id: int, operator: str) -> None:
    """Move an entry to the recycle bin (audited)."""
    e = session.get(CultivationEntry, entry_id)
    if e is None:
        raise NotFound("培育记录不存在")
    audit.soft_delete(session, e, operator, ENTITY)


def restore_entry(session: Session, entry_id: int, operator: str) -> None:
    """Bring an entry back from the recycle bin (audited)."""
    e = session.get(CultivationEntry, entry_id)
    if e is None:
        raise NotFound("培育记录不存在")
    audit.restore(session, e, operator, ENTITY)


def _decision_day(track: str) -> Any:
    """SQL (correlated to CultivationEntry): when the certificate (or tech-SME entry) that closes
    the entry was issued — the earliest of those cultivation.recognised_since looks for."""
    issued = func.coalesce(Qualification.issued_on, Qualification.valid_from)
    if track == rules.TECH_SME_TRACK:
        condition = [
            Qualification.type_id == type_id(TECH_SME),
            # by the enterprise's index, not the year's (which holds the whole year's entries)
            unindexed(Qualification.evaluation_year) == CultivationEntry.year,
            Qualification.revoked_on.is_(None),
        ]
    else:
        condition = [
            Qualification.type_id == type_id(HIGH_TECH),
            extract("year", issued) >= CultivationEntry.year,
        ]
    return (
        select(func.min(issued))
        .where(
            Qualification.enterprise_id == CultivationEntry.enterprise_id,
            Qualification.deleted_at.is_(None),
            *condition,
        )
        .scalar_subquery()
    )


def close_recognised(
    session: Session,
    operator: str = SYSTEM_OPERATOR,
    *,
    enterprise_id: int | None = None,
    batch_id: int | None = None,
) -> int:
    """Write 已认定 on the open entries whose certificate has come in (what reads derive); audited.

    Dated by the certificate's issue date. Set-based: one query per track finds the entries and
    their dates (of one enterprise, or of the whole pipeline — what an import batch calls once
    after its rows are written, `batch_id` tagging the audit rows so that the batch's undo reopens
    them: reopen_batch). Returns how many entries were closed.
    """
    audits: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []
    for track in rules.TRACKS:
        stmt = select(CultivationEntry, _decision_day(track)).where(
            CultivationEntry.track == track,
            CultivationEntry.deleted_at.is_(None),
            CultivationEntry.stage.in_(rules.OPEN_STAGES),
            recognised_since(CultivationEntry, track),
        )
        if enterprise_id is not None:
            stmt = stmt.where(CultivationEntry.enterprise_id == enterprise_id)
        for e, day in session.execute(stmt).all():
            changes = {"stage": (e.stage, rules.RECOGNISED), "decided_on": (e.decided_on, day)}
            closed.append({"_id": e.id, "_day": day, "entry": e})
            base = {"operator": operator, "action": "update", "entity": ENTITY, "entity_id": e.id}
            audits.extend(
                base
                | {
                    "batch_id": batch_id,
                    "field": name,
                    "old_value": audit.to_json(old),
                    "new_value": audit.to_json(new),
                }
                for name, (old, new) in changes.items()
                if old != new
            )
    if closed:  # one statement (the ORM's, checking each version, would be one a row)
        table = cast(Table, CultivationEntry.__table__)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values(
                stage=rules.RECOGNISED, decided_on=bindparam("_day"), version=table.c.version + 1
            ),
            [{"_id": c["_id"], "_day": c["_day"]} for c in closed],
        )
        for c in closed:
            session.expire(c["entry"])  # read again with the version just written
    if audits:
        session.flush()
        # rows of one shape together: the bulk insert leaves out None values, one statement a shape
        audits.sort(key=lambda a: (a["field"], a["old_value"] is None))
        audit.record_many(session, audits)
    return len({a["entity_id"] for a in audits})


def reopen_batch(session: Session, batch_id: int, operator: str) -> int:
    """Undo what close_recognised wrote for an import batch: the entries it closed go back to
    their stage (and decision date) — except those whose stage or date was written after the batch
    (or that were deleted or restored since; a later note does not count), and those whose
    certificate still stands (the undo kept it). Audited; returns how many were reopened."""
    rows = session.execute(
        select(AuditEntry.id, AuditEntry.entity_id, AuditEntry.field, AuditEntry.old_value)
        .where(AuditEntry.batch_id == batch_id, AuditEntry.entity == ENTITY)
        .order_by(AuditEntry.id)
    ).all()
    if not rows:
        return 0
    old: dict[int, dict[str, Any]] = {}
    for _id, entry_id, name, value in rows:
        if name:
            old.setdefault(entry_id, {}).setdefault(name, audit.from_json(value))
    last = max(r.id for r in rows)
    later = set(
        session.scalars(
            select(AuditEntry.entity_id).where(
                AuditEntry.entity == ENTITY,
                AuditEntry.entity_id.in_(list(old)),
                AuditEntry.id > last,
                or_(AuditEntry.field.in_(CLOSED_FIELDS), AuditEntry.field.is_(None)),
            )
        )
    )
    still = set()
    for track in rules.TRACKS:
        still |= set(
            session.scalars(
                select(CultivationEntry.id).where(
                    CultivationEntry.id.in_(list(old)),
                    CultivationEntry.track == track,
                    recognised_since(CultivationEntry, track),
                )
            )
        )
    reopened = 0
    for entry_id, values in old.items():
        e = session.get(CultivationEntry, entry_id)
        if e is None or e.deleted_at is not None or entry_id in later | still:
            continue
        if e.stage != rules.RECOGNISED:
            continue
        day = values.get("decided_on")
        values = values | {"decided_on": date.fromisoformat(day) if day else None}
        audit.apply_changes(session, e, values, operator, ENTITY)
        reopened += 1
    return reopened


# ----- counts for the dashboard and the returns -----


@dataclass(frozen=True)
class StageCounts:
    """Entries per stage (every stage present, 0 when none) and the 预计新增 among them."""

    town: str | None
    by_stage: Mapping[str, int]
    expected_new: int

    @property
    def total(self) -> int:
        """Entries in the pipeline."""
        return sum(self.by_stage.values())


@dataclass(frozen=True)
class PipelineCounts:
    """A year's pipeline of one track: district totals and per town (towns in display order)."""

    year: int
    track: str
    district: StageCounts
    by_town: tuple[StageCounts, ...] = field(default_factory=tuple)

    @property
    def expected_year(self) -> int:
        """The year the 预计新增 are expected in: the candidates of Y declare in Y+1."""
        return self.year + 1

    @property
    def expected_label(self) -> str:
        """E.g. 2026年预计新增."""
        return f"{self.expected_year}年预计新增"


def pipeline_counts(
    session: Session, year: int, track: str = rules.HIGH_TECH_TRACK
) -> PipelineCounts:
    """Counts by stage and town of a year's pipeline (stages as read, 已认定 derived).

    预计新增 = entries still 培育中 or 已申报 whose figures of the year pass every required test
    (R&D ratio and R&D staff; the 科小 加分项 aside) — those expected to be recognised in Y+1.
    """
    found = candidates(session, year, track=track, entries_only=True)
    towns: dict[str | None, dict[str, int]] = {}
    expected: dict[str | None, int] = {}
    for c in found.rows:
        stages = towns.setdefault(c.town, dict.fromkeys(rules.STAGES, 0))
        stage = c.stage or rules.CULTIVATING
        stages[stage] += 1
        new = stage in rules.OPEN_STAGES and found.passes_all(c)
        expected[c.town] = expected.get(c.town, 0) + int(new)
    by_town = tuple(StageCounts(t, s, expected.get(t, 0)) for t, s in towns.items())
    total = dict.fromkeys(rules.STAGES, 0)
    for t in by_town:
        for stage, n in t.by_stage.items():
            total[stage] += n
    district = StageCounts(None, total, sum(expected.values()))
    return PipelineCounts(year, track, district, by_town)
