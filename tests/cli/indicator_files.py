"""The town files of tests/cli/test_indicators_from_files.py, written from indicator_rows.py.

Shaped like what towns and registries send: title rows, 填报单位 lines, 合计 / 填表人 footers,
amounts in 元 or 万元, aliases, a full-width code; certificates in flat columns or a 资质 sheet.
十九里镇 and 牛集镇 come in one export-shaped workbook (企业 / 资质 / 年度数据, with a 所属镇街 column);
五马镇 sends a 科技型企业统计表 per year (no town column: the town comes from the file, its figures
belong to the year imported); 牛集镇 adds its 2024 figures in a `figures` file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.cli.indicator_rows import (
    CARRIERS,
    COMMISSIONERS,
    CONTRACTS_2024,
    CONTRACTS_2025,
    ENTS,
    EXPORT_TOWNS,
    INCUBATEES,
    NIUJI,
    PLATFORMS,
    RESULTS,
    SERVICES,
    TRANSFERS,
    WUMA,
    YEARS,
    Figures,
    wuma_shown_cert,
)
from tests.fixtures.samples.kinds.make_samples import full_width

# ---------------------------------------------------------------- writing the files


def _yes(flag: bool | None) -> str | None:
    return None if flag is None else ("是" if flag else "否")


def _book(sheet_title: str = "Sheet1") -> tuple[Workbook, Worksheet]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title
    return book, sheet


def _titled(sheet: Worksheet, title: str, header: Sequence[str], second: str | None) -> None:
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    if second:
        sheet.append([second])
    sheet.append(list(header))


def _footer(sheet: Worksheet, count: int) -> None:
    sheet.append(["合计", f"共{count}条"])
    sheet.append(["填表人：赵六　　审核人：钱七　　制表日期：2026年1月5日"])


def _text_codes(sheet: Worksheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.number_format = "@"


def _fig_cells(f: Figures | None) -> list[object]:
    if f is None:
        return [None] * 6
    return [
        f.revenue,
        f.rd,
        f.staff,
        f.rd_staff,
        _yes(f.activity),
        _yes(f.institution),
    ]


ENTERPRISE_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "注册地址",
    "成立日期",
    "行业类别",
    "法定代表人",
    "联系人",
    "联系电话",
    "是否规上工业企业",
    "营业收入(万元)",
    "研发费用(万元)",
    "从业人员数",
    "研发人员数",
    "是否有研发活动",
    "是否有研发机构",
    "高新技术企业证书编号",
    "高企发证日期",
    "科技型中小企业入库编号",
    "入库年度",
    "备注",
]
FIGURE_HEADER = [
    "统一社会信用代码",
    "年度",
    "营业收入(万元)",
    "研发费用(万元)",
    "从业人员数",
    "研发人员数",
    "是否有研发活动",
    "是否有研发机构",
]


def _district_workbook(path: Path) -> None:
    """十九里镇 and 牛集镇 as `bureau export enterprises` writes them: 企业 (latest certificate and
    the 2025 figures), 资质 (every certificate and 科小 entry, revoked ones too), 年度数据 (each
    enterprise and year; 牛集镇's 2024 figures are left to its figures file)."""
    ents = [e for e in ENTS if e.town in EXPORT_TOWNS]
    book, sheet = _book("企业")
    sheet.append(ENTERPRISE_HEADER)
    for e in ents:
        cert = max(e.certs, key=lambda c: c.issued) if e.certs else None
        sme = max(e.smes, key=lambda s: s.year) if e.smes else None
        sheet.append(
            [
                e.name,
                e.code,
                e.town,
                f"安徽省亳州市谯城区{e.town}药都路{e.n}号",
                e.founded,
                "医药制造业",
                "王某",
                "李某",
                "0558-5550000",
                _yes(e.above),
                *_fig_cells(e.figures.get(2025)),
                cert.number if cert else None,
                cert.issued if cert else None,
                sme.number if sme else None,
                sme.year if sme else None,
                None,
            ]
        )
    held = book.create_sheet("资质")
    held.append(["统一社会信用代码", "资质类型", "编号", "发证日期", "年度", "有效期至", "撤销日期", "撤销原因", "级别", "备注"])  # fmt: skip
    for e in ents:
        for c in e.certs:
            why = "取消资格" if c.revoked else None
            held.append([e.code, "高新技术企业", c.number, c.issued, None, c.through, c.revoked, why, "国家级", None])  # fmt: skip
        for s in e.smes:
            why = "不符合条件" if s.revoked else None
            issued = date(s.year, 5, 10)
            held.append([e.code, "科技型中小企业", s.number, issued, s.year, date(s.year, 12, 31), s.revoked, why, "省级", None])  # fmt: skip
    yearly = book.create_sheet("年度数据")
    yearly.append(FIGURE_HEADER)
    for e in ents:
        for year in YEARS:
            f = e.figures.get(year)
            if f is not None and not (e.town == NIUJI and year == 2024):
                yearly.append([e.code, year, *_fig_cells(f)])
    for s in book.worksheets:
        _text_codes(s)
    book.save(path)


def _niuji_figures(path: Path) -> None:
    """牛集镇's 2024 figures on the `figures` template (title row, 合计 footer)."""
    book, sheet = _book("年度数据")
    _titled(
        sheet, "牛集镇2024年度企业研发数据补报表", FIGURE_HEADER, "填报单位：牛集镇人民政府（盖章）"
    )
    rows = [e for e in ENTS if e.town == NIUJI and 2024 in e.figures]
    for e in rows:
        sheet.append([e.code, 2024, *_fig_cells(e.figures[2024])])
    _footer(sheet, len(rows))
    _text_codes(sheet)
    book.save(path)


TOWN_HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "是否规上工业企业",
    "营业收入(万元)",
    "研发费用(万元)",
    "从业人员数",
    "研发人员数",
    "是否有研发活动",
    "是否有研发机构",
    "高新技术企业证书编号",
    "高企发证日期",
    "科技型中小企业入库编号",
    "入库年度",
]


