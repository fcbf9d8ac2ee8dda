"""Submitting (报出) a return: refused while errors stand, a warning lacks an explanation, or the
return is empty; a correction (更正) is a new version of a submitted one.

The archive keeps the PDF and XLSX bytes exactly as sent (报出日期 filled), so a reprint is
byte-identical whatever changed in the store since.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from db.services.figures import returns_data
from db.services.figures.returns_data import SubmittedFiles, SubmittedSummary
from desktop.returns.model import ReturnTable
from desktop.returns.pdf import pdf_bytes
from desktop.returns.xlsx import xlsx_bytes


class SubmitRefused(ValueError):
    """A return that may not be submitted yet; the message is for the clerk."""


def unexplained(table: ReturnTable, explanations: Mapping[str, str]) -> list[str]:
    """Keys of warnings that have no written explanation."""
    return [w.key for w in table.warnings if not explanations.get(w.key, "").strip()]


def is_empty(table: ReturnTable) -> bool:
    """A return without a data row (nothing to submit)."""
    return not table.rows


def dated(table: ReturnTable, day: date) -> ReturnTable:
    """The table as submitted on `day`: the footer's 报出日期 filled."""
    return dataclasses.replace(table, submitted_on=day)


def submit(
    session: Session,
    table: ReturnTable,
    explanations: Mapping[str, str],
    operator: str,
    *,
    on: date | None = None,
    corrects_id: int | None = None,
    reason: str | None = None,
) -> int:
    """Store a submitted return with its files, data, checks and explanations; returns its id.

    The PDF and XLSX are rendered here with 报出日期 = `on` (today), so the stored files carry the
    date of submission. `corrects_id` makes it a correction (更正) of that submitted version, with
    `reason`; both versions stay in the history.
    """
    if is_empty(table):
        raise SubmitRefused("报表没有数据，不能报出")
    if table.errors:
        listed = "；".join(e.message for e in table.errors[:3])
        raise SubmitRefused(f"报表有 {len(table.errors)} 个错误，不能报出：{listed}")
    missing = unexplained(table, explanations)
    if missing:
        raise SubmitRefused(f"还有 {len(missing)} 条警告未填写说明，不能报出")
    if corrects_id is not None and not (reason or "").strip():
        raise SubmitRefused("更正须填写更正原因")
    sent = dated(table, on or date.today())
    checks = {
        "errors": [],
        "warnings": [
            {"key": w.key, "message": w.message, "explanation": explanations[w.key].strip()}
            for w in sent.warnings
        ],
    }
    values = {
        "return_id": sent.return_id,
        "title": sent.title,
        "period": sent.period_code,
        "town": sent.town,
        "as_of": sent.as_of,
        "pdf": pdf_bytes(sent),
        "xlsx": xlsx_bytes(sent),
        "data": json.dumps(sent.to_json(), ensure_ascii=False),
        "checks": json.dumps(checks, ensure_ascii=False),
    }
    try:
        return returns_data.store_submitted(session, values, operator, corrects_id, reason)
    except returns_data.CorrectionRefused as exc:
        raise SubmitRefused(str(exc)) from exc


def latest_version_ids(session: Session) -> set[int]:
    """Submitted returns that no later version corrects (those a 更正 may start from)."""
    return returns_data.latest_version_ids(session)


def list_submitted(session: Session, return_id: str | None = None) -> list[SubmittedSummary]:
    """The history of submitted returns, newest first."""
    return returns_data.list_submitted(session, return_id)


def get_submitted(session: Session, submitted_id: int) -> SubmittedFiles | None:
    """A submitted return with its PDF and XLSX bytes exactly as stored."""
    return returns_data.get_submitted(session, submitted_id)
