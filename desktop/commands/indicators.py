"""`bureau indicators list|add|set` (spec/cli.md): the plans' indicators, targets and actuals."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

from desktop.commands.context import Context, UsageError, emit_json, parse_day, require

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db.services.plans.indicators import IndicatorValue

KINDS = ("count", "amount", "rate", "growth", "cumulative")
CLEAR = ("", "-", "none", "清除")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `indicators` command group."""
    group = sub.add_parser("indicators", help="指标与目标")
    commands = group.add_subparsers(dest="indicators_command", required=True)
    p = commands.add_parser("list", help="某年度各项指标的目标与完成情况")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--town")
    p.add_argument("--as-of", dest="as_of")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)
    p = commands.add_parser("add", help="新增指标")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--name", required=True)
    p.add_argument("--unit", required=True)
    p.add_argument("--source", required=True, help="manual 或计算来源，如 platforms:*:省级+")
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--base-year", dest="base_year", type=int)
    p.add_argument("--base-value", dest="base_value")
    p.add_argument("--department")
    p.set_defaults(handler=cmd_add)
    p = commands.add_parser("set", help="设置年度目标或手工完成值")
    p.add_argument("code", metavar="CODE")
    p.add_argument("--year", type=int, required=True)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--target")
    which.add_argument("--actual")
    p.add_argument("--town")
    p.set_defaults(handler=cmd_set)


def _number(v: float | None, digits: int = 4) -> float | None:
    return None if v is None or not math.isfinite(v) else round(v, digits)


def value_json(v: IndicatorValue) -> dict[str, Any]:
    """The JSON object of one indicator (spec/cli.md `bureau indicators list --json`)."""
    return {
        "code": v.code,
        "name": v.name,
        "unit": v.unit,
        "kind": v.kind,
        "source": v.source,
        "year": v.year,
        "base_year": v.base_year,
        "base_value": _number(v.base_value),
        "target": _number(v.target),
        "actual": _number(v.actual),
        "completion": _number(v.completion, 1),
        "status": v.status,
        "yoy_growth": _number(v.yoy_growth, 1),
        "avg_growth": _number(v.avg_growth, 1),
        "department": v.department,
        "by_town": [
            {"town": t.town, "target": _number(t.target), "actual": _number(t.actual)}
            for t in v.by_town
        ],
    }


def _town(session: Session, wanted: str | None) -> tuple[int, str] | None:
    if not wanted:
        return None
    from db.services.towns import TownMatcher

    found = TownMatcher.from_session(session).match(wanted)
    if found is None:
        raise UsageError(f"没有这个镇街：{wanted}")
    return found.id, found.name


def _shown(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def _print_table(rows: list[IndicatorValue], year: int, town: str | None) -> None:
    where = f"（{town}）" if town else ""
    as_of = rows[0].as_of.isoformat() if rows else f"{year}-12-31"
    print(f"{year}年主要指标完成情况{where}，截至 {as_of}")
    for v in rows:
        rate = "" if v.completion is None else f"，完成率 {_shown(v.completion, 1)}"
        rate += "个百分点" if rate and v.kind in ("rate", "growth") else ("%" if rate else "")
        actual, target = _shown(v.actual), _shown(v.target)
        actual += v.unit if v.actual is not None else ""
        target += v.unit if v.target is not None else ""
        print(f"  {v.name}：完成 {actual}，目标 {target}{rate}，{v.status}")


def cmd_list(ctx: Context) -> int:
    """Every indicator of a year, with target, actual, completion and status."""
    from db.services.plans.indicators import IndicatorError, indicator_table

    as_of = parse_day(ctx.args.as_of) if ctx.args.as_of else None
    store = ctx.open()
    try:
        with store.session() as session:
            town = _town(session, ctx.args.town)
            name = town[1] if town else None
            rows = indicator_table(session, ctx.args.year, as_of=as_of, town=name, trend=False)
    except IndicatorError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
    if ctx.args.json:
        emit_json([value_json(v) for v in rows])
    else:
        _print_table(rows, ctx.args.year, town[1] if town else None)
    return 0


def cmd_add(ctx: Context) -> int:
    """Define a new indicator (the kind defaults to the source's usual kind)."""
    from db.rules.indicators import parse_source
    from db.services.plans.indicators import SOURCES, IndicatorError, add_indicator

    a = ctx.args
    kind = a.kind
    if kind is None:
        try:
            info = SOURCES.get(parse_source(a.source).name)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        kind = info.kind if info is not None else "count"
    values = {"code": a.code, "name": a.name, "unit": a.unit, "source": a.source, "kind": kind}
    values |= {"base_year": a.base_year, "base_value": a.base_value, "department": a.department}
    store = ctx.open()
    try:
        require(store, "targets")
        with store.transaction() as session:
            add_indicator(session, values, ctx.operator)
    except IndicatorError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
    print(f"已新增指标：{a.code} {a.name}")
    return 0


def _value(text: str) -> float | None:
    if text.strip().lower() in CLEAR:
        return None
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise UsageError(f"数值应为数字（清除请写 -）：{text}") from None
    if not math.isfinite(value):
        raise UsageError(f"数值应为数字：{text}")
    return value


def cmd_set(ctx: Context) -> int:
    """Set or clear a year's target (district or town) or a manual actual."""
    from db.services.plans.indicators import IndicatorError, set_actual, set_target

    a = ctx.args
    is_target = a.target is not None
    value = _value(a.target if is_target else a.actual)
    if a.town and not is_target:
        raise UsageError("镇街只设目标：完成值按全区填报，镇街完成值由系统按数据计算")
    store = ctx.open()
    try:
        require(store, "targets")
        with store.transaction() as session:
            town = _town(session, a.town)
            if is_target:
                tid = town[0] if town else None
                set_target(session, a.code, a.year, value, ctx.operator, town_id=tid)
            else:
                set_actual(session, a.code, a.year, value, ctx.operator)
    except IndicatorError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        store.close()
    what = ("目标" if is_target else "完成值") + (f"（{town[1]}）" if town else "")
    shown = "已清除" if value is None else f"= {value:g}"
    print(f"{a.code} {a.year}年{what} {shown}")
    return 0
