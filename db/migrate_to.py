"""The one-time move of a desk's SQLite store into a new PostgreSQL database (`bureau migrate-to`).

The target is opened (and so migrated to this program's schema) by the caller; the move refuses a
target that already holds data: anything beyond what the migrations and `bureau init` seed (the
qualification types, the bureau's settings row, the seeded indicators and their audit lines).
Then, in one transaction on the target:

1. every table is locked and emptied (the seeds too, so that every id agrees with the source's);
2. every table is copied in foreign-key order, in chunks of CHUNK rows (Core executemany), from
   one read transaction of the source; the audit trail keeps its operators
   (`kc.keep_operator`, migration 0009 — the owner of the tables may do this, nobody else);
3. every id sequence is set past the largest id (db/sequences.py), so the next insert works,
   and the tables are analysed (without statistics the server plans the counts badly);
4. the row count of every table and the 双突破 counts of `bureau stats` for today are compared on
   both; a difference raises MoveRefused naming it, and the transaction rolls back.

The source is only read. Qt-free: the command line and the window call `move_store`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from db.errors import StoreError, StoreRefused

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table

    from db.store import Store

CHUNK = 1000
LOCK_WAIT = "15s"
# Rows the migrations (qualification types, the settings row) and `bureau init` (the computed
# indicators, audited) put into a new database: a target holding only these counts as empty.
SEEDED_TABLES = frozenset({"qualification_types", "bureau_settings", "indicators"})

Progress = Callable[[str, int, int], None]  # (table, rows copied of it, rows of it)


class MoveRefused(StoreRefused):
    """The target may not receive the store, or the copy differs from it (exit 3; rolled back)."""


@dataclass(frozen=True)
class MoveResult:
    """What was moved: the row count of every table, in the order copied."""

    source: str
    target: str
    counts: tuple[tuple[str, int], ...]

    @property
    def rows(self) -> int:
        return sum(n for _t, n in self.counts)


def tables() -> list[Table]:
    """The store's tables in foreign-key order (parents first)."""
    import db.models  # noqa: F401  (registers every table)
    from db.models import Base

    return list(Base.metadata.sorted_tables)


def data_in(conn: Connection) -> str | None:
    """The first table of a server database holding data beyond the seeds; None when empty."""
    from sqlalchemy import func, select

    from db.models import AuditEntry, Indicator
    from db.services.plans.indicators_seeds import SEEDS

    for table in tables():
        if table.name in SEEDED_TABLES or table.name == AuditEntry.__tablename__:
            continue
        if conn.execute(select(func.count()).select_from(table)).scalar():
            return table.name
    own = select(func.count()).where(Indicator.code.not_in([s[0] for s in SEEDS]))
    if conn.execute(own).scalar():
        return Indicator.__tablename__
    audited = select(func.count()).where(
        (AuditEntry.entity != "indicator") | (AuditEntry.action != "create")
    )
    if conn.execute(audited).scalar():
        return AuditEntry.__tablename__
    return None


def move_store(source: Store, target: Store, progress: Progress | None = None) -> MoveResult:
    """Copy every row of the SQLite store `source` into the empty server store `target`.

    Both are open at this program's schema. Refuses (MoveRefused, exit 3) a login that is not
    admin on the target, a target holding data and a copy that differs; StoreError (exit 2) for
    a source that is no SQLite file, a target that is no server, or rows the server refuses.
    """
    from db.roles import require
    from db.store import head_revision

    if source.path is None:
        raise StoreError("只能把本机的数据文件搬到服务器：请用 --db 指定要搬移的数据文件。")
    if target.path is not None:
        raise StoreError(
            "目标应是服务器数据库的地址（postgresql+psycopg://用户名@服务器/数据库），不是数据文件。"
        )
    require(target.role, "restore", target.login)
    head = head_revision()
    for store in (source, target):
        if store.revision() != head:
            raise StoreError(
                f"{store.display_name} 的结构版本不是最新的，请先用 bureau init 升级。"
            )
    from sqlalchemy.exc import DBAPIError

    try:
        with target.engine.begin() as conn, source.engine.connect() as src:
            src.exec_driver_sql("BEGIN")  # one read snapshot of the source for copy and check
            counts = _copy(src, conn, target.display_name, progress)
            _verify(src, conn, counts)
    except DBAPIError as exc:
        raise _refused_by_server(exc, target.display_name) from exc
    return MoveResult(source.display_name, target.display_name, counts)