def _wuma_file(path: Path, year: int) -> None:
    """五马镇's 科技型企业统计表 of a year: no town column, figures of the data year, the
    certificate and 科小 entry in flat columns."""
    book, sheet = _book(f"{year}年")
    _titled(
        sheet, f"五马镇{year}年科技型企业统计表", TOWN_HEADER, "填报单位：五马镇人民政府（盖章）"
    )
    rows = [e for e in ENTS if e.town == WUMA and year in e.figures]
    for i, e in enumerate(rows, start=1):
        cert = wuma_shown_cert(e, year)
        sme = next((s for s in e.smes if s.year == year), None)
        sheet.append(
            [
                i,
                e.name,
                e.code,
                _yes(e.above),
                *_fig_cells(e.figures[year]),
                cert.number if cert else None,
                cert.issued if cert else None,
                sme.number if sme else None,
                sme.year if sme else None,
            ]
        )
    _footer(sheet, len(rows))
    _text_codes(sheet)
    book.save(path)


def _platforms(path: Path) -> None:
    header = ["序号", "平台名称", "平台类型", "级别", "依托单位", "依托单位统一社会信用代码", "认定年度", "认定部门", "所属镇街"]  # fmt: skip
    book, sheet = _book()
    _titled(sheet, "谯城区科技创新平台名单", header, "填报单位：谯城区科学技术局")
    for i, p in enumerate(PLATFORMS, start=1):
        sheet.append([i, p.name, p.kind, p.level, p.host, p.host_code, p.year, "安徽省科学技术厅", p.town])  # fmt: skip
    _footer(sheet, len(PLATFORMS))
    _text_codes(sheet)
    book.save(path)


def _carrier_sheet(sheet: Worksheet) -> None:
    header = ["载体名称", "载体类型", "级别", "认定年度", "运营主体", "所属镇街", "场地面积(平方米)", "工位数"]  # fmt: skip
    _titled(sheet, "谯城区孵化载体名单", header, None)
    for c in CARRIERS:
        sheet.append([c.name, c.kind, c.level, c.year, f"{c.name}运营公司", c.town, 3000, 100])
    _footer(sheet, len(CARRIERS))


def _incubatee_sheet(sheet: Worksheet) -> None:
    header = [
        "载体名称",
        "企业名称或团队名称",
        "统一社会信用代码",
        "入孵日期",
        "离孵日期",
        "离孵方式",
    ]
    _titled(sheet, "谯城区在孵企业及团队名单", header, None)
    for i in INCUBATEES:
        sheet.append([i.carrier, i.name, i.code, i.entry, i.exit, i.how])
    _footer(sheet, len(INCUBATEES))


def _commissioner_sheet(sheet: Worksheet) -> None:
    header = ["序号", "姓名", "类型", "级别", "身份证号码", "派出单位", "专业领域", "首次选派年度", "状态"]  # fmt: skip
    _titled(sheet, "谯城区科技特派员名单", header, None)
    for i, c in enumerate(COMMISSIONERS, start=1):
        sheet.append([i, c.name, c.kind, "市级", c.id_number, c.unit, "种植", 2024, "在岗"])


def _service_sheet(sheet: Worksheet) -> None:
    header = ["特派员姓名", "身份证号码", "服务对象", "服务对象统一社会信用代码", "所属镇街", "服务日期", "服务方式", "培训人数", "服务确认书"]  # fmt: skip
    ids = {c.name: c.id_number for c in COMMISSIONERS}
    _titled(sheet, "谯城区科技特派员服务记录", header, None)
    for s in SERVICES:
        sheet.append([s.commissioner, ids[s.commissioner], s.target, s.target_code, s.town, s.on, s.kind, 10, "是"])  # fmt: skip


SHEETS = {
    "孵化载体": _carrier_sheet,
    "在孵企业": _incubatee_sheet,
    "科技特派员": _commissioner_sheet,
    "服务记录": _service_sheet,
}


def sheets_workbook(path: Path, *names: str) -> Path:
    """One workbook of the named sheets of SHEETS, in that order."""
    book, first = _book(names[0])
    for i, name in enumerate(names):
        sheet = first if i == 0 else book.create_sheet(name)
        SHEETS[name](sheet)
        _text_codes(sheet)
    book.save(path)
    return path


