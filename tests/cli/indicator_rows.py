"""The rows of the town files of tests/cli/test_indicators_from_files.py (2024 and 2025), and the
indicators' actuals counted by hand from them.

These rows are the one source of both: indicator_files.py renders them as the spreadsheets towns
and registries send, and the functions below count them again in plain Python following
spec/plans.md and domain.md — never through the app's code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.fixtures.samples.kinds.make_samples import resident_id, uscc

YEARS = (2024, 2025)
TOWNS = ("十九里镇", "五马镇", "牛集镇")
SHILI, WUMA, NIUJI = TOWNS
OUTSIDE = uscc(7001)  # a party outside the district (not in the roster)


@dataclass(frozen=True)
class Figures:
    """One enterprise's figures of a year (万元; flags as 是/否, None = blank)."""

    revenue: float
    rd: float | None
    staff: int
    rd_staff: int | None
    activity: bool
    institution: bool


@dataclass(frozen=True)
class Cert:
    """A 高新技术企业 certificate."""

    number: str
    issued: date
    revoked: date | None = None

    @property
    def through(self) -> date:
        """Valid through issue + 3 years − 1 day (domain.md)."""
        return self.issued.replace(year=self.issued.year + 3) - timedelta(days=1)

    def valid_on(self, day: date) -> bool:
        return self.issued <= day <= self.through and (self.revoked is None or self.revoked > day)


@dataclass(frozen=True)
class Sme:
    """A 科技型中小企业 entry for an evaluation year."""

    year: int
    number: str
    revoked: date | None = None


@dataclass
class Ent:
    """One enterprise of the roster as the files give it."""

    n: int
    name: str
    town: str
    above: bool
    figures: dict[int, Figures] = field(default_factory=dict)
    certs: list[Cert] = field(default_factory=list)
    smes: list[Sme] = field(default_factory=list)
    founded: date = date(2015, 6, 1)

    @property
    def code(self) -> str:
        return uscc(self.n)


def _f(*values: object) -> Figures:
    revenue, rd, staff, rd_staff, activity, institution = values
    return Figures(revenue, rd, staff, rd_staff, activity, institution)  # type: ignore[arg-type]


Y, N = True, False
ENTS: list[Ent] = [
    # 十九里镇 (export-shaped workbook). A1 renews in 2025 (a renewal is not new).
    Ent(1301, "亳州市华佗中药饮片有限公司", SHILI, True,
        {2024: _f(12000, 480.5, 150, 20, Y, Y), 2025: _f(13500, 610.2, 160, 22, Y, Y)},
        [Cert("GR202234000101", date(2022, 10, 12)), Cert("GR202534000111", date(2025, 11, 5))],
        [Sme(2024, "2024341602A0000001"), Sme(2025, "2025341602A0000001")]),
    # valid through 2025-12-31 exactly (counts on 31 Dec 2025); its 2025 科小 entry was revoked
    Ent(1302, "亳州市药都机械制造有限公司", SHILI, True,
        {2024: _f(8000, 0, 80, 0, N, N), 2025: _f(9000, 120, 85, 5, Y, N)},
        [Cert("GR202334000102", date(2023, 1, 1))],
        [Sme(2025, "2025341602A0000002", revoked=date(2025, 9, 1))]),
    # not 规上; its first certificate in 2025
    Ent(1303, "亳州市芍花生物科技有限公司", SHILI, False,
        {2024: _f(600, 35.5, 20, 4, Y, N), 2025: _f(700, 42, 22, 5, Y, N)},
        [Cert("GR202534000103", date(2025, 3, 1))],
        [Sme(2024, "2024341602A0000003"), Sme(2025, "2025341602A0000003")]),
    # 规上 with 2025 figures only; its certificate ended 2024-12-14, never renewed
    Ent(1304, "亳州市古井包装材料有限公司", SHILI, True, {2025: _f(20000, 0, 300, 0, N, N)},
        [Cert("GR202134000104", date(2021, 12, 15))]),
    # 牛集镇 (same workbook; its 2024 figures come in a figures file). Valid through 2025-12-30.
    Ent(1311, "亳州市牛集农业科技有限公司", NIUJI, True,
        {2024: _f(5000, 150, 60, 8, Y, Y), 2025: _f(5600, 180, 62, 9, Y, Y)},
        [Cert("GR202234000111", date(2022, 12, 31))]),
    # first certificate 2024, revoked mid-2025; 2025 figures without 研发费用
    Ent(1312, "亳州市牛集食品有限公司", NIUJI, False, {2025: _f(300, None, 10, None, N, N)},
        [Cert("GR202434000112", date(2024, 3, 1), revoked=date(2025, 6, 1))]),
    Ent(1313, "亳州市牛集新材料有限公司", NIUJI, True,
        {2024: _f(15000, 0, 200, 0, N, N), 2025: _f(16000, 300, 210, 15, Y, N)},
        [], [Sme(2024, "2024341602A0000013")]),
    # 五马镇 (one 统计表 per year). W1's 2021 certificate is renewed on 2024-12-01: the 2024 file
    # still shows the old one, the 2025 file the new one.
    Ent(1321, "亳州市五马电子科技有限公司", WUMA, True,
        {2024: _f(11000, 330, 120, 12, Y, N), 2025: _f(12000, 400, 125, 14, Y, Y)},
        [Cert("GR202134000121", date(2021, 11, 20)), Cert("GR202434000122", date(2024, 12, 1))]),
    Ent(1322, "亳州市五马种业有限公司", WUMA, False,
        {2024: _f(400, 25, 15, 3, Y, N), 2025: _f(450, 30, 16, 3, Y, N)},
        [], [Sme(2024, "2024341602A0000022"), Sme(2025, "2025341602A0000022")]),
    # new in the 2025 file, certificate issued 2025-12-20
    Ent(1323, "亳州市五马智能装备有限公司", WUMA, True, {2025: _f(6000, 90, 70, 6, Y, N)},
        [Cert("GR202534000123", date(2025, 12, 20))]),
    Ent(1324, "亳州市五马纺织有限公司", WUMA, True,
        {2024: _f(7000, 0, 90, 0, N, N), 2025: _f(7200, 0, 92, 0, N, N)}),
]  # fmt: skip
BY_N = {e.n: e for e in ENTS}
ROSTER = {e.code: e for e in ENTS}
EXPORT_TOWNS = (SHILI, NIUJI)


