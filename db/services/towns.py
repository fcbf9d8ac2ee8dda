"""Towns (乡镇/街道) of the district: list, add, rename, aliases, order, removal and matching of
written names.

A town is removed only while nothing refers to it (`town_uses`: every table with a foreign key to
it, soft-deleted rows included since they still hold the key, and the submitted returns that name
it); the order is the towns' `sort_order`, which every list of towns follows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from db.models import Base, SubmittedReturn, Town, TownAlias
from db.rules.text import normalize_text, too_long
from db.services import audit
from db.services.lengths import label_of, limit_of, table_of
from db.services.versions import claim

# Characters that separate aliases where several are written in one field (the 设置 screen):
# a name holding one could not be told from two names, so names and aliases may not contain them.
ALIAS_SEPARATORS = frozenset(",，、;；")


# How the clerk knows the records that may refer to a town: (what, counting word). A table with a
# town reference that is not named here is still counted, under its table name
# (tests/unit/test_town_order.py keeps this complete).
USE_LABELS: dict[str, tuple[str, str]] = {
    "enterprises": ("企业", "家"),
    "demands": ("科技需求", "条"),
    "dispatches": ("特派员派驻", "条"),
    "carriers": ("孵化载体", "个"),
    "platforms": ("创新平台", "个"),
    "tech_contracts": ("技术合同", "份"),
    "tech_results": ("科技成果", "项"),
    "indicator_town_targets": ("指标的镇街目标", "项"),
    "collection_round_towns": ("报送轮次", "轮"),
    "submitted_returns": ("已报出的报表", "份"),
}


class TownError(ValueError):
    """A town change that cannot be made; the message is for the clerk."""


@dataclass(frozen=True)
class TownView:
    id: int
    name: str
    aliases: tuple[str, ...]
    sort_order: int
    version: int = 1  # what a rename names (db/services/versions.py)


def list_towns(session: Session) -> list[TownView]:
    """All towns in their display order."""
    towns = session.scalars(select(Town).order_by(Town.sort_order, Town.id)).all()
    return [
        TownView(t.id, t.name, tuple(a.alias for a in t.aliases), t.sort_order, t.version)
        for t in towns
    ]


def add_towns(session: Session, names: Iterable[str], operator: str) -> list[str]:
    """Add towns; an existing name is left as it is. Returns the names actually added."""
    existing = {town_key(t.name) for t in session.scalars(select(Town))}
    order = session.scalar(select(func.coalesce(func.max(Town.sort_order), 0))) or 0
    added: list[str] = []
    for raw in names:
        name = _valid_name(raw)
        if name in existing:
            continue
        order += 1
        town = Town(name=name, sort_order=order)
        session.add(town)
        session.flush()
        audit.record(session, operator, "create", "town", town.id, {"name": (None, name)})
        existing.add(name)
        added.append(name)
    return added


def rename_town(
    session: Session,
    town_id: int,
    new_name: str,
    operator: str,
    expected_version: int | None = None,
) -> None:
    """Rename a town; the old name becomes an alias so old spreadsheets still match.

    A rename based on `expected_version` is refused (StaleEdit) when another desk changed it."""
    claim(session, Town, town_id, expected_version, ("town", town_id))
    town = session.get(Town, town_id)
    if town is None:
        raise TownError("镇街不存在")
    name = _valid_name(new_name)
    if name == town.name:
        return
    others = session.scalars(select(Town.name).where(Town.id != town.id))
    if any(town_key(other) == name for other in others):
        raise TownError(f"已有名为“{name}”的镇街")
    old = town.name
    town.name = name
    session.execute(delete(TownAlias).where(TownAlias.alias == name))
    if session.scalar(select(TownAlias.id).where(TownAlias.alias == old)) is None:
        town.aliases.append(TownAlias(alias=old))
    audit.record(session, operator, "update", "town", town.id, {"name": (old, name)})


def set_aliases(
    session: Session,
    town_id: int,
    aliases: Iterable[str],
    operator: str,
    expected_version: int | None = None,
) -> None:
    """Replace a town's aliases; an alias may not be another town's name or alias.

    The aliases are part of the town's record: a change bumps its version, and a save based on
    `expected_version` is refused (StaleEdit) when another desk changed the town meanwhile."""
    claim(session, Town, town_id, expected_version, ("town", town_id))
    town = session.get(Town, town_id)
    if town is None:
        raise TownError("镇街不存在")
    old = [a.alias for a in town.aliases]
    written = {normalize_text(a) for a in aliases if normalize_text(a)}
    # An alias the town already has is kept as it is (a renamed town's old name may predate the rule).
    wanted = sorted({a if a in old else _valid_name(a, TownAlias) for a in written} - {town.name})
    for alias in wanted:
        other_town = session.scalar(select(Town.id).where(Town.name == alias))
        other_alias = session.scalar(select(TownAlias.town_id).where(TownAlias.alias == alias))
        if other_town is not None or (other_alias is not None and other_alias != town.id):
            raise TownError(f"别名“{alias}”已被其他镇街使用")
    if old == wanted:
        return
    town.aliases.clear()
    session.flush()
    town.aliases.extend(TownAlias(alias=a) for a in wanted)
    town.version += 1  # the alias rows are the town's: another desk's editor of it is now stale
    audit.record(session, operator, "update", "town", town.id, {"aliases": (old, wanted)})


@dataclass(frozen=True)
class TownUse:
    """Records of one kind that refer to a town (`deleted` of them are in the recycle bin)."""

    table: str
    count: int
    deleted: int = 0

    @property
    def text(self) -> str:
        """企业 3 家（其中回收站中 1 家）."""
        what, unit = USE_LABELS.get(self.table, (self.table, "条"))
        text = f"{what} {self.count} {unit}"
        return text + f"（其中回收站中 {self.deleted} {unit}）" if self.deleted else text


def referring_columns() -> list[tuple[Table, str]]:
    """(table, column) of every foreign key to towns.id but the town's own aliases."""
    found: list[tuple[Table, str]] = []
    for table in Base.metadata.sorted_tables:
        if table.name == TownAlias.__tablename__:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == Town.__tablename__:
                found.append((table, fk.parent.name))
    return found


