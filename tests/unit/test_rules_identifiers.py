"""Tests for db.rules.identifiers and db.rules.text (domain.md "Identifiers")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from db.rules.identifiers import (
    USCC_ALPHABET,
    hte_number_year,
    mask_resident_id,
    resident_id_gender,
    sme_number_year,
    uscc_check_char,
    validate_hte_number,
    validate_phone,
    validate_resident_id,
    validate_sme_number,
    validate_uscc,
)
from db.rules.results import Checked
from db.rules.text import is_empty, normalize_code, normalize_header, normalize_text

TODAY = date(2025, 6, 30)
VALID_USCC = ("91110000600037341L", "91110108551385082Q", "9144030071526726XG")
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # domain.md
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


def to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def make_id(region: str, born: date, order: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{order:03d}"
    return first17 + id_check(first17)


# ---------------------------------------------------------------- text


def test_checked_ok_ignores_warnings() -> None:
    assert Checked("x", warnings=("w",)).ok
    assert not Checked(None, errors=("e",)).ok


def test_normalize_text_collapses_whitespace_and_width() -> None:
    assert normalize_text("  ＡＢＣ\t 公司 \n ") == "ABC 公司"
    assert normalize_text(None) == ""


def test_normalize_code_removes_all_whitespace_and_uppercases() -> None:
    assert normalize_code(" 9111 0000\u3000600037341l ") == "91110000600037341L"


@pytest.mark.parametrize(
    "header",
    [
        "营业收入（万元）",
        "营业收入(万元)",
        "营业收入 万元",
        "*营业收入\n【万元】",
        "※营业收入[万元]",
    ],
)
def test_normalize_header_variants_are_equal(header: str) -> None:
    assert normalize_header(header) == "营业收入万元"


@pytest.mark.parametrize("cell", [None, "", "   ", "—", "--", "-", "/", "无", "－", "——", "／"])
def test_is_empty_markers(cell: object) -> None:
    assert is_empty(cell)


@pytest.mark.parametrize("cell", [0, "0", "有", "a", "否"])
def test_is_empty_rejects_content(cell: object) -> None:
    assert not is_empty(cell)


# ---------------------------------------------------------------- USCC


@pytest.mark.parametrize("code", VALID_USCC)
def test_known_uscc_are_valid(code: str) -> None:
    result = validate_uscc(code)
    assert result.ok and result.value == code and not result.warnings


@pytest.mark.parametrize(
    "raw",
    [
        "９１１１００００６０００３７３４１Ｌ",
        " 9111 0000 6000 3734 1L ",
        "91110000600037341l",
        "\t91110000600037341L\n",
    ],
)
def test_uscc_variants_normalise(raw: str) -> None:
    assert validate_uscc(raw).value == "91110000600037341L"


@pytest.mark.parametrize("raw", [9.1341e17, 913410000000000000, "9.1341E+17", "9.13410000E17"])
def test_uscc_read_as_number_is_rejected(raw: object) -> None:
    result = validate_uscc(raw)
    assert result.value is None
    assert result.errors == ("代码被当作数字读取，无法恢复，请将该列设置为文本格式后重新填写",)


def test_uscc_wrong_length() -> None:
    assert validate_uscc("9111000060003734").errors == ("长度应为18位，实际为16位",)


def test_uscc_illegal_character_named_with_position() -> None:
    result = validate_uscc("911100006000373O1L")
    assert result.errors == ("第16位字符“O”不合法",)


def test_uscc_wrong_check_char() -> None:
    result = validate_uscc("91110000600037341M")
    assert result.errors == ("校验位错误：第18位应为“L”，实际为“M”",)


def test_uscc_check_char_31_becomes_0() -> None:
    assert uscc_check_char("91340000000000027") == "0"
    assert validate_uscc("913400000000000270").ok


@given(uscc_bodies)
def test_uscc_check_char_matches_domain_formula(body: str) -> None:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    assert uscc_check_char(body) == USCC_ALPHABET[(31 - total % 31) % 31]


def test_uscc_first_char_may_be_letter() -> None:
    for first in "ANY":
        body = first + "1110000600037341"
        assert validate_uscc(body + uscc_check_char(body)).ok


def test_uscc_org_code_mismatch_is_only_a_warning() -> None:
    body = "91110000600037342"  # org-code check should be 1
    result = validate_uscc(body + uscc_check_char(body))
    assert result.ok and result.value is not None
    assert result.warnings == ("组织机构代码校验位不符（第17位）",)


def test_uscc_empty_is_none_without_error() -> None:
    assert validate_uscc("  ") == Checked(None)


@given(uscc_bodies)
def test_any_body_with_computed_check_char_validates(body: str) -> None:
    code = body + uscc_check_char(body)
    result = validate_uscc(code)
    assert result.ok and result.value == code


@given(uscc_bodies, st.integers(0, 17), st.sampled_from(USCC_ALPHABET))
def test_changing_one_char_invalidates(body: str, pos: int, new: str) -> None:
    code = body + uscc_check_char(body)
    assume(code[pos] != new)
    changed = code[:pos] + new + code[pos + 1 :]
    assert not validate_uscc(changed).ok


@given(uscc_bodies, st.booleans(), st.booleans(), st.integers(0, 17))
def test_width_space_case_variants_normalise(
    body: str, full_width: bool, lower: bool, space_at: int
) -> None:
    code = body + uscc_check_char(body)
    variant = code.lower() if lower else code
    variant = variant[:space_at] + " " + variant[space_at:]
    variant = to_full_width(variant) if full_width else variant
    assert validate_uscc(variant).value == code


# ---------------------------------------------------------------- resident ID


def test_known_resident_id_with_lower_x() -> None:
    result = validate_resident_id("11010519491231002x", TODAY)
    assert result.ok and result.value == "11010519491231002X"


def test_resident_id_wrong_check_char() -> None:
    result = validate_resident_id("341621199001011234", TODAY)
    assert result.errors == ("校验位错误：应为“3”，实际为“4”",)


def test_resident_id_wrong_length() -> None:
    assert validate_resident_id("3416211990010112", TODAY).errors == ("长度应为18位，实际为16位",)


def test_resident_id_invalid_birth_date() -> None:
    code = "34162119900230123"
    errors = validate_resident_id(code + id_check(code), TODAY).errors
    assert errors == ("出生日期无效：19900230",)


def test_resident_id_birth_in_future() -> None:
    code = make_id("341621", TODAY + timedelta(days=1), 123)
    assert validate_resident_id(code, TODAY).errors == ("出生日期在未来：2025-07-01",)
    assert validate_resident_id(make_id("341621", TODAY, 123), TODAY).ok


def test_resident_id_unknown_region_is_warning() -> None:
    result = validate_resident_id(make_id("991621", date(1990, 1, 1), 123), TODAY)
    assert result.ok and len(result.warnings) == 1
    assert not validate_resident_id(make_id("341621", date(1990, 1, 1), 123), TODAY).warnings


def test_resident_id_read_as_number_is_rejected() -> None:
    assert not validate_resident_id(3.41621199001011e17, TODAY).ok


birth_dates = st.dates(date(1900, 1, 1), TODAY)
regions = st.sampled_from(["110105", "341621", "440304", "650102", "820000"])


@given(regions, birth_dates, st.integers(0, 999))
def test_generated_resident_ids_validate(region: str, born: date, order: int) -> None:
    code = make_id(region, born, order)
    result = validate_resident_id(code, TODAY)
    assert result.ok and result.value == code and not result.warnings


@given(regions, birth_dates, st.integers(0, 999), st.integers(0, 17), st.integers(1, 9))
def test_changing_one_digit_of_resident_id_fails(
    region: str, born: date, order: int, pos: int, delta: int
) -> None:
    code = make_id(region, born, order)
    alphabet = "0123456789X" if pos == 17 else "0123456789"
    new = alphabet[(alphabet.index(code[pos]) + delta) % len(alphabet)]
    assert not validate_resident_id(code[:pos] + new + code[pos + 1 :], TODAY).ok


def test_mask_resident_id() -> None:
    assert mask_resident_id("341621199001011234") == "3416**********1234"
    assert mask_resident_id("") == ""
    assert mask_resident_id("123") == "***"


@given(st.text(alphabet="0123456789X", max_size=30))
def test_mask_never_reveals_more_than_eight(value: str) -> None:
    masked = mask_resident_id(value)
    assert len(masked) == len(value)
    assert sum(c != "*" for c in masked) <= min(8, len(value) // 2)


def test_resident_id_gender() -> None:
    assert resident_id_gender("11010519491231002X") == "女"
    assert resident_id_gender("341621199001011233") == "男"
    assert resident_id_gender("123") is None


# ---------------------------------------------------------------- certificates


def test_hte_number_valid_and_normalised() -> None:
    result = validate_hte_number(" gr202334001234 ", date(2023, 10, 16), "34")
    assert result == Checked("GR202334001234")
    assert hte_number_year("GR202334001234") == 2023
    assert hte_number_year("GR2023") is None


@pytest.mark.parametrize(
    "raw", ["GR20233400123", "GF202334001234", "GR2023340012345", "202334001234"]
)
def test_hte_number_bad_format(raw: str) -> None:
    assert validate_hte_number(raw, None, None).errors == ("高企证书编号格式应为GR+12位数字",)


def test_hte_number_mismatches_are_warnings() -> None:
    result = validate_hte_number("GR202334001234", date(2022, 12, 1), "32")
    assert result.ok and len(result.warnings) == 2
    assert "2022" in result.warnings[0] and "32" in result.warnings[1]


def test_sme_number() -> None:
    assert validate_sme_number("2024341181a8020396", 2024) == Checked("2024341181A8020396")
    assert validate_sme_number("2024341181A8020396", None).ok
    assert sme_number_year("2024341181A8020396") == 2024
    assert sme_number_year("2024341181B8020396") is None


def test_sme_number_year_mismatch_is_error() -> None:
    result = validate_sme_number("2024341181A8020396", 2023)
    assert result.errors == ("入库编号年度为2024，与填报年度2023不符",)


@pytest.mark.parametrize("raw", ["2024341181B8020396", "2024341181A802039", "24341181A8020396"])
def test_sme_number_bad_format(raw: str) -> None:
    assert not validate_sme_number(raw, None).ok


# ---------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678, "13812345678"),
        ("0551-12345678", "0551-12345678"),
        ("055112345678", "0551-12345678"),
        ("01012345678", "010-12345678"),
        ("(0551)1234567", "0551-1234567"),
        ("0551－12345678－123", "0551-12345678-123"),
    ],
)
def test_valid_phones(raw: object, expected: str) -> None:
    assert validate_phone(raw) == Checked(expected)


@pytest.mark.parametrize("raw", ["12345678901", "1381234567", "12345", "0551-123456", "abc"])
def test_invalid_phones(raw: str) -> None:
    assert validate_phone(raw).errors == ("电话号码格式不正确",)
