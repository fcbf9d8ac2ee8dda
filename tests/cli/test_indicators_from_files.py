"""Issue 13: on a store built by importing town files (not demo data), every computed actual of
`bureau indicators list` equals a count made by hand from the same rows.

The files (tests/cli/indicator_files.py, from the rows of indicator_rows.py) cover two data years, 2024 and 2025: enterprises with
certificates (a renewal, a revoked one, one valid through 31 Dec exactly, one through 30 Dec), 科小
entries (one revoked), yearly figures of 规上工业企业; platforms of every level; carriers and their
incubatees; commissioners and their services (which open the dispatches); technology contracts (元 and
万元, a contract between two district parties) and S&T results with their transfers. The store is
built once through the real `bureau` command (init, towns add, import …, indicators add); each
indicator's actual — district and by town — is then compared with indicator_rows.py's hand count.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.cli import indicator_rows as F
from tests.cli.conftest import Run, import_json, run_bureau
from tests.cli.indicator_files import sheets_workbook, write_files

# Indicators `bureau init` does not seed: (code, --source, extra arguments)
ADDED: list[tuple[str, str, tuple[str, ...]]] = [
    ("x_academician_provincial", "platforms:院士工作站:省级+", ()),
    ("x_academician", "platforms:院士工作站", ()),
    ("x_platforms_national", "platforms:*:国家级+", ()),
    ("x_carriers_provincial", "carriers:*:省级+", ()),
    ("x_maker_spaces", "carriers:众创空间", ()),
    ("x_maker_incubatees", "incubatees:众创空间", ()),
    ("x_high_tech_held", "qualification:高新技术企业", ()),
    ("x_tech_sme_held", "qualification:科技型中小企业", ()),
    ("x_absorbed_wan", "contracts_absorbed", ("--unit", "万元")),
    ("x_output_wan", "contracts_output", ("--unit", "万元")),
    ("x_transferred_since_2024", "results_transferred_cumulative", ("--base-year", "2024")),
    (
        "x_rd_average_growth",
        "rd_expense_total",
        ("--kind", "growth", "--unit", "%", "--base-year", "2023", "--base-value", "1000"),
    ),
]
LISTED = [(None, 2024), (None, 2025), (F.WUMA, 2025), (F.SHILI, 2024)]
RD_BASE_2023 = 1000.0  # x_rd_average_growth's base value
JSON_DIGITS = 4  # `actual` is rounded to 4 places in the JSON, growths to 1


@pytest.fixture(scope="module")
def listed(
    template_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str | None, int], dict[str, dict[str, Any]]]:
    """The store built from the files; (town, year) → code → the `indicators list --json` object."""
    folder = tmp_path_factory.mktemp("town_files")
    db = folder / "bureau.sqlite"
    shutil.copyfile(template_store, db)
    env = {
        "BUREAU_CONFIG_DIR": str(folder / "config"),
        "BUREAU_LOG_DIR": str(folder / "logs"),
        "BUREAU_OPERATOR": "测试员",
    }

    def bureau(*args: str) -> str:
        done = run_bureau(db, *args, env=env)
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    bureau("init")
    bureau("towns", "add", *F.TOWNS)
    for path, args in write_files(folder):
        result = json.loads(bureau("import", str(path), *args, "--json"))
        assert (result["rejected"], result["errors"]) == (0, []), path.name
        assert result["created"] + result["updated"] > 0, path.name
    for code, source, extra in ADDED:
        unit = () if "--unit" in extra else ("--unit", "项")
        bureau("indicators", "add", code, "--name", code, "--source", source, *unit, *extra)
    found = {}
    for town, year in LISTED:
        where = ("--town", town) if town else ()
        rows = json.loads(bureau("indicators", "list", "--year", str(year), *where, "--json"))
        found[(town, year)] = {r["code"]: r for r in rows}
    return found


# ---------------------------------------------------------------- the hand counts


def _towns_of_codes(codes: set[str]) -> dict[str, float]:
    return {t: float(n) for t, n in F.by_town(F.ROSTER[c].town for c in codes).items()}


def _per_town(count: Any) -> dict[str, float | None]:
    return {t: count(t) for t in F.TOWNS}


def _amount(value: float | None, scale: float = 1.0) -> float | None:
    return None if value is None else value * scale


def expected(year: int) -> dict[str, tuple[float | None, dict[str, float | None] | None]]:
    """code → (district actual, actual per town or None where the source has no town split)."""
    end, first = date(year, 12, 31), date(year, 1, 1)
    out: dict[str, tuple[float | None, dict[str, float | None] | None]] = {}

    def codes(key: str, found: set[str]) -> None:
        out[key] = (float(len(found)), dict(_towns_of_codes(found)))

    codes("high_tech_count", F.high_tech(year))
    codes("x_high_tech_held", F.high_tech(year))
    codes("high_tech_new", F.high_tech_first(year))
    codes("tech_sme_count", F.tech_sme(year))
    codes("x_tech_sme_held", F.tech_sme(year))

    out["rd_expense"] = (F.rd_total(year), _per_town(lambda t: F.rd_total(year, t) or 0.0))
    for code, which in (
        ("rd_activity_rate", "activity"),
        ("rd_institution_rate", "institution"),
    ):
        out[code] = (F.rd_rate(year, which), _per_town(lambda t, w=which: F.rd_rate(year, w, t)))
    yoy = F.growth(F.rd_total(year), F.rd_total(year - 1))
    out["rd_growth"] = (yoy, None)
    out["x_rd_average_growth"] = (yoy, None)

    def listed(key: str, rows: list[Any], town: Any) -> None:
        counts = F.by_town(town(r) for r in rows)
        out[key] = (float(len(rows)), {t: float(n) for t, n in counts.items()})

    def in_town(p: F.Platform) -> str | None:
        return p.in_town

    def of_carrier(i: F.Incubatee) -> str:
        return F.CARRIER_BY_NAME[i.carrier].town

    listed("platforms_provincial", F.platforms(year, None, "省级"), in_town)
    listed("x_academician_provincial", F.platforms(year, "院士工作站", "省级"), in_town)
    listed("x_academician", F.platforms(year, "院士工作站"), in_town)
    listed("x_platforms_national", F.platforms(year, None, "国家级"), in_town)
    listed("carriers", F.carriers(year), lambda c: c.town)
    listed("x_carriers_provincial", F.carriers(year, None, "省级"), lambda c: c.town)
    listed("x_maker_spaces", F.carriers(year, "众创空间"), lambda c: c.town)
    listed("incubatees", F.incubatees(year), of_carrier)
    maker = [i for i in F.incubatees(year) if F.CARRIER_BY_NAME[i.carrier].kind == "众创空间"]
    listed("x_maker_incubatees", maker, of_carrier)

    for code, side, scale in (
        ("tech_contracts", "吸纳", 1e-4),  # 亿元
        ("contracts_output", "输出", 1e-4),
        ("x_absorbed_wan", "吸纳", 1.0),
        ("x_output_wan", "输出", 1.0),
    ):
        out[code] = (
            F.contracts_sum(year, side) * scale,
            _per_town(lambda t, s=side, k=scale: F.contracts_sum(year, s, t) * k),
        )
    out["contracts_count"] = (
        float(F.contracts_count(year)),
        _per_town(lambda t: float(F.contracts_count(year, t))),
    )

    def transferred(start: date) -> tuple[float, dict[str, float | None]]:
        return (
            float(F.results_transferred(start, end)),
            _per_town(lambda t: float(F.results_transferred(start, end, t))),
        )

    out["results_transferred"] = transferred(first)
    out["transferred_results"] = transferred(date.min)  # cumulative, no base year
    # “since the base year” = after it: transfers from 1 Jan 2025 on
    out["x_transferred_since_2024"] = transferred(date(2025, 1, 1))
    out["results_local_rate"] = (F.local_rate(year), _per_town(lambda t: F.local_rate(year, t)))
    out["commissioners"] = (
        float(len(F.commissioners(year))),
        _per_town(lambda t: float(len(F.commissioners(year, t)))),
    )
    return out


def _close(got: object, want: float | None, digits: int = JSON_DIGITS) -> bool:
    if want is None or got is None:
        return got is None and want is None
    assert isinstance(got, int | float)
    return bool(abs(got - want) <= 0.5 * 10.0**-digits + 1e-9)


CASES = [(code, year) for year in F.YEARS for code in expected(year)]


# ---------------------------------------------------------------- the tests


def test_hand_counts_are_not_trivial() -> None:
    """The files exercise what they claim (guards the expectations themselves)."""
    assert F.high_tech(2024) != F.high_tech(2025)
    assert F.ent(1301).code not in F.high_tech_first(2025)  # a renewal in 2025
    assert F.ent(1321).code in F.high_tech(2024)  # renewed on 2024-12-01
    assert F.ent(1302).code in F.high_tech(2025) and F.ent(1311).code not in F.high_tech(2025)
    assert F.contracts_sum(2025, "吸纳") > 0 and F.contracts_sum(2025, "输出") > 0
    shared = [c for c in F.CONTRACTS_2025 if c.side("输出")[0] and c.side("吸纳")[0]]
    assert {c.side("输出")[1] for c in shared} >= {F.SHILI}  # counted in both sides
    assert F.contracts_count(2025) < sum(F.contracts_count(2025, t) for t in F.TOWNS)
    assert F.local_rate(2025) not in (None, 0.0, 100.0)
    assert set(expected(2025)) >= {code for code, _s, _e in ADDED}


@pytest.mark.parametrize(("code", "year"), CASES, ids=[f"{c}-{y}" for c, y in CASES])
def test_district_actual_equals_hand_count(
    listed: dict[tuple[str | None, int], dict[str, dict[str, Any]]], code: str, year: int
) -> None:
    row = listed[(None, year)][code]
    want, _towns = expected(year)[code]
    assert _close(row["actual"], want), (row["source"], row["unit"], row["actual"], want)


@pytest.mark.parametrize(("code", "year"), CASES, ids=[f"{c}-{y}" for c, y in CASES])
def test_town_actuals_equal_hand_count(
    listed: dict[tuple[str | None, int], dict[str, dict[str, Any]]], code: str, year: int
) -> None:
    row = listed[(None, year)][code]
    _want, towns = expected(year)[code]
    got = {t["town"]: t["actual"] for t in row["by_town"]}
    if towns is None:  # a growth has no town split
        assert all(v is None for v in got.values()), got
        return
    assert None not in got, got  # every record of these files has a town
    wrong = {t: (got.get(t), w) for t, w in towns.items() if not _close(got.get(t), w)}
    assert not wrong, (row["source"], wrong)


@pytest.mark.parametrize(("town", "year"), [(F.WUMA, 2025), (F.SHILI, 2024)])
def test_town_listing_shows_the_towns_actuals(
    listed: dict[tuple[str | None, int], dict[str, dict[str, Any]]], town: str, year: int
) -> None:
    """`indicators list --town T`: the indicators with a town split, each with T's hand count."""
    rows = listed[(town, year)]
    hand = expected(year)
    split = {code for code, (_w, towns) in hand.items() if towns is not None}
    assert set(rows) >= split
    assert "rd_growth" not in rows and "x_rd_average_growth" not in rows
    wrong = {}
    for code in split:
        towns = hand[code][1]
        assert towns is not None
        if not _close(rows[code]["actual"], towns[town]):
            wrong[code] = (rows[code]["actual"], towns[town])
    assert not wrong


