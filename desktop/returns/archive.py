"""Submitting (报出) a return: refused while errors stand or a warning lacks an explanation.

The archive keeps the PDF and XLSX bytes exactly as sent, so a reprint is byte-identical whatever
changed in the store since.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy.orm import Session

from db.services.figures import returns_data
from db.services.figures.returns_data import SubmittedFiles, SubmittedSummary
from desktop.returns.model import ReturnTable


class SubmitRefused(ValueError):
    """A return that may not be submitted yet; the message is for the clerk."""


def unexplained(table: ReturnTable, explanations: Mapping[str, str]) -> list[str]:
    """Keys of warnings that have no written explanation."""
    return [w.key for w in table.warnings if not explanations.get(w.key, "").strip()]


def submit(
    session: Session,
    table: ReturnTable,
    pdf_bytes: bytes,
    xlsx_bytes: bytes,
    explanations: Mapping[str, str],
    operator: str,
) -> int:
    """Store a submitted return with its files, data, checks and explanations; returns its id."""
    if table.errors:
        listed = "；".join(e.message for e in table.errors[:3])
        raise SubmitRefused(f"报表有 {len(table.errors)} 个错误，不能报出：{listed}")
    missing = unexplained(table, explanations)
    if missing:
        raise SubmitRefused(f"还有 {len(missing)} 条警告未填写说明，不能报出")
    checks = {
        "errors": [],
        "warnings": [
            {"key": w.key, "message": w.message, "explanation": explanations[w.key].strip()}
            for w in table.warnings
        ],
    }
    values = {
        "return_id": table.return_id,
        "title": table.title,
        "period": table.period_code,
        "town": table.town,
        "as_of": table.as_of,
        "pdf": pdf_bytes,
        "xlsx": xlsx_bytes,
        "data": json.dumps(table.to_json(), ensure_ascii=False),
        "checks": json.dumps(checks, ensure_ascii=False),
    }
    return returns_data.store_submitted(session, values, operator)


def list_submitted(session: Session, return_id: str | None = None) -> list[SubmittedSummary]:
    """The history of submitted returns, newest first."""
    return returns_data.list_submitted(session, return_id)


def get_submitted(session: Session, submitted_id: int) -> SubmittedFiles | None:
    """A submitted return with its PDF and XLSX bytes exactly as stored."""
    return returns_data.get_submitted(session, submitted_id)
