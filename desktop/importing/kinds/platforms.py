"""Innovation platforms (创新平台): key = kind + name; host linked by its code when given."""

from __future__ import annotations

from db.services.imports.kinds import apply_platform, plan_platform
from db.services.platforms import KINDS, canonical_kind
from desktop.importing.kinds.base import KindHook, KindParsed, KindReader


def parse(r: KindReader) -> KindParsed:
    """One platform row (技术创新中心 and other aliases of a kind are accepted)."""
    r.check_required()
    written = r.text("kind")
    kind = canonical_kind(written) if written else None
    if written and kind is None:
        r.problem("kind", "平台类型应为：" + "、".join(KINDS))
    values = {
        "name": r.text("name"),
        "kind": kind,
        "level": r.choice("level"),
        "host_name": r.text("host"),
        "recognized_year": r.year("recognized_year"),
        "department": r.text("department"),
        "town_id": r.town(),
        "note": r.text("note"),
    }
    refs = {"host_uscc": r.uscc("host_uscc")}
    return r.finish((kind, values["name"]), str(values["name"] or ""), values, refs)


HOOK = KindHook("platforms", parse, plan_platform, apply_platform, "name")
