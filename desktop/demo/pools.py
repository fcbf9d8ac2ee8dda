"""Name pools and generators of the demo data: people, enterprises, codes and phone numbers."""

from __future__ import annotations

import random
from datetime import date, timedelta

from db.rules.identifiers import (
    USCC_ALPHABET,
    org_code_check_char,
    resident_id_check_char,
    uscc_check_char,
)

SURNAMES = "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
SURNAME_WEIGHTS = (10, 10, 10, 8, 8, 6, 5, 5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2)
GIVEN_MALE = "伟强军磊勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆建国志文博海峰旭东亮晨"
GIVEN_FEMALE = "芳娟敏静丽艳娜秀英霞燕玲桂红梅琳婷雪慧颖倩蕾洁晶佳月瑶萍莉"

TOWNS = ("十九里镇", "五马镇", "牛集镇", "古井镇", "汤陵街道", "芍花路街道", "魏岗镇")
TOWN_WEIGHTS = (22, 10, 9, 14, 18, 16, 11)
ROADS = (
    "魏武大道",
    "芍花路",
    "希夷大道",
    "药都路",
    "汤王大道",
    "光明路",
    "谯陵路",
    "亳芜大道",
    "中药材大道",
    "紫芍路",
    "建安路",
    "银杏路",
)

NAME_PREFIXES = ("亳州", "亳州市", "亳州市谯城区", "谯城", "皖北", "安徽", "安徽省")
PREFIX_WEIGHTS = (34, 16, 10, 10, 10, 14, 6)
NAME_WORDS = [
    "鑫源",
    "瑞丰",
    "华信",
    "本草",
    "涡河",
    "芍花",
    "康元",
    "恒瑞",
    "华佗",
    "药都",
    "汤王",
    "谯韵",
    "金芍",
    "百草",
    "润禾",
    "德润",
    "天禾",
    "嘉诚",
    "宏图",
    "盛世",
    "天成",
    "鼎盛",
    "永兴",
    "弘毅",
    "中正",
    "启航",
    "博远",
    "睿达",
    "信诚",
    "丰泽",
    "绿源",
    "沃土",
    "禾丰",
    "晨曦",
    "九州",
    "众诚",
    "协和",
    "新元",
    "祥瑞",
    "聚鑫",
    "亿丰",
    "明珠",
    "同济",
    "泰和",
]

# name word, industry (国民经济行业门类/大类), weight, innovation bias, counts as industry (规上工业)
INDUSTRIES: tuple[tuple[str, str, int, float, bool], ...] = (
    ("中药饮片", "医药制造业", 22, 0.55, True),
    ("药业", "医药制造业", 8, 0.65, True),
    ("生物科技", "科学研究和技术服务业", 9, 0.75, False),
    ("食品", "农副食品加工业", 12, 0.3, True),
    ("酒业", "酒、饮料和精制茶制造业", 6, 0.3, True),
    ("电子科技", "计算机、通信和其他电子设备制造业", 6, 0.8, True),
    ("智能装备", "专用设备制造业", 5, 0.85, True),
    ("新材料", "化学原料和化学制品制造业", 5, 0.8, True),
    ("机械", "通用设备制造业", 7, 0.5, True),
    ("信息技术", "软件和信息技术服务业", 6, 0.7, False),
    ("农业科技", "农业", 8, 0.4, False),
    ("包装", "造纸和纸制品业", 4, 0.25, True),
    ("纺织", "纺织业", 3, 0.2, True),
    ("建材", "非金属矿物制品业", 4, 0.2, True),
    ("汽车零部件", "汽车制造业", 3, 0.6, True),
    ("环保科技", "生态保护和环境治理业", 3, 0.6, False),
)
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "186",
    "187",
    "188",
    "189",
    "199",
]


def person_name(rng: random.Random, male: bool) -> str:
    """A realistic fictional Chinese name: a common surname and one or two given characters."""
    surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    size = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(pool) for _ in range(size))


def mobile(rng: random.Random) -> str:
    """A mainland mobile number (11 digits)."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    """A Bozhou landline (area code 0558)."""
    return f"0558-{rng.choice('5689')}{rng.randrange(10**6):06d}"


def uscc(rng: random.Random, founded: date, region: str = "341602") -> str:
    """A valid 统一社会信用代码: 91 + region + organisation code with valid check characters."""
    if founded.year >= 2016:
        body = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + region + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def resident_id(rng: random.Random, region: str, born: date, male: bool) -> str:
    """A valid 居民身份证号码: region, birth date, order (odd for men) and check character."""
    order = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{order:03d}"
    return first17 + resident_id_check_char(first17)


def day_between(rng: random.Random, first: date, last: date) -> date:
    """A day from first to last inclusive."""
    return first + timedelta(days=rng.randrange((last - first).days + 1))
