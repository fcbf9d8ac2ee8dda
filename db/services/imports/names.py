"""The same enterprise under another code: a created enterprise whose name another one has (import.md).

Names are compared after NFKC with spaces and brackets removed; a created enterprise whose name
equals that of an enterprise stored under another code, or of another created row of the same
batch, is reported so that the clerk can check it is not one enterprise entered twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enterprise
from db.services.imports.enterprises import EnterpriseIncoming

_IGNORED = re.compile(r"[\s()\[\]{}（）【】〔〕［］「」『』<>《》]+")


def name_key(name: str) -> str:
    """How two enterprise names are compared."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", name))


@dataclass(frozen=True)
class Namesake:
    """A created row and the enterprise (stored or created) that has its name under another code."""

    incoming: EnterpriseIncoming
    other_uscc: str
    other_id: int | None  # None: another row of the same batch
    message: str


def namesakes(session: Session, created: Sequence[EnterpriseIncoming]) -> list[Namesake]:
    """Every created row whose name is another code's name, in the store or in the batch."""
    if not created:
        return []
    wanted = {name_key(str(i.fields.get("name", ""))) for i in created}
    stored: dict[str, tuple[int, str]] = {}
    rows = session.execute(
        select(Enterprise.id, Enterprise.uscc, Enterprise.name).where(
            Enterprise.deleted_at.is_(None)
        )
    )
    for eid, uscc, name in rows:
        key = name_key(name)
        if key in wanted:
            stored.setdefault(key, (eid, uscc))
    first_in_batch: dict[str, EnterpriseIncoming] = {}
    out: list[Namesake] = []
    for incoming in created:
        key = name_key(str(incoming.fields.get("name", "")))
        code = str(incoming.fields["uscc"])
        if key in stored and stored[key][1] != code:
            eid, other = stored[key]
            out.append(
                Namesake(
                    incoming, other, eid, f"同名企业已存在（代码{other}），请核对是否为同一企业"
                )
            )
            continue
        earlier = first_in_batch.setdefault(key, incoming)
        if earlier is not incoming and earlier.fields["uscc"] != code:
            other = str(earlier.fields["uscc"])
            where = (
                f"第{earlier.row}行"
                if earlier.sheet == incoming.sheet
                else f"工作表“{earlier.sheet}”第{earlier.row}行"
            )
            out.append(
                Namesake(
                    incoming,
                    other,
                    None,
                    f"与{where}同名但代码不同（代码{other}），请核对是否为同一企业",
                )
            )
    return out