def ent(n: int) -> Ent:
    return BY_N[n]


# ---------------------------------------------------------------- platforms, carriers, incubatees


@dataclass(frozen=True)
class Platform:
    name: str
    kind: str
    level: str
    host: str
    host_code: str | None
    year: int | None
    town: str | None  # the 所属镇街 cell (None: the roster host's town)

    @property
    def in_town(self) -> str | None:
        if self.town is not None:
            return self.town
        host = ROSTER.get(self.host_code or "")
        return host.town if host else None


A1, A2, A3, N1 = ent(1301), ent(1302), ent(1303), ent(1311)
W1, W2, W3 = ent(1321), ent(1322), ent(1323)
PLATFORMS = [
    Platform("华佗饮片院士工作站", "院士工作站", "省级", A1.name, A1.code, 2023, None),
    Platform("五马电子院士工作站", "院士工作站", "国家级", W1.name, W1.code, 2025, None),
    Platform("亳州学院院士工作站", "院士工作站", "市级", "亳州学院", None, 2020, NIUJI),
    Platform("安徽省中药材品质重点实验室", "重点实验室", "省级", "亳州学院", None, 2024, NIUJI),
    Platform(
        "国家中药饮片工程技术研究中心", "工程技术研究中心", "国家级", A2.name, A2.code, None, None
    ),
    Platform("药都机械企业技术中心", "企业技术中心", "省级", A2.name, A2.code, 2026, SHILI),
    Platform("五马种业专家工作站", "专家工作站", "市级", W2.name, W2.code, 2024, None),
]
LEVELS = {"国家级": 0, "省级": 1, "市级": 2, "区级": 3, "县级": 3}


@dataclass(frozen=True)
class Carrier:
    name: str
    kind: str
    level: str
    year: int | None
    town: str


CARRIERS = [
    Carrier("亳州高新区科技企业孵化器", "科技企业孵化器", "省级", 2019, SHILI),
    Carrier("谯城众创空间", "众创空间", "市级", 2025, WUMA),
    Carrier("牛集星创天地", "星创天地", "国家级", 2024, NIUJI),
    Carrier("五马创客众创空间", "众创空间", "区级", None, WUMA),
]
CARRIER_BY_NAME = {c.name: c for c in CARRIERS}


@dataclass(frozen=True)
class Incubatee:
    carrier: str
    name: str
    code: str | None
    entry: date
    exit: date | None = None
    how: str | None = None

    def incubating_on(self, day: date) -> bool:
        return self.entry <= day and (self.exit is None or self.exit > day)


