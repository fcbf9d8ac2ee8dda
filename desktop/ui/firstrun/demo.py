"""The demo district (`bureau init --demo`) in a file of its own, for looking around.

It lives in the user's data folder beside the default data file, never in the clerk's own store;
the window is reopened on it for this session only (设置 → 数据位置 is left as it was).
"""

from __future__ import annotations

from collections.abc import Generator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from db.locate import default_store_path
from desktop.operations import perform
from desktop.progress import Progress

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEMO_FILE = "演示区县.sqlite"


def demo_store_path() -> Path:
    """Where the demo district is kept."""
    return default_store_path().parent / DEMO_FILE


def _fill(session: Session, operator: str) -> bool:
    """The demo district in an empty store; False when it holds it (or other data) already."""
    from db.services.plans.indicators_seeds import seed_indicators
    from desktop import demo

    if demo.has_data(session):
        return False
    seed_indicators(session, operator)
    demo.fill(session, operator)
    return True


def make_demo(path: Path, operator: str) -> Generator[Progress, None, Path]:
    """Background work: create (or upgrade) the demo file and fill it once; its path."""
    from db.store import open_store

    yield Progress(0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    store = open_store(path)
    try:
        yield from perform(store, partial(_fill, operator=operator))
    finally:
        store.close()
    return path
