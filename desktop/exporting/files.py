"""Output files written whole or not at all: a temporary file beside the target, then a rename.

Every spreadsheet the app writes goes through `replacing` (or `save_workbook`): a folder, a missing
or unwritable folder, a full disk or a file held open by another program raise OutputError with a
message naming the path, and no temporary or half-written file is left behind. Light to import
(no openpyxl at module level).
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook


class OutputError(Exception):
    """An output file that cannot be written; the message names it (the command line exits 2)."""


def check_target(path: Path) -> None:
    """Refuse, before any work, an output path that is a folder or lies in no usable folder."""
    if path.is_dir():
        raise OutputError(f"输出路径是一个文件夹，请给出文件名：{path}")
    folder = path.parent
    if not folder.exists():
        raise OutputError(f"输出文件所在的文件夹不存在：{folder}")
    if not folder.is_dir():
        raise OutputError(f"输出文件的上级路径不是文件夹：{folder}")


def failure_text(path: Path, exc: OSError) -> str:
    """Why a file could not be written, in words a clerk understands, naming the file."""
    code = exc.errno
    if isinstance(exc, IsADirectoryError):
        return f"输出路径是一个文件夹，请给出文件名：{path}"
    if isinstance(exc, FileNotFoundError):
        return f"输出文件所在的文件夹不存在：{path.parent}"
    if isinstance(exc, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return f"没有权限写入文件（文件夹只读，或文件正被其他程序打开）：{path}"
    if code == errno.EROFS:
        return f"磁盘只读，无法写入文件：{path}"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"磁盘空间不足，无法写入文件：{path}"
    return f"无法写入文件：{path}（{exc.strerror or exc}）"


def temporary_beside(path: Path) -> Path:
    """A fresh hidden name in the target's folder (same file system, so the rename is atomic)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path`, otherwise it is removed."""
    check_target(path)
    tmp = temporary_beside(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(failure_text(path, exc)) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def save_workbook(book: Workbook, path: Path) -> Path:
    """Save a workbook whole or not at all, every cell neutralised (desktop.exporting.cells)."""
    from desktop.exporting.cells import neutralise_workbook

    neutralise_workbook(book)
    with replacing(path) as tmp:
        book.save(tmp)
    return path
