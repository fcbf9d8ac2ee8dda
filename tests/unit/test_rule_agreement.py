"""One rule, one answer: the ladder stage and the counts agree wherever they are computed.

Reproduced disagreements (issue 10): a 上市高企 entered without an issue date had ladder stage 3 in
企业名录 and 0 on 首页; a revoked 科技型中小企业 was left out of the count but kept in the ladder.
Here every place — the pure rule (db/rules/validity.py), the roster's column, filter and sort,
首页's ladder bars and their click-through, the counts — is asked the same question.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db.models import Enterprise, Qualification, QualificationType
from db.rules.identifiers import uscc_check_char
from db.rules.validity import HeldQualification, ladder_stage
from db.services import enterprises
from db.services.enterprises import qualifications
from db.services.enterprises.roster import RosterFilter, RosterQuery
from db.services.figures.counts import count_high_tech, count_tech_sme, double_breakthrough
from db.services.figures.dashboard import dashboard
from db.services.figures.selectors import ids_for
from db.store import Store

OP = "测试员"
AS_OF = date(2025, 6, 30)


def make_uscc(i: int) -> str:
    first17 = f"91341600{i:09d}"
    return first17 + uscc_check_char(first17)


def type_ids(store: Store) -> dict[str, int]:
    with store.session() as s:
        return {t.code: t.id for t in s.scalars(select(QualificationType))}


def roster_stages(store: Store, on: date) -> dict[int, int]:
    """The roster's 梯度 column for every live enterprise."""
    with store.session() as s:
        query = RosterQuery(on)
        ids = query.ids(s, RosterFilter())
        return {r.id: r.ladder_stage for r in query.rows(s, ids)}


def roster_filter_stages(store: Store, on: date) -> dict[int, int]:
    """The roster's ladder filter: which stage lists each enterprise."""
    out: dict[int, int] = {}
    with store.session() as s:
        query = RosterQuery(on)
        for stage in range(5):
            for eid in query.ids(s, RosterFilter(ladder_stage=stage)):
                assert eid not in out, "an enterprise listed under two stages"
                out[eid] = stage
    return out


def dashboard_stages(store: Store, on: date) -> dict[int, int]:
    """首页's ladder bars, each clicked through to its enterprises."""
    out: dict[int, int] = {}
    with store.session() as s:
        for bar in dashboard(s, on).ladder:
            listed = ids_for(s, bar.figure.selector)
            assert len(listed) == bar.figure.value
            for eid in listed:
                assert eid not in out
                out[eid] = bar.stage
    return out


def rule_stages(store: Store, on: date) -> dict[int, int]:
    """The pure rule over every qualification in the store."""
    held: dict[int, list[HeldQualification]] = {}
    with store.session() as s:
        live = [
            e for (e,) in s.execute(select(Enterprise.id).where(Enterprise.deleted_at.is_(None)))
        ]
        rows = s.execute(
            select(
                Qualification.enterprise_id,
                QualificationType.ladder_rank,
                QualificationType.validity_kind,
                Qualification.valid_from,
                Qualification.valid_through,
                Qualification.revoked_on,
            )
            .join(QualificationType, QualificationType.id == Qualification.type_id)
            .where(Qualification.deleted_at.is_(None))
        )
        for eid, rank, kind, start, through, revoked in rows:
            held.setdefault(eid, []).append(HeldQualification(rank, start, through, revoked, kind))
    return {eid: ladder_stage(held.get(eid, []), on) for eid in live}


def assert_all_agree(store: Store, on: date) -> dict[int, int]:
    expected = rule_stages(store, on)
    assert roster_stages(store, on) == expected
    assert roster_filter_stages(store, on) == expected
    assert dashboard_stages(store, on) == expected
    return expected


def test_listed_high_tech_without_issue_date_is_stage_3_everywhere(store: Store) -> None:
    t = type_ids(store)
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "上市公司", "uscc": make_uscc(1)}, OP)
        qualifications.add(s, eid, {"type_id": t["listed_high_tech"]}, OP)
    assert assert_all_agree(store, AS_OF) == {eid: 3}
    with store.session() as s:
        (bar,) = [b for b in dashboard(s, AS_OF).ladder if b.stage == 3]
    assert bar.figure.value == 1


