"""Roles of spec/desks.md: what a desk's login may do, as the server grants it.

On PostgreSQL a desk connects as its clerk's own login, a member of one of three group roles that
`bureau init` creates (`kc_viewer` 查阅, `kc_editor` 录入, `kc_admin` 管理); the server enforces
the grants, and the app follows them so that a clerk sees why an action is off instead of a
server error. A SQLite store has no roles: its one user is admin.

`may(role, action)` is the one table of who may do what; `require` raises the refusal the
command line turns into exit 3 (`没有权限：…`) and the window shows as a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal

from db.errors import StoreRefused

if TYPE_CHECKING:
    from sqlalchemy import Engine

Role = Literal["viewer", "editor", "admin"]
ROLES: Final[tuple[Role, ...]] = ("viewer", "editor", "admin")
GROUPS: Final[dict[Role, str]] = {
    "viewer": "kc_viewer",
    "editor": "kc_editor",
    "admin": "kc_admin",
}
ROLE_LABELS: Final[dict[Role, str]] = {"viewer": "查阅", "editor": "录入", "admin": "管理"}

Action = Literal[
    "read",  # read, print, export with IDs masked
    "edit",  # create / edit / delete / restore records
    "import",  # import, collection rounds
    "undo_own",  # undo one's own import batch
    "undo_any",  # undo anyone's import batch
    "settings",  # bureau settings, backups' retention
    "towns",  # the district's towns
    "targets",  # indicators and their targets
    "marks",  # legal marks of returns, 报出
    "users",  # user management
    "backup",  # pg_dump / a copy of the store
    "restore",  # replace the store's content
    "export_ids",  # export with unmasked ID numbers
]

_EDITOR: Final[frozenset[Action]] = frozenset({"read", "edit", "import", "undo_own"})
_ALLOWED: Final[dict[Role, frozenset[Action]]] = {
    "viewer": frozenset({"read"}),
    "editor": _EDITOR,
    "admin": _EDITOR
    | {
        "undo_any",
        "settings",
        "towns",
        "targets",
        "marks",
        "users",
        "backup",
        "restore",
        "export_ids",
    },
}
# What the clerk reads: "没有权限：<what> 需要<role>角色，当前账号 <login> 是<role>角色。"
ACTION_LABELS: Final[dict[Action, str]] = {
    "read": "查看数据",
    "edit": "新建、修改或删除记录",
    "import": "导入数据",
    "undo_own": "撤销导入",
    "undo_any": "撤销他人的导入",
    "settings": "修改设置",
    "towns": "修改镇街",
    "targets": "修改指标和目标",
    "marks": "修改报表签章或报出",
    "users": "管理用户",
    "backup": "备份数据库",
    "restore": "恢复数据库",
    "export_ids": "导出完整身份证号",
}


class PermissionRefused(StoreRefused):
    """The desk's role may not take the action (exit 3); nothing was written."""


def may(role: Role, action: Action) -> bool:
    """Whether a login of this role may take the action."""
    return action in _ALLOWED[role]


def least_role(action: Action) -> Role:
    """The lowest role that may take the action."""
    return next(r for r in ROLES if may(r, action))


def refusal(role: Role, action: Action, login: str | None = None) -> str:
    """The clerk's words for an action the role may not take."""
    who = f"当前账号 {login} " if login else "当前账号"
    need = ROLE_LABELS[least_role(action)]
    return f"没有权限：{ACTION_LABELS[action]}需要“{need}”角色，{who}是“{ROLE_LABELS[role]}”角色。"


def require(role: Role, action: Action, login: str | None = None) -> None:
    """Raise PermissionRefused unless the role may take the action."""
    if not may(role, action):
        raise PermissionRefused(refusal(role, action, login))


def server_identity(engine: Engine) -> tuple[str, Role]:
    """(current_user, role) of a server store's login (spec/desks.md).

    A superuser or the database's owner is admin; otherwise the highest kc_* group the login
    belongs to, directly or through another role; a login in none of them may only read.
    """
    from sqlalchemy import text

    with engine.connect() as conn:
        login, superuser, owner = conn.execute(
            text(
                "SELECT current_user, r.rolsuper,"
                " d.datdba = r.oid FROM pg_roles r, pg_database d"
                " WHERE r.rolname = current_user AND d.datname = current_database()"
            )
        ).one()
        groups = set(
            conn.execute(
                text(
                    "SELECT g.rolname FROM pg_roles g"
                    " WHERE g.rolname IN ('kc_viewer', 'kc_editor', 'kc_admin')"
                    " AND pg_has_role(current_user, g.oid, 'MEMBER')"
                )
            ).scalars()
        )
    if superuser or owner:
        return str(login), "admin"
    best: Role = "viewer"
    for role in ROLES:
        if GROUPS[role] in groups:
            best = role
    return str(login), best
