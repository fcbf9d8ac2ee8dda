"""The first run of a new store (首次设置向导): whether the bureau is still to be set up, and the
wizard's answers written in one go.

A store needs setting up while it names no bureau, holds no town and no enterprise (a deleted one
counts), and nobody finished or skipped the wizard on it. Finishing and skipping are remembered in
the store as an audit row of entity `first_run` (action "complete" or "skip"), so every desk on a
shared store knows, and no column or migration is needed for it.

`apply_setup` writes through the services (settings, towns, the seeded indicators, the two count
targets) and audits each change; the caller runs it in one transaction, so a refusal writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEntry, Enterprise, Town
from db.rules.text import normalize_text
from db.rules.years import plan_year_problem
from db.services import audit, settings, towns
from db.services.plans.indicators_seeds import seed_indicators
from db.services.settings import Settings, SettingsError

ENTITY = "first_run"
SKIPPED = "skip"
COMPLETED = "complete"
SIGNATORIES = ("head_of_unit", "head_of_statistics", "preparer", "contact_phone")
# How towns may be written one after another: one a line, or separated as in a sentence or a row.
_TOWN_SEPARATORS = re.compile(r"[\n\r\t、，,;；]+")


@dataclass(frozen=True)
class Setup:
    """What the wizard asks: the bureau, its towns, who signs the returns, this year's targets."""

    bureau_name: str
    year: int
    towns: Sequence[str] = ()
    signatories: dict[str, str] = field(default_factory=dict)  # SIGNATORIES → text
    high_tech_target: int | None = None
    tech_sme_target: int | None = None


def needs_setup(session: Session) -> bool:
    """Whether the store has no bureau yet and nobody finished or skipped the wizard on it."""
    if settings.get_settings(session).bureau_name.strip():
        return False
    if session.scalar(select(Town.id).limit(1)) is not None:
        return False
    if session.scalar(select(Enterprise.id).limit(1)) is not None:
        return False
    return session.scalar(select(AuditEntry.id).where(AuditEntry.entity == ENTITY).limit(1)) is None


def skip_setup(session: Session, operator: str) -> None:
    """跳过: the wizard is not offered again on this store (re-openable from 帮助)."""
    audit.record(session, operator, SKIPPED, ENTITY, 0)


def split_town_names(text: str) -> list[str]:
    """Town names typed or pasted: one a line or separated by 、，,;; or tabs; spaces inside a name
    removed, blanks and repeats (as towns are compared) left out, the first spelling kept."""
    names: list[str] = []
    seen: set[str] = set()
    for part in _TOWN_SEPARATORS.split(text):
        name = towns.town_key(part)
        if name and name not in seen:
            seen.add(name)
            names.append(name)
    return names


def town_problems(names: Iterable[str]) -> list[str]:
    """Why some of the names cannot be stored as towns (empty when all can)."""
    problems = []
    for name in names:
        problem = towns.town_name_problem(normalize_text(name))
        if problem:
            problems.append(problem)
    return problems


def validate_setup(setup: Setup) -> None:
    """Refuse the answers before anything is written (SettingsError names what is wrong)."""
    if not setup.bureau_name.strip():
        raise SettingsError("请填写单位名称")
    unknown = set(setup.signatories) - set(SIGNATORIES)
    if unknown:
        raise SettingsError(f"未知设置项：{', '.join(sorted(unknown))}")
    settings.validate(_setting_changes(setup))
    problems = town_problems(setup.towns)
    if problems:
        raise SettingsError(problems[0])
    problem = plan_year_problem(setup.year)
    if problem:
        raise SettingsError(problem)
    for target in (setup.high_tech_target, setup.tech_sme_target):
        if target is not None and not 0 <= target <= 1_000_000:
            raise SettingsError("目标应为不小于0的整数")


def _setting_changes(setup: Setup) -> dict[str, str]:
    changes = {"bureau_name": normalize_text(setup.bureau_name)}
    changes |= {name: normalize_text(value) for name, value in setup.signatories.items()}
    return changes


def apply_setup(session: Session, setup: Setup, operator: str) -> Settings:
    """完成: the bureau's name and signatories, its towns, the seeded indicators and this year's
    高企 / 科小 targets, each audited; then the wizard is marked done on this store."""
    validate_setup(setup)
    saved = settings.update_settings(session, _setting_changes(setup), operator)
    towns.add_towns(session, setup.towns, operator)
    seed_indicators(session, operator)
    settings.set_count_target(session, "high_tech", setup.year, setup.high_tech_target, operator)
    settings.set_count_target(session, "tech_sme", setup.year, setup.tech_sme_target, operator)
    audit.record(session, operator, COMPLETED, ENTITY, 0)
    return saved
