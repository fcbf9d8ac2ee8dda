"""Import kinds declared as schemas: field, canonical header, aliases, parser, required (import.md).

A new kind is added by declaring its Schema here; the header finder, templates and the error workbook
work from these declarations alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from db.rules.text import normalize_header

Parser = Literal[
    "text", "code", "uscc", "id", "date", "money", "int", "number", "bool", "year", "phone"
]

MONEY_UNITS = ("亿元", "万元", "千元", "元")


@dataclass(frozen=True)
class Column:
    """One column of a kind: the field it fills, its template header and accepted aliases."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    parser: Parser = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    stored: str = ""  # "table.column" of the store that keeps the text (its length is the limit)

    @property
    def max_length(self) -> int | None:
        """The most characters the store's column takes (None: unbounded or not stored as text)."""
        return stored_length(self.stored) if self.stored else None

    @property
    def is_money(self) -> bool:
        """Whether the column holds an amount of money (unit conversion applies)."""
        return self.parser == "money"


@dataclass(frozen=True)
class Schema:
    """A kind of import: its columns in template order."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    supported: bool = False
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            for name in (column.header, *column.aliases):
                norm = normalize_header(name)
                self._index.setdefault(norm, column.field)
                bare = _without_unit(norm) if column.is_money else norm
                self._index.setdefault(bare, column.field)

    @property
    def required(self) -> tuple[str, ...]:
        """Fields that must be present in the header."""
        return tuple(c.field for c in self.columns if c.required)

    def column(self, field_name: str) -> Column:
        """The column declaring a field."""
        for column in self.columns:
            if column.field == field_name:
                return column
        raise KeyError(field_name)

    def match(self, normalized: str) -> str | None:
        """The field a normalised header names, or None."""
        return self._index.get(normalized)


@cache
def stored_length(stored: str) -> int | None:
    """The String length of a column of the store's models ("enterprises.name" → 200)."""
    from db.models import Base

    table, column = stored.split(".")
    length = getattr(Base.metadata.tables[table].c[column].type, "length", None)
    return int(length) if length else None


def _without_unit(norm: str) -> str:
    """研发费用万元 → 研发费用: a money header also matches without its unit."""
    for unit in MONEY_UNITS:
        if norm.endswith(unit) and len(norm) > len(unit):
            return norm[: -len(unit)]
    return norm


def _c(
    field_name: str,
    header: str,
    aliases: str = "",
    parser: Parser = "text",
    required: bool = False,
    choices: str = "",
    stored: str = "",
) -> Column:
    return Column(
        field_name,
        header,
        tuple(aliases.split()),
        parser,
        required,
        tuple(choices.split()),
        stored,
    )


YES_NO = "是 否"
TOWN = _c(
    "town", "所属镇街", "镇街 所属乡镇 乡镇(街道) 镇(街道) 所在镇街 属地"
)  # 所属镇街 of every kind that has one
YEARLY_FIELDS = ("revenue", "rd_expense", "employees", "rd_staff", "rd_activity", "rd_institution")

ENTERPRISES = Schema(
    "enterprises",
    "企业名单",
    (
        _c(
            "name",
            "企业名称",
            "单位名称 企业(单位)名称 公司名称 名称",
            required=True,
            stored="enterprises.name",
        ),
        _c("uscc", "统一社会信用代码", "社会信用代码 信用代码 统一代码", "uscc", required=True),
        TOWN,
        _c("address", "注册地址", "地址 企业地址 住所", stored="enterprises.address"),
        _c("founded_on", "成立日期", "注册日期 成立时间", "date"),
        _c("industry", "行业类别", "所属行业 行业 国民经济行业", stored="enterprises.industry"),
        _c("legal_rep", "法定代表人", "法人代表 法人", stored="enterprises.legal_rep"),
        _c("contact", "联系人", stored="enterprises.contact"),
        _c("phone", "联系电话", "电话 手机 联系方式", "phone", stored="enterprises.phone"),
        _c("above_scale", "是否规上工业企业", "是否规上 规上企业", "bool", choices=YES_NO),
        _c("revenue", "营业收入(万元)", "营业收入 主营业务收入 销售收入", "money"),
        _c("rd_expense", "研发费用(万元)", "研发投入 研发经费 研发经费支出 R&D经费支出", "money"),
        _c("employees", "从业人员数", "从业人数 职工人数 员工人数", "int"),
        _c("rd_staff", "研发人员数", "研发人员 科技人员数", "int"),
        _c("rd_activity", "是否有研发活动", "有无研发活动", "bool", choices=YES_NO),
        _c("rd_institution", "是否有研发机构", "有无研发机构", "bool", choices=YES_NO),
        _c("hte_number", "高新技术企业证书编号", "高企证书编号 高新技术企业/证书编号", "code"),
        _c("hte_issued_on", "高企发证日期", "发证日期 认定日期 高新技术企业/发证日期", "date"),
        _c(
            "sme_number",
            "科技型中小企业入库编号",
            "入库登记编号 入库编号 科技型中小企业/入库编号 科技型中小企业入库登记编号",
            "code",
        ),
        _c("sme_year", "入库年度", "评价年度 科技型中小企业/年度 科技型中小企业/入库年度", "year"),
        _c("note", "备注"),
    ),
    supported=True,
)

