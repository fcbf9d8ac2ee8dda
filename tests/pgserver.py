"""A throw-away PostgreSQL cluster owned by the test run: started once per session, then stopped.

The cluster lives in a temporary folder and listens only on a Unix socket inside it, so it can
neither clash with nor reach a real server. Logins need a password (scram-sha-256), as on a
bureau's server. As root (CI), the server runs as the distribution's `postgres` user.

`BUREAU_TEST_PG_URL` (a superuser URL such as postgresql+psycopg://u:pw@host/postgres) uses an
existing server instead. Without either, tests that need PostgreSQL are skipped with the reason —
unless `BUREAU_REQUIRE_POSTGRES=1` (`make test`), which turns the skip into a failure.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "kc_test_admin"
PASSWORD = "test-password"


def bin_dir() -> Path | None:
    """The folder of initdb / pg_ctl: on PATH, else the newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


@dataclass
class PgServer:
    """A running server: where its socket is and how to name a database on it."""

    host: str
    port: int
    user: str = SUPERUSER
    password: str = PASSWORD
    data_dir: Path | None = None
    _run_as: list[str] = field(default_factory=list)
    _bin: Path | None = None
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    def url(self, database: str, user: str | None = None, password: str | None = None) -> str:
        """A SQLAlchemy URL for a database on this server, as the given login."""
        login = quote(user or self.user, safe="")
        secret = quote(password if password is not None else self.password, safe="")
        host = quote(self.host, safe="")
        return f"postgresql+psycopg://{login}:{secret}@/{database}?host={host}&port={self.port}"

    def libpq_env(self) -> dict[str, str]:
        """PGHOST/PGPORT/PGUSER/PGPASSWORD for psql and pg_dump run by tests."""
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
        }

    def execute(self, *statements: str, database: str = "postgres") -> None:
        """Run statements as the superuser, outside a transaction (CREATE / DROP DATABASE)."""
        import psycopg

        with psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=database,
            autocommit=True,
        ) as conn:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def new_database_name(self, prefix: str = "kc_test") -> str:
        return f"{prefix}_{os.getpid()}_{next(self._numbers)}"

    def stop(self) -> None:
        if self.data_dir is None or self._bin is None:
            return
        subprocess.run(
            [
                *self._run_as,
                str(self._bin / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            capture_output=True,
            check=False,
            timeout=60,
        )


def from_environment() -> PgServer | None:
    """The server named by BUREAU_TEST_PG_URL, if set."""
    raw = os.environ.get("BUREAU_TEST_PG_URL")
    if not raw:
        return None
    from sqlalchemy.engine import make_url

    url = make_url(raw)
    host = str(url.query.get("host") or url.host or "localhost")
    return PgServer(host, url.port or 5432, url.username or "postgres", url.password or "")


def start(base: Path) -> PgServer:
    """initdb and start a private cluster under base; raises RuntimeError saying why not."""
    binaries = bin_dir()
    if binaries is None:
        raise RuntimeError("没有找到 PostgreSQL 服务器程序（initdb、pg_ctl）")
    run_as: list[str] = []
    base.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:  # the server refuses to run as root
        runuser = shutil.which("runuser")
        if runuser is None:
            raise RuntimeError("以 root 运行时需要 runuser 才能用 postgres 用户启动服务器")
        run_as = [runuser, "-u", "postgres", "--"]
        shutil.chown(base, user="postgres")
        base.chmod(0o700)
    data, socket_dir = base / "data", base
    pwfile = base / "pw"
    pwfile.write_text(PASSWORD + "\n", encoding="utf-8")
    if run_as:
        shutil.chown(pwfile, user="postgres")
    init = subprocess.run(
        [
            *run_as,
            str(binaries / "initdb"),
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(pwfile),
            "-A",
            "scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    if init.returncode != 0:
        raise RuntimeError(f"initdb 失败：{init.stderr.strip() or init.stdout.strip()}")
    port = 5432
    options = (
        f"-k {socket_dir} -p {port} -c listen_addresses='' -c fsync=off"
        " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        " -c shared_buffers=128MB"
    )
    started = subprocess.run(
        [
            *run_as,
            str(binaries / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(base / "server.log"),
            "-w",
            "-t",
            "120",
            "start",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    if started.returncode != 0:
        log = (base / "server.log").read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"PostgreSQL 启动失败：{started.stderr.strip()}\n{log}")
    return PgServer(str(socket_dir), port, data_dir=data, _run_as=run_as, _bin=binaries)
