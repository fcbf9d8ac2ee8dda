"""The `bureau` command (spec/cli.md): the application without a window, on the same services.

Exit codes: 0 done · 1 internal error · 2 unusable input or arguments · 3 refused for safety.
A store's own refusals (locked after the busy timeout, read-only, a newer schema, another program
writing during a restore) are 3; a missing, damaged or unwritable file is 2 — never 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from db.errors import StoreError, StoreRefused, explain_sqlite_error
from db.locate import display_name_for
from desktop.commands import candidates as candidate_commands
from desktop.commands import collect, core, desks, export, importing, returns, users
from desktop.commands import indicators as indicator_commands
from desktop.commands.context import Context, Refused, UsageError
from desktop.commands.server_login import store_target
from desktop.exporting.files import OutputError
from desktop.logs import setup_logging
from desktop.preferences import resolve_operator

log = logging.getLogger("bureau.cli")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"bureau: 参数错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: global options, then one sub-command."""
    parser = _Parser(prog="bureau", description="科创台账 — 区科技局科技创新台账")
    parser.add_argument(
        "--db",
        help="数据文件路径或 SQLAlchemy URL（默认依次为 $BUREAU_DB、设置 → 数据位置中保存的位置、"
        "用户数据目录中的数据文件）；服务器要求密码时在终端中询问，或用 PGPASSWORD、pgpass 文件",
    )
    parser.add_argument("--operator", help="操作人（默认 $BUREAU_OPERATOR、个人设置或系统账户名）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in (
        core,
        export,
        importing,
        collect,
        returns,
        indicator_commands,
        candidate_commands,
        users,
        desks,
    ):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `bureau` console script."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    setup_logging()
    args = build_parser().parse_args(argv)
    ctx = Context(args, resolve_operator(args.operator))
    try:
        if args.command != "gui":  # the window picks its store and asks for a password itself
            args.db = store_target(args.db)
        code: int = args.handler(ctx)
        return code
    except (Refused, StoreRefused) as exc:
        print(f"bureau: {exc}", file=sys.stderr)
        return 3
    except (UsageError, StoreError, OutputError) as exc:
        print(f"bureau: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of our output went away (`bureau … | head`): nothing to report.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("bureau: 已中断", file=sys.stderr)
        return 1
    except Exception as exc:
        explained = explain_sqlite_error(exc, display_name_for(args.db))
        if explained is not None:  # the store refused (locked, read-only …): no bug
            log.info("bureau %s: %s", args.command, exc)
            print(f"bureau: {explained}", file=sys.stderr)
            return 3 if isinstance(explained, StoreRefused) else 2
        log.exception("bureau %s failed", args.command)
        from desktop.logs import log_path

        print(f"bureau: 内部错误：{exc}（详情见日志 {log_path()}）", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