COMMISSIONERS = Schema(
    "commissioners",
    "科技特派员",
    (
        _c("name", "姓名", "特派员姓名 名称", required=True, stored="commissioners.name"),
        _c("kind", "类型", "特派员类型", choices="个人 法人 团队 工作站"),
        _c("level", "级别", choices="省级 市级 区级"),
        _c("gender", "性别", choices="男 女"),
        _c("id_number", "身份证号码", "身份证号 证件号码", "id"),
        _c("phone", "联系电话", "电话 手机", "phone", stored="commissioners.phone"),
        _c("unit", "派出单位", "工作单位 所在单位", required=True, stored="commissioners.unit"),
        _c("contact_person", "联系人", stored="commissioners.contact_person"),
        _c("title", "职称", stored="commissioners.title"),
        _c("field", "专业领域", "服务领域", stored="commissioners.field"),
        _c("first_year", "首次选派年度", "选派年度", "year"),
        _c("status", "状态", choices="在岗 暂停 退出"),
        _c("note", "备注"),
    ),
    supported=True,
)

DEMANDS = Schema(
    "demands",
    "需求库",
    (
        _c("requester", "需求方", "需求单位 需求主体", required=True, stored="demands.requester"),
        _c("requester_kind", "需求方类型", choices="企业 合作社 村 家庭农场"),
        _c("uscc", "统一社会信用代码", "社会信用代码 信用代码", "uscc"),
        TOWN,
        _c("field", "需求领域", "领域", stored="demands.field"),
        _c("problem", "需求内容", "需求描述 技术需求", required=True),
        _c("raised_on", "提出日期", "需求日期 提出时间", "date", required=True),
        _c("status", "状态", choices="待对接 已对接 已解决 已关闭"),
        _c("note", "备注"),
    ),
    supported=True,
)

SERVICES = Schema(
    "services",
    "服务记录",
    (
        _c("commissioner", "特派员姓名", "特派员", required=True),
        _c("id_number", "身份证号码", "身份证号", "id"),
        _c("target", "服务对象", "服务单位", required=True, stored="dispatches.target_name"),
        _c("target_uscc", "服务对象统一社会信用代码", "统一社会信用代码 社会信用代码", "uscc"),
        TOWN,
        _c("served_on", "服务日期", "服务时间", "date", required=True),
        _c("place", "服务地点", "地点", stored="service_records.place"),
        _c(
            "kind",
            "服务方式",
            "服务类型",
            choices="现场指导 技术培训 新品种新技术引进 项目合作 其他",
        ),
        _c("trained", "培训人数", parser="int"),
        _c("technologies", "引进新技术新品种数", parser="int"),
        _c("benefit", "经济效益(万元)", "经济效益", "money"),
        _c("confirmed", "服务确认书", "是否有服务确认书", "bool", choices=YES_NO),
        _c("approved", "审核通过", "是否审核通过 已审核", "bool", choices=YES_NO),
        _c("note", "备注"),
    ),
    supported=True,
)

CARRIERS = Schema(
    "carriers",
    "孵化载体",
    (
        _c("name", "载体名称", "名称", required=True, stored="carriers.name"),
        _c(
            "kind",
            "载体类型",
            "类型",
            required=True,
            choices="科技企业孵化器 众创空间 星创天地 加速器 大学科技园",
        ),
        _c("level", "级别", choices="国家级 省级 市级 区级"),
        _c("recognized_year", "认定年度", parser="year"),
        _c("operator", "运营主体", "运营单位", stored="carriers.operator"),
        TOWN,
        _c("address", "地址", "注册地址", stored="carriers.address"),
        _c("area", "场地面积(平方米)", "场地面积 面积", "number"),
        _c("stations", "工位数", parser="int"),
        _c("contact", "联系人", stored="carriers.contact"),
        _c("phone", "联系电话", "电话", "phone", stored="carriers.phone"),
        _c("note", "备注"),
    ),
    supported=True,
)

