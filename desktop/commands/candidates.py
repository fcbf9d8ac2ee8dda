"""`bureau candidates` (spec/cli.md): the 高企后备库 of a year, and moving an enterprise's stage.

bureau candidates --year 2025 [--town 十九里镇] [--json]
bureau candidates stage USCC --year 2025 --stage 已申报 [--track high_tech|tech_sme]
                  [--date YYYY-MM-DD] [--note 备注]
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from desktop.commands.context import Context, UsageError, emit_json, parse_day, require

if TYPE_CHECKING:
    from db.rules.cultivation import CandidateTest
    from db.services.plans.cultivation import Candidate, CandidateList

TRACKS = ("high_tech", "tech_sme")
STAGES = ("培育中", "已申报", "已认定", "未通过")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `candidates` command and its `stage` sub-command."""
    group = sub.add_parser("candidates", help="高企后备库（培育库）")
    group.add_argument("--year", help="数据年度，如 2025")
    group.add_argument("--town", help="只列一个镇街")
    group.add_argument("--track", choices=TRACKS, default="high_tech", help="培育类别（默认高企）")
    group.add_argument("--json", action="store_true")
    group.set_defaults(handler=cmd_list)
    commands = group.add_subparsers(dest="candidates_command")
    p = commands.add_parser("stage", help="把企业纳入培育库或改变其培育阶段")
    p.add_argument("uscc", metavar="USCC")
    p.add_argument("--year", default=argparse.SUPPRESS, help="数据年度")
    p.add_argument("--stage", required=True, choices=STAGES)
    p.add_argument("--track", choices=TRACKS, default=argparse.SUPPRESS)
    p.add_argument("--date", dest="on", help="日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--note", help="备注")
    p.set_defaults(handler=cmd_stage)


def _year(ctx: Context) -> int:
    from db.rules.years import plan_year_problem

    text = ctx.args.year
    if not text:
        raise UsageError("请用 --year 指定数据年度，如 --year 2025")
    try:
        year = int(str(text).strip())
    except ValueError:
        raise UsageError(f"年度应为4位数字：{text}") from None
    problem = plan_year_problem(year)
    if problem:
        raise UsageError(f"{problem}：{year}")
    return year


def _town(session: Any, wanted: str | None) -> str | None:
    from db.services.towns import TownMatcher

    if not wanted:
        return None
    found = TownMatcher.from_session(session).match(wanted)
    if found is None:
        raise UsageError(f"没有这个镇街：{wanted}")
    return found.name


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _gap(t: CandidateTest) -> float | int | None:
    """万元 to 0.1; people as a whole number."""
    from db.rules.cultivation import STAFF_TEST

    if t.gap is not None and t.test == STAFF_TEST:
        return int(t.gap)
    return _number(t.gap)


def tested_json(t: CandidateTest) -> dict[str, Any]:
    """One test as spec/cli.md shows it: value and threshold in %, gap in 万元 or 人."""
    return {
        "test": t.test if t.required else f"{t.test}（加分项）",
        "passed": t.passed,
        "value": _number(t.value),
        "threshold": _number(t.threshold),
        "gap": _gap(t),
    }


def candidate_json(found: CandidateList, c: Candidate) -> dict[str, Any]:
    """One candidate as spec/cli.md shows it."""
    tests = found.tests(c)
    from db.rules.cultivation import gap_text

    return {
        "uscc": c.uscc,
        "name": c.name,
        "town": c.town,
        "stage": c.stage,
        "tests": [tested_json(t) for t in tests],
        "gap_text": gap_text(tests),
    }


def cmd_list(ctx: Context) -> int:
    """Print the candidates of the year (a table, or the JSON of spec/cli.md)."""
    from db.services.plans.cultivation import candidates

    year = _year(ctx)
    store = ctx.open()
    try:
        with store.session() as session:
            town = _town(session, ctx.args.town)
            found = candidates(session, year, town=town, track=ctx.args.track)
    finally:
        store.close()
    if ctx.args.json:
        emit_json([candidate_json(found, c) for c in found.rows])
        return 0
    _print_table(found)
    return 0


def _cell(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _print_table(found: CandidateList) -> None:
    from db.rules.cultivation import TRACKS, gap_text

    track = TRACKS[found.track]
    print(
        f"{found.year}年高新技术企业后备库（{track}培育阶段）：{len(found.rows)} 家（金额单位：万元）"
    )
    print(
        "企业名称\t所属镇街\t营业收入\t研发费用\t研发占比%(近三年)\t研发人员占比%\t科小\t培育阶段\t未达标项"
    )
    for c in found.rows:
        rd, staff, sme = found.tests(c)
        cells = (
            c.name,
            c.town or "未填镇街",
            _cell(c.revenue),
            _cell(c.rd_expense),
            _cell(rd.value, 2),
            _cell(staff.value, 2),
            "✔" if sme.passed else "",
            c.stage or "",
            gap_text((rd, staff, sme)),
        )
        print("\t".join(cells))


def cmd_stage(ctx: Context) -> int:
    """Put an enterprise into the year's pipeline or move its stage (audited)."""
    from db.rules.text import normalize_text
    from db.services.enterprises import find_by_uscc
    from db.services.errors import InputError, NotFound
    from db.services.plans.cultivation_pipeline import move_enterprise

    year = _year(ctx)
    track = getattr(ctx.args, "track", "high_tech")
    on = parse_day(ctx.args.on) if ctx.args.on else None
    uscc = normalize_text(ctx.args.uscc).replace(" ", "").upper()
    store = ctx.open()
    try:
        require(store, "edit")
        with store.transaction() as session:
            enterprise_id = find_by_uscc(session, uscc)
            if enterprise_id is None:
                raise UsageError(f"名录中没有统一社会信用代码为 {uscc} 的企业")
            try:
                move_enterprise(
                    session,
                    enterprise_id,
                    year,
                    ctx.args.stage,
                    ctx.operator,
                    track=track,
                    on=on,
                    note=ctx.args.note,
                )
            except (InputError, NotFound) as exc:
                raise UsageError(str(exc)) from exc
    finally:
        store.close()
    print(f"已将 {uscc} 的{year}年培育阶段设为：{ctx.args.stage}")
    return 0