def town_uses(session: Session, town_id: int) -> list[TownUse]:
    """What refers to a town (empty: it may be removed)."""
    uses: list[TownUse] = []
    for table, column in referring_columns():
        where = table.c[column] == town_id
        count = session.scalar(select(func.count()).select_from(table).where(where)) or 0
        if not count:
            continue
        deleted = 0
        if "deleted_at" in table.c:
            gone = table.c.deleted_at.is_not(None)
            in_bin = select(func.count()).select_from(table).where(where, gone)
            deleted = session.scalar(in_bin) or 0
        uses.append(TownUse(table.name, int(count), int(deleted)))
    town = session.get(Town, town_id)
    if town is not None:
        names = {town.name, *(a.alias for a in town.aliases)}
        named = select(func.count()).where(SubmittedReturn.town.in_(names))
        returns = session.scalar(named.select_from(SubmittedReturn)) or 0
        if returns:
            uses.append(TownUse(SubmittedReturn.__tablename__, int(returns)))
    return uses


def remove_town(
    session: Session, town_id: int, operator: str, expected_version: int | None = None
) -> str:
    """Remove a town nothing refers to (its aliases go with it); returns its name.

    Refused with TownError naming what still uses it; refused (StaleEdit) when based on
    `expected_version` and another desk changed the town meanwhile."""
    claim(session, Town, town_id, expected_version, ("town", town_id))
    town = session.get(Town, town_id)
    if town is None:
        raise TownError("镇街不存在")
    uses = town_uses(session, town_id)
    if uses:
        listed = "、".join(u.text for u in uses)
        raise TownError(f"“{town.name}”仍被使用（{listed}），不能删除。请先把这些记录改到其他镇街")
    name, aliases = town.name, [a.alias for a in town.aliases]
    session.delete(town)
    session.flush()
    changes: dict[str, tuple[object, object]] = {"name": (name, None)}
    if aliases:
        changes["aliases"] = (aliases, None)
    audit.record(session, operator, "delete", "town", town_id, changes)
    return name