def test_growth_of_rd_expense_across_the_years(
    listed: dict[tuple[str | None, int], dict[str, dict[str, Any]]],
) -> None:
    """yoy of the amount itself and of the growth indicators; the average growth since 2023."""
    rd_2024, rd_2025 = F.rd_total(2024), F.rd_total(2025)
    assert rd_2024 is not None and rd_2025 is not None
    yoy = (rd_2025 / rd_2024 - 1) * 100
    now, before = listed[(None, 2025)], listed[(None, 2024)]
    assert _close(now["rd_expense"]["yoy_growth"], yoy, 1)
    assert _close(now["rd_growth"]["actual"], yoy)
    assert _close(now["rd_growth"]["yoy_growth"], yoy, 1)
    average = ((rd_2025 / RD_BASE_2023) ** (1 / (2025 - 2023)) - 1) * 100
    assert _close(now["x_rd_average_growth"]["avg_growth"], average, 1)
    assert _close(
        before["x_rd_average_growth"]["avg_growth"], (rd_2024 / RD_BASE_2023 - 1) * 100, 1
    )
    # no figures for 2023: no growth for 2024
    assert before["rd_growth"]["actual"] is None and before["rd_expense"]["yoy_growth"] is None
    # counts grow too: 2025 high-tech enterprises against 2024
    ht = listed[(None, 2025)]["high_tech_count"]
    hand = (len(F.high_tech(2025)) / len(F.high_tech(2024)) - 1) * 100
    assert _close(ht["yoy_growth"], hand, 1)


