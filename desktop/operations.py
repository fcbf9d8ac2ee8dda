"""Named store operations: the one way the window writes (Anki's `aqt.operations` is the model).

An operation is a Qt-free function `op(session) -> result` that validates, writes and audits
through the services and returns what changed — usually a service call bound to its arguments
(`functools.partial(platforms.delete_platform, platform_id=7, operator="李静")`), or a small
named function here when one change spans several services. The window runs it with
`desktop.ui.shell.operations.run_op`, which hands `perform(store, op)` to the one write worker;
the CLI and the tests call the same functions on a session of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import TYPE_CHECKING, TypeVar

from desktop.progress import CancelToken, Progress

if TYPE_CHECKING:  # SQLAlchemy loads with the store, after the window's frame is shown
    from sqlalchemy.orm import Session

    from db.store import Store

T = TypeVar("T")
Operation = Callable[["Session"], T]
Steps = Callable[["Session", CancelToken], Generator[Progress, None, T]]


def perform(store: Store, op: Operation[T]) -> Generator[Progress, None, T]:
    """Background work: run `op` in one transaction (committed on success, rolled back on error)."""
    yield Progress(0, 0)
    with store.transaction() as session:
        return op(session)


def perform_steps(
    store: Store, steps: Steps[T], cancel: CancelToken
) -> Generator[Progress, None, T]:
    """Background work: run a step-wise operation in one transaction, passing on its progress.

    Cancelling between steps rolls the whole transaction back.
    """
    with store.transaction() as session:
        return (yield from steps(session, cancel))


def for_each(ids: Iterable[int], write: Callable[[Session, int], object]) -> Steps[list[int]]:
    """A step-wise operation applying `write(session, id)` to each id in turn, with progress."""
    chosen = list(ids)

    def steps(session: Session, cancel: CancelToken) -> Generator[Progress, None, list[int]]:
        for n, record_id in enumerate(chosen, start=1):
            cancel.raise_if_cancelled()
            write(session, record_id)
            yield Progress(n, len(chosen))
        return chosen

    return steps
