"""Identifier rules from domain.md "Identifiers": USCC, resident ID, certificate numbers, phones."""

from __future__ import annotations

import re
from datetime import date

from db.rules.results import Checked
from db.rules.text import is_empty, normalize_code

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
ID_LENGTH = 18
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_USCC_SHAPE = re.compile("[0-9A-HJ-NP-RTUW-Y]{18}")  # 18 characters of USCC_ALPHABET
_USCC_DIGITS = str.maketrans(USCC_ALPHABET, "0123456789abcdefghijklmnopqrstu")  # value → digit
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
PROVINCE_CODES = frozenset(
    [
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
    ]
)

_HTE_SHAPE = re.compile(r"GR\d{12}")
_SME_SHAPE = re.compile(r"\d{10}A\d{7}")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_DASHED = re.compile(r"(0\d{2,3})-(\d{7,8})(?:-(\d{1,6}))?")
_LANDLINE_PLAIN = re.compile(r"0\d{9,11}")
_SCIENTIFIC = re.compile(r"\d+(?:\.\d+)?E\+?\d+")
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"})

ORG_CODE_WARNING = "组织机构代码校验位不符（第17位）"
NUMERIC_CODE_MESSAGE = "代码被当作数字读取，无法恢复，请将该列设置为文本格式后重新填写"


def _read_as_number(raw: object, code: str) -> bool:
    """Tell whether a code cell was read as a number (its digits are lost)."""
    if isinstance(raw, (int, float)):
        return True
    return bool(_SCIENTIFIC.fullmatch(code)) and ("." in code or "+" in code)


def _length_error(code: str) -> tuple[str, ...]:
    if len(code) == USCC_LENGTH:
        return ()
    return (f"长度应为18位，实际为{len(code)}位",)


