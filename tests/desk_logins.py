"""Clerks' logins on the test server for the role tests (spec/desks.md): made, then dropped.

Roles are the cluster's, shared by every test database, so each login has a name of its own and
is dropped when the test ends.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

from sqlalchemy.engine import make_url

from tests.pgserver import PgServer

_numbers = itertools.count()


class Logins:
    """Make login roles in one of the app's groups and name URLs that connect as them."""

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self.made: list[str] = []

    def make(self, role: str | None, password: str = "desk-password") -> str:
        """A new login in kc_<role> (None: in no group); its name."""
        name = f"clerk_{os.getpid()}_{next(_numbers)}"
        group = f" IN ROLE kc_{role}" if role else ""
        self.server.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'{group}")
        self.made.append(name)
        return name

    def adopt(self, name: str) -> str:
        """A login made by the code under test, dropped at the end like the others."""
        self.made.append(name)
        return name

    def url(self, database_url: str, login: str, password: str = "desk-password") -> str:
        """The test database's URL, connecting as the login."""
        database = make_url(database_url).database or ""
        return self.server.url(database, user=login, password=password)

    def libpq_env(self, database_url: str, login: str, password: str) -> dict[str, str]:
        """PG* variables for psql as the login on the test database."""
        database = make_url(database_url).database or ""
        return self.server.libpq_env() | {
            "PGUSER": login,
            "PGPASSWORD": password,
            "PGDATABASE": database,
        }

    def drop(self) -> None:
        names = ", ".join(f"'{n}'" for n in self.made)
        if not names:
            return
        self.server.execute(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename IN ({names})",
            *(f'DROP ROLE IF EXISTS "{n}"' for n in reversed(self.made)),
        )


def logins_for(server: PgServer) -> Iterator[Logins]:
    """A test's logins, dropped afterwards (the body of a `logins` fixture)."""
    made = Logins(server)
    try:
        yield made
    finally:
        made.drop()