def _copy(
    src: Connection, conn: Connection, target_name: str, progress: Progress | None
) -> tuple[tuple[str, int], ...]:
    from sqlalchemy import func, insert, select
    from sqlalchemy.exc import DBAPIError

    from db.sequences import reset_sequences

    ordered = tables()
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(quote(t.name) for t in ordered)
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
    conn.exec_driver_sql("SET LOCAL kc.keep_operator = 'on'")
    conn.exec_driver_sql(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")
    found = data_in(conn)
    if found is not None:
        raise MoveRefused(
            f"服务器数据库 {target_name} 中已有数据（{found} 表不是空的），没有搬移任何数据。"
            "搬移只能放进新建的空数据库：请新建一个数据库后再试。"
        )
    conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY")
    counts: list[tuple[str, int]] = []
    for table in ordered:
        total = int(src.execute(select(func.count()).select_from(table)).scalar() or 0)
        keys = [c.key for c in table.columns]
        done = 0
        if progress is not None:
            progress(table.name, done, total)
        result = src.execution_options(yield_per=CHUNK).execute(
            select(table).order_by(*table.primary_key.columns)
        )
        for chunk in result.partitions():
            try:
                conn.execute(insert(table), [dict(zip(keys, row, strict=True)) for row in chunk])
            except DBAPIError as exc:
                raise _refused_by_server(exc, target_name, table.name) from exc
            done += len(chunk)
            if progress is not None:
                progress(table.name, done, total)
        counts.append((table.name, done))
    reset_sequences(conn)
    conn.exec_driver_sql(f"ANALYZE {names}")  # the planner's statistics: the check's queries
    return tuple(counts)


def _verify(src: Connection, conn: Connection, counts: tuple[tuple[str, int], ...]) -> None:
    """Row counts and the 双突破 counts of today on both sides; MoveRefused when they differ."""
    from sqlalchemy import func, select

    for table in tables():
        theirs = conn.execute(select(func.count()).select_from(table)).scalar()
        ours = src.execute(select(func.count()).select_from(table)).scalar()
        if theirs != ours or dict(counts).get(table.name) != ours:
            raise MoveRefused(
                f"搬移后核对不一致：{table.name} 表本机有 {ours} 行，服务器上是 {theirs} 行。"
                "已撤销，服务器数据库没有改动。"
            )
    here, there = _stats(src), _stats(conn)
    if here != there:
        differing = sorted(k for k in here if here[k] != there.get(k))
        raise MoveRefused(
            f"搬移后核对不一致：“双突破”统计（{'、'.join(differing)}）在本机和服务器上不同。"
            "已撤销，服务器数据库没有改动。"
        )


def _stats(conn: Connection) -> dict[str, Any]:
    """The counts of `bureau stats` for today, their split by town in a fixed order."""
    from sqlalchemy.orm import Session

    from db.services.figures.counts import double_breakthrough

    with Session(bind=conn) as session:
        result = dataclasses.asdict(double_breakthrough(session, date.today()))
    result["by_town"] = sorted(result["by_town"], key=repr)
    return result


def _refused_by_server(exc: Exception, target_name: str, table: str = "") -> StoreError:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    if table:
        reason = f"{table} 表：{reason}"
    lowered = reason.lower()
    if "lock timeout" in lowered or "canceling statement due to lock" in lowered:
        return MoveRefused(
            f"有其他电脑正在使用服务器数据库 {target_name}，没有搬移任何数据。请稍后再试。"
        )
    if "permission denied" in lowered or "must be owner" in lowered:
        return MoveRefused(
            f"服务器拒绝了搬移（权限不够：{reason}）。请用创建该数据库的账号搬移。"
            "服务器数据库没有改动。"
        )
    return StoreError(f"服务器拒绝了要搬移的数据，没有搬移任何数据：{reason}")