INCUBATEES = [
    Incubatee("亳州高新区科技企业孵化器", A3.name, A3.code, date(2023, 3, 1)),
    Incubatee(
        "亳州高新区科技企业孵化器", W2.name, W2.code, date(2021, 5, 1), date(2024, 6, 30), "毕业"
    ),
    Incubatee("谯城众创空间", "创客团队（智慧农业）", None, date(2025, 2, 1)),
    # leaves on 31 Dec 2025 itself: incubating on 31 Dec 2024, not on 31 Dec 2025
    Incubatee("谯城众创空间", W3.name, W3.code, date(2024, 10, 1), date(2025, 12, 31), "迁出"),
    Incubatee("牛集星创天地", "中药材种植团队", None, date(2024, 12, 31)),
    Incubatee("五马创客众创空间", N1.name, N1.code, date(2025, 6, 1), date(2026, 3, 1), "毕业"),
]


# ---------------------------------------------------------------- commissioners and services


@dataclass(frozen=True)
class Commissioner:
    name: str
    kind: str
    id_number: str | None
    unit: str


COMMISSIONERS = [
    Commissioner("张三", "个人", resident_id(1), "安徽农业大学"),
    Commissioner("李四", "个人", resident_id(2), "亳州市农业科学研究所"),
    Commissioner("果蔬专家团队", "团队", None, "亳州学院"),
    Commissioner("王五", "个人", resident_id(3), "亳州学院"),  # never serves
]


@dataclass(frozen=True)
class Service:
    commissioner: str
    target: str
    target_code: str | None
    town: str
    on: date
    kind: str


SERVICES = [
    Service("张三", A1.name, A1.code, SHILI, date(2024, 3, 5), "现场指导"),
    Service("张三", A1.name, A1.code, SHILI, date(2025, 4, 10), "技术培训"),
    Service("李四", "王庄村", None, WUMA, date(2025, 6, 1), "现场指导"),
    Service("果蔬专家团队", "丰收合作社", None, NIUJI, date(2025, 7, 15), "新品种新技术引进"),
    Service("张三", "王庄村", None, WUMA, date(2025, 8, 1), "现场指导"),
]


# ---------------------------------------------------------------- contracts, results, transfers


@dataclass(frozen=True)
class Contract:
    number: str
    name: str
    kind: str
    seller: str
    seller_code: str | None
    seller_local: bool | None  # 卖方所在地 区内 / 区外 / blank
    buyer: str
    buyer_code: str | None
    buyer_local: bool | None
    amount: float  # 万元
    on: date
    town: str | None = None  # the row's 所属镇街

    def side(self, which: str) -> tuple[bool, str | None]:
        """(in the district, town) of the seller (输出) or the buyer (吸纳)."""
        code, local = (
            (self.seller_code, self.seller_local)
            if which == "输出"
            else (self.buyer_code, self.buyer_local)
        )
        roster = ROSTER.get(code or "")
        if roster is not None:
            return True, roster.town
        if local:
            return True, self.town
        return False, None


def _c(
    number: int,
    name: str,
    kind: str,
    seller: str,
    seller_code: str | None,
    seller_at: str | None,
    buyer: str,
    buyer_code: str | None,
    buyer_at: str | None,
    amount: float,
    on: date,
    town: str | None = None,
) -> Contract:
    """A contract, 卖方/买方所在地 written 区内 / 区外 / None."""
    local = {None: None, "区内": True, "区外": False}
    return Contract(
        f"{on.year}341602{number:06d}",
        name,
        kind,
        seller,
        seller_code,
        local[seller_at],
        buyer,
        buyer_code,
        local[buyer_at],
        amount,
        on,
        town,
    )


