"""Two desks at once (spec/desks.md): no lost update, and imports one after the other.

Each desk is a process of its own with its own engine (and, on PostgreSQL, its own login): two
desks open the same enterprise and both save a change based on the version they read — exactly
one save is written, the other is refused naming the first desk's operator. Two `bureau import`
of different files into one PostgreSQL database both succeed, their batches never interleave,
and the desk that waited says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from db.services import enterprises
from db.store import open_store
from desktop.importing.serial import TURN_LOCK, WAITING
from tests import pgserver
from tests.cli.conftest import BUREAU, SAMPLES, TOWNS, run_bureau

USCC = "91110000600037341L"

# One desk: open the enterprise, say so, wait for the go, then save a change on what it read.
DESK = """
import json, sys, time
from pathlib import Path
from db.errors import StaleEdit
from db.services import enterprises
from db.store import open_store

url, eid, name, phone, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], Path(sys.argv[5])
store = open_store(url)
operator = store.login or name
with store.session() as s:
    opened = enterprises.get(s, eid)
print(json.dumps({"opened": opened.version}), flush=True)
while not go.exists():
    time.sleep(0.01)
try:
    with store.transaction() as s:
        enterprises.update(s, eid, {"phone": phone}, operator, expected_version=opened.version)
    print(json.dumps({"saved": operator}), flush=True)
except StaleEdit as exc:
    print(json.dumps({"refused": str(exc), "by": exc.operator}), flush=True)
store.close()
"""


def _desk_urls(store_url: str, request: pytest.FixtureRequest) -> tuple[str, str]:
    """The two desks' URLs: the same SQLite file, or two logins of their own on the server."""
    if not store_url.startswith("postgresql"):
        return store_url, store_url
    server: pgserver.PgServer = request.getfixturevalue("pg_server")
    database = make_url(store_url).database
    assert database is not None
    urls = []
    for desk in ("a", "b"):
        login = f"desk_{desk}_{os.getpid()}_{database.rsplit('_', 1)[-1]}"
        server.execute(f"CREATE ROLE {login} LOGIN SUPERUSER PASSWORD 'desk-password'")
        urls.append(server.url(database, user=login, password="desk-password"))
    return urls[0], urls[1]


