"""Backups of a PostgreSQL store with the server's own tools: pg_dump, pg_restore and psql.

`dump` writes `pg_dump --format=custom` of the store's database to a part file and renames it into
place, so a backup is whole or absent. `validate_dump` reads a backup's table of contents
(`pg_restore --list`) and its schema revision without touching any database. `restore` replaces
the database's content with a backup in one transaction:

1. the whole backup is turned into SQL by pg_restore first (a truncated or damaged file fails here,
   before anything is touched), without owners and grants — the grants are the server's roles'
   (spec/desks.md), re-applied by the caller afterwards;
2. the current content is dumped beside the backup file as a 恢复前 copy;
3. psql runs, in one transaction that rolls back on any error: drop every table, view, sequence
   and function of the schema (waiting at most LOCK_WAIT for other desks), the backup's SQL, and the restore's
   line in the audit trail (operator: the server's current_user).

The login's password and address travel to the tools in PGHOST / PGPORT / PGUSER / PGPASSWORD /
PGDATABASE, never on their command line. The tools are looked for in $BUREAU_PG_BIN when it is
set (only there), else on PATH, else in the usual install folders of PostgreSQL.
Qt-free; db.store dispatches `backup` / `restore` of a server store here.
"""

from __future__ import annotations

import json
import locale
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

from db.backups import written_whole
from db.errors import NewerSchemaError, StoreBusy, StoreError, StoreRefused
from db.roles import Role, require

TOOLS_ENV = "BUREAU_PG_BIN"
LOCK_WAIT = "15s"
# libpq's environment variables for the query parameters of a SQLAlchemy URL that it knows.
_QUERY_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
_VERSION = re.compile(r"server version:\s*([\d.]+)\S*;\s*pg_dump version:\s*([\d.]+)")
_SQLITE_MAGIC = b"SQLite format 3\x00"
_DUMP_MAGIC = b"PGDMP"


def install_message(tool: str) -> str:
    """What to install when a tool of PostgreSQL's client is missing (exit 2)."""
    return (
        f"没有找到 {tool}：请在本机安装 PostgreSQL 客户端工具（Windows：PostgreSQL 安装包中的"
        "“Command Line Tools”；Debian/Ubuntu：apt install postgresql-client），"
        "或把它所在的文件夹加入 PATH。"
    )


def _version_key(path: Path) -> tuple[int, ...]:
    """The PostgreSQL version of an install folder (…/15/bin/pg_dump → (15,)), newest sorts last."""
    digits = re.findall(r"\d+", path.parent.parent.name)
    return tuple(int(d) for d in digits) or (0,)


def _install_folders(name: str) -> list[Path]:
    patterns = [Path("/usr/lib/postgresql").glob(f"*/bin/{name}")]
    if os.name == "nt":
        roots = {os.environ.get("PROGRAMFILES", r"C:\Program Files"), r"C:\Program Files"}
        patterns += [Path(root, "PostgreSQL").glob(f"*/bin/{name}") for root in roots]
    found = [p for pattern in patterns for p in pattern if p.is_file()]
    return sorted(found, key=_version_key, reverse=True)


def find_tool(tool: str, environ: Mapping[str, str] | None = None) -> Path:
    """The program `tool` (pg_dump, pg_restore, psql); StoreError with what to install if none."""
    env = os.environ if environ is None else environ
    name = tool + (".exe" if os.name == "nt" else "")
    folder = env.get(TOOLS_ENV)
    if folder:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
        raise StoreError(install_message(tool))
    on_path = shutil.which(tool, path=env.get("PATH", ""))
    if on_path:
        return Path(on_path)
    installed = _install_folders(name)
    if installed:
        return installed[0]
    raise StoreError(install_message(tool))