CONTRACTS_2024 = [
    _c(1, "中药饮片炮制工艺开发", "技术开发", A1.name, A1.code, None, "合肥某药业有限公司", OUTSIDE, "区外", 1500.0, date(2024, 5, 8)),
    _c(2, "纺织印染技术服务", "技术服务", "江南大学", None, "区外", W1.name, W1.code, None, 425.5, date(2024, 11, 30)),
]  # fmt: skip
CONTRACTS_2025 = [
    # 输出: A1 (十九里镇) sells outside; amounts in 元 in the 2025 file
    _c(101, "中药材智能分拣系统开发", "技术开发", A1.name, A1.code, "区内", "合肥某智能装备有限公司", OUTSIDE, "区外", 1234.56789, date(2025, 3, 12)),
    # 吸纳: W1 (五马镇) buys from outside
    _c(102, "电子元件检测技术服务", "技术服务", "合肥某技术研究院", None, "区外", W1.name, W1.code, "区内", 850.0, date(2025, 6, 30)),
    # both district parties of two towns: 输出 of 十九里镇 and 吸纳 of 五马镇
    _c(103, "芍药良种选育技术转让", "技术转让", A3.name, A3.code, None, W2.name, W2.code, None, 2000.0, date(2025, 9, 1)),
    # 吸纳 by a district party outside the roster (the row says 区内; its 所属镇街 牛集镇)
    _c(104, "农产品冷链技术咨询", "技术咨询", "南京某农业大学", None, "区外", "谯城区丰收种植专业合作社", None, "区内", 120.0, date(2025, 11, 20), NIUJI),
    # neither party in the district
    _c(105, "检测方法技术服务", "技术服务", "合肥某检测有限公司", OUTSIDE, "区外", "蚌埠某食品有限公司", None, "区外", 60.0, date(2025, 4, 2)),
    # both district parties of one town (十九里镇)
    _c(106, "包装材料技术许可", "技术许可", A2.name, A2.code, None, ent(1304).name, ent(1304).code, None, 502.5, date(2025, 12, 31)),
]  # fmt: skip
CONTRACTS = CONTRACTS_2024 + CONTRACTS_2025


@dataclass(frozen=True)
class Result:
    number: str
    name: str
    completer: str
    code: str | None
    local: bool | None
    on: date
    town: str | None = None

    @property
    def in_district(self) -> tuple[bool, str | None]:
        roster = ROSTER.get(self.code or "")
        if roster is not None:
            return True, roster.town
        return (True, self.town) if self.local else (False, None)


RESULTS = [
    Result("9342024Y0001", "中药饮片低温干燥工艺", A1.name, A1.code, None, date(2024, 2, 1)),
    Result("9342024Y0002", "芍药连作障碍防控技术", "亳州职业技术学院", None, True, date(2024, 3, 1), NIUJI),
    Result("9342025Y0003", "药用菌种选育方法", "南京某农业大学", None, False, date(2025, 4, 1)),
    Result("9342024Y0004", "电子元件老化检测方法", W1.name, W1.code, None, date(2024, 5, 1)),
    Result("9342023Y0005", "纺织废水处理工艺", ent(1324).name, ent(1324).code, None, date(2023, 6, 1)),
]  # fmt: skip
RESULT_BY_NUMBER = {r.number: r for r in RESULTS}


@dataclass(frozen=True)
class Transfer:
    result: str
    way: str
    taker: str
    code: str | None
    local: bool | None
    on: date
    amount: float | None = None
    contract: str | None = None

    @property
    def is_local(self) -> bool:
        return self.code in ROSTER or bool(self.local)

    @property
    def town(self) -> str | None:
        """The taker's town when local, else the completer's (when in the district)."""
        result = RESULT_BY_NUMBER[self.result]
        if self.is_local:
            roster = ROSTER.get(self.code or "")
            return roster.town if roster else result.town
        return result.in_district[1]


TRANSFERS = [
    Transfer("9342024Y0004", "向他人转让", "合肥某电子有限公司", OUTSIDE, None, date(2024, 8, 1), 30.0),
    Transfer("9342023Y0005", "许可他人使用", "蚌埠某纺织有限公司", None, False, date(2024, 9, 1), 10.0),
    Transfer("9342024Y0001", "向他人转让", W2.name, W2.code, None, date(2025, 9, 1), 200.0),
    Transfer("9342024Y0001", "许可他人使用", "上海某医药有限公司", None, False, date(2025, 10, 8), 30.0),
    Transfer("9342024Y0002", "合作实施转化", "谯城区丰收种植专业合作社", None, True, date(2025, 12, 1)),
    Transfer("9342025Y0003", "作价投资", A3.name, A3.code, None, date(2025, 11, 2), 150.0),
    Transfer("9342024Y0004", "自行投资实施转化", "苏州某科技有限公司", None, False, date(2025, 5, 20)),
]  # fmt: skip


def wuma_shown_cert(e: Ent, year: int) -> Cert | None:
    """The certificate 五马镇's file of `year` shows: the latest issued by 30 Jun of that year
    (the files are filled in mid-year), else the latest one issued in that year."""
    mid = [c for c in e.certs if c.issued <= date(year, 6, 30)]
    pick = mid or [c for c in e.certs if c.issued.year <= year]
    return max(pick, key=lambda c: c.issued) if pick else None


