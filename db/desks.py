"""Several desks on one PostgreSQL server (spec/desks.md): the group roles, their grants, the logins.

`ensure_roles` creates the three group roles of db/roles.py (`kc_viewer` 查阅, `kc_editor` 录入,
`kc_admin` 管理; kc_admin is a member of kc_editor, kc_editor of kc_viewer) and grants them what
each may do on the current database, so that the server itself refuses a write the role may not
make — whatever program the clerk connects with. It is idempotent and runs after every migration
(db/store.py) and on `bureau init`: the grants are revoked and given again, so a new table is
covered and a table that became admin-only loses the editors' rights.

The clerks' logins (`bureau users …`) are login roles in one of the groups; the password goes to
the server only as libpq's SCRAM verifier, so neither the app nor the server's log ever holds it.
Roles are the cluster's, not one database's: creating them needs CREATEROLE.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Final

from db.errors import StoreError, StoreRefused
from db.roles import GROUPS, ROLE_LABELS, ROLES, Role

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = [
    "ADMIN_TABLES",
    "DeskUser",
    "RolesRefused",
    "UserError",
    "UserRefused",
    "add_user",
    "disable_user",
    "ensure_roles",
    "ensure_roles_where_allowed",
    "grant_problem",
    "list_users",
    "login_problem",
    "set_user_role",
]

# Tables only an admin may change (an editor reads them): the bureau's settings (backup retention
# included), the towns, the indicators and their targets, the returns' legal marks and what was
# 报出, the qualification types the migrations seed. `alembic_version` belongs to the migrations.
ADMIN_TABLES: Final[frozenset[str]] = frozenset(
    {
        "bureau_settings",
        "towns",
        "town_aliases",
        "indicators",
        "indicator_targets",
        "indicator_town_targets",
        "indicator_actuals",
        "return_legal_marks",
        "submitted_returns",
        "qualification_types",
    }
)
SCHEMA_VERSION_TABLE: Final = "alembic_version"
# Rows an editor adds but never deletes; of the audit trail only the batch an import tags its
# service writes with (db/services/imports/other.py `tagged`) may change.
EDITOR_APPEND_ONLY: Final[dict[str, str]] = {
    "audit_log": "INSERT, UPDATE (batch_id)",
    "import_batches": "INSERT, UPDATE",
}
_GROUP_LIST: Final = ", ".join(GROUPS[r] for r in ROLES)
_LOGIN = re.compile(r"[a-z][a-z0-9_]{0,62}")
_RESERVED_PREFIXES: Final = ("kc_", "pg_")


class RolesRefused(StoreRefused):
    """This login may not create the group roles or grant on this database (exit 3)."""


class UserError(StoreError):
    """An unusable login name or role, or a login that is not one of the app's (exit 2)."""


class UserRefused(StoreRefused):
    """The server or the app refuses the change to a login (exit 3); nothing was changed."""


@dataclass(frozen=True)
class DeskUser:
    """A clerk's login on the server: its group role and whether it may still connect."""

    login: str
    role: Role
    can_login: bool

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


# ---------------------------------------------------------------- the group roles and grants


def _scalar(conn: Connection, sql: str, **params: Any) -> Any:
    from sqlalchemy import text

    return conn.execute(text(sql), params).scalar()


def _existing_groups(conn: Connection) -> set[str]:
    from sqlalchemy import bindparam, text

    query = text("SELECT rolname FROM pg_roles WHERE rolname IN :names").bindparams(
        bindparam("names", expanding=True)
    )
    return set(conn.execute(query, {"names": list(GROUPS.values())}).scalars())


def grant_problem(conn: Connection) -> str | None:
    """Why this login cannot create the groups or grant on this database; None when it can.

    It must be a superuser, or own every table of the schema (the login that ran the migrations)
    and be able to create roles (CREATEROLE) unless the three groups exist already.
    """
    login, superuser, createrole = conn.exec_driver_sql(
        "SELECT current_user, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user"
    ).one()
    if superuser:
        return None
    foreign = _scalar(
        conn,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'S')"
        " AND NOT pg_has_role(current_user, c.relowner, 'USAGE')",
    )
    if foreign:
        return (
            f"当前账号 {login} 不是本数据库各数据表的所有者，不能为科创台账的角色授权。"
            "请用创建该数据库的账号（或数据库管理员账号）运行 bureau init。"
        )
    if len(_existing_groups(conn)) < len(GROUPS) and not createrole:
        return (
            f"服务器上还没有科创台账的角色（{_GROUP_LIST}），当前账号 {login} 没有创建角色的权限"
            f"（CREATEROLE）。请用数据库管理员账号运行一次 bureau init，"
            f"或请管理员执行 ALTER ROLE {login} CREATEROLE 后再试。"
        )
    return None


def ensure_roles(conn: Connection) -> None:
    """Create the three group roles when missing and grant them their rights on this database.

    Idempotent; runs in the caller's transaction (PostgreSQL only). Raises RolesRefused, saying
    why, when this login may not (see `grant_problem`).
    """
    problem = grant_problem(conn)
    if problem:
        raise RolesRefused(problem)
    _create_groups(conn)
    for statement in _grant_statements(conn):
        conn.exec_driver_sql(statement)


