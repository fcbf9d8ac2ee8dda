"""`bureau towns add` refuses a name that could never be matched (issue 11, item 10): exit 2."""

from __future__ import annotations

from tests.cli.conftest import Run


def test_a_town_name_with_a_separator_or_space_exits_2(bureau: Run) -> None:
    for name, reason in (("甲;乙镇", "不能含有“;”"), ("古井 镇", "不能含有空格")):
        done = bureau("towns", "add", name)
        assert done.returncode == 2, done
        assert reason in done.stderr and "Traceback" not in done.stderr
    listed = bureau("towns", "list")
    assert listed.returncode == 0 and listed.stdout.strip() == ""
