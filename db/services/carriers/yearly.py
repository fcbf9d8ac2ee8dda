"""Yearly operation data of a carrier (千元 converted to 万元 explicitly)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    CarrierYear,
    Incubatee,
)
from db.rules.text import normalize_text
from db.rules.years import FIRST_PLAN_YEAR
from db.services import audit
from db.services.carriers.common import (
    CARRIER,
    GRADES,
    YEAR_FIELDS,
    float_or_none,
    int_or_none,
    live_carrier,
    reject_unknown,
    thousand_yuan_to_wan,
)
from db.services.carriers.incubatees import count_entered_in, count_graduates, count_incubating
from db.services.errors import InputError
from db.services.versions import NOT_STORED, claim

# ------------------------------------------------------------------ yearly operation data


@dataclass(frozen=True)
class CarrierYearView:
    """A carrier's year: what it reported beside what the incubatee records give."""

    carrier_id: int
    year: int
    incubatees_computed: int
    graduates_computed: int
    new_computed: int
    incubatees_reported: int | None = None
    graduates_reported: int | None = None
    new_enterprises: int | None = None
    jobs: int | None = None
    financing: float | None = None  # 万元
    events: int | None = None
    grade: str | None = None  # A/B/C/D
    version: int = NOT_STORED  # the stored row's (db/services/versions.py); none yet: NOT_STORED

    @property
    def grade_name(self) -> str | None:
        """优秀/良好/合格/不合格 for A/B/C/D."""
        return GRADES.get(self.grade or "")

    @property
    def differences(self) -> tuple[str, ...]:
        """Reported figures that disagree with the records."""
        pairs = (
            ("在孵企业数", self.incubatees_reported, self.incubatees_computed),
            ("毕业企业数", self.graduates_reported, self.graduates_computed),
            ("新增在孵数", self.new_enterprises, self.new_computed),
        )
        return tuple(
            f"{label}：填报{rep}，记录{comp}"
            for label, rep, comp in pairs
            if rep not in (None, comp)
        )


def year_end(year: int, today: date | None = None) -> date:
    """The date a year's incubating count is taken: 31 Dec, or today for the current year."""
    today = today or date.today()
    return min(date(year, 12, 31), today) if year >= today.year else date(year, 12, 31)


def grade_code(value: object) -> str | None:
    """A/B/C/D from a letter or 优秀/良好/合格/不合格; raises InputError otherwise."""
    text = normalize_text(value).upper() if value is not None else ""
    if not text:
        return None
    if text in GRADES:
        return text
    for code, name in GRADES.items():
        if text == name:
            return code
    raise InputError("评价结果应为 优秀(A)/良好(B)/合格(C)/不合格(D)", "grade")


def clean_year(values: Mapping[str, Any], financing_unit: str = "万元") -> dict[str, Any]:
    """Validate a year's figures; financing given in 千元 (Torch) is converted to 万元."""
    reject_unknown(values, YEAR_FIELDS)
    labels = {
        "incubatees_reported": "在孵企业数",
        "graduates_reported": "毕业企业数",
        "new_enterprises": "新增在孵数",
        "jobs": "吸纳就业人数",
        "events": "服务活动场次",
    }
    out: dict[str, Any] = {}
    for key, label in labels.items():
        if key in values:
            out[key] = int_or_none(values[key], label, key)
    if "financing" in values:
        amount = float_or_none(values["financing"], "融资额", "financing")
        if amount is not None and financing_unit == "千元":
            amount = thousand_yuan_to_wan(amount)
        elif amount is not None and financing_unit != "万元":
            raise InputError(f"未知的金额单位：{financing_unit}", "financing")
        out["financing"] = amount
    if "grade" in values:
        out["grade"] = grade_code(values["grade"])
    return out


def set_carrier_year(
    session: Session,
    carrier_id: int,
    year: int,
    values: Mapping[str, Any],
    operator: str,
    financing_unit: str = "万元",
    expected_version: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Create or update a carrier's operation data of one year; returns what changed (audited).

    Refused (StaleEdit) when another desk changed (or entered) that year since `expected_version`.
    """
    live_carrier(session, carrier_id)
    if not FIRST_PLAN_YEAR <= year <= date.today().year:
        raise InputError(f"年度应在{FIRST_PLAN_YEAR}到{date.today().year}之间", "year")
    data = clean_year(values, financing_unit)
    row = session.scalar(
        select(CarrierYear).where(CarrierYear.carrier_id == carrier_id, CarrierYear.year == year)
    )
    row_id = None if row is None else row.id
    claim(session, CarrierYear, row_id, expected_version, (CARRIER, carrier_id))
    if row is None:
        row = CarrierYear(carrier_id=carrier_id, year=year)
        session.add(row)
    return audit.apply_year(session, row, year, data, (CARRIER, carrier_id), operator)


def carrier_year(session: Session, carrier_id: int, year: int) -> CarrierYearView:
    """One year of a carrier: reported figures (if any) beside the computed ones."""
    row = session.scalar(
        select(CarrierYear).where(CarrierYear.carrier_id == carrier_id, CarrierYear.year == year)
    )
    reported = {k: getattr(row, k) for k in (*YEAR_FIELDS, "version")} if row is not None else {}
    return CarrierYearView(
        carrier_id=carrier_id,
        year=year,
        incubatees_computed=count_incubating(session, year_end(year), carrier_id),
        graduates_computed=count_graduates(session, year, carrier_id),
        new_computed=count_entered_in(session, carrier_id, year),
        **reported,
    )


def carrier_years(
    session: Session, carrier_id: int, today: date | None = None
) -> list[CarrierYearView]:
    """Years with reported data plus the last five years, newest first."""
    today = today or date.today()
    reported = session.scalars(
        select(CarrierYear.year).where(CarrierYear.carrier_id == carrier_id)
    ).all()
    first = session.scalar(
        select(func.min(Incubatee.entered_on)).where(
            Incubatee.carrier_id == carrier_id, Incubatee.deleted_at.is_(None)
        )
    )
    start = max(first.year if first else today.year, today.year - 4)
    years = set(reported) | set(range(start, today.year + 1))
    return [carrier_year(session, carrier_id, y) for y in sorted(years, reverse=True)]