def ensure_roles_where_allowed(conn: Connection) -> bool:
    """`ensure_roles` when this login may grant (after a migration); False when it may not."""
    if conn.dialect.name != "postgresql" or grant_problem(conn) is not None:
        return False
    ensure_roles(conn)
    return True


def _create_groups(conn: Connection) -> None:
    from sqlalchemy.exc import DBAPIError

    existing = _existing_groups(conn)
    for role in ROLES:
        group = GROUPS[role]
        if group in existing:
            continue
        try:  # another database's init may be creating it at the same moment: that is no error
            with conn.begin_nested():
                conn.exec_driver_sql(f"CREATE ROLE {group} NOLOGIN")
        except DBAPIError:
            if group not in _existing_groups(conn):
                raise
    for lower, upper in pairwise(ROLES):
        if not _member_of(conn, GROUPS[upper], GROUPS[lower]):
            conn.exec_driver_sql(f"GRANT {GROUPS[lower]} TO {GROUPS[upper]}")


def _member_of(conn: Connection, member: str, group: str) -> bool:
    return bool(
        _scalar(
            conn,
            "SELECT EXISTS (SELECT 1 FROM pg_auth_members m"
            " JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member"
            " WHERE g.rolname = :group AND u.rolname = :member)",
            group=group,
            member=member,
        )
    )


def _grant_statements(conn: Connection) -> list[str]:
    quote = conn.dialect.identifier_preparer.quote
    schema = quote(str(_scalar(conn, "SELECT current_schema()")))
    tables = sorted(
        conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).scalars()
    )
    viewer, editor, admin = (GROUPS[r] for r in ROLES)
    data = [t for t in tables if t not in ADMIN_TABLES and t != SCHEMA_VERSION_TABLE]
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {_GROUP_LIST}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {_GROUP_LIST}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {viewer}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {editor}",
        f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {schema} TO {admin}",
    ]
    for table in data:
        rights = EDITOR_APPEND_ONLY.get(table, "INSERT, UPDATE, DELETE")
        statements.append(f"GRANT {rights} ON {schema}.{quote(table)} TO {editor}")
    for table in tables:
        if table != SCHEMA_VERSION_TABLE:
            statements.append(f"GRANT ALL ON {schema}.{quote(table)} TO {admin}")
    if _scalar(conn, "SELECT has_schema_privilege(current_schema(), 'USAGE WITH GRANT OPTION')"):
        statements.append(f"GRANT USAGE ON SCHEMA {schema} TO {viewer}")
    if _scalar(
        conn, "SELECT has_database_privilege(current_database(), 'CONNECT WITH GRANT OPTION')"
    ):
        database = quote(str(_scalar(conn, "SELECT current_database()")))
        statements.append(f"GRANT CONNECT ON DATABASE {database} TO {viewer}")
    return statements


# ---------------------------------------------------------------- the clerks' logins


def login_problem(login: str) -> str | None:
    """Why a name cannot be a clerk's login; None when it can."""
    if not _LOGIN.fullmatch(login):
        return (
            f"登录名“{login}”不可用：只能由小写英文字母、数字和下划线组成，"
            "以字母开头，最多 63 个字符（如 zhang_san）。"
        )
    if login.startswith(_RESERVED_PREFIXES):
        return f"登录名“{login}”不可用：以 kc_ 或 pg_ 开头的名称留给程序和服务器自身使用。"
    return None


def _checked_login(login: str) -> str:
    problem = login_problem(login)
    if problem:
        raise UserError(problem)
    return login


def _require_groups(conn: Connection) -> None:
    if len(_existing_groups(conn)) < len(GROUPS):
        raise UserError(
            f"服务器上还没有科创台账的角色（{_GROUP_LIST}）：请先用数据库管理员账号运行 bureau init。"
        )


def _user_rows(conn: Connection, login: str | None = None) -> list[DeskUser]:
    """The roles that are members of one of the groups (directly or through another role).

    Membership is read from pg_auth_members, not pg_has_role: a superuser has every role's
    rights without being one of the app's users.
    """
    from sqlalchemy import text

    _require_groups(conn)
    groups = ", ".join(f"'{g}'" for g in GROUPS.values())
    rows = conn.execute(
        text(
            "WITH RECURSIVE member_of(member, grp) AS ("
            " SELECT m.member, g.rolname FROM pg_auth_members m"
            f" JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname IN ({groups})"
            " UNION SELECT m.member, o.grp FROM pg_auth_members m"
            " JOIN member_of o ON m.roleid = o.member)"
            " SELECT r.rolname, r.rolcanlogin,"
            f" bool_or(o.grp = '{GROUPS['admin']}'), bool_or(o.grp = '{GROUPS['editor']}')"
            " FROM member_of o JOIN pg_roles r ON r.oid = o.member"
            f" WHERE r.rolname NOT IN ({groups})"
            " AND (CAST(:login AS text) IS NULL OR r.rolname = :login)"
            " GROUP BY r.rolname, r.rolcanlogin ORDER BY r.rolname"
        ),
        {"login": login},
    )
    users = []
    for name, can_login, is_admin, is_editor in rows:
        role: Role = "admin" if is_admin else "editor" if is_editor else "viewer"
        users.append(DeskUser(str(name), role, bool(can_login)))
    return users


