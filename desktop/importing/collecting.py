"""A collection round's work (征集, spec/import.md): write the towns' workbooks, register the returned
ones, import everything returned.

Each is a generator yielding Progress (desktop.progress), run by the command line with `drain` and by
the 报送 screen on the write worker; the store's side lives in db/services/rounds.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from db.services import rounds
from db.services.errors import InputError, NotFound
from db.services.towns import list_towns
from db.store import Store
from desktop.exporting.files import OutputError, check_target
from desktop.importing.collect import (
    WORKBOOK_SUFFIXES,
    RoundMarker,
    check_round_options,
    collected,
    read_marker,
    town_file_name,
)
from desktop.importing.collect_book import TownSheet, write_town_workbook
from desktop.importing.engine import (
    ImportOptions,
    ImportRefused,
    apply_import,
    file_sha256,
    plan_import,
)
from desktop.importing.readers import UnreadableFile
from desktop.importing.schemas import SCHEMAS
from desktop.progress import CancelToken, Progress, Work

# ---------------------------------------------------------------- a new round


@dataclass(frozen=True)
class TownFile:
    town: str
    path: Path
    rows: int


@dataclass(frozen=True)
class NewRound:
    """What `new_round` made: the round and one file per town."""

    round_id: int
    kind: str
    year: int
    files: tuple[TownFile, ...]


def new_round(
    store: Store,
    kind: str,
    year: int,
    towns: Sequence[str] | None,
    folder: Path,
    operator: str,
    note: str | None = None,
    cancel: CancelToken | None = None,
) -> Work[NewRound]:
    """Create a round of `kind` for data year `year` and write each town's workbook into `folder`.

    One transaction: a file that cannot be written (or a file of that name already in the folder)
    leaves no round behind and removes the files already written.
    """
    cancel = cancel or CancelToken()
    check_round_options(kind, year, folder)
    spec, schema = collected(kind), SCHEMAS[kind]
    written: list[Path] = []
    files: list[TownFile] = []
    yield Progress(0, 0, "正在准备征集表…")
    try:
        with store.transaction() as session:
            round_id = rounds.create_round(session, kind, year, towns, operator, note)
            chosen = [t.town for t in rounds.get_round(session, round_id).towns]
            ids = {t.name: t.id for t in list_towns(session)}
            targets = _targets(folder, chosen, kind, year)
            _refuse_existing(targets)
            for n, (town, out) in enumerate(zip(chosen, targets, strict=True)):
                cancel.raise_if_cancelled()
                yield Progress(n, len(chosen), f"正在写入 {out.name}…")
                data = spec.read(session, ids[town], year)
                sheet = TownSheet(
                    schema,
                    RoundMarker(round_id, kind, town, year),
                    [data.values(row) for row in data.rows],
                    list(ids),
                    spec.locked,
                )
                count = write_town_workbook(sheet, out)
                written.append(out)
                rounds.record_sent(session, round_id, town, str(out), file_sha256(out), operator)
                files.append(TownFile(town, out, count))
            cancel.raise_if_cancelled()
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    yield Progress(len(files), len(files), "已生成征集表")
    return NewRound(round_id, kind, year, tuple(files))


def _targets(folder: Path, towns: Sequence[str], kind: str, year: int) -> list[Path]:
    """Each town's file; two towns whose names give the same file name get -2, -3 … appended."""
    paths: list[Path] = []
    for town in towns:
        path = folder / town_file_name(town, kind, year)
        n = 1
        while path in paths:
            n += 1
            path = path.with_name(f"{Path(town_file_name(town, kind, year)).stem}-{n}.xlsx")
        paths.append(path)
    return paths


def _refuse_existing(targets: Sequence[Path]) -> None:
    for path in targets:
        check_target(path)
        if path.exists():
            raise OutputError(f"文件夹中已有同名文件：{path}（请换一个文件夹，或先移走这个文件）")


# ---------------------------------------------------------------- returned workbooks


@dataclass(frozen=True)
class Registered:
    """What registering one returned file did; `message` says it in words for the clerk."""

    path: Path
    ok: bool  # registered (or already registered) as the town's returned file
    message: str
    round_id: int | None = None
    town: str | None = None


