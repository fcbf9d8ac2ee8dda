"""Where a server store is and why connecting to it failed, in the clerk's words (no db.store).

`ServerAddress` is what 设置 → 数据位置 shows and edits; `explain_connect_error` gives the reason
for a failed connection as one of the `ConnectFailed` kinds. db/server.py (probe, check_location)
and db/server_errors.py (every refusal of a server store) build on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from db.errors import StoreError
from db.locate import is_server_url, url_user

DEFAULT_PORT = 5432
CONNECT_TIMEOUT_S = 10
DRIVER = "postgresql+psycopg"

_UNREACHABLE = re.compile(
    r"connection refused|no such file or directory|could not translate host name"
    r"|failed to resolve host|name or service not known|timeout expired|network is unreachable"
    r"|no route to host|could not connect to server|server closed the connection",
    re.IGNORECASE,
)
_WRONG_PASSWORD = re.compile(r"password authentication failed|口令认证失败|密码认证失败")
_NO_DATABASE = re.compile(
    r'database "(?P<name>[^"]*)" does not exist|数据库 "(?P<zh>[^"]*)" 不存在'
)
_NO_ROLE = re.compile(r'role "(?P<name>[^"]*)" does not exist|角色 "(?P<zh>[^"]*)" 不存在')
_NO_RULE = re.compile(r"no pg_hba\.conf entry|pg_hba\.conf 记录")
_NO_CONNECT = re.compile(r"permission denied for database|not permitted to log in")


class ConnectFailed(StoreError):
    """The server could not be used: unreachable, refused the login, no such database…"""


class PasswordNeeded(ConnectFailed):
    """The server asks for a password and the desk has none (no PGPASSWORD, no pgpass entry)."""


class LoginRefused(ConnectFailed):
    """The server refused the login: a wrong password, or no such login."""


class NoSuchDatabase(ConnectFailed):
    """The server has no database of that name."""


class ServerUnreachable(ConnectFailed):
    """No server answered at that address."""


@dataclass(frozen=True)
class ServerAddress:
    """Where a server database is and who logs in: what 设置 → 数据位置 shows and edits."""

    host: str
    port: int
    database: str
    user: str

    @classmethod
    def of(cls, url: str) -> ServerAddress | None:
        """The address in a server URL (None for anything else); a socket folder is the host."""
        if not is_server_url(url):
            return None
        from sqlalchemy.engine import make_url

        try:
            parsed = make_url(url)
        except Exception:  # an unreadable URL names no address
            return None
        host = parsed.host or _query_value(parsed.query.get("host")) or "localhost"
        port_text = _query_value(parsed.query.get("port"))
        port = parsed.port or (int(port_text) if port_text and port_text.isdigit() else None)
        return cls(host, port or DEFAULT_PORT, parsed.database or "", parsed.username or "")

    def url(self, password: str | None = None) -> str:
        """The SQLAlchemy URL (a host starting with / is the server's socket folder)."""
        from sqlalchemy.engine import URL

        host: str | None = self.host
        port: int | None = self.port
        query: dict[str, str] = {}
        if self.host.startswith("/"):
            query = {"host": self.host, "port": str(self.port)}
            host = port = None
        url = URL.create(
            DRIVER,
            username=self.user or None,
            password=password or None,
            host=host,
            port=port,
            database=self.database or None,
            query=query,
        )
        return url.render_as_string(hide_password=False)

    def place(self) -> str:
        """Host, port and database, as the clerk reads them."""
        return f"{self.host}:{self.port}，数据库 {self.database}"


def _query_value(value: str | tuple[str, ...] | None) -> str | None:
    if isinstance(value, tuple):
        return value[0] if value else None
    return value


def explain_connect_error(exc: BaseException, url: str) -> ConnectFailed:
    """The clerk's reason for a failed connection to the server at url."""
    orig = getattr(exc, "orig", None) or exc
    detail = str(orig).strip()
    first = detail.removeprefix("connection failed: ").removeprefix("connection is bad: ")
    first = first.splitlines()[0] if first else type(orig).__name__
    address = ServerAddress.of(url)
    where = address.place() if address else url
    login = url_user(url) or (address.user if address else "") or "（未填写）"
    pgconn = getattr(orig, "pgconn", None)
    if getattr(pgconn, "needs_password", False) or "no password supplied" in detail:
        return PasswordNeeded(
            f"服务器要求密码：账号 {login} 登录 {where} 需要输入密码。"
            "可在终端中运行以输入密码，或设置 PGPASSWORD 环境变量、pgpass 密码文件。"
        )
    if _WRONG_PASSWORD.search(detail):
        return LoginRefused(f"服务器拒绝登录：账号 {login} 的密码不正确，或服务器上没有这个账号。")
    found = _NO_DATABASE.search(detail)
    if found:
        name = found.group("name") or found.group("zh")
        return NoSuchDatabase(f"服务器上没有名为“{name}”的数据库，请检查数据库名称。")
    found = _NO_ROLE.search(detail)
    if found:
        name = found.group("name") or found.group("zh")
        return LoginRefused(f"服务器拒绝登录：服务器上没有账号“{name}”。")
    if _NO_RULE.search(detail):
        return LoginRefused(
            f"服务器拒绝登录：服务器不允许账号 {login} 从这台电脑连接（pg_hba.conf 中没有相应规则），"
            "请联系服务器管理员。"
        )
    if _NO_CONNECT.search(detail):
        return LoginRefused(f"服务器拒绝登录：账号 {login} 没有连接这个数据库的权限（{first}）。")
    if _UNREACHABLE.search(detail):
        return ServerUnreachable(
            f"无法连接服务器 {where}：服务器没有启动、地址或端口不对，或网络不通。（{first}）"
        )
    return ConnectFailed(f"无法连接服务器数据库 {where}：{first}")