def libpq_env(url: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a tool connecting to the URL's database (the password never on argv)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    env = dict(os.environ if environ is None else environ)
    query = {k: v if isinstance(v, str) else v[-1] for k, v in parsed.query.items()}
    values = {
        "PGHOST": query.get("host") or parsed.host,
        "PGPORT": query.get("port") or (str(parsed.port) if parsed.port else None),
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password if isinstance(parsed.password, str) else None,
        "PGDATABASE": parsed.database,
    } | {var: query.get(key) for key, var in _QUERY_ENV.items()}
    for var, value in values.items():
        env.pop(var, None)
        if value:
            env[var] = str(value)
    env.setdefault("PGCONNECT_TIMEOUT", "15")
    return env


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:  # Windows builds speak the console's code page
        return raw.decode(locale.getpreferredencoding(False), errors="replace")


def _run(argv: list[str], env: Mapping[str, str]) -> tuple[int, str, str]:
    try:
        done = subprocess.run(argv, env=dict(env), capture_output=True, check=False)
    except OSError as exc:
        raise StoreError(f"无法运行 {Path(argv[0]).name}：{exc.strerror or exc}") from exc
    return done.returncode, _decode(done.stdout), _decode(done.stderr)


def _reason(stderr: str) -> str:
    """The tool's own words, shortened: its error lines, without the program's name."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "错误" in line] or lines
    text = "；".join(re.sub(r"^(pg_dump|pg_restore|psql):\s*", "", line) for line in errors[:3])
    return text[:500] or "没有给出原因"


def _connection_failure(stderr: str, database: str) -> StoreError | None:
    lowered = stderr.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return StoreRefused(f"服务器拒绝登录 {database}：用户名或密码不对。")
    if "permission denied" in lowered:
        return StoreRefused(f"服务器拒绝了本次操作（权限不够）：{_reason(stderr)}")
    if "connection to server" in lowered or "could not connect" in lowered:
        return StoreError(f"无法连接服务器数据库 {database}：{_reason(stderr)}")
    return None


def _dump_failure(stderr: str, database: str) -> StoreError:
    versions = _VERSION.search(stderr)
    if versions or "version mismatch" in stderr:
        server, client = versions.groups() if versions else ("更新", "较旧")
        return StoreError(
            f"本机的 pg_dump（版本 {client}）比服务器（版本 {server}）旧，无法备份。"
            "请安装与服务器相同或更新版本的 PostgreSQL 客户端工具，或把它所在的文件夹加入 PATH。"
        )
    return _connection_failure(stderr, database) or StoreError(
        f"备份服务器数据库 {database} 失败：{_reason(stderr)}"
    )


def _database(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database or "postgres"


def dump(url: str, out: Path, identity: tuple[str, Role] | None = None) -> Path:
    """pg_dump the URL's database to `out` (custom format), written whole or not at all.

    identity: the (login, role) of db.roles.server_identity; a role other than admin is refused.
    """
    if identity is not None:
        require(identity[1], "backup", identity[0])
    with written_whole(out) as part:
        tool = find_tool("pg_dump")
        code, _out, err = _run([str(tool), "--format=custom", f"--file={part}"], libpq_env(url))
        if code != 0:
            raise _dump_failure(err, _database(url))
    return out


def _read_failure(path: Path, stderr: str) -> StoreError:
    if "unsupported version" in stderr:
        return StoreError(
            f"{path.name} 由更新版本的 PostgreSQL 工具备份，本机的 pg_restore 读不了它。"
            "请安装与服务器相同或更新版本的 PostgreSQL 客户端工具。"
        )
    return StoreError(f"{path.name} 不完整或已损坏，无法用它恢复（{_reason(stderr)}）。")


def validate_dump(path: Path, known: Iterable[str]) -> str:
    """Check a backup of a server store; returns its schema revision.

    Refuses (StoreError, exit 2) a folder, a missing file, a SQLite backup, a file pg_restore
    cannot read and a dump without the schema revision; a newer revision is NewerSchemaError.
    """
    if path.is_dir():
        raise StoreError(f"{path} 是一个文件夹，不是备份文件。")
    if not path.is_file():
        raise StoreError(f"文件不存在：{path}")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(_SQLITE_MAGIC):
        raise StoreError(
            f"{path.name} 是本机数据文件（SQLite）的备份，不能用来恢复服务器数据库。"
            "要把本机数据搬到服务器，请用 bureau migrate-to。"
        )
    if not head.startswith(_DUMP_MAGIC):
        raise StoreError(f"{path.name} 不是服务器数据库的备份文件（pg_dump 备份）。")
    tool = str(find_tool("pg_restore"))
    code, listing, err = _run([tool, "--list", str(path)], os.environ)
    if code != 0:
        raise _read_failure(path, err)
    if not re.search(r"TABLE DATA \S+ alembic_version ", listing):
        raise StoreError(f"{path.name} 不是科创台账的备份（缺少结构版本）。")
    code, data, err = _run(
        [tool, "--data-only", "--table=alembic_version", "--file=-", str(path)], os.environ
    )
    if code != 0:
        raise _read_failure(path, err)
    revision = _copied_value(data, "alembic_version")
    if revision is None:
        raise StoreError(f"{path.name} 不是科创台账的备份（缺少结构版本）。")
    if revision not in set(known):
        raise NewerSchemaError(f"{path.name} 由更新版本的科创台账创建（结构版本 {revision}）。")
    return revision


def _copied_value(script: str, table: str) -> str | None:
    """The first value of the first row of a table's COPY block in pg_restore's SQL."""
    lines = iter(script.splitlines())
    for line in lines:
        if line.startswith("COPY ") and f"{table} " in line and line.endswith("FROM stdin;"):
            row = next(lines, "\\.")
            return None if row == "\\." else row.split("\t")[0]
    return None


def safety_path(source: Path, url: str, when: datetime | None = None) -> Path:
    """Where the 恢复前 copy of the database goes: beside the backup it is replaced with."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"{_database(url)}-before-restore-{stamp}"
    candidate, n = source.parent / f"{base}.dump", 1
    while candidate.exists():
        n += 1
        candidate = source.parent / f"{base}-{n}.dump"
    return candidate


_PRELUDE = f"""\
SET lock_timeout = '{LOCK_WAIT}';
SET client_min_messages = warning;
DO $kc$
DECLARE r record;
BEGIN
  FOR r IN
    SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
             WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm', 'r', 'p', 'f', 'S')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    ORDER BY CASE c.relkind WHEN 'v' THEN 0 WHEN 'm' THEN 1 WHEN 'S' THEN 3 ELSE 2 END
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', r.kind, r.name);
  END LOOP;
  FOR r IN
    SELECT p.oid::regprocedure::text AS name FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', r.name);
  END LOOP;
END
$kc$;
"""
_RECORD = """\
INSERT INTO public.audit_log (operator, action, entity, entity_id, field, new_value)
VALUES (current_user, 'restore', 'store', 0, 'backup', :'kc_source');
"""
# A pg_restore newer than the server may set what the server does not know (17's
# transaction_timeout): those lines of the script's header are left out (inside one transaction
# they change nothing).
_NEWER_SETTINGS = ("SET transaction_timeout = 0;",)


def _script(source: Path, folder: Path) -> Path:
    """The backup as SQL (no owners, no grants): reading it whole proves the file is whole."""
    script = folder / "restore.sql"
    tool = str(find_tool("pg_restore"))
    code, _out, err = _run(
        [tool, "--no-owner", "--no-privileges", f"--file={script}", str(source)], os.environ
    )
    if code != 0:
        raise _read_failure(source, err)
    header: list[str] = []
    with script.open("r", encoding="utf-8", newline="") as fh:
        for _ in range(60):
            header.append(fh.readline())
        if any(line.strip() in _NEWER_SETTINGS for line in header):
            cleaned = folder / "restore-cleaned.sql"
            with cleaned.open("w", encoding="utf-8", newline="") as out:
                out.writelines(line for line in header if line.strip() not in _NEWER_SETTINGS)
                shutil.copyfileobj(fh, out)
            return cleaned
    return script


def _restore_failure(stderr: str, database: str) -> StoreError:
    lowered = stderr.lower()
    if "lock timeout" in lowered or "canceling statement due to lock" in lowered:
        return StoreBusy(
            f"有其他电脑正在使用服务器数据库 {database}（例如正在导入），本次没有恢复，"
            "当前数据保持不变。请等它完成后再恢复。"
        )
    if "must be owner" in lowered:
        return StoreRefused(
            f"恢复需要服务器数据库 {database} 的所有者账号（建库并初始化它的账号）；"
            "本次没有恢复，当前数据保持不变。"
        )
    return _connection_failure(stderr, database) or StoreError(
        f"恢复服务器数据库 {database} 失败，当前数据保持不变：{_reason(stderr)}"
    )


def restore_dump(url: str, source: Path, identity: tuple[str, Role], known: Iterable[str]) -> Path:
    """Replace the URL's database content with a validated backup in one transaction (admin only).

    Returns the 恢复前 copy. The caller upgrades an older revision and re-applies the grants of
    the desks' roles (db.store.restore: `migrate`).
    """
    require(identity[1], "restore", identity[0])
    validate_dump(source, known)
    psql = str(find_tool("psql"))
    database = _database(url)
    with tempfile.TemporaryDirectory(prefix="kc-restore-") as tmp:
        folder = Path(tmp)
        script = _script(source, folder)
        safety = dump(url, safety_path(source, url))
        prelude, record = folder / "prelude.sql", folder / "record.sql"
        prelude.write_text(_PRELUDE, encoding="utf-8")
        record.write_text(_RECORD, encoding="utf-8")
        argv = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction"]
        argv += ["-v", "kc_source=" + json.dumps(source.name, ensure_ascii=False)]
        argv += ["-f", str(prelude), "-f", str(script), "-f", str(record)]
        code, _out, err = _run(argv, libpq_env(url) | {"PGCLIENTENCODING": "UTF8"})
    if code != 0:
        raise _restore_failure(err, database)
    return safety