def list_users(conn: Connection) -> list[DeskUser]:
    """Every clerk's login of the app on this server, by name."""
    return _user_rows(conn)


def _app_user(conn: Connection, login: str) -> DeskUser:
    _checked_login(login)
    found = _user_rows(conn, login)
    if not found:
        exists = _scalar(conn, "SELECT count(*) FROM pg_roles WHERE rolname = :l", l=login)
        raise UserError(
            f"“{login}”是服务器上的其他角色，不是科创台账的用户。"
            if exists
            else f"没有名为“{login}”的用户（bureau users list 列出所有用户）。"
        )
    return found[0]


def _run(conn: Connection, statements: Sequence[Any]) -> None:
    """Execute psycopg.sql compositions on the connection's driver, inside its transaction."""
    from psycopg import errors

    raw: Any = conn.connection.driver_connection
    try:
        with raw.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    except errors.InsufficientPrivilege as exc:
        login = _scalar(conn, "SELECT current_user")
        raise UserRefused(
            f"服务器拒绝了用户管理：当前账号 {login} 没有管理角色的权限（需要 CREATEROLE，"
            f"或对 {_GROUP_LIST} 的管理权限）。没有做任何修改。（{exc.diag.message_primary}）"
        ) from exc


def _membership(login: str, role: Role) -> list[Any]:
    """Statements that make the login a member of exactly its role's group.

    An admin manages users: it may create roles and hand on membership in the groups.
    """
    from psycopg import sql

    who = sql.Identifier(login)
    groups = sql.SQL(", ").join(sql.Identifier(g) for g in GROUPS.values())
    statements: list[Any] = [sql.SQL("REVOKE {} FROM {}").format(groups, who)]
    if role == "admin":
        statements.append(sql.SQL("GRANT {} TO {} WITH ADMIN OPTION").format(groups, who))
        statements.append(sql.SQL("ALTER ROLE {} CREATEROLE").format(who))
    else:
        group = sql.Identifier(GROUPS[role])
        statements.append(sql.SQL("GRANT {} TO {}").format(group, who))
        statements.append(sql.SQL("ALTER ROLE {} NOCREATEROLE").format(who))
    return statements


def add_user(conn: Connection, login: str, role: Role, password: str) -> DeskUser:
    """Create a clerk's login in the role's group, with its password (never kept by the app)."""
    from psycopg import sql

    _checked_login(login)
    _require_groups(conn)
    if role not in ROLES:
        raise UserError(f"未知的角色：{role}（可用：{'、'.join(ROLES)}）")
    if not password:
        raise UserError("密码不能为空。")
    if _scalar(conn, "SELECT count(*) FROM pg_roles WHERE rolname = :l", l=login):
        mine = _user_rows(conn, login)
        raise UserError(
            f"用户“{login}”已存在（{mine[0].role_label}）：改角色请用 bureau users set-role。"
            if mine
            else f"“{login}”是服务器上已有的其他角色，不能用作科创台账的用户。"
        )
    raw: Any = conn.connection.driver_connection
    # libpq's verifier (SCRAM as the server asks): the password itself never reaches the server.
    verifier = raw.pgconn.encrypt_password(password.encode("utf-8"), login.encode("utf-8"))
    create = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
        sql.Identifier(login), sql.Literal(verifier.decode("ascii")), sql.Identifier(GROUPS[role])
    )
    _run(conn, [create, *_membership(login, role)])
    return DeskUser(login, role, True)


def _not_self(conn: Connection, login: str, what: str) -> None:
    if _scalar(conn, "SELECT current_user") == login:
        raise UserRefused(f"不能{what}当前登录的账号 {login}：请用另一个管理账号操作。")


def set_user_role(conn: Connection, login: str, role: Role) -> tuple[DeskUser, Role]:
    """Move a login to another group; returns the changed user and its former role."""
    if role not in ROLES:
        raise UserError(f"未知的角色：{role}（可用：{'、'.join(ROLES)}）")
    before = _app_user(conn, login)
    if before.role != role:
        _not_self(conn, login, "改变")
        _run(conn, _membership(login, role))
    return DeskUser(login, role, before.can_login), before.role


def disable_user(conn: Connection, login: str) -> DeskUser:
    """Take a login's right to connect (NOLOGIN); its rows and audit trail stay."""
    from psycopg import sql

    user = _app_user(conn, login)
    _not_self(conn, login, "停用")
    if user.can_login:
        _run(conn, [sql.SQL("ALTER ROLE {} NOLOGIN").format(sql.Identifier(login))])
    return DeskUser(login, user.role, False)