# ---------------------------------------------------------------- the hand counts


def year_end(year: int) -> date:
    return date(year, 12, 31)


def stored_certs(e: Ent) -> list[Cert]:
    """The certificates the files carry (五马镇's flat columns show one a year)."""
    if e.town != WUMA:
        return e.certs
    shown = {wuma_shown_cert(e, y) for y in YEARS if y in e.figures}
    return [c for c in e.certs if c in shown]


def high_tech(year: int) -> set[str]:
    day = year_end(year)
    return {e.code for e in ENTS if any(c.valid_on(day) for c in stored_certs(e))}


def high_tech_first(year: int) -> set[str]:
    return {
        e.code
        for e in ENTS
        if stored_certs(e) and min(c.issued for c in stored_certs(e)).year == year
    }


def tech_sme(year: int) -> set[str]:
    return {e.code for e in ENTS if any(s.year == year and s.revoked is None for s in e.smes)}


def rd_total(year: int, town: str | None = None) -> float | None:
    values = [
        f.rd
        for e in ENTS
        if (f := e.figures.get(year)) is not None and f.rd is not None and town in (None, e.town)
    ]
    return sum(values) if values else None


def rd_rate(year: int, which: str, town: str | None = None) -> float | None:
    base = [
        e.figures[year] for e in ENTS if e.above and year in e.figures and town in (None, e.town)
    ]
    if not base:
        return None
    hits = [f for f in base if getattr(f, which)]
    return len(hits) * 100 / len(base)


def growth(value: float | None, previous: float | None) -> float | None:
    if value is None or previous is None or previous <= 0:
        return None
    return (value / previous - 1) * 100


def platforms(year: int, kind: str | None = None, at_least: str | None = None) -> list[Platform]:
    return [
        p
        for p in PLATFORMS
        if (p.year is None or p.year <= year)
        and kind in (None, p.kind)
        and (at_least is None or LEVELS[p.level] <= LEVELS[at_least])
    ]


def carriers(year: int, kind: str | None = None, at_least: str | None = None) -> list[Carrier]:
    return [
        c
        for c in CARRIERS
        if (c.year is None or c.year <= year)
        and kind in (None, c.kind)
        and (at_least is None or LEVELS[c.level] <= LEVELS[at_least])
    ]


def incubatees(year: int) -> list[Incubatee]:
    return [i for i in INCUBATEES if i.incubating_on(year_end(year))]


def commissioners(year: int, town: str | None = None) -> set[str]:
    """Each service opens a dispatch on its date (in its town) that runs on: active in Y when it
    started by 31 Dec Y."""
    return {s.commissioner for s in SERVICES if s.on <= year_end(year) and town in (None, s.town)}


def contracts_in(year: int) -> list[Contract]:
    return [c for c in CONTRACTS if c.on.year == year]


def contracts_sum(year: int, side: str, town: str | None = None) -> float:
    """合同成交额 (万元) of the year's contracts whose seller (输出) / buyer (吸纳) is in the district."""
    total = 0.0
    for c in contracts_in(year):
        inside, where = c.side(side)
        if inside and town in (None, where):
            total += c.amount
    return total


def contracts_count(year: int, town: str | None = None) -> int:
    count = 0
    for c in contracts_in(year):
        sides = [c.side(s) for s in ("输出", "吸纳")]
        towns = {where for inside, where in sides if inside}
        if any(inside for inside, _ in sides) and (town is None or town in towns):
            count += 1
    return count


def transfers_between(start: date, end: date) -> list[Transfer]:
    return [t for t in TRANSFERS if start <= t.on <= end]


def results_transferred(start: date, end: date, town: str | None = None) -> int:
    return len({t.result for t in transfers_between(start, end) if town in (None, t.town)})


def local_rate(year: int, town: str | None = None) -> float | None:
    moved = [
        t
        for t in transfers_between(date(year, 1, 1), year_end(year))
        if RESULT_BY_NUMBER[t.result].in_district[0] and town in (None, t.town)
    ]
    if not moved:
        return None
    return sum(t.is_local for t in moved) * 100 / len(moved)


def by_town(values: Iterable[str | None]) -> dict[str, int]:
    """How many of the values fall in each town (every town present, 0 where none)."""
    found = {t: 0 for t in TOWNS}
    for town in values:
        if town is not None:
            found[town] += 1
    return found
