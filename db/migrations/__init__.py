"""Alembic environment and versions: every schema change of the store is a migration here."""