def test_units_of_the_seeded_contract_indicators(
    listed: dict[tuple[str | None, int], dict[str, dict[str, Any]]],
) -> None:
    rows = listed[(None, 2025)]
    assert (rows["tech_contracts"]["unit"], rows["tech_contracts"]["source"]) == (
        "亿元",
        "contracts_absorbed",
    )
    assert rows["contracts_output"]["unit"] == "亿元"
    assert rows["x_absorbed_wan"]["unit"] == "万元"
    # the same contracts in two units
    assert _close(rows["tech_contracts"]["actual"], rows["x_absorbed_wan"]["actual"] / 10000)


def test_one_workbook_with_a_list_and_its_records(with_towns: Run, tmp_path: Path) -> None:
    """Like 成果登记 + 成果转化: a second sheet's rows refer to the records its first sheet creates."""
    bureau = with_towns
    files = {p.name: (p, a) for p, a in write_files(tmp_path)}
    for name in ("全区企业台账.xlsx", "五马镇-2025年科技型企业统计表.xlsx"):
        path, args = files[name]
        assert import_json(bureau, str(path), *args)["rejected"] == 0
    found = {}
    for sheets in (("孵化载体", "在孵企业"), ("科技特派员", "服务记录")):
        book = sheets_workbook(tmp_path / f"{sheets[0]}与{sheets[1]}.xlsx", *sheets)
        result = import_json(bureau, str(book))
        found[sheets[1]] = (result["sheets"][1]["created"], result["rejected"])
    assert found == {"在孵企业": (len(F.INCUBATEES), 0), "服务记录": (len(F.SERVICES), 0)}
    # Read again: every record is found under the carrier / commissioner it was linked to.
    again = import_json(bureau, str(tmp_path / "孵化载体与在孵企业.xlsx"))
    assert again["sheets"][1]["unchanged"] == len(F.INCUBATEES) and again["rejected"] == 0
    again = import_json(bureau, str(tmp_path / "科技特派员与服务记录.xlsx"))
    assert again["sheets"][1]["unchanged"] == len(F.SERVICES) and again["rejected"] == 0


def test_records_before_their_list_in_one_workbook(with_towns: Run, tmp_path: Path) -> None:
    """The sheet order does not matter: records are planned after the list they name."""
    bureau = with_towns
    files = {p.name: (p, a) for p, a in write_files(tmp_path)}
    for name in ("全区企业台账.xlsx", "五马镇-2025年科技型企业统计表.xlsx"):
        path, args = files[name]
        assert import_json(bureau, str(path), *args)["rejected"] == 0
    book = sheets_workbook(tmp_path / "在孵企业与孵化载体.xlsx", "在孵企业", "孵化载体")
    result = import_json(bureau, str(book))
    assert result["rejected"] == 0
    assert [s["sheet"] for s in result["sheets"]] == ["在孵企业", "孵化载体"]
    assert result["sheets"][0]["created"] == len(F.INCUBATEES)