def test_two_desks_saving_the_same_enterprise_give_one_refused_save(
    store_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    store = open_store(store_url)
    with store.transaction() as s:
        eid = enterprises.create(s, {"name": "亳州华信生物科技有限公司", "uscc": USCC}, "测试员")
    store.close()
    go = tmp_path / "go"
    env = os.environ | {"PYTHONIOENCODING": "utf-8"}
    desks = [
        subprocess.Popen(
            [sys.executable, "-c", DESK, url, str(eid), name, phone, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        for url, name, phone in zip(
            _desk_urls(store_url, request),
            ("王磊", "张敏"),
            ("0558-1111", "0558-2222"),
            strict=True,
        )
    ]
    for desk in desks:  # both have read version 1 before either saves
        assert desk.stdout is not None
        assert json.loads(desk.stdout.readline()) == {"opened": 1}
    go.touch()
    outcomes = []
    for desk in desks:
        out, err = desk.communicate(timeout=60)
        assert desk.returncode == 0, err
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    saved = [o for o in outcomes if "saved" in o]
    refused = [o for o in outcomes if "refused" in o]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    winner = saved[0]["saved"]
    assert refused[0]["by"] == winner
    assert refused[0]["refused"].startswith(f"保存失败：此记录在您打开后已被 {winner} 于 ")
    assert refused[0]["refused"].endswith("为免覆盖对方的修改，本次没有保存。请重新载入后再改。")
    store = open_store(store_url)
    with store.session() as s:
        final = enterprises.get(s, eid)
    store.close()
    phones = {"王磊": "0558-1111", "张敏": "0558-2222"}
    assert final.version == 2
    assert final.phone == phones.get(winner, final.phone)  # the winner's change, not overwritten
    assert final.phone in phones.values()


def _waiting_on_the_turn(url: str) -> int:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    " AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": TURN_LOCK},
            ).scalar()
    finally:
        store.close()
    return int(found or 0)


def test_two_desks_importing_at_once_wait_for_each_other(pg_database: str) -> None:
    done = run_bureau(pg_database, "towns", "add", *TOWNS)
    assert done.returncode == 0, done.stderr
    files = [SAMPLES / "十九里镇-2025年科技型企业统计表.xlsx", SAMPLES / "kinds" / "企业名录.csv"]
    store = open_store(pg_database)
    holder = store.engine.connect()  # a third desk is importing: both must wait for it
    holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": TURN_LOCK})
    holder.commit()
    env = os.environ | {"PYTHONIOENCODING": "utf-8"}
    desks = [
        subprocess.Popen(
            [*BUREAU, "--db", pg_database, "import", str(f), "--year", "2025", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        for f in files
    ]
    try:
        deadline = time.monotonic() + 60
        while _waiting_on_the_turn(pg_database) < 2:
            assert time.monotonic() < deadline, "the imports never waited for their turn"
            assert all(d.poll() is None for d in desks), [d.communicate() for d in desks]
            time.sleep(0.1)
    finally:
        holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": TURN_LOCK})
        holder.commit()
        holder.close()
    results = []
    for desk in desks:
        out, err = desk.communicate(timeout=120)
        assert desk.returncode == 0, err
        assert WAITING in err  # said on stderr, not as a failure
        results.append(json.loads(out))
    batches = sorted(r["batch_id"] for r in results)
    assert None not in batches and batches[0] != batches[1]
    with store.engine.connect() as conn:
        spans = [
            conn.execute(
                text("SELECT min(id), max(id), count(*) FROM audit_log WHERE batch_id = :b"),
                {"b": b},
            ).one()
            for b in batches
        ]
        between = conn.execute(
            text("SELECT count(*) FROM audit_log WHERE id BETWEEN :lo AND :hi AND batch_id <> :b"),
            {"lo": spans[0][0], "hi": spans[0][1], "b": batches[0]},
        ).scalar()
    store.close()
    (_low, first_high, first_n), (second_low, _high, second_n) = spans
    assert first_n and second_n
    assert first_high < second_low  # batch 1's audit rows all before batch 2's
    assert between == 0


def test_a_desk_that_finds_no_import_running_says_nothing(pg_database: str) -> None:
    done = run_bureau(pg_database, "towns", "add", *TOWNS)
    assert done.returncode == 0, done.stderr
    done = run_bureau(pg_database, "import", str(SAMPLES / "kinds" / "企业名录.csv"))
    assert done.returncode == 0, done.stderr
    assert WAITING not in done.stderr


def test_apply_and_undo_wait_for_another_desks_batch(pg_database: str, tmp_path: Path) -> None:
    import threading

    from desktop.importing.engine import ImportOptions, apply_import, plan_import, undo_import
    from desktop.importing.serial import IMPORT_LOCK
    from desktop.progress import drain

    store = open_store(pg_database)
    csv = tmp_path / "企业.csv"
    csv.write_text(
        f"企业名称,统一社会信用代码\n亳州华信生物科技有限公司,{USCC}\n", encoding="utf-8"
    )
    plan = drain(plan_import(store, csv, ImportOptions(kind="enterprises", year=2025)))
    heard: list[str] = []
    outcome: dict[str, object] = {}

    def run(work: object) -> None:
        outcome["result"] = drain(work, lambda p: heard.append(p.message))  # type: ignore[arg-type]

    for work in (
        lambda: apply_import(store, plan, "测试员"),
        lambda: undo_import(store, int(outcome["result"].batch_id), "测试员"),  # type: ignore[attr-defined]
    ):
        heard.clear()
        with store.engine.connect() as other:  # another desk writes a batch meanwhile
            other.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})
            thread = threading.Thread(target=run, args=(work(),))
            thread.start()
            deadline = time.monotonic() + 30
            while WAITING not in heard:
                assert time.monotonic() < deadline and thread.is_alive()
                time.sleep(0.05)
            other.commit()  # its transaction ends: the lock goes with it
        thread.join(timeout=60)
        assert not thread.is_alive()
        assert heard.count(WAITING) == 1  # said once, then waited (no failure)
        assert outcome["result"] is not None
    with store.session() as s:
        assert enterprises.find_by_uscc(s, USCC) is None  # imported, then undone
    store.close()
