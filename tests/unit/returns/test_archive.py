"""Submitting a return: refused with errors or unexplained warnings; reprints are byte-identical."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from db.models import AuditEntry
from db.services import settings
from db.store import Store
from desktop.returns import archive
from desktop.returns.compute import compute
from desktop.returns.definitions import BY_ID
from desktop.returns.model import CheckResult, Period
from desktop.returns.pdf import pdf_bytes
from tests.unit.returns import builders
from tests.unit.returns.texts import pdf_text, xlsx_text

AS_OF = date(2025, 12, 31)


def test_submitted_return_is_reprinted_byte_identical_after_changes(store: Store) -> None:
    with store.transaction() as session:
        known = builders.small_store(session)
    with store.session() as session:
        table = compute(BY_ID["double-breakthrough"], session, Period(2025), as_of=AS_OF)
    with store.transaction() as session:
        with pytest.raises(archive.SubmitRefused, match="警告未填写说明"):
            archive.submit(session, table, {}, "测试员")
        submitted = archive.submit(
            session, table, {"no-town": "该企业已迁出，待核实"}, "测试员", on=date(2026, 1, 5)
        )
    with store.session() as session:
        first = archive.get_submitted(session, submitted)
    assert first is not None
    pdf, xlsx = first.pdf, first.xlsx
    assert "报出日期：2026年1月5日" in pdf_text(pdf)
    assert "报出日期：2026年1月5日" in xlsx_text(xlsx)
    assert "报出日期：2026年1月5日" not in pdf_text(pdf_bytes(table))
    with store.transaction() as session:
        settings.update_settings(session, {"bureau_name": "别的名字"}, "测试员")
        builders.many_high_tech(session, known, 5)
    with store.session() as session:
        again = compute(BY_ID["double-breakthrough"], session, Period(2025), as_of=AS_OF)
        stored = archive.get_submitted(session, submitted)
        history = archive.list_submitted(session)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "submit")).all()
    assert pdf_text(pdf_bytes(again)) != pdf_text(pdf)
    assert stored is not None
    assert stored.pdf == pdf and stored.xlsx == xlsx
    assert stored.summary.period == "2025"
    assert stored.summary.operator == (store.login or "测试员")  # the server's login (0009)
    assert json.loads(stored.checks)["warnings"][0]["explanation"] == "该企业已迁出，待核实"
    assert json.loads(stored.data)["total"][0] == "合计"
    assert [h.id for h in history] == [submitted]
    assert audit and audit[0].entity_id == submitted


def test_submit_refuses_a_return_with_errors(store: Store) -> None:
    with store.transaction() as session:
        builders.small_store(session)
    with store.session() as session:
        table = compute(BY_ID["tech-sme-roster"], session, Period(2025))
    table.checks.append(CheckResult("error", "sum:x", "各镇街合计与全区不一致"))
    with store.transaction() as session, pytest.raises(archive.SubmitRefused, match="错误"):
        archive.submit(session, table, {}, "测试员")
    with store.session() as session:
        assert archive.list_submitted(session) == []