def test_revoked_tech_sme_counts_nowhere_in_its_year(store: Store) -> None:
    t = type_ids(store)
    with store.transaction() as s:
        kept = enterprises.create(s, {"name": "在库公司", "uscc": make_uscc(1)}, OP)
        revoked = enterprises.create(s, {"name": "移出公司", "uscc": make_uscc(2)}, OP)
        for eid in (kept, revoked):
            qualifications.add(s, eid, {"type_id": t["tech_sme"], "evaluation_year": 2025}, OP)
        (q,) = qualifications.for_enterprise(s, revoked)
        qualifications.revoke(s, q.id, date(2025, 9, 1), "移出", OP)
    # Before and after the revocation date: the count never has it, nor has the ladder.
    for on in (AS_OF, date(2025, 10, 1)):
        with store.session() as s:
            assert count_tech_sme(s, 2025) == 1
            assert double_breakthrough(s, on).tech_sme == 1
            held = RosterQuery(on).ids(s, RosterFilter(qualification_code="tech_sme"))
        assert held == [kept]
        assert assert_all_agree(store, on) == {kept: 1, revoked: 0}


def test_revoked_certificate_stops_from_its_date(store: Store) -> None:
    t = type_ids(store)
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "撤销公司", "uscc": make_uscc(1)}, OP)
        number = "GR202334000001"
        qualifications.add(
            s, eid, {"type_id": t["high_tech"], "number": number, "issued_on": date(2023, 3, 1)}, OP
        )
        (q,) = qualifications.for_enterprise(s, eid)
        qualifications.revoke(s, q.id, date(2025, 7, 1), "取消资格", OP)
    assert assert_all_agree(store, date(2025, 6, 30)) == {eid: 2}
    assert assert_all_agree(store, date(2025, 7, 1)) == {eid: 0}
    with store.session() as s:
        assert count_high_tech(s, date(2025, 6, 30)) == 1
        assert count_high_tech(s, date(2025, 7, 1)) == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_rosters_agree_on_every_date(store: Store, seed: int) -> None:
    """Random qualifications of every type (some revoked, some without dates): all places agree."""
    rng = random.Random(seed)
    t = type_ids(store)
    with store.transaction() as s:
        for i in range(40):
            eid = enterprises.create(s, {"name": f"企业{i}", "uscc": make_uscc(i + 1)}, OP)
            for _ in range(rng.randrange(4)):
                code = rng.choice(sorted(t))
                issued = date(2019, 1, 1) + timedelta(days=rng.randrange(2400))
                values: dict[str, object] = {"type_id": t[code]}
                if code == "high_tech":
                    values |= {"number": f"GR{issued.year}34{rng.randrange(10**6):06d}"}
                    values["issued_on"] = issued
                elif code == "tech_sme":
                    values["evaluation_year"] = rng.randrange(2021, 2027)
                elif rng.random() < 0.8 or code != "listed_high_tech":
                    values["issued_on"] = issued
                try:
                    qid = qualifications.add(s, eid, values, OP)
                except Exception:  # a duplicate draw (same type and year/number) is refused
                    continue
                if rng.random() < 0.2:
                    (q,) = [q for q in qualifications.for_enterprise(s, eid) if q.id == qid]
                    start = q.valid_from or date(2019, 1, 1)
                    qualifications.revoke(
                        s, qid, start + timedelta(days=rng.randrange(400)), "", OP
                    )
    for on in (date(2023, 12, 31), date(2025, 6, 30), date(2025, 12, 31), date(2026, 3, 1)):
        stages = assert_all_agree(store, on)
        with store.session() as s:
            bars = {b.stage: b.figure.value for b in dashboard(s, on).ladder}
        assert bars == {stage: Counter(stages.values()).get(stage, 0) for stage in range(5)}