INCUBATEES = Schema(
    "incubatees",
    "在孵企业",
    (
        _c("carrier", "载体名称", "孵化载体", required=True, stored="carriers.name"),
        _c(
            "name",
            "企业名称或团队名称",
            "企业名称 团队名称",
            required=True,
            stored="incubatees.team_name",
        ),
        _c("uscc", "统一社会信用代码", "社会信用代码 信用代码", "uscc"),
        _c("entered_on", "入孵日期", "入孵时间", "date", required=True),
        _c("exited_on", "离孵日期", "离孵时间", "date"),
        _c("exit_kind", "离孵方式", choices="毕业 迁出 淘汰 注销"),
        _c("investment", "获得投资(万元)", "获得投资 融资金额 投资额", "money"),
        _c("listed", "是否上市或被并购", "上市或并购 是否上市", "bool", choices=YES_NO),
        _c("note", "备注"),
    ),
    supported=True,
)

PLATFORMS = Schema(
    "platforms",
    "创新平台",
    (
        _c("name", "平台名称", "名称", required=True, stored="platforms.name"),
        _c("kind", "平台类型", "类型", required=True),
        _c("level", "级别", required=True, choices="国家级 省级 市级"),
        _c("host", "依托单位", "依托企业", required=True, stored="platforms.host_name"),
        _c("host_uscc", "依托单位统一社会信用代码", "统一社会信用代码", "uscc"),
        _c("recognized_year", "认定年度", parser="year"),
        _c("department", "认定部门", stored="platforms.department"),
        TOWN,
        _c("note", "备注"),
    ),
    supported=True,
)

QUALIFICATIONS = Schema(
    "qualifications",
    "企业资质",
    (
        _c("uscc", "统一社会信用代码", "社会信用代码 信用代码 统一代码", "uscc", required=True),
        _c("type", "资质类型", "类型 资质名称", required=True),
        _c(
            "number",
            "编号",
            "证书编号 入库编号 入库登记编号 资质编号",
            "code",
            stored="qualifications.number",
        ),
        _c("issued_on", "发证日期", "认定日期 发证时间", "date"),
        _c("year", "年度", "评价年度 入库年度", "year"),
        _c("valid_through", "有效期至", "有效期截止 到期日期", "date"),
        _c("revoked_on", "撤销日期", "取消日期", "date"),
        _c("revoke_reason", "撤销原因", "取消原因", stored="qualifications.revoke_reason"),
        _c("level", "级别", stored="qualifications.level"),
        _c("note", "备注"),
    ),
    supported=True,
)

FIGURES = Schema(
    "figures",
    "企业年度数据",
    (
        _c("uscc", "统一社会信用代码", "社会信用代码 信用代码 统一代码", "uscc", required=True),
        _c("year", "年度", "数据年度 统计年度", "year", required=True),
        *(c for c in ENTERPRISES.columns if c.field in YEARLY_FIELDS),
    ),
    supported=True,
)

# The technology-contract ledger (spec/plans.md; aliases of spec/import.md).
LOCAL = "区内 区外"
CONTRACTS = Schema(
    "contracts",
    "技术合同",
    (
        _c(
            "reg_no",
            "登记号",
            "合同登记号 认定登记号 登记编号 技术合同登记号",
            "code",
            required=True,
            stored="tech_contracts.reg_no",
        ),
        _c(
            "name", "合同名称", "技术合同名称 项目名称", required=True, stored="tech_contracts.name"
        ),
        _c("contract_type", "合同类型", "合同类别 合同种类", required=True),
        _c(
            "seller_name",
            "卖方名称",
            "卖方 让与人 受托方 研究开发人 卖方单位",
            required=True,
            stored="tech_contracts.seller_name",
        ),
        _c("seller_uscc", "卖方统一社会信用代码", "卖方信用代码 卖方代码", "uscc"),
        _c("seller_local", "卖方所在地", "卖方所属区域", choices=LOCAL),
        _c(
            "buyer_name",
            "买方名称",
            "买方 受让人 受让方 委托方 买方单位",
            required=True,
            stored="tech_contracts.buyer_name",
        ),
        _c("buyer_uscc", "买方统一社会信用代码", "买方信用代码 买方代码", "uscc"),
        _c("buyer_local", "买方所在地", "买方所属区域", choices=LOCAL),
        _c("amount", "合同成交额(万元)", "合同成交额 成交金额 合同金额 成交额", "money", True),
        _c("tech_amount", "技术交易额(万元)", "技术交易额 技术性收入", "money"),
        _c("registered_on", "登记日期", "认定登记日期 登记时间", "date", required=True),
        _c(
            "registry_office",
            "登记机构",
            "技术合同登记机构 登记单位",
            stored="tech_contracts.registry_office",
        ),
        _c("field", "技术领域", "所属技术领域", stored="tech_contracts.field"),
        TOWN,
        _c("note", "备注"),
    ),
    supported=True,
)

