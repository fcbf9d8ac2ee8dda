"""`bureau returns list` and `bureau returns render` (spec/cli.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.commands.context import Context, UsageError, emit_json, parse_day

KIND_TEXT = {"year": "年", "quarter": "季度", "month": "月", "as_of": "截至日期"}
SHEET_TITLE_FORBIDDEN = set("[]:*?/\\")  # Excel refuses these in a sheet's name


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `returns` command group."""
    group = sub.add_parser("returns", help="统计报表")
    commands = group.add_subparsers(dest="returns_command", required=True)
    p = commands.add_parser("list", help="列出可生成的报表")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)
    p = commands.add_parser("render", help="生成报表（PDF 或 Excel）")
    p.add_argument("return_id", metavar="RETURN_ID")
    p.add_argument("--period", required=True, help="2025、2025Q3 或 2025-09")
    p.add_argument("--town")
    p.add_argument("--as-of", dest="as_of")
    p.add_argument("--out", required=True, help="输出文件 .pdf 或 .xlsx")
    p.set_defaults(handler=cmd_render)


def cmd_list(ctx: Context) -> int:
    """Print the catalogue (id, title, period kind)."""
    from desktop.returns.definitions import CATALOGUE

    if ctx.args.json:
        emit_json([{"id": d.id, "title": d.title, "period_kind": d.period_kind} for d in CATALOGUE])
        return 0
    for d in CATALOGUE:
        print(f"{d.id}\t{d.title}\t（{KIND_TEXT[d.period_kind]}）")
    return 0


def _town(ctx: Context, wanted: str | None) -> str | None:
    if not wanted:
        return None
    from db.services.towns import TownMatcher

    store = ctx.open()
    try:
        with store.session() as session:
            found = TownMatcher.from_session(session).match(wanted)
    finally:
        store.close()
    if found is None:
        raise UsageError(f"没有这个镇街：{wanted}")
    return found.name


def cmd_render(ctx: Context) -> int:
    """Compute a return and write it to a PDF or XLSX file."""
    from desktop.returns.compute import PeriodError, compute, parse_period
    from desktop.returns.definitions import get_definition

    definition = get_definition(ctx.args.return_id)
    if definition is None:
        raise UsageError(f"没有这个报表：{ctx.args.return_id}（用 bureau returns list 查看）")
    out = Path(ctx.args.out)
    if out.suffix.lower() not in (".pdf", ".xlsx"):
        raise UsageError(f"输出文件应为 .pdf 或 .xlsx：{out.name}")
    _check_out(out)
    try:
        period = parse_period(ctx.args.period, definition)
    except PeriodError as exc:
        raise UsageError(str(exc)) from exc
    if ctx.args.town and not definition.town_filter:
        raise UsageError(f"“{definition.title}”不按镇街筛选")
    as_of = parse_day(ctx.args.as_of) if ctx.args.as_of else None
    town = _town(ctx, ctx.args.town)
    store = ctx.open()
    try:
        with store.session() as session:
            table = compute(definition, session, period, town, as_of)
    finally:
        store.close()
    if out.suffix.lower() == ".xlsx":
        _check_sheet_title(table.title[:31], town)
    _write(table, out)
    for check in table.checks:
        label = "错误" if check.level == "error" else "警告"
        print(f"{label}：{check.message}", file=sys.stderr)
    print(f"已生成：{out}（{len(table.rows)} 行）")
    return 0


def _check_out(out: Path) -> None:
    """The output path is the clerk's: a folder is refused up front; missing folders are made."""
    if out.is_dir():
        raise UsageError(f"输出路径是一个文件夹，请给出文件名：{out}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法创建输出文件所在的文件夹：{out.parent}（{exc.strerror}）") from exc


def _check_sheet_title(title: str, town: str | None) -> None:
    """The town is data: a name Excel cannot take as a sheet name is refused, naming the town."""
    bad = sorted(SHEET_TITLE_FORBIDDEN & set(title))
    if bad:
        what = f"镇街名称“{town}”" if town and set(town) & set(bad) else f"报表标题“{title}”"
        raise UsageError(
            f"{what}含有 Excel 工作表名称不能使用的字符（{' '.join(bad)}），无法生成 Excel 报表；"
            "可改为生成 PDF（--out 文件名.pdf），或在“设置”中给该镇街改名。"
        )


def _write(table: object, out: Path) -> None:
    from desktop.returns.model import ReturnTable
    from desktop.returns.pdf import render_pdf
    from desktop.returns.xlsx import render_xlsx

    assert isinstance(table, ReturnTable)
    if out.suffix.lower() == ".pdf":
        render_pdf(table, out)
    else:
        render_xlsx(table, out)