def uscc_check_char(first17: str) -> str:
    """Compute the USCC check character (GB 32100-2015) from the first 17 characters."""
    if len(first17) != 17 or any(c not in USCC_ALPHABET for c in first17):
        raise ValueError("需要17位合法字符")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body: str) -> str:
    """Compute the GB 11714 organisation-code check character from its 8-character body."""
    total = sum(_ORG_CHARS.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _uscc_char_errors(code: str) -> tuple[str, ...]:
    return tuple(
        f"第{pos}位字符“{c}”不合法" for pos, c in enumerate(code, start=1) if c not in USCC_ALPHABET
    )


def _uscc_org_warnings(code: str) -> tuple[str, ...]:
    if org_code_check_char(code[8:16]) == code[16]:
        return ()
    return (ORG_CODE_WARNING,)


def clean_uscc(raw: object) -> tuple[str, bool] | None:
    """Fast validate_uscc of a text cell: (code, organisation-code check passes) or None.

    None means validate_uscc would report an error, or that the cell is not text (ask it then).
    """
    if not isinstance(raw, str):
        return None
    # Most cells already hold the code as it is stored: 18 ASCII letters and digits, upper case.
    plain = len(raw) == USCC_LENGTH and raw.isascii() and raw.isalnum()
    code = raw if plain and (raw.isupper() or raw.isdigit()) else normalize_code(raw)
    if _USCC_SHAPE.fullmatch(code) is None:
        return None
    # The weights are 3**i mod 31 (USCC) and 2**(8-i) mod 11 (organisation code): a number
    # written in base 34 ≡ 3 (mod 31), or 35 ≡ 2 (mod 11), sums them in one C-level int().
    digits = code.translate(_USCC_DIGITS)
    if int(digits[17], 34) != (31 - int(digits[16::-1], 34) % 31) % 31:
        return None
    org_check = 11 - 2 * int(code[8:16], 35) % 11
    expected = "X" if org_check == 10 else "0" if org_check == 11 else str(org_check)
    return code, code[16] == expected


def validate_uscc(raw: object) -> Checked[str]:
    """Check a 统一社会信用代码 (GB 32100-2015); an org-code mismatch is only a warning."""
    if is_empty(raw):
        return Checked(None)
    code = normalize_code(raw)
    if _read_as_number(raw, code):
        return Checked(None, (NUMERIC_CODE_MESSAGE,))
    errors = _length_error(code) + _uscc_char_errors(code)
    if errors:
        return Checked(None, errors)
    expected = uscc_check_char(code[:17])
    if expected != code[17]:
        return Checked(None, (f"校验位错误：第18位应为“{expected}”，实际为“{code[17]}”",))
    return Checked(code, warnings=_uscc_org_warnings(code))


def resident_id_check_char(first17: str) -> str:
    """Compute the resident ID check character (GB 11643) from the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _birth_date_errors(code: str, today: date) -> tuple[str, ...]:
    text = code[6:14]
    try:
        born = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return (f"出生日期无效：{text}",)
    if born > today:
        return (f"出生日期在未来：{born.isoformat()}",)
    return ()


def _resident_id_shape_errors(code: str) -> tuple[str, ...]:
    if len(code) != ID_LENGTH:
        return (f"长度应为18位，实际为{len(code)}位",)
    if not _ID_SHAPE.fullmatch(code):
        return ("格式不正确：前17位应为数字，第18位应为数字或X",)
    return ()


def validate_resident_id(raw: object, today: date) -> Checked[str]:
    """Check a 居民身份证号码 (GB 11643): shape, birth date, check character, region."""
    if is_empty(raw):
        return Checked(None)
    code = normalize_code(raw)
    if _read_as_number(raw, code):
        return Checked(
            None, ("身份证号码被当作数字读取，无法恢复，请将该列设置为文本格式后重新填写",)
        )
    errors = _resident_id_shape_errors(code)
    if errors:
        return Checked(None, errors)
    errors = _birth_date_errors(code, today)
    expected = resident_id_check_char(code[:17])
    if expected != code[17]:
        errors += (f"校验位错误：应为“{expected}”，实际为“{code[17]}”",)
    if errors:
        return Checked(None, errors)
    warnings: tuple[str, ...] = ()
    if int(code[:2]) not in PROVINCE_CODES:
        warnings = (f"地区代码“{code[:2]}”不是已知的省级代码",)
    return Checked(code, warnings=warnings)


def mask_resident_id(value: str) -> str:
    """Mask a resident ID for display: first 4 and last 4 kept, never more than half shown."""
    keep = min(4, len(value) // 4)
    if keep == 0:
        return "*" * len(value)
    return value[:keep] + "*" * (len(value) - 2 * keep) + value[-keep:]


def is_masked_resident_id(value: object) -> bool:
    """Whether a cell holds a resident ID as the app masks it (3416**********123X): an export
    without --with-ids, sent back by a town. It names a commissioner only together with a name."""
    if not isinstance(value, str):
        return False
    code = normalize_code(value)
    return (
        len(code) == 18
        and code[:4].isdigit()
        and code[4:14] == "*" * 10
        and code[14:17].isdigit()
        and code[17] in "0123456789X"
    )


def masked_matches(masked: str, stored: str | None) -> bool:
    """Whether a stored resident ID is the one a masked one shows."""
    return bool(stored) and mask_resident_id(normalize_code(str(stored))) == normalize_code(masked)


def resident_id_gender(value: str) -> str | None:
    """Read the gender from a resident ID's 17th digit (odd = 男, even = 女)."""
    code = normalize_code(value)
    if len(code) != ID_LENGTH or not code[16].isdigit():
        return None
    return "男" if int(code[16]) % 2 else "女"


def _hte_warnings(code: str, issued_on: date | None, province_code: str | None) -> tuple[str, ...]:
    warnings: list[str] = []
    if issued_on is not None and int(code[2:6]) != issued_on.year:
        warnings.append(f"证书编号中的年份{code[2:6]}与发证日期年份{issued_on.year}不一致")
    if province_code and code[6:8] != province_code:
        warnings.append(f"证书编号中的省份代码{code[6:8]}与本地省份代码{province_code}不一致")
    return tuple(warnings)


def validate_hte_number(
    raw: object, issued_on: date | None, province_code: str | None
) -> Checked[str]:
    """Check a 高新技术企业证书编号 (GR + year + province + 6 digits); mismatches warn."""
    if is_empty(raw):
        return Checked(None)
    code = normalize_code(raw)
    if not _HTE_SHAPE.fullmatch(code):
        return Checked(None, ("高企证书编号格式应为GR+12位数字",))
    return Checked(code, warnings=_hte_warnings(code, issued_on, province_code))


def hte_number_year(value: str) -> int | None:
    """Read the year from a 高新技术企业证书编号, None when the number is malformed."""
    code = normalize_code(value)
    return int(code[2:6]) if _HTE_SHAPE.fullmatch(code) else None


def validate_sme_number(raw: object, stated_year: int | None) -> Checked[str]:
    """Check a 科技型中小企业入库登记编号; its first 4 digits must equal the stated year."""
    if is_empty(raw):
        return Checked(None)
    code = normalize_code(raw)
    if not _SME_SHAPE.fullmatch(code):
        return Checked(None, ("入库编号格式应为18位：4位年度+6位行政区划代码+A+7位数字",))
    if stated_year is not None and int(code[:4]) != stated_year:
        return Checked(None, (f"入库编号年度为{code[:4]}，与填报年度{stated_year}不符",))
    return Checked(code)


def sme_number_year(value: str) -> int | None:
    """Read the evaluation year from a 科技型中小企业入库登记编号, None when malformed."""
    code = normalize_code(value)
    return int(code[:4]) if _SME_SHAPE.fullmatch(code) else None


def _phone_text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = normalize_code(raw).translate(_DASHES).replace("转", "-")
    text = re.sub(r"^\((0\d{2,3})\)-?", r"\1-", text)
    return re.sub(r"^(?:\+86|0086)-?", "", text)


def _landline(text: str) -> str | None:
    match = _LANDLINE_DASHED.fullmatch(text)
    if match:
        area, number, ext = match.groups()
    elif _LANDLINE_PLAIN.fullmatch(text):
        split = 3 if text[1] in "12" else 4
        area, number, ext = text[:split], text[split:], None
        if not 7 <= len(number) <= 8:
            return None
    else:
        return None
    return f"{area}-{number}" + (f"-{ext}" if ext else "")


def validate_phone(raw: object) -> Checked[str]:
    """Check a phone number: mainland mobile (11 digits) or landline with area code."""
    if isinstance(raw, str) and len(raw) == 11 and raw.isascii() and _MOBILE.fullmatch(raw):
        return Checked(str(raw))  # fast path: a plain mobile number needs no clean-up
    if is_empty(raw):
        return Checked(None)
    text = _phone_text(raw)
    if _MOBILE.fullmatch(text.replace("-", "")):
        return Checked(text.replace("-", ""))
    landline = _landline(text)
    if landline is None:
        return Checked(None, ("电话号码格式不正确",))
    return Checked(landline)