def reorder_towns(
    session: Session,
    town_ids: Sequence[int],
    operator: str,
    expected_versions: Mapping[int, int] | None = None,
) -> None:
    """Put the towns in this order (every town, each once); each moved town is audited.

    With `expected_versions` (town id → the version shown) the order is refused (StaleEdit) when
    another desk changed one of them meanwhile, and (TownError) when towns were added or removed.
    """
    for town_id in town_ids:
        expected = None if expected_versions is None else expected_versions.get(town_id)
        claim(session, Town, town_id, expected, ("town", town_id))
    stored = {t.id: t for t in session.scalars(select(Town))}
    if len(set(town_ids)) != len(town_ids) or set(town_ids) != set(stored):
        raise TownError("镇街已被其他人增删，请刷新后重新排序")
    for order, town_id in enumerate(town_ids, start=1):
        town = stored[town_id]
        if town.sort_order != order:
            old, town.sort_order = town.sort_order, order
            audit.record(session, operator, "update", "town", town_id, {"sort_order": (old, order)})


def move_town(
    session: Session,
    town_id: int,
    step: int,
    operator: str,
    expected_versions: Mapping[int, int] | None = None,
) -> None:
    """Move a town `step` places up (negative) or down in the display order (clamped)."""
    ids = [t.id for t in list_towns(session)]
    if town_id not in ids:
        raise TownError("镇街不存在")
    at = ids.index(town_id)
    to = min(max(at + step, 0), len(ids) - 1)
    ids.insert(to, ids.pop(at))
    reorder_towns(session, ids, operator, expected_versions)


def town_key(text: str) -> str:
    """How a written town name is compared: normalised, every space removed (古井 镇 = 古井镇)."""
    return normalize_text(text).replace(" ", "")


def town_name_problem(name: str, label: str = "镇街名称", limit: int = 64) -> str | None:
    """Why a normalised town name or alias cannot be stored, or None.

    Empty, longer than its column, or holding a space or an alias separator (, ， 、 ; ；): such a
    name could never be matched as written in a spreadsheet (TownMatcher compares without spaces)
    nor told apart from several aliases.
    """
    if not name:
        return f"{label}不能为空"
    long = too_long(label, name, limit)
    if long:
        return long
    if " " in name:
        return f"{label}“{name}”不能含有空格，请去掉空格后再保存"
    separators = "".join(sorted(set(name) & ALIAS_SEPARATORS))
    if separators:
        return f"{label}“{name}”不能含有“{separators}”（这些符号用来分隔多个别名），请只写一个名称"
    return None


def _valid_name(raw: str, model: type[Town] | type[TownAlias] = Town) -> str:
    column = "name" if model is Town else "alias"
    table = table_of(model)
    name = normalize_text(raw)
    problem = town_name_problem(name, label_of(table, column), limit_of(table, column) or 64)
    if problem:
        raise TownError(problem)
    return name


class TownMatcher:
    """Matches a town as written in a spreadsheet: exact, then alias, then unique prefix."""

    def __init__(self, towns: Iterable[TownView]) -> None:
        self._towns = list(towns)
        self._by_name = {town_key(t.name): t for t in self._towns}
        self._by_alias = {town_key(a): t for t in self._towns for a in t.aliases}

    @classmethod
    def from_session(cls, session: Session) -> TownMatcher:
        """A matcher over the store's towns."""
        return cls(list_towns(session))

    @property
    def towns(self) -> list[TownView]:
        """The towns matched against, in display order."""
        return list(self._towns)

    def match(self, written: str) -> TownView | None:
        """The town meant by `written`, or None when none or several match (spaces ignored)."""
        name = town_key(written)
        if not name:
            return None
        found = self._by_name.get(name) or self._by_alias.get(name)
        if found:
            return found
        prefixed = [t for t in self._towns if town_key(t.name).startswith(name)]
        prefixed += [
            t
            for t in self._towns
            if any(town_key(a).startswith(name) for a in t.aliases) and t not in prefixed
        ]
        return prefixed[0] if len(prefixed) == 1 else None

    def find_in(self, text: str) -> TownView | None:
        """The one town whose name or alias (two characters or more) occurs in a title's text.

        `十九里镇2025年科技型企业统计表` and `填报单位：十九里镇人民政府` name 十九里镇; a text that names
        several towns (a district total) or none gives None.
        """
        written = town_key(text)
        if not written:
            return None
        found = {
            t.id: t
            for t in self._towns
            for name in (t.name, *t.aliases)
            if len(town_key(name)) >= 2 and town_key(name) in written
        }
        return next(iter(found.values())) if len(found) == 1 else None
