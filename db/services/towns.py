"""Towns (乡镇/街道) of the district: list, add, rename, aliases and matching of written names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from db.models import Town, TownAlias
from db.rules.text import normalize_text, too_long
from db.services import audit
from db.services.lengths import label_of, limit_of, table_of
from db.services.versions import claim

# Characters that separate aliases where several are written in one field (the 设置 screen):
# a name holding one could not be told from two names, so names and aliases may not contain them.
ALIAS_SEPARATORS = frozenset(",，、;；")


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