def workbooks_in(folder: Path) -> list[Path]:
    """The workbook files directly in a folder (not hidden, not Excel's ~$ lock files), by name."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in WORKBOOK_SUFFIXES
        and not p.name.startswith((".", "~$"))
    )


def _same_path(a: str | None, b: Path) -> bool:
    if not a:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _register_one(store: Store, path: Path, operator: str, round_id: int | None) -> Registered:
    name = path.name
    try:
        marker = read_marker(path)
        sha = file_sha256(path) if marker is not None else ""
    except OSError as exc:
        return Registered(path, False, f"{name}：无法读取（{exc.strerror or exc}）")
    if marker is None:
        return Registered(path, False, f"{name}：不是征集表（没有“征集信息”工作表），未登记")
    if round_id is not None and marker.round_id != round_id:
        return Registered(
            path,
            False,
            f"{name}：是征集第 {marker.round_id} 轮的表（{marker.town}），不属于第 {round_id} 轮，未登记",
            marker.round_id,
            marker.town,
        )
    try:
        with store.transaction() as session:
            view = rounds.get_round(session, marker.round_id)
            if (view.kind, view.year) != (marker.kind, marker.year):
                return Registered(
                    path, False, f"{name}：征集信息与第 {view.id} 轮不符（类型或年度不同），未登记"
                )
            town = view.town(marker.town)
            if town is not None and town.sent_sha256 == sha and _same_path(town.sent_file, path):
                return Registered(
                    path, False, f"{name}：这是下发的原表，镇街尚未填写，未登记", view.id, town.town
                )
            changed = rounds.mark_returned(session, view.id, marker.town, str(path), sha, operator)
    except NotFound:
        return Registered(
            path,
            False,
            f"{name}：征集第 {marker.round_id} 轮不在本数据文件中（可能由其他电脑下发），未登记",
        )
    except InputError as exc:
        return Registered(path, False, f"{name}：{exc}，未登记", marker.round_id, marker.town)
    said = "已登记回收" if changed else "已登记过，无需重复登记"
    return Registered(
        path,
        True,
        f"{name}：{marker.town} {said}（第 {marker.round_id} 轮）",
        marker.round_id,
        marker.town,
    )


def register_returned(
    store: Store,
    paths: Iterable[Path],
    operator: str,
    round_id: int | None = None,
    cancel: CancelToken | None = None,
) -> Work[list[Registered]]:
    """登记回收文件: each file recognised by its 征集信息 sheet is its town's returned file.

    With `round_id`, files of another round are reported and left alone. A file that is no round's
    workbook, of a round this store does not hold, or the very file written when the round was sent
    is reported, never registered; one file's problem never stops the others.
    """
    cancel = cancel or CancelToken()
    chosen = list(paths)
    done: list[Registered] = []
    for n, path in enumerate(chosen):
        cancel.raise_if_cancelled()
        yield Progress(n, len(chosen), f"正在识别 {path.name}…")
        done.append(_register_one(store, path, operator, round_id))
    yield Progress(len(chosen), len(chosen), "已识别")
    return done


# ---------------------------------------------------------------- importing what came back


@dataclass(frozen=True)
class TownImport:
    """What 全部导入 did with one town's returned file."""

    town: str
    path: Path
    batch_id: int | None
    counts: dict[str, int]
    message: str


def _import_one(
    store: Store,
    view: rounds.RoundView,
    town: rounds.RoundTown,
    operator: str,
    cancel: CancelToken,
) -> Work[TownImport]:
    path = Path(town.returned_file or "")
    name = path.name
    if not path.is_file():
        return TownImport(town.town, path, None, {}, f"{town.town}：回收文件不存在：{path}")
    options = ImportOptions(kind=view.kind, town=town.town, year=view.year)
    try:
        plan = yield from plan_import(store, path, options, cancel)
        result = yield from apply_import(store, plan, operator, cancel)
    except (UnreadableFile, ImportRefused) as exc:
        return TownImport(town.town, path, None, {}, f"{town.town}：{exc}")
    except OSError as exc:
        return TownImport(
            town.town, path, None, {}, f"{town.town}：无法读取“{name}”（{exc.strerror or exc}）"
        )
    counts = plan.counts
    if result.batch_id is None:
        return TownImport(town.town, path, None, counts, f"{town.town}：“{name}”中没有数据行")
    # Until the importer marks rounds itself (the marker's round), the round is marked here.
    with store.transaction() as session:
        rounds.mark_imported(session, view.id, town.town, result.batch_id, operator)
    text = (
        f"{town.town}：已导入（批次 {result.batch_id}）新增 {counts['created']}，"
        f"更新 {counts['updated']}，无变化 {counts['unchanged']}，有错误 {counts['rejected']} 行"
    )
    return TownImport(town.town, path, result.batch_id, counts, text)


def import_returned(
    store: Store, round_id: int, operator: str, cancel: CancelToken | None = None
) -> Work[list[TownImport]]:
    """全部导入: import every returned, not yet imported file of a round, one batch per town.

    The town, kind and year come from the round; rows are matched by their code. A file that cannot
    be imported is reported and the others go on; cancelling stops after the towns already done.
    """
    cancel = cancel or CancelToken()
    with store.session() as session:
        view = rounds.get_round(session, round_id)
    waiting = [t for t in view.towns if t.status == rounds.RETURNED]
    done: list[TownImport] = []
    for n, town in enumerate(waiting):
        cancel.raise_if_cancelled()
        yield Progress(n, len(waiting), f"正在导入 {town.town}…")
        done.append((yield from _import_one(store, view, town, operator, cancel)))
    yield Progress(len(waiting), len(waiting), "已导入")
    return done