def _where(flag: bool | None) -> str | None:
    return None if flag is None else ("区内" if flag else "区外")


def _contracts_2024(path: Path) -> None:
    """The template's own headers (万元)."""
    header = ["登记号", "合同名称", "合同类型", "卖方名称", "卖方统一社会信用代码", "卖方所在地", "买方名称", "买方统一社会信用代码", "买方所在地", "合同成交额(万元)", "技术交易额(万元)", "登记日期", "登记机构", "所属镇街"]  # fmt: skip
    book, sheet = _book("数据")
    sheet.append(header)
    for c in CONTRACTS_2024:
        sheet.append([c.number, c.name, c.kind, c.seller, c.seller_code, _where(c.seller_local), c.buyer, c.buyer_code, _where(c.buyer_local), c.amount, c.amount, c.on, "亳州市技术市场服务中心", c.town])  # fmt: skip
    _text_codes(sheet)
    book.save(path)


def _contracts_2025(path: Path) -> None:
    """A registry export: title, 单位：元 line, aliases (合同登记号, 合同类别, 卖方, 成交金额(元))."""
    header = ["序号", "合同登记号", "项目名称", "合同类别", "卖方", "卖方统一社会信用代码", "卖方所在地", "买方", "买方统一社会信用代码", "买方所在地", "成交金额(元)", "登记日期", "所属镇街"]  # fmt: skip
    book, sheet = _book("技术合同登记明细")
    _titled(
        sheet, "2025年度技术合同登记明细表", header, "登记机构：亳州市技术市场服务中心　　单位：元"
    )
    for i, c in enumerate(CONTRACTS_2025, start=1):
        yuan: object = round(c.amount * 10000, 2)
        buyer_code = c.buyer_code
        if i == 2:  # typed in WPS: a full-width code, an amount with thousands separators
            yuan, buyer_code = f"{yuan:,.2f}", full_width(buyer_code or "")
        sheet.append([i, c.number, c.name, c.kind, c.seller, c.seller_code, _where(c.seller_local), c.buyer, buyer_code, _where(c.buyer_local), yuan, c.on, c.town])  # fmt: skip
    _footer(sheet, len(CONTRACTS_2025))
    _text_codes(sheet)
    book.save(path)


def _results(path: Path) -> None:
    """成果登记 and 成果转化 sheets of one workbook (transfers in 万元)."""
    book, found = _book("成果登记")
    header = ["成果登记号", "成果名称", "完成单位", "完成单位统一社会信用代码", "完成单位所在地", "成果类型", "登记日期", "所属镇街"]  # fmt: skip
    _titled(found, "科技成果登记表", header, None)
    for r in RESULTS:
        found.append([r.number, r.name, r.completer, r.code, _where(r.local), "应用技术", r.on, r.town])  # fmt: skip
    moved = book.create_sheet("成果转化")
    header = ["成果登记号", "转化方式", "承接单位", "承接单位统一社会信用代码", "承接单位所在地", "转化日期", "合同金额(万元)"]  # fmt: skip
    _titled(moved, "科技成果转化情况表", header, None)
    for t in TRANSFERS:
        moved.append([t.result, t.way, t.taker, t.code, _where(t.local), t.on, t.amount])
    for s in book.worksheets:
        _text_codes(s)
    book.save(path)


# file name → the extra `bureau import` arguments, in import order
def write_files(folder: Path) -> list[tuple[Path, tuple[str, ...]]]:
    """Write every file into `folder`; return them with their import arguments, in order."""
    plan: list[tuple[str, tuple[str, ...]]] = []

    def add(name: str, writer: object, *args: str) -> Path:
        path = folder / name
        writer(path)  # type: ignore[operator]
        plan.append((name, args))
        return path

    add("全区企业台账.xlsx", _district_workbook, "--year", "2025")
    add("牛集镇-2024年度数据补报.xlsx", _niuji_figures, "--kind", "figures")
    add("五马镇-2024年科技型企业统计表.xlsx", lambda p: _wuma_file(p, 2024), "--year", "2024", "--town", WUMA)  # fmt: skip
    add("五马镇-2025年科技型企业统计表.xlsx", lambda p: _wuma_file(p, 2025), "--year", "2025", "--town", WUMA)  # fmt: skip
    add("创新平台名单.xlsx", _platforms, "--kind", "platforms")
    add("孵化载体名单.xlsx", lambda p: sheets_workbook(p, "孵化载体"), "--kind", "carriers")
    add("在孵企业名单.xlsx", lambda p: sheets_workbook(p, "在孵企业"), "--kind", "incubatees")
    add("科技特派员名单.xlsx", lambda p: sheets_workbook(p, "科技特派员"))
    add("服务记录.xlsx", lambda p: sheets_workbook(p, "服务记录"))
    add("2024年度技术合同登记表.xlsx", _contracts_2024, "--kind", "contracts")
    add("2025年度技术合同登记明细表.xlsx", _contracts_2025, "--kind", "contracts")
    add("科技成果登记与转化.xlsx", _results)
    return [(folder / name, args) for name, args in plan]