RESULTS = Schema(
    "results",
    "科技成果",
    (
        _c(
            "reg_no",
            "登记号",
            "成果登记号 登记编号",
            "code",
            required=True,
            stored="tech_results.reg_no",
        ),
        _c("name", "成果名称", "项目名称", required=True, stored="tech_results.name"),
        _c(
            "completer_name",
            "完成单位",
            "第一完成单位 成果完成单位",
            required=True,
            stored="tech_results.completer_name",
        ),
        _c("completer_uscc", "完成单位统一社会信用代码", "统一社会信用代码 信用代码", "uscc"),
        _c("completer_local", "完成单位所在地", choices=LOCAL),
        _c("result_type", "成果类型", "成果类别", choices="应用技术 基础理论 软科学"),
        _c("registered_on", "登记日期", "成果登记日期 登记时间", "date", required=True),
        _c("field", "技术领域", "所属技术领域", stored="tech_results.field"),
        TOWN,
        _c("note", "备注"),
    ),
    supported=True,
)

TRANSFERS = Schema(
    "transfers",
    "科技成果转化",
    (
        _c(
            "result_reg_no",
            "成果登记号",
            "登记号",
            "code",
            required=True,
            stored="tech_results.reg_no",
        ),
        _c("result_name", "成果名称", "项目名称"),
        _c("method", "转化方式", "转化形式", required=True),
        _c(
            "taker_name",
            "承接单位",
            "受让单位 承接方 实施单位",
            required=True,
            stored="result_transfers.taker_name",
        ),
        _c("taker_uscc", "承接单位统一社会信用代码", "统一社会信用代码 信用代码", "uscc"),
        _c("taker_local", "承接单位所在地", choices=LOCAL),
        _c("transferred_on", "转化日期", "转化时间", "date", required=True),
        _c("amount", "合同金额(万元)", "合同金额 转化金额", "money"),
        _c(
            "contract_reg_no",
            "技术合同登记号",
            "合同登记号",
            "code",
            stored="result_transfers.contract_reg_no",
        ),
        _c("note", "备注"),
    ),
    supported=True,
)

# A plan's annex table (spec/plans.md): indicator rows × year columns of targets. The template
# offers the years of two five-year plans; any other “YYYY年” column is read as well.
INDICATOR_YEARS = range(2021, 2031)
INDICATORS = Schema(
    "indicators",
    "规划指标",
    (
        _c(
            "name",
            "指标名称",
            "指标 主要指标 指标项目 指标内容",
            required=True,
            stored="indicators.name",
        ),
        _c("unit", "单位", "计量单位", stored="indicators.unit"),
        _c("base_year", "基期年度", "基期年份 基期 基准年", "year"),
        _c("base_value", "基期值", "基期数 基数 基期数值 基准值", "number"),
        *(_c(f"target_{y}", f"{y}年", f"{y} {y}年目标 {y}年度", "number") for y in INDICATOR_YEARS),
        _c("department", "责任单位", "责任部门 牵头单位 牵头部门", stored="indicators.department"),
        _c("code", "指标代码", "代码", "code", stored="indicators.code"),
        _c("note", "备注"),
    ),
    supported=True,
)

SCHEMAS: dict[str, Schema] = {
    s.kind: s
    for s in (
        ENTERPRISES,
        QUALIFICATIONS,
        FIGURES,
        COMMISSIONERS,
        DEMANDS,
        SERVICES,
        CARRIERS,
        INCUBATEES,
        PLATFORMS,
        CONTRACTS,
        RESULTS,
        TRANSFERS,
        INDICATORS,
    )
}
CODE_PARSERS = frozenset({"uscc", "id", "code", "phone"})


def schema_for(kind: str) -> Schema:
    """The schema of a kind; KeyError names the known kinds."""
    try:
        return SCHEMAS[kind]
    except KeyError:
        known = "、".join(SCHEMAS)
        raise KeyError(f"未知的导入类型：{kind}（可用：{known}）") from None
